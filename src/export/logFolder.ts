import { readlink, realpath, stat } from 'node:fs/promises';
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
  const log = await realLogPath(logPath);
  return log ? insideLogPath(await realTarget(target), log) : null;
}

/** A log folder or file by its real path. */
export interface RealLogPath {
  path: string;
  isFolder: boolean;
}

/** `logPath` through realpath, and whether it is a folder; null when it cannot be read (missing). */
export async function realLogPath(logPath: string): Promise<RealLogPath | null> {
  try {
    const path = await realpath(logPath);
    return { path, isFolder: (await stat(path)).isDirectory() };
  } catch {
    return null;
  }
}

/** Whether the real path `where` (realTarget's) lies under the log folder, or is the log file: 'folder' or 'file', else null. */
export function insideLogPath(where: string, log: RealLogPath): 'folder' | 'file' | null {
  const root = log.path;
  if (!log.isFolder) return where === root ? 'file' : null;
  return where === root || where.startsWith(root.endsWith(sep) ? root : root + sep) ? 'folder' : null;
}

/** Links followed at most, as the kernel's own limit (ELOOP) does. */
const MAX_LINKS = 40;

/**
 * The target's real path: its own when it exists (a link), else its folder's real path joined with its
 * name; a link to a file not there yet is followed too, since writing to it (DuckDB opening --db)
 * creates the file it names, wherever that is.
 */
export async function realTarget(target: string, links = 0): Promise<string> {
  const absolute = resolve(target);
  try {
    return await realpath(absolute);
  } catch {
    let folder: string;
    try {
      folder = await realpath(dirname(absolute));
    } catch {
      return absolute;
    }
    if (links < MAX_LINKS) {
      const pointsAt = await readlink(absolute).catch(() => null);
      if (pointsAt !== null) return realTarget(resolve(folder, pointsAt), links + 1);
    }
    return resolve(folder, basename(absolute));
  }
}
