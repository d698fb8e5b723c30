/**
 * Names in a folder that are not valid UTF-8. Node decodes such a name with
 * U+FFFD in place of the bad bytes, and that string names no file: opening it
 * fails with ENOENT, a false reason ("no such file") for a file that exists.
 * Such entries are reported with the true reason instead of being read (every
 * path in the program, from worker jobs to the archive's text columns, is a
 * string); the user renames them to have them read.
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';

export const UNDECODABLE_FILE_REASON = 'file name is not valid UTF-8 (shown with \uFFFD): rename it to read it';
export const UNDECODABLE_FOLDER_REASON = 'folder name is not valid UTF-8 (shown with \uFFFD): rename it to read its files';
/** A path given on the command line holding U+FFFD that names nothing: most likely a name not UTF-8, unreachable by its decoded name. */
export const UNDECODABLE_ARGUMENT_HINT = 'a name that is not valid UTF-8, shown with \uFFFD, cannot be opened: rename it to read it';

/** Whether a decoded entry name may stand for bytes that are not UTF-8 (cheap: no syscall). */
export function mayBeUndecodable(name: string): boolean {
  return name.includes('\uFFFD');
}

/**
 * The folder's entries whose names are not valid UTF-8, by their decoded name
 * (two bad names can decode alike). A second listing, as bytes: callers ask
 * only when a decoded name holds U+FFFD, so an ordinary folder pays nothing.
 * Empty when the folder cannot be listed again (the caller's listing stands).
 */
export async function undecodableEntries(folder: string): Promise<Map<string, Dirent<Buffer>[]>> {
  const found = new Map<string, Dirent<Buffer>[]>();
  let entries: Dirent<Buffer>[];
  try {
    entries = await readdir(folder, { withFileTypes: true, encoding: 'buffer' });
  } catch {
    return found;
  }
  for (const entry of entries) {
    const raw = entry.name;
    const name = raw.toString('utf8');
    // A name holding U+FFFD as real UTF-8 (EF BF BD) encodes back to its bytes and opens as decoded.
    if (Buffer.from(name, 'utf8').equals(raw)) continue;
    const list = found.get(name);
    if (list) list.push(entry);
    else found.set(name, [entry]);
  }
  return found;
}

/** The true reason an entry with an undecodable name is not read. */
export function undecodableReason(entry: { isDirectory(): boolean }): string {
  return entry.isDirectory() ? UNDECODABLE_FOLDER_REASON : UNDECODABLE_FILE_REASON;
}

export function isUndecodableReason(reason: string): boolean {
  return reason === UNDECODABLE_FILE_REASON || reason === UNDECODABLE_FOLDER_REASON;
}
