import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A bad command line: the CLI prints the message on one line and exits 2. */
export class UsageError extends Error {}

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
