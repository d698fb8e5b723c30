import { sep } from 'node:path';

// On its own (node:path only) so every command's --db check can use it without loading the exporter.

/**
 * True when a target as typed names a folder rather than a file: it ends with a separator (`newdir/`)
 * or in `.` or `..`. Resolving it drops the separator, so unchecked, `-o newdir/` (or `newdir/` in the
 * download dialog) wrote the events to a file called `newdir` where no such folder existed yet.
 */
export function namesAFolder(typed: string): boolean {
  const text = typed.trim();
  if (text.endsWith('/') || text.endsWith(sep)) return true;
  const last = text.split(sep === '/' ? '/' : /[\\/]/).pop();
  return last === '.' || last === '..';
}

/** What a refusal of such a target says (without the target itself, which the caller names as it was typed). */
export const NAMES_A_FOLDER = 'names a folder, not a file: add a file name to it';
