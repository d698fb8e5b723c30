import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, resolve, sep } from 'node:path';
import { sanitize } from '../term/sanitize.js';
import { UsageError } from './usageError.js';

/**
 * Nothing is ever written into the log folder: a file landing there would be
 * read back as a log (a bad file, or worse, its events), and the folder may be
 * evidence. `target` is refused when it lies under DIR, or is the one log FILE
 * read. Both sides go through realpath so a link or `..` does not get past.
 */
export async function refuseWriteIntoLogFolder(target: string, logPath: string, option: string): Promise<void> {
  let logRoot: string;
  let isFolder: boolean;
  try {
    logRoot = await realpath(logPath);
    isFolder = (await stat(logRoot)).isDirectory();
  } catch {
    return; // A missing DIR is reported by requireFolderOrFile, with its own message.
  }
  const where = await realTarget(target);
  const inside = isFolder ? where === logRoot || where.startsWith(logRoot.endsWith(sep) ? logRoot : logRoot + sep) : where === logRoot;
  if (inside) {
    throw new UsageError(`${option} ${sanitize(target)}: would write into the log ${isFolder ? 'folder' : 'file'} being read (${sanitize(logPath)}); write it elsewhere`, false);
  }
}

/** The target's real path: its own when it exists (a link), else its folder's real path joined with its name. */
async function realTarget(target: string): Promise<string> {
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
