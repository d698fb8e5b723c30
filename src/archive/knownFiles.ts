/**
 * Which listed files the archive already holds unchanged (same size and mtime as imported_files
 * remembers). The listing goes to DuckDB and is joined with imported_files there, so only the files
 * worth a look come back: reading imported_files into JavaScript instead cost the main thread
 * 0.3-0.4 s at a real trail's file count (117k rows decoded into arrays and strings) on every
 * `archive` run, and again on each batch of new files the `--db DIR` dashboard's watch imports,
 * however few.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { READ_SHAPES } from '../ingest/scanFolder.js';
import { literal } from '../query/sql/dialect.js';

/** A listed file the caller must look at: not known, changed, or known with an outcome to report again. */
export interface LookedUpFile {
  /** Its place in the listing. */
  ordinal: number;
  /** The archive's record of it, null when it has none. */
  known: { shape: string; reason: string } | null;
  /** Known, and its size and mtime are the ones imported (never for a file that could not be stat'ed). */
  unchanged: boolean;
}

export interface ListingLookup {
  /** In listing order. */
  files: LookedUpFile[];
  /** The other listed files: known unchanged, read with all their events before (a shape scan reads, no reason). */
  cleanUnchanged: number;
}

const LISTING_TABLE = 'tt_listing';

/** `files` with their stat (`sizes`/`mtimes`, -1 when a file could not be stat'ed) against imported_files. */
export async function lookUpListing(
  connection: DuckDBConnection,
  files: readonly string[],
  sizes: Float64Array,
  mtimes: Float64Array,
): Promise<ListingLookup> {
  if (files.length === 0) return { files: [], cleanUnchanged: 0 };
  await connection.run(`CREATE OR REPLACE TEMP TABLE ${LISTING_TABLE} (ordinal INTEGER, path VARCHAR, size DOUBLE, mtime_ms DOUBLE)`);
  try {
    const appender = await connection.createAppender(LISTING_TABLE, 'main', 'temp');
    try {
      for (let k = 0; k < files.length; k++) {
        appender.appendInteger(k);
        appender.appendVarchar(files[k]!);
        appender.appendDouble(sizes[k]!);
        appender.appendDouble(mtimes[k]!);
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    const readShapes = [...READ_SHAPES].map(literal).join(', ');
    // coalesce: a row with no size or mtime (a listing problem's, listingProblems.ts) is changed, never unchanged.
    const reader = await connection.runAndReadAll(
      `WITH looked AS (
        SELECT l.ordinal, f.path IS NOT NULL AS known, f.shape, coalesce(f.reason, '') AS reason,
          coalesce(l.size >= 0 AND f.size = l.size AND f.mtime_ms = l.mtime_ms, false) AS unchanged
        FROM temp.${LISTING_TABLE} l LEFT JOIN imported_files f ON f.path = l.path
      )
      SELECT ordinal, known, shape, reason, unchanged FROM looked
      WHERE NOT (unchanged AND reason = '' AND coalesce(shape IN (${readShapes}), false))
      ORDER BY ordinal`,
    );
    const looked: LookedUpFile[] = reader.getRows().map(([ordinal, known, shape, reason, unchanged]) => ({
      ordinal: Number(ordinal),
      known: known === true ? { shape: String(shape), reason: String(reason) } : null,
      unchanged: unchanged === true,
    }));
    return { files: looked, cleanUnchanged: files.length - looked.length };
  } finally {
    await connection.run(`DROP TABLE IF EXISTS temp.${LISTING_TABLE}`);
  }
}
