import { Vocabulary } from '../query/index.js';
import { writeHelp } from './helpText.js';
import { terminalSafeJson } from '../term/jsonText.js';
import { sanitize } from '../term/sanitize.js';
import { warnRuleStops } from './ruleStops.js';
import { ELLIPSIS, truncate } from '../term/width.js';
import { filterNeedsMarks, savedMarks, tagContext } from './marks.js';
import { combineFilter, compileFilter, FOLDER_OPERAND, parseCommandArgs, requireFolderOrFile, UsageError } from './args.js';
import { dbOption } from './dbFolder.js';
import { RULES_HELP, RULES_OPTION } from './rulesOption.js';
import type { Count, ScanSummary } from './scanSummary.js';
import type { FileShape } from '../model/types.js';
import type { ReportedConflict } from '../store/progress.js';
import { checkBucketOption, HISTOGRAM_OPTIONS, HISTOGRAM_USAGE } from './histogramOptions.js';
import { writeStdout } from './stdout.js';

export { summarizeStore, type ScanSummary } from './scanSummary.js';

export const SCAN_USAGE = `Usage: trailtop scan DIR|FILE [--json] [--filter Q] [--since T] [--until T] [--histogram [--bucket B]]
       trailtop scan --db FILE [DIR] [--json] [--filter Q] [--since T] [--until T]
                     (--histogram: on a folder, not --db)

Reads every CloudTrail file under DIR (any name, gzip or not), or just FILE, and prints a summary:
files read by shape, digests skipped, skipped and bad files with reasons, events read,
unique and duplicate, first and last event time (UTC), top event names and actors,
errors by code, Insights events.

Options:
  --json        print the summary as one JSON object
  --filter Q    summarise only events matching the query Q
  --since T     only events at or after T (30m, 2h, 7d or an ISO time)
  --until T     only events at or before T (a date or minute: through its end)
  --db FILE     summarise a DuckDB archive (trailtop archive) with SQL; with DIR, import what is new first
${HISTOGRAM_USAGE}
${RULES_HELP}
                (run only for a rule: term in --filter)
  -h, --help    show this help

Bad files are also reported on stderr (with --db, those DIR's import finds; the
summary lists the archive's). Exit status: 0 when the folder or file was read,
1 when the --db archive cannot be read (another process is writing to it), 2 for
bad arguments, a bad query, a missing path, or a FIFO or device, 130
interrupted.`;

const OPTIONS = {
  ...RULES_OPTION,
  json: { type: 'boolean' },
  filter: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  db: { type: 'string' },
  ...HISTOGRAM_OPTIONS,
} as const;

export async function runScan(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, 1, FOLDER_OPERAND);
  if (values.help) {
    return await writeHelp(SCAN_USAGE);
  }
  const db = dbOption(values.db);
  const dir = positionals[0];
  if (db !== undefined) {
    // Not silently the summary: the archive's histogram (aggregate.ts) has fixed-size buckets only, not
    // scan's calendar weeks and months, so `scan DIR --histogram` is the one that answers it.
    if (values.histogram || values.bucket !== undefined) {
      throw new UsageError("--histogram is not supported with --db: run 'trailtop scan DIR --histogram', or press h in 'trailtop --db FILE'", false);
    }
    const summary = await (await import('./dbCommands.js')).scanDb(db, dir, combineFilter(values.filter, values.since, values.until), values.rules);
    return await writeStdout(values.json ? `${safeJson(summary)}\n` : formatSummary(summary), 'summary');
  }
  if (!dir) throw new UsageError('scan needs a folder or file: trailtop scan DIR|FILE');
  // The folder's reader, its workers, the rule loader and the rule engine load only here: `scan --db` needs none of them
  // (~60 ms of CPU at start-up, paid by every query on an archive).
  const [{ scanFolderHeadless }, { deepPart }, { detectionSession }, { commandRules, filterNeedsRules, reportRulesNotRun, requireNamedRules }] = await Promise.all([
    import('../scan/run.js'),
    import('../query/deep/engine.js'),
    import('../detect/session.js'),
    import('./rules.js'),
  ]);

  // Fuzzy words mean the same here as in the dashboard: the vocabulary grows as files load.
  const vocabulary = new Vocabulary();
  const source = combineFilter(values.filter, values.since, values.until);
  // rule: terms need the detection rules run over the folder (a missing --rules folder: exit 2).
  const needsRules = filterNeedsRules(source);
  const rules = values.rules || process.env.TRAILTOP_RULES || needsRules ? commandRules(values.rules) : null;
  if (rules) requireNamedRules(source, rules);
  const session = rules && needsRules ? detectionSession(rules) : null;
  if (rules && session) reportRulesNotRun(rules);
  const now = Date.now();
  await requireFolderOrFile(dir);
  const marks = filterNeedsMarks(source) ? savedMarks(dir) : null;
  const query = compileFilter(source, vocabulary, tagContext(session, marks), now, true);
  const bucket = checkBucketOption(values.histogram, values.bucket);
  if (values.histogram && query?.deep) throw new UsageError('--histogram takes summary fields only: record paths and params: are not supported with it', false);
  if (values.histogram) return await writeStdout(await (await import('./scanHistogram.js')).scanHistogram(dir, query, bucket, Boolean(values.json), session), 'summary');

  // Headless: no EventStore; files are parsed on both cores and only counted (src/scan/).
  const tally = await scanFolderHeadless(dir, {
    // Record paths and params: are tested on the records where the workers read them.
    ...(query?.deep ? { deep: deepPart(query.ast) } : {}),
    ...(session?.detection ? { rules: session.detection.rules, onHits: session.onHits } : {}),
    // Without plain (fuzzy) words, rule: or mark: terms the query needs nothing of this thread: the workers
    // test it and send only their answers, not the rows.
    ...(query && !session && !marks && query.explain().length === 0 ? { workerFilter: { source, now } } : {}),
    test: query
      ? (rows) => {
          vocabulary.addRows(rows);
          const matches = new Uint8Array(rows.length);
          for (let r = 0; r < rows.length; r++) if (query.test(rows[r]!)) matches[r] = 1;
          return matches;
        }
      : undefined,
  });
  const summary = tally.summary({ folder: dir, filter: query ? source : null });
  for (const bad of summary.files.bad) process.stderr.write(`trailtop: bad file ${shown(bad.path, PATH_COLUMNS)}: ${shown(bad.reason, PATH_COLUMNS)}\n`);
  warnRuleStops(tally.progress.ruleStops);
  return await writeStdout(values.json ? `${safeJson(summary)}\n` : formatSummary(summary), 'summary');
}

/**
 * JSON for a terminal or a pipe: JSON.stringify already escapes C0 controls
 * (ESC becomes \u001b); this also escapes DEL, C1 controls and bidi overrides,
 * which some terminals act on. The result is the same JSON value.
 */
export function safeJson(value: unknown): string {
  return terminalSafeJson(JSON.stringify(value, null, 2));
}

/**
 * Columns a value from a log takes at most in scan's text (a 10 MB event name
 * was printed whole); the JSON output keeps every value whole.
 */
const VALUE_COLUMNS = 200;
const PATH_COLUMNS = 400;

/** A value as scan's text shows it: sanitised and cut to `columns` with an ellipsis. */
export function shown(text: string, columns = VALUE_COLUMNS): string {
  // Only a prefix is sanitised: escapes only make text longer, so `columns * 2` characters always suffice.
  const head = text.length > columns * 2 + 1 ? text.slice(0, columns * 2 + 1) : text;
  const safe = truncate(sanitize(head), columns);
  return head.length < text.length && !safe.endsWith(ELLIPSIS) ? truncate(`${safe}${ELLIPSIS}`, columns) : safe;
}

/** One conflicting duplicate as text: its eventID, the file of the other copy, the one kept, what differs. */
export function conflictLine(c: ReportedConflict): string {
  const kept = c.keptFile ? ` (kept: ${shown(c.keptFile, PATH_COLUMNS)})` : '';
  const field = c.field ? `, ${c.field} differs` : '';
  return `${shown(c.eventID)}: other copy in ${shown(c.file, PATH_COLUMNS)}${kept}${field}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function table(title: string, rows: Count[]): string[] {
  if (rows.length === 0) return [];
  const width = String(rows[0]!.count).length;
  return [title, ...rows.map((r) => `  ${String(r.count).padStart(width)}  ${shown(r.name)}`)];
}

/**
 * The order the file shapes are named in: fixed, so a folder read by parallel workers and an archive's
 * GROUP BY (which counted them in whatever order) print the same line from run to run.
 */
const SHAPE_ORDER: readonly string[] = ['records', 'array', 'single', 'jsonl', 'lookup-events', 'eventbridge', 'lake-csv', 'athena-csv', 'console-csv', 'empty'] satisfies FileShape[];
const shapeRank = (shape: string): number => {
  const at = SHAPE_ORDER.indexOf(shape);
  return at === -1 ? SHAPE_ORDER.length : at;
};

/** The human form of a summary; every log-derived string goes through the sanitiser. */
export function formatSummary(s: ScanSummary): string {
  const shapes = Object.entries(s.files.byShape)
    .filter(([shape]) => !['digest', 'not-cloudtrail', 'bad'].includes(shape))
    .sort(([a], [b]) => shapeRank(a) - shapeRank(b))
    .map(([shape, n]) => `${shape} ${n}`)
    .join(', ');
  // An archive under a filter: the copies read of the matching events are not known (null).
  const copiesUnknown = s.events.read === null || s.events.duplicates === null;
  const lines = [
    `Path      ${shown(s.folder, PATH_COLUMNS)}`,
    ...(s.filter ? [`Filter    ${shown(s.filter, PATH_COLUMNS)}`] : []),
    `Files     ${s.files.read} read${shapes ? ` (${shapes})` : ''}, ${plural(s.files.digests, 'digest')} skipped, ${s.files.skipped.length} skipped, ${s.files.bad.length} bad`,
    (copiesUnknown
      ? `Events    ${s.events.unique} unique`
      : `Events    ${s.events.read} read, ${s.events.unique} unique, ${plural(s.events.duplicates ?? 0, 'duplicate')}`) +
      ((s.events.conflicts ?? 0) > 0 ? ` (${s.events.conflicts} CONFLICTING: same eventID, different content)` : '') +
      (s.filter ? ` (matching; ${s.events.total} unique in all${copiesUnknown ? '; copies read are not counted under a filter: an archive keeps one of each' : ''})` : '') +
      (s.events.badTime > 0 ? `, ${s.events.badTime} with an unreadable time` : ''),
    `Time      ${s.time.first ?? '-'} .. ${s.time.last ?? '-'} (UTC)`,
    `Insights  ${plural(s.events.insights, 'event')}${s.insights.length > 0 ? `, ${plural(s.insights.length, 'Insight')}` : ''}`,
    ...s.insights.map(
      (i) =>
        `  ${shown(i.eventName)} (${shown(i.eventSource)}) ${shown(i.insightType)}${i.errorCode ? ` ${shown(i.errorCode)}` : ''}: ` +
        `${i.start ?? '?'} .. ${i.end ?? 'ongoing'}, baseline ${i.baselineAverage ?? '-'}/min, insight ${i.insightAverage ?? '-'}/min, ${i.eventsOnDisk} events on disk`,
    ),
    ...table('Top event names', s.topEventNames),
    ...table('Top actors', s.topActors),
    ...table(
      'Errors by code',
      s.errorsByCode.slice(0, 10).map((e) => ({ name: e.code, count: e.count })),
    ),
  ];
  const conflicts = s.events.conflicts ?? 0;
  if (conflicts > 0) {
    // Real CloudTrail duplicates are identical copies: these are what a responder must see.
    const listed = s.conflictingDuplicates ?? [];
    lines.push(`Conflicting duplicates (same eventID, different content; the first copy in file order is kept)`);
    for (const c of listed) lines.push(`  ${conflictLine(c)}`);
    if (conflicts > listed.length) lines.push(`  ... and ${conflicts - listed.length} more`);
  }
  if (s.files.skipped.length > 0) {
    lines.push('Skipped files');
    for (const f of s.files.skipped) lines.push(`  ${shown(f.path, PATH_COLUMNS)}: ${shown(f.reason, PATH_COLUMNS)}`);
  }
  if (s.files.rulesStopped) {
    lines.push('Rules stopped (a test ran past the watchdog: the events are counted, the rule no longer runs)');
    for (const f of s.files.rulesStopped) lines.push(`  ${shown(f.path, PATH_COLUMNS)}: ${shown(f.reason, PATH_COLUMNS)}`);
  }
  if (s.files.bad.length > 0) {
    lines.push('Bad files');
    for (const f of s.files.bad) lines.push(`  ${shown(f.path, PATH_COLUMNS)}: ${shown(f.reason, PATH_COLUMNS)}`);
  }
  return `${lines.join('\n')}\n`;
}
