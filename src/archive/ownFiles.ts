/**
 * The files an archive owns: the DuckDB file, its write-ahead log beside it
 * (FILE.wal, replayed on open) and the folder its queries spill to (FILE.tmp).
 * A download must never land on one of them: it would replace the archive,
 * or a log DuckDB would replay as its own.
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { realTarget } from '../export/logFolder.js';

/** Why `target` is one of the archive's own files (a phrase: "is the archive itself"), or null. */
export async function archiveOwnFile(target: string, dbPath: string): Promise<string | null> {
  const where = await realTarget(target);
  const db = await realArchivePath(dbPath);
  if (where === db) return 'is the archive itself';
  if (where === `${db}.wal`) return "is the archive's write-ahead log";
  if (where === `${db}.tmp` || where.startsWith(`${db}.tmp${sep}`)) return "is in the archive's spill folder";
  return null;
}

/** The archive's real path (through links), or its resolved path when it cannot be read. */
async function realArchivePath(dbPath: string): Promise<string> {
  try {
    return await realpath(dbPath);
  } catch {
    try {
      return join(await realpath(dirname(resolve(dbPath))), basename(dbPath));
    } catch {
      return resolve(dbPath);
    }
  }
}
