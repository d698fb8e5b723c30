import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, resolve, sep } from 'node:path';

/**
 * Nothing is ever written into the log folder: a file landing there would be
 * read back as a log (a bad file, or worse, its events), and the folder may be
 * evidence. Says whether `target` lies under the log folder `logPath`, or is
 * the one log file read: 'folder' or 'file', else null. Both sides go through
 * realpath so a link or `..` does not get past. A missing `logPath` is null
 * (the commands report it with their own message).
 */
export async function writesIntoLogPath(target: string, logPath: string): Promise<'folder' | 'file' | null> {
  let logRoot: string;
  let isFolder: boolean;
  try {
    logRoot = await realpath(logPath);
    isFolder = (await stat(logRoot)).isDirectory();
  } catch {
    return null;
  }
  const where = await realTarget(target);
  const inside = isFolder ? where === logRoot || where.startsWith(logRoot.endsWith(sep) ? logRoot : logRoot + sep) : where === logRoot;
  return inside ? (isFolder ? 'folder' : 'file') : null;
}

/** The target's real path: its own when it exists (a link), else its folder's real path joined with its name. */
export async function realTarget(target: string): Promise<string> {
  const absolute = resolve(target);
  try {
    return await realpath(absolute);
  } catch {
    try {
      return resolve(await realpath(dirname(absolute)), basename(absolute));
    } catch {
      return absolute;
    }
  }
}
