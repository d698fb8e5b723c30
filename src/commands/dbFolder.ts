import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { IN_MEMORY_NAME, inMemoryRefusal, NotAnArchive } from '../archive/errors.js';
import { NAMES_A_FOLDER, namesAFolder } from '../export/folderPath.js';
import { sanitize, sanitizeLine } from '../term/sanitize.js';
import { refuseWriteIntoLogFolder } from './logFolderGuard.js';
import { UsageError } from './usageError.js';

/**
 * The --db value of every command that takes it, checked as the command line is read: before a
 * folder is read, an archive opened or a path resolved. An empty value (an unset variable in
 * `--db "$DB"`) was no --db at all to sql and the current folder to the dashboard. `:memory:`
 * was refused by openArchive, but only once DIR had been checked, and the dashboard, resolving
 * it first, took it for a file named :memory: in the current folder.
 */
export function dbOption(value: string | undefined): string | undefined {
  // Only blanks is a quoting slip too ("$DB " with DB unset), not a file anyone means to make.
  if (value !== undefined && value.trim() === '') throw new UsageError('--db needs a file path, such as trail.duckdb');
  if (value === IN_MEMORY_NAME) throw new UsageError(sanitizeLine(inMemoryRefusal(value)));
  return value;
}

/**
 * A --db FILE the user named must be in a folder that exists: the archive is
 * opened with its folders created (right for the default place under
 * $XDG_CACHE_HOME), so a typo in --db made a tree of folders wherever it
 * pointed. Same answer as export -o into a missing folder.
 */
export function requireDbFolder(dbPath: string): void {
  // Before resolve(), which drops a trailing `/`: `--db newdir/` made an archive file called newdir
  // (then failed on `newdir/.wal`), and `--db newdir/.` made the folder newdir.
  if (namesAFolder(dbPath)) throw new UsageError(`--db ${sanitize(dbPath)} ${NAMES_A_FOLDER}`, false);
  const folder = dirname(resolve(dbPath));
  const info = statSync(folder, { throwIfNoEntry: false });
  if (!info) throw new UsageError(`--db ${sanitize(dbPath)}: folder ${sanitize(folder)} does not exist`, false);
  if (!info.isDirectory()) throw new UsageError(`--db ${sanitize(dbPath)}: ${sanitize(folder)} is not a folder`, false);
}

/**
 * A --db FILE that is not an archive to use (a text file, a damaged or foreign database, a FIFO)
 * is a bad argument: exit 2 and its one line, the same from every command that takes --db. Other
 * errors (a busy or unwritable archive) pass through as the runtime failures they are.
 */
export function asDbArgumentError(error: unknown): unknown {
  return error instanceof NotAnArchive ? new UsageError(sanitizeLine(error.message), false) : error;
}

/** A --db FILE the imports of DIR write to: outside the log folder, in a folder that exists. */
export async function requireDbBesideLogs(dbPath: string, logPath: string): Promise<void> {
  await refuseWriteIntoLogFolder(dbPath, logPath, '--db');
  requireDbFolder(dbPath);
}
