import { AthenaClient } from '@aws-sdk/client-athena';
import { writeHelp } from './helpText.js';
import { counted } from '../model/plural.js';
import { recordFromRow } from '../athena/records.js';
import { AthenaCancelled, AthenaError, runAthenaQuery, type AthenaProgress, type AthenaResult } from '../athena/run.js';
import { athenaStatement, missingColumn, readsEveryDay } from '../athena/statement.js';
import { csvHeader, csvLines } from '../export/csv.js';
import { formatEventTime } from '../export/columns.js';
import { formatBytes } from '../export/progress.js';
import { normalize } from '../model/normalize.js';
import { RecordBatch } from '../model/recordBatch.js';
import { errorLabel } from '../model/failure.js';
import { SqlCompileError } from '../query/sql/index.js';
import { terminalSafeJson } from '../term/jsonText.js';
import { sanitize, sanitizeLine } from '../term/sanitize.js';
import { progressLine } from '../term/progressLine.js';
import { parseCommandArgs, UsageError } from './args.js';
import { parsePartitions, refuseAthenaTable, refuseUnprintableTable } from './sql.js';
import { stdoutFailureCode, watchStdout } from './stdout.js';
import { cloudtrailPathNote, parseForSql, refuseTags, requiredQuery } from './sqlQuery.js';

export const ATHENA_USAGE = `Usage: trailtop athena --database D --table T --workgroup W [--output s3://BUCKET/PREFIX/]
                       [--catalog C] [--partitions region,timestamp] [--limit N]
                       [--format list|jsonl|csv] [--print-sql] QUERY

Runs a trailtop query on Athena over the trail bucket (AWS's CloudTrail table, see the README's
"Bigger than memory") and prints the matching events, newest first. Credentials and region come
from the standard AWS chain (AWS_PROFILE, AWS_REGION, SSO, instance roles ...). QUERY is one
argument, quoted; '' matches every event.

Options:
  --database D       the Glue database holding the table
  --table T          the CloudTrail table
  --workgroup W      the Athena workgroup (its settings, limits and billing apply)
  --output S3        where Athena writes results (default: the workgroup's setting)
  --catalog C        the data catalog (default AwsDataCatalog)
  --partitions LIST  the table's partition columns trailtop may constrain from region: and time
                     terms (default region,timestamp; AWS's single-region table: timestamp; '' none)
  --limit N          at most N events (default 1000)
  --format F         list (default), jsonl (the records) or csv
  --print-sql        print the statement on stderr before running it
  -h, --help         show this help

Athena bills by the bytes scanned: time terms (since:, from:, to:) and region: terms narrow the
partitions read. Progress and bytes scanned are shown on stderr.
Exit status: 0 done, 1 Athena or AWS failed (credentials, permission, query failed or cancelled),
2 bad arguments or query, 130 interrupted (the query is stopped on Athena).`;

const OPTIONS = {
  database: { type: 'string' },
  table: { type: 'string' },
  workgroup: { type: 'string' },
  output: { type: 'string' },
  catalog: { type: 'string' },
  partitions: { type: 'string' },
  limit: { type: 'string' },
  format: { type: 'string' },
  'print-sql': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What to do about a table made from an older DDL than AWS's current one. */
const OLDER_TABLE = "it was made from an older DDL: 'trailtop sql --ddl' prints AWS's current table; dropping this external table leaves the logs in S3";

const EVERY_DAY = 'no since: or from: applies to the whole query, so Athena reads every day the trail holds (billed by the bytes; Ctrl-C stops it): add since:7d or from:2024-03-05 to read less';

function progressText(progress: AthenaProgress): string {
  return `athena ${progress.state.toLowerCase()}: ${formatBytes(progress.bytesScanned)} scanned, ${(progress.elapsedMs / 1000).toFixed(1)} s`;
}

export interface AthenaCommandOptions {
  /** For tests: the client to use (default: one from the standard AWS chain). */
  client?: AthenaClient;
  sleep?: (ms: number) => Promise<void>;
}

export async function runAthena(argv: string[], options: AthenaCommandOptions = {}): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, 1);
  if (values.help) {
    return await writeHelp(ATHENA_USAGE);
  }
  for (const name of ['database', 'table', 'workgroup'] as const) {
    if (!values[name]) throw new UsageError(`athena needs --${name}: trailtop athena --database D --table T --workgroup W QUERY`);
  }
  refuseUnprintableTable(values.table);
  refuseAthenaTable(values.table!);
  if (values.output !== undefined && !/^s3:\/\/[^/]/.test(values.output)) throw new UsageError('--output must be an s3:// location with a bucket (s3://BUCKET/PREFIX/)');
  // An empty catalog fell back to the default without a word: the user meant some catalog.
  if (values.catalog !== undefined && values.catalog.trim() === '') throw new UsageError('--catalog needs a catalog name (default AwsDataCatalog)');
  const limit = values.limit === undefined ? 1000 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit takes a whole number of events, 1 or more, not '${sanitize(values.limit ?? '')}'`);
  const format = (values.format ?? 'list').toLowerCase();
  if (format !== 'list' && format !== 'jsonl' && format !== 'csv') throw new UsageError(`unknown --format '${sanitize(values.format ?? '')}' (use list, jsonl or csv)`);
  const ast = parseForSql(requiredQuery(positionals, 'athena'));
  refuseTags(ast, 'run on Athena');
  const partitions = parsePartitions(values.partitions);
  let sql: string;
  try {
    sql = athenaStatement(ast, { table: values.table!, partitions, limit });
  } catch (error) {
    if (error instanceof SqlCompileError) throw new UsageError(`cannot run this query on Athena: ${sanitizeLine(error.message)}`, false);
    throw error;
  }
  if (values['print-sql']) process.stderr.write(`${sql}\n`);
  const note = cloudtrailPathNote(ast);
  if (note) process.stderr.write(`trailtop: ${note}\n`);
  // Said once Athena has the query (a query that cannot start costs nothing, and its error stays one line):
  // without since:/from: it reads the whole trail, often terabytes; Ctrl-C still stops it.
  let everyDay = readsEveryDay(ast, partitions);

  // The SDK warns on every run that its releases after January 2027 need Node 22: not something a
  // trailtop user can act on mid-query (package.json pins the SDK), so it is not printed.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const client = options.client ?? new AthenaClient({});
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.on('SIGINT', onSignal);
  const tty = process.stderr.isTTY === true;
  // Room kept for the `^C` echo (term/progressLine.ts).
  const bar = progressLine();
  const omit = new Set<string>();
  try {
    let result: AthenaResult;
    for (;;) {
      try {
        result = await runAthenaQuery(
          client,
          sql,
          { database: values.database!, workgroup: values.workgroup!, output: values.output, catalog: values.catalog },
          {
            signal: controller.signal,
            sleep: options.sleep,
            onStarted: () => {
              if (everyDay) process.stderr.write(`trailtop: note: ${EVERY_DAY}\n`);
              everyDay = false;
            },
            onProgress: tty
              ? (progress) => bar.draw(progressText(progress))
              : undefined,
          },
        );
        break;
      } catch (error) {
        // A table made from an older DDL lacks a column the SELECT reads back: once per column, the
        // statement goes again without it (a query failing on its columns scans nothing, so costs nothing).
        const column = error instanceof AthenaError && !(error instanceof AthenaCancelled) ? missingColumn(error.message) : null;
        if (column === null) throw error;
        if (omit.has(column)) {
          throw new AthenaError(`${error instanceof Error ? error.message : String(error)} (the query reads ${column}, which this table lacks: ${OLDER_TABLE})`, (error as AthenaError).queryId);
        }
        omit.add(column);
        bar.clear();
        process.stderr.write(`trailtop: note: the table has no ${sanitize(column)} column, so events come without it (${OLDER_TABLE})\n`);
        sql = athenaStatement(ast, { table: values.table!, partitions, limit, omit });
      }
    }
    bar.clear();
    let count = 0;
    // `| head` leaving, or a full disk: noted, not Node's unhandled 'error' stack; no more pages are fetched.
    const written = watchStdout();
    if (format === 'csv') process.stdout.write(csvHeader());
    for await (const page of result.pages()) {
      if (written.error) break;
      const batch = new RecordBatch(`athena:${result.queryId}`);
      const records = page.map(recordFromRow);
      const rows = records.map((record, k) => normalize(record, batch, count + k));
      if (format === 'jsonl') process.stdout.write(records.map((r) => `${terminalSafeJson(JSON.stringify(r))}\n`).join(''));
      else if (format === 'csv') process.stdout.write(csvLines(rows, 0, rows.length, false));
      else {
        const lines = rows.map((row) =>
          [formatEventTime(row), row.name, row.actor, row.sourceIp, errorLabel(row)].map((v) => sanitize(v)).join('  ').trimEnd(),
        );
        if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
      }
      count += rows.length;
    }
    // A write to a file or device fails on the next tick: let it land before the summary.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (written.error) return stdoutFailureCode(written.error, 'results');
    process.stderr.write(`trailtop: ${counted(count, 'event')}; Athena scanned ${formatBytes(result.bytesScanned)} (query ${sanitize(result.queryId)})\n`);
    return 0;
  } catch (error) {
    bar.clear();
    if (error instanceof AthenaCancelled && controller.signal.aborted) {
      process.stderr.write(`trailtop: ${sanitizeLine(error.message)}\n`);
      return 130;
    }
    if (error instanceof AthenaError) {
      process.stderr.write(`trailtop: ${sanitizeLine(error.message)}${error.queryId ? ` (query ${sanitize(error.queryId)})` : ''}\n`);
      return 1;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
  }
}
