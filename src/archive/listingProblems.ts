/**
 * What the listing of a folder could not get past (a folder that cannot be read, a link that cannot
 * be followed: ingest/walk.ts listing.bad) or passed by (a broken link, a link loop, a FIFO:
 * listing.skipped), kept in the archive so `scan --db` and the --db dashboard report it as the
 * import did: an unreadable folder's files are not in the archive, and whoever opens it later must
 * be told. They are imported_files rows with no size and no mtime (every file row has both, -1 when
 * it could not be stat'ed), shape 'bad' or 'not-cloudtrail' (skipped). Each import replaces those
 * under what it listed: a folder readable again drops its row, its files then being read as new
 * ones.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { BadFile } from '../model/types.js';
import { literal } from '../query/sql/dialect.js';
import { underSql } from './sources.js';

export async function recordListingProblems(
  connection: DuckDBConnection,
  listed: readonly string[],
  bad: readonly BadFile[],
  skipped: readonly BadFile[] = [],
): Promise<void> {
  if (listed.length === 0) return;
  await connection.run('BEGIN TRANSACTION');
  try {
    await connection.run(`DELETE FROM imported_files WHERE size IS NULL AND mtime_ms IS NULL AND (${listed.map(underSql).join(' OR ')})`);
    const problems = [...bad.map((p) => ({ ...p, shape: 'bad' })), ...skipped.map((p) => ({ ...p, shape: 'not-cloudtrail' }))];
    for (const problem of problems) {
      // OR REPLACE: a path once read as a file (a folder now where a file was) is reported as it is now.
      await connection.run(
        `INSERT OR REPLACE INTO imported_files VALUES (${literal(problem.path)}, NULL, NULL, ${literal(problem.shape)}, ${literal(problem.reason)}, 0, current_timestamp::TIMESTAMP)`,
      );
    }
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
