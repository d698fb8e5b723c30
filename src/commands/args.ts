import { stat } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { compileQuery, type CompiledQuery, type Vocabulary } from '../query/index.js';
import { sanitize } from '../term/sanitize.js';

/**
 * A bad command line, query or folder: the CLI prints the message on one line
 * and exits 2, with a pointer to --help when the arguments themselves were wrong.
 */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly suggestHelp = true,
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Strict option parsing shared by every command; unknown flags are usage errors, not ignored. */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, maxPositionals = 1) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument '${parsed.positionals[maxPositionals]}'`);
  }
  return parsed;
}

/** Joins --filter with --since/--until so every command goes through the one query language. */
export function combineFilter(filter: string | undefined, since: string | undefined, until: string | undefined): string {
  const parts: string[] = [];
  if (filter) parts.push(filter);
  if (since) parts.push(`since:${since}`);
  if (until) parts.push(`until:${until}`);
  return parts.join(' ');
}

/**
 * Compiles a --filter/--since/--until query; null when empty. A query that
 * does not parse is a UsageError naming the position. With a vocabulary,
 * plain words are fuzzy as in the dashboard (the vocabulary may keep growing).
 */
export function compileFilter(source: string, vocabulary?: Vocabulary): CompiledQuery | null {
  if (source.trim() === '') return null;
  const compiled = compileQuery(source, { now: Date.now(), vocabulary });
  if (!compiled.ok) {
    const { message, position, hint } = compiled.error;
    throw new UsageError(`bad filter at position ${position}: ${sanitize(message)}${hint ? ` (${sanitize(hint)})` : ''}`, false);
  }
  return compiled.query.isEmpty ? null : compiled.query;
}

/** The folder a command reads must exist and be a folder; otherwise a one-line UsageError. */
export async function requireFolder(dir: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new UsageError(`${code === 'ENOENT' ? 'no such folder' : `cannot read folder (${code ?? 'error'})`}: ${sanitize(dir)}`, false);
  }
  if (!isDirectory) throw new UsageError(`not a folder: ${sanitize(dir)}`, false);
}
