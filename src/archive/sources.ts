/**
 * The log folders an archive was imported from. Nothing is ever written into a
 * log folder (export/logFolder.ts says why), and that holds for a file written
 * from the archive too: `export --db FILE -o OUT` without DIR, or the --db
 * dashboard's download, knows no folder of its own to refuse, so the archive
 * says where its files came from.
 *
 * Each import records the folder (or single file) it was given, by real path,
 * as an archive_meta row `import_root:PATH`: a new key, so older archives need
 * no upgrade, they simply have none (until their next import records it).
 * Files no recorded root covers (imported by an older trailtop) stand for their
 * folder: the one above `AWSLogs/` in CloudTrail's layout (the top of a trail
 * bucket's copy, where `aws s3 sync` puts it), else the folder holding the file.
 * Paths are POSIX here, as imported_files stores them (the SQL splits on `/`).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { literal } from '../query/sql/dialect.js';
import { insideLogPath, realLogPath, realTarget } from '../export/logFolder.js';

const ROOT_KEY = 'import_root:';

/** Remembers that an import was given `realRoot` (a real path): once, so a later import of it writes nothing. */
export async function recordImportRoot(connection: DuckDBConnection, realRoot: string): Promise<void> {
  const key = literal(ROOT_KEY + realRoot);
  const known = await connection.runAndReadAll(`SELECT 1 FROM archive_meta WHERE key = ${key}`);
  if (known.getRows().length > 0) return;
  await connection.run(`INSERT OR IGNORE INTO archive_meta VALUES (${key}, ${literal(realRoot)})`);
}

/** `path` or anything under it, as a SQL condition on imported_files.path. */
export function underSql(path: string): string {
  const prefix = path.endsWith('/') ? path : `${path}/`;
  return `(path = ${literal(path)} OR starts_with(path, ${literal(prefix)}))`;
}

/**
 * The folder a file outside every recorded root stands for, in SQL: the path before `/AWSLogs/`
 * (never `/` itself: a bucket synced to the top of the disk stands for /AWSLogs), else its folder.
 */
const FALLBACK_FOLDER_SQL = `CASE
  WHEN strpos(path, '/AWSLogs/') > 1 THEN left(path, strpos(path, '/AWSLogs/') - 1)
  WHEN strpos(path, '/AWSLogs/') = 1 THEN '/AWSLogs'
  ELSE coalesce(nullif(regexp_extract(path, '^(.*)/[^/]*$', 1), ''), '/') END`;

/** Only the outermost of `folders` (a folder inside another one listed adds nothing). */
function outermost(folders: readonly string[]): string[] {
  const kept: string[] = [];
  for (const folder of [...folders].sort()) {
    const last = kept.at(-1);
    if (last !== undefined && (folder === last || folder.startsWith(last.endsWith('/') ? last : `${last}/`))) continue;
    kept.push(folder);
  }
  return kept;
}

/**
 * The log paths an archive's files came from, as stored: the roots its imports recorded, then the
 * folders of files none of them covers (archive_meta and imported_files only: one row a file, not
 * an event, so cheap on any archive).
 */
export async function archiveLogPaths(connection: DuckDBConnection): Promise<string[]> {
  const roots = (await connection.runAndReadAll(`SELECT value FROM archive_meta WHERE starts_with(key, ${literal(ROOT_KEY)}) ORDER BY value`))
    .getRows()
    .map((row) => String(row[0]));
  const uncovered = roots.length > 0 ? `WHERE NOT (${roots.map(underSql).join(' OR ')})` : '';
  const folders = (await connection.runAndReadAll(`SELECT DISTINCT ${FALLBACK_FOLDER_SQL} FROM imported_files ${uncovered}`))
    .getRows()
    .map((row) => String(row[0]));
  return [...roots, ...outermost(folders)];
}

/** Where a target lies among the archive's log paths: inside a folder, or on a single file imported. */
export interface ArchiveLogHit {
  inside: 'folder' | 'file';
  /** The log path as the archive stored it. */
  logPath: string;
}

/**
 * Whether `target` would land in a log folder the archive was imported from (or on a single log
 * file it imported): both sides through realpath, as the folder commands' guard compares them.
 * A log path that no longer exists holds nothing to protect.
 */
export async function writesIntoArchiveLogs(target: string, connection: DuckDBConnection): Promise<ArchiveLogHit | null> {
  const stored = await archiveLogPaths(connection);
  if (stored.length === 0) return null;
  const where = await realTarget(target);
  const real = await Promise.all(stored.map((path) => realLogPath(path)));
  for (const [k, log] of real.entries()) {
    const inside = log ? insideLogPath(where, log) : null;
    if (inside) return { inside, logPath: stored[k]! };
  }
  return null;
}
