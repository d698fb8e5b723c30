import { readFileSync } from 'node:fs';
import { CommandInterrupted, UsageError, VersionRequested } from './commands/usageError.js';
import { sanitizeLine } from './term/sanitize.js';

export const USAGE = `trailtop - a terminal dashboard for AWS CloudTrail logs

Usage:
  trailtop [DIR] [--no-watch] [--no-history] [--rules DIR]...
                                          open the dashboard on DIR (default: current folder)
  trailtop --db FILE [--rules DIR]...     the dashboard on a DuckDB archive, every query as SQL
  trailtop DIR --db FILE                  the same, the archive importing DIR's new files as they land
  trailtop scan DIR [--json] [--filter Q] [--since T] [--until T] [--histogram [--bucket 5m]]
                                          summarise a folder headlessly (or count events per time bucket)
  trailtop tail DIR [--new-only] [--filter Q] [--since T] [--rules DIR]... [--findings-only]
                                          print events as JSON lines as they arrive
  trailtop detect DIR [--rules DIR]... [--json] [--level L]
                                          run Sigma detection rules, print what fired
  trailtop export DIR -o FILE|- [--format csv|json|jsonl] [--filter Q] [--since T] [--until T] [--order newest|oldest] [--raw] [--force]
                                          write the matching events to a file or stdout
  trailtop scan|export|detect --db FILE [DIR] ...
                                          the same, answered by SQL on a DuckDB archive
  trailtop archive DIR [--db FILE] [--quiet]
                                          import a folder into a DuckDB archive (bigger than memory)
  trailtop sql --dialect athena|duckdb [--table NAME] [--schema cloudtrail|archive] [--db FILE] QUERY
                                          print the SQL of a query (Athena or DuckDB)
  trailtop sql --ddl [--table NAME] [--location s3://...]
                                          print the Athena CREATE TABLE that SQL reads (AWS's CloudTrail table)
  trailtop chain DIR EVENT_ID [--json]    who is behind an event's session (the AssumeRole chain)
  trailtop chain --db FILE [DIR] EVENT_ID
                                          the same, on an archive (issuing events by SQL)
  trailtop athena --database D --table T --workgroup W [--output s3://...] QUERY
                                          run a query on Athena over the trail bucket
  trailtop help [COMMAND]                 this help, or COMMAND's --help
  trailtop --help | --version

DIR may also be a single log file: only that file is read (and followed).
Run 'trailtop help COMMAND' or 'trailtop COMMAND --help' for its options.
Every command that reads DIR takes --max-decompressed SIZE: the most one gzip
file may decompress to before it is reported bad (default 2G).
Exit status: 0 success, 1 runtime failure, 2 bad arguments or query, 130 interrupted.`;

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const COMMANDS = new Set(['scan', 'tail', 'export', 'chain', 'archive', 'sql', 'athena', 'detect']);

/** `help`, `help help` and `help --help` are all asking for the overview. */
function isOverviewHelp(rest: readonly string[]): boolean {
  return rest.length === 1 && ['help', '--help', '-h'].includes(rest[0]!);
}

/** The one command `help CMD` names; anything else is a usage error (exit 2), said without echoing control characters. */
function commandForHelp(rest: readonly string[]): string {
  const [name, ...extra] = rest;
  const known = [...COMMANDS].join(', ');
  if (name === undefined || !COMMANDS.has(name)) {
    throw new UsageError(`help: unknown command '${sanitizeLine(name ?? '')}' (commands: ${known})`);
  }
  if (extra.length > 0) throw new UsageError(`help takes one command name, as in 'trailtop help ${name}'`);
  return name;
}

export async function main(argv: string[]): Promise<number> {
  try {
    return await dispatch((await import('./commands/limitsOption.js')).applyLimitOptions(argv));
  } catch (error) {
    if (error instanceof VersionRequested) {
      return await (await import('./commands/stdout.js')).writeStdout(`trailtop ${version()}\n`, 'version');
    }
    if (error instanceof UsageError) {
      // A command's own --help lists the options it takes; the overview does not.
      const command = argv[0] !== undefined && COMMANDS.has(argv[0]) ? `${argv[0]} ` : '';
      process.stderr.write(`trailtop: ${error.message}\n${error.suggestHelp ? `Try 'trailtop ${command}--help'.\n` : ''}`);
      return 2;
    }
    if (error instanceof CommandInterrupted) {
      process.stderr.write(`trailtop: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

async function writeOverview(): Promise<number> {
  const { queryHelpLines } = await import('./query/index.js');
  const { writeHelp } = await import('./commands/helpText.js');
  return await writeHelp(`${USAGE}\n\nQueries (--filter, and / in the dashboard):\n${queryHelpLines().map((l) => `  ${l}`.trimEnd()).join('\n')}`);
}

async function dispatch(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  switch (first) {
    case 'help':
      // `help CMD` as git and kubectl read it: CMD's own help, not the overview.
      return rest.length > 0 && !isOverviewHelp(rest) ? await dispatch([commandForHelp(rest), '--help']) : await writeOverview();
    case '--help':
    case '-h':
      return await writeOverview();
    case '--version':
    case '-V':
      return await (await import('./commands/stdout.js')).writeStdout(`trailtop ${version()}\n`, 'version');
    case 'scan':
      return await (await import('./commands/scan.js')).runScan(rest);
    case 'tail':
      return await (await import('./commands/tail.js')).runTail(rest);
    case 'export':
      return await (await import('./commands/export.js')).runExport(rest);
    case 'chain':
      return await (await import('./commands/chain.js')).runChain(rest);
    case 'archive':
      return await (await import('./commands/archive.js')).runArchive(rest);
    case 'sql':
      return await (await import('./commands/sql.js')).runSql(rest);
    case 'athena':
      return await (await import('./commands/athena.js')).runAthena(rest);
    case 'detect':
      return await (await import('./commands/detect.js')).runDetect(rest);
    default:
      return await (await import('./commands/dashboard.js')).runDashboard(argv);
  }
}
