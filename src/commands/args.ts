import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { compileQuery, errorColumn, type CompiledQuery, type QueryError, type TagContext, type Vocabulary } from '../query/index.js';
import { sanitize } from '../term/sanitize.js';
import { mayBeUndecodable, UNDECODABLE_ARGUMENT_HINT } from '../ingest/undecodableNames.js';
import { operatorWordHint } from '../query/operatorWords.js';
import { timeRangeHint } from '../query/timeRangeHint.js';
import { parseTimeValue } from '../query/time.js';
import { UsageError, VersionRequested } from './usageError.js';

export { UsageError };

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Joins each string option with its value (`--filter -error:*` becomes
 * `--filter=-error:*`): node's strict parser refuses a value that starts with
 * `-` as "ambiguous", and queries start with `-` whenever they negate.
 */
export function attachOptionValues(argv: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      out.push(...argv.slice(i));
      break;
    }
    let name: string | undefined;
    if (token.startsWith('--') && !token.includes('=')) name = token.slice(2);
    else if (/^-[^-]$/.test(token)) name = Object.keys(options).find((key) => options[key]!.short === token[1]);
    if (name !== undefined && options[name]?.type === 'string' && i + 1 < argv.length) {
      out.push(`--${name}=${argv[++i]!}`);
    } else {
      out.push(token);
    }
  }
  return out;
}

/**
 * node's parseArgs message in one short line: its unknown-option message runs on
 * about positional arguments after '--' with an unbalanced quote; say only the option.
 */
function parseErrorText(error: unknown, argv: readonly string[] = [], operand = 'a query'): string {
  if (!(error instanceof Error)) return sanitize(String(error));
  const unknown = (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /^Unknown option '(.*?)'\./.exec(error.message) : null;
  if (unknown) {
    // A negated query given as the QUERY argument (sql, athena), or a folder named -logs, reads as short options: say how to pass it.
    // A field term has a ':'; a negated word (-AssumeRole) is longer than one mistyped flag (-x).
    const query = argv.find((token) => token.startsWith(unknown[1]!) && /^-[^-]/.test(token) && (token.includes(':') || token.length > 2));
    if (query) return `unknown option '${sanitize(unknown[1]!)}': ${operand} that starts with - goes after --, as in -- '${sanitize(query)}'`;
    return `unknown option '${sanitize(unknown[1]!)}'`;
  }
  return sanitize(error.message.split('\n')[0]!);
}

/** The positional argument of the commands that read DIR, as the hint for one starting with `-` names it. */
export const FOLDER_OPERAND = 'a folder or file name';

/**
 * Strict option parsing shared by every command; unknown flags are usage errors, not ignored.
 * `operand` names the positional argument in the hint for one that starts with `-` (a folder for most commands).
 */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, maxPositionals = 1, operand = 'a query') {
  let parsed;
  // Every command takes --version/-V, as the tool does (the dispatcher prints it).
  const withVersion = { ...options, version: { type: 'boolean', short: 'V' } } as const;
  try {
    parsed = parseArgs({ args: attachOptionValues(argv, withVersion), options: withVersion, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    throw new UsageError(parseErrorText(error, argv, operand));
  }
  refuseRepeatedValues(parsed.tokens, withVersion);
  if ((parsed.values as { version?: boolean }).version === true) throw new VersionRequested();
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument '${sanitize(parsed.positionals[maxPositionals]!)}'`);
  }
  return parsed;
}

/**
 * A value option given twice is refused, not last-one-wins: `--filter user:alice --filter
 * name:Delete*` read as the second filter alone would export more than was asked for.
 * Repeatable options (--rules) and flags are left alone.
 */
function refuseRepeatedValues(tokens: ReadonlyArray<{ kind: string; name?: string; rawName?: string }>, options: Options): void {
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === undefined) continue;
    const option = options[token.name];
    if (option?.type !== 'string' || option.multiple) continue;
    if (seen.has(token.name)) {
      const hint = token.name === 'filter' ? "put the terms in one --filter: 'a:x b:y' means both" : 'it takes one value';
      throw new UsageError(`${sanitize(token.rawName ?? `--${token.name}`)} given more than once (${hint})`);
    }
    seen.add(token.name);
  }
}

/**
 * Joins --filter with --since/--until so every command goes through the one
 * query language. A bad --since/--until value is reported against that
 * option, not at a position in a query the user never typed.
 */
export function combineFilter(filter: string | undefined, since: string | undefined, until: string | undefined): string {
  const parts: string[] = [];
  // The filter must stand on its own: joined first, a trailing `OR` took the time term as its operand
  // (`--filter 'name:x OR' --since 1d` was name:x at any time OR anything since 1d, exit 0), and a trailing
  // `NOT` was reported at a position past the end of what was typed.
  if (filter && (since !== undefined || until !== undefined)) {
    const alone = compileQuery(filter, { deepTerms: true });
    if (!alone.ok) throw queryUsageError('bad filter', alone.error, filter);
  }
  if (filter) parts.push(filter);
  for (const [option, value] of [['since', since], ['until', until]] as const) {
    if (value === undefined) continue;
    // An ISO time may put a space between date and time, as journalctl, SQL and lookup-events
    // write it; unquoted, the query reads `since:2024-03-05 14:00` as a date and a second term
    // `14:00` that matches nothing, so the command would report 0 events and exit 0.
    const spaced = /\s/.test(value) && parseTimeValue(value, Date.now()) !== null;
    const term = spaced ? `${option}:"${value}"` : `${option}:${value}`;
    const checked = compileQuery(term);
    // The value must be one time as a whole: `--since '2h error:*'` parses as two terms and would
    // quietly narrow the query to errors; and the query's own hint (`since:30m`) is not how an option is written.
    if (!checked.ok || !parseTimeValue(value, Date.now())) {
      const what = checked.ok ? 'not a single time' : checked.error.message;
      throw new UsageError(`--${option} ${sanitize(value)}: ${sanitize(what)} (give 30m, 2h, 7d or an ISO time such as 2024-03-05T14:00Z)`, false);
    }
    parts.push(term);
  }
  refuseEmptyWindow(since, until);
  return parts.join(' ');
}

/**
 * --since after --until selects nothing, whatever the logs hold: most likely the two were
 * swapped, and a summary of 0 events with exit 0 would read as "nothing happened".
 */
function refuseEmptyWindow(since: string | undefined, until: string | undefined): void {
  if (since === undefined || until === undefined) return;
  const now = Date.now();
  const from = parseTimeValue(since, now);
  const to = parseTimeValue(until, now);
  if (!from || !to) return;
  // --until runs through the end of the period it names (a date: the whole day).
  if (from.at > to.at + to.span - 1) {
    throw new UsageError(`--since ${sanitize(since)} is after --until ${sanitize(until)}: no event can match (swapped?)`, false);
  }
}

/** A query (`source`) that does not parse, as every command says it: where (1-based, in characters, as the query bar counts), what and the hint. */
export function queryUsageError(what: string, error: QueryError, source: string): UsageError {
  const { message, hint } = error;
  return new UsageError(`${what} at position ${errorColumn(error, source)}: ${sanitize(message)}${hint ? ` (${sanitize(hint)})` : ''}`, false);
}

/** Queries already noted on, so a command that compiles its query more than once says it once. */
const noted = new Set<string>();

/**
 * A lowercase or/and/not between terms is searched as a word (query/operatorWords.ts): the query
 * bar says so under the query, and a command says it on stderr, as a note (the query is valid and
 * runs; the exit status is its own). Once per query text, for a query that parsed.
 */
export function noteQueryWords(source: string): void {
  // Time terms that leave no time between them are noted the same way (query/timeRangeHint.ts).
  const hint = operatorWordHint(source) || timeRangeHint(source);
  if (hint === '' || noted.has(source)) return;
  noted.add(source);
  process.stderr.write(`trailtop: note: ${hint}\n`);
}

/**
 * Compiles a --filter/--since/--until query; null when empty. A query that
 * does not parse is a UsageError naming the position. With a vocabulary,
 * plain words are fuzzy as in the dashboard (the vocabulary may keep growing).
 * `now` anchors since:/until: durations (scan passes the same one to its workers).
 * `deepTerms`: the command reads records back for record paths and params:.
 */
export function compileFilter(source: string, vocabulary?: Vocabulary, tags?: TagContext, now = Date.now(), deepTerms = false): CompiledQuery | null {
  if (source.trim() === '') return null;
  const compiled = compileQuery(source, { now, vocabulary, deepTerms, ...(tags ? { tags } : {}) });
  if (!compiled.ok) throw queryUsageError('bad filter', compiled.error, source);
  noteQueryWords(source);
  return compiled.query.isEmpty ? null : compiled.query;
}

const LOG_FILE_NAME = /\.(json|jsonl|ndjson|csv|gz)$/i;

/**
 * What a command reads must be a folder or a regular file (a link to either
 * counts); otherwise a one-line UsageError. FIFOs, sockets and devices are
 * refused here without being opened: opening a FIFO blocks until a writer comes.
 */
export async function requireFolderOrFile(path: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    // `aws cloudtrail lookup-events | trailtop scan -`: '-' is stdin by convention, and 'no such folder: -'
    // does not say that a pipe is never read (it is a FIFO, refused below when named as /dev/stdin). The
    // dashboard resolves its operand first ('/here/-'): a missing '-' is that too.
    if (code === 'ENOENT' && basename(path) === '-') {
      throw new UsageError("'-' (standard input) is not read: save the output to a file and give its path (a FIFO or pipe is refused too)", false);
    }
    // A name like a log file was meant as FILE: 'no such folder' for `scan trail.json.gz` misleads.
    const missing = LOG_FILE_NAME.test(path) ? 'no such file' : 'no such folder';
    // Node decodes an argument that is not UTF-8 with U+FFFD, which names nothing: the bytes are lost before
    // here, so the likely cause is said, not the bare ENOENT (a name with a real U+FFFD that is missing gets it too).
    const undecodable = code === 'ENOENT' && mayBeUndecodable(path) ? ` (${UNDECODABLE_ARGUMENT_HINT})` : '';
    throw new UsageError(`${code === 'ENOENT' ? missing : `cannot read (${code ?? 'error'})`}: ${sanitize(path)}${undecodable}`, false);
  }
  if (info.isDirectory() || info.isFile()) return;
  throw new UsageError(`not a folder or regular file (${specialKind(info)}): ${sanitize(path)}`, false);
}

function specialKind(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'a special file';
}
