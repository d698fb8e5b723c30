import { athenaStatement, type PartitionColumn } from '../athena/statement.js';
import { writeHelp } from './helpText.js';
import { ORDER_BY } from '../archive/query.js';
import { compileWhere, DIALECT_NAMES, isDialectName, quoteTableName, SqlCompileError, type FuzzyResolver } from '../query/sql/index.js';
import { fuzzyFromVocabulary } from '../query/sql/fuzzy.js';
import { checkAthenaTableName, cloudtrailDdl, DDL_DEFAULTS, DdlError, defaultDdlLocation } from '../query/sql/cloudtrailTable.js';
import { needsSanitizing, sanitize, sanitizeLine } from '../term/sanitize.js';
import { parseCommandArgs, UsageError } from './args.js';
import { dbOption } from './dbFolder.js';
import { writeStdout } from './stdout.js';
import { cloudtrailPathNote, parseForSql, refuseTags, requiredQuery } from './sqlQuery.js';

export const SQL_USAGE = `Usage: trailtop sql --dialect athena|duckdb [--table NAME] [--schema cloudtrail|archive]
                    [--partitions region,timestamp] [--db FILE] QUERY
       trailtop sql --ddl [--table NAME] [--location s3://...] [--regions LIST] [--start yyyy/MM/dd]
                    [--partitions region,timestamp]

Prints the SQL for a trailtop query, to paste into the Athena console, DuckDB or a notebook.
QUERY is one argument, quoted; '' matches every event.
With --ddl, prints the CREATE TABLE for AWS's CloudTrail table in Athena (partition projection)
that the cloudtrail schema's SQL reads, to run once in the Athena console.

Options:
  --dialect D        athena (Trino) or duckdb
  --table NAME       the table (default: cloudtrail_logs for athena, events for duckdb);
                     athena: letters, digits and underscores, optionally database.table
  --schema S         cloudtrail: AWS's Athena CloudTrail table (default for athena);
                     archive: a 'trailtop archive' database (default for duckdb)
  --partitions LIST  athena: partition columns the table has (default region,timestamp;
                     AWS's single-region table: timestamp); '' for none
  --db FILE          resolve fuzzy words against this archive's values (else words are substring-only)
  --ddl              print the table's CREATE TABLE instead of a query
  --location S3      --ddl: the trail's CloudTrail/ prefix, above the region folders (default
                     ${DDL_DEFAULTS.location}); with --partitions timestamp, one region's folder
                     (default: that prefix and ${DDL_DEFAULTS.regions[0]}/)
  --regions LIST     --ddl: the regions the region partition projects (default
                     ${DDL_DEFAULTS.regions.join(',')})
  --start DAY        --ddl: the first day the timestamp partition projects, yyyy/MM/dd (default ${DDL_DEFAULTS.start})
  -h, --help         show this help

Exit status: 0 printed, 1 the --db archive cannot be read (another process is
writing to it), 2 bad arguments or a query SQL cannot express.`;

const OPTIONS = {
  dialect: { type: 'string' },
  table: { type: 'string' },
  schema: { type: 'string' },
  partitions: { type: 'string' },
  db: { type: 'string' },
  ddl: { type: 'boolean' },
  location: { type: 'string' },
  regions: { type: 'string' },
  start: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type SqlValues = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values'];

/** `sql --ddl`: the CREATE TABLE of cloudtrailTable.ts, the one description the cloudtrail schema compiles against. */
async function printDdl(values: SqlValues, positionals: string[]): Promise<number> {
  if (positionals.length > 0) throw new UsageError('--ddl prints the table, not a query: drop the QUERY');
  if (values.dialect !== undefined && values.dialect.toLowerCase() !== 'athena') throw new UsageError('--ddl prints Athena DDL: drop --dialect or use --dialect athena');
  if (values.schema !== undefined && values.schema.toLowerCase() !== 'cloudtrail') throw new UsageError("--ddl prints AWS's CloudTrail table: drop --schema");
  if (values.db !== undefined) throw new UsageError('--ddl reads no archive: drop --db');
  const partitions = parsePartitions(values.partitions);
  // The regions are the region partition's projection: without that partition they would be dropped unsaid.
  if (values.regions !== undefined && !partitions.includes('region')) throw new UsageError('--regions lists the region partition\'s values: the table has no region partition (add region to --partitions)');
  const regions = values.regions === undefined ? DDL_DEFAULTS.regions : values.regions.split(',').map((r) => r.trim()).filter((r) => r !== '');
  try {
    const ddl = cloudtrailDdl({
      table: values.table ?? DDL_DEFAULTS.table,
      location: values.location ?? defaultDdlLocation(partitions),
      partitions,
      regions,
      start: values.start ?? DDL_DEFAULTS.start,
    });
    return await writeStdout(`${ddl}\n`, 'table');
  } catch (error) {
    if (error instanceof DdlError) throw new UsageError(sanitizeLine(error.message), false);
    throw error;
  }
}

export function parsePartitions(value: string | undefined): PartitionColumn[] {
  if (value === undefined) return ['region', 'timestamp'];
  const out: PartitionColumn[] = [];
  for (const part of value.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    if (part !== 'region' && part !== 'timestamp') throw new UsageError(`unknown partition column '${sanitize(part)}' (use region, timestamp)`, false);
    out.push(part);
  }
  return out;
}

export async function runSql(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, 1);
  if (values.help) {
    return await writeHelp(SQL_USAGE);
  }
  if (values.ddl) return printDdl(values, positionals);
  for (const name of ['location', 'regions', 'start'] as const) {
    if (values[name] !== undefined) throw new UsageError(`--${name} goes with --ddl (it describes the table, not a query)`);
  }
  const db = dbOption(values.db);
  const dialect = values.dialect?.toLowerCase();
  if (dialect === undefined) throw new UsageError('sql needs --dialect athena or --dialect duckdb');
  if (!isDialectName(dialect)) throw new UsageError(`'${sanitize(values.dialect ?? '')}' is not a known --dialect (known: ${DIALECT_NAMES.join(', ')})`, false);
  const schema = values.schema?.toLowerCase() ?? (dialect === 'athena' ? 'cloudtrail' : 'archive');
  if (schema !== 'cloudtrail' && schema !== 'archive') throw new UsageError(`unknown --schema '${sanitize(values.schema ?? '')}' (use cloudtrail or archive)`);
  if (dialect === 'athena' && schema === 'archive') throw new UsageError('the archive table is DuckDB only: use --schema cloudtrail with --dialect athena');
  // DuckDB's SQL has no partition predicates to add: the option would be dropped unsaid.
  if (dialect === 'duckdb' && values.partitions !== undefined) throw new UsageError("--partitions names the Athena table's partition columns: drop it with --dialect duckdb");
  // An empty name printed FROM "", a statement no engine runs.
  if (values.table !== undefined && values.table.trim() === '') throw new UsageError('--table needs a table name');
  refuseUnprintableTable(values.table);
  if (dialect === 'athena' && values.table !== undefined) refuseAthenaTable(values.table);
  const ast = parseForSql(requiredQuery(positionals, 'sql'));
  refuseTags(ast, 'written as SQL');
  let fuzzy: FuzzyResolver | undefined;
  if (db !== undefined) {
    // DuckDB's bindings take longer to load than printing SQL: only with --db.
    const { archiveVocabulary } = await import('../archive/vocabulary.js');
    // As scan/export/detect --db: a missing or unreadable archive is a one-line usage error (exit 2), not DuckDB's IO error.
    const { openDb } = await import('./dbCommands.js');
    const archive = await openDb(db, undefined);
    try {
      fuzzy = fuzzyFromVocabulary(await archiveVocabulary(archive));
    } finally {
      await archive.close();
    }
  }
  try {
    let sql: string;
    if (dialect === 'athena') {
      sql = athenaStatement(ast, { table: values.table ?? 'cloudtrail_logs', partitions: parsePartitions(values.partitions), limit: 1000, fuzzy });
    } else {
      const table = quoteTableName(values.table ?? 'events');
      const where = compileWhere(ast, { dialect: 'duckdb', schema, fuzzy, table });
      sql = `SELECT *\nFROM ${table}\nWHERE ${where}\nORDER BY ${schema === 'archive' ? ORDER_BY.newest : 'eventtime DESC, eventid DESC'}`;
    }
    const written = await writeStdout(`${sql};\n`, 'SQL');
    const note = schema === 'cloudtrail' ? cloudtrailPathNote(ast) : null;
    if (note) process.stderr.write(`trailtop: ${note}\n`);
    return written;
  } catch (error) {
    if (error instanceof SqlCompileError) throw new UsageError(`cannot write this query as SQL: ${sanitizeLine(error.message)}`, false);
    throw error;
  }
}

/**
 * The --table of `sql` and `athena`, printed in FROM: a name holding ESC, a bidi control or an
 * invisible character would act on the terminal or read as another name, and no table has one.
 */
export function refuseUnprintableTable(table: string | undefined): void {
  if (table !== undefined && needsSanitizing(table)) {
    throw new UsageError(`--table ${sanitize(table)}: a table name cannot hold control, bidi or invisible characters`);
  }
}

/**
 * The --table of `sql --dialect athena` and `athena`: refused as `sql --ddl` refuses it (exit 2, the
 * same line), where it was quoted into FROM "x y" for Athena to fail on, or not find, later.
 */
export function refuseAthenaTable(table: string): void {
  try {
    checkAthenaTableName(table);
  } catch (error) {
    if (error instanceof DdlError) throw new UsageError(sanitizeLine(error.message), false);
    throw error;
  }
}
