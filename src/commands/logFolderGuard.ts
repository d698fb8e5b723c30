import type { DuckDBConnection } from '@duckdb/node-api';
import { writesIntoArchiveLogs } from '../archive/sources.js';
import { writesIntoLogPath } from '../export/logFolder.js';
import { sanitize } from '../term/sanitize.js';
import { UsageError } from './usageError.js';

/**
 * Nothing is ever written into the log folder (export/logFolder.ts says why):
 * `target` is refused when it lies under DIR, or is the one log FILE read.
 */
export async function refuseWriteIntoLogFolder(target: string, logPath: string, option: string): Promise<void> {
  const inside = await writesIntoLogPath(target, logPath);
  if (inside) {
    throw new UsageError(`${option} ${sanitize(target)}: would write into the log ${inside} being read (${sanitize(logPath)}); write it elsewhere`, false);
  }
}

/**
 * Nor into a log folder an archive was imported from (archive/sources.ts): `export --db FILE -o`
 * without DIR knows no folder of its own to refuse. Worded as above; the folder is the archive's.
 */
export async function refuseWriteIntoArchiveLogs(target: string, connection: DuckDBConnection, option: string): Promise<void> {
  const hit = await writesIntoArchiveLogs(target, connection);
  if (hit) {
    throw new UsageError(
      `${option} ${sanitize(target)}: would write into the log ${hit.inside} the archive was imported from (${sanitize(hit.logPath)}); write it elsewhere`,
      false,
    );
  }
}
