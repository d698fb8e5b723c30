/**
 * `export --filter` without the dashboard's store (issue 14): the folder is
 * read the way `scan --filter` reads it (src/scan/: both cores, and only the
 * records whose bytes may match are parsed, scan/fastJob.ts), and only the
 * matching events are kept. The kept copy of an eventID is the first in file
 * order, as in the store, and the rows come out in the store's order
 * (model/order.ts): newest first, equal times in the loader's reading order.
 */
import { compareNewestFirst } from '../model/order.js';
import type { BadFile, EventRow } from '../model/types.js';
import type { ConflictingDuplicate } from '../store/progress.js';
import type { IdSet } from '../scan/ids.js';
import type { CompiledQuery } from '../query/index.js';
import { prefilterOf } from '../query/prefilter.js';
import { scanFolderHeadless } from '../scan/run.js';
import type { LoadProgress } from '../store/progress.js';

/**
 * Whether a query can be answered this way: it needs nothing the store builds
 * (no plain words, whose fuzzy meaning depends on the folder's vocabulary; no
 * rule: terms) and has literals to look for (else every record is parsed
 * anyway and the store's path is as fast). `tail` passes needsLiterals false:
 * it follows the folder afterwards, and a store of every event would stay in
 * memory all that time.
 */
export function headlessFilterFits(query: CompiledQuery | null, needsLiterals = true): query is CompiledQuery {
  return query !== null && !query.isEmpty && query.explain().length === 0 && (!needsLiterals || prefilterOf(query.ast) !== null);
}

export interface HeadlessFilterOptions {
  /** Stops the read at once (the workers are terminated); then the answer is null. */
  signal?: AbortSignal;
  /** The read's progress, as files are read (scan/run.ts ScanOptions.onProgress). */
  onProgress?: (progress: LoadProgress) => void;
}

export interface HeadlessRows {
  rows: EventRow[];
  badFiles: BadFile[];
  /**
   * Each row's record as the JSON export writes it, copied from the bytes
   * read (so the export need not read the files again); null when some
   * row's file was read the ordinary way, or they were too many to keep.
   */
  recordText: ((row: EventRow) => string | undefined) | null;
  /** Copies of an eventID whose content differs from the kept copy (the first in file order). */
  conflicts: ConflictingDuplicate[];
  /** The ids of every event read, matching or not (scan/ids.ts keys). */
  seen: IdSet;
}

/** The matching rows, newest first, and the files that could not be read; null when `signal` stopped the read. */
export async function headlessFilteredRows(
  root: string,
  source: string,
  now: number,
  options: HeadlessFilterOptions = {},
): Promise<HeadlessRows | null> {
  let tally;
  try {
    tally = await scanFolderHeadless(root, { workerFilter: { source, now }, keepMatches: true, ...options });
  } catch (error) {
    if (options.signal?.aborted) return null;
    throw error;
  }
  const rows = tally.keptMatches();
  const texts = tally.keptTexts();
  const textOf = texts ? new Map(rows.map((row, k) => [row, texts[k]!])) : null;
  // Arrival order as the store numbers it (equal times keep it): newest delivery first, each file's
  // records in order, a duplicated eventID where the first of its copies is met (ScanTally.keptArrival).
  const arrival = tally.keptArrival();
  for (let k = 0; k < rows.length; k++) rows[k]!.seq = arrival[k]!;
  rows.sort(compareNewestFirst);
  return {
    rows,
    badFiles: tally.progress.badFiles,
    recordText: textOf ? (row) => textOf.get(row) : null,
    conflicts: tally.progress.conflicts,
    seen: tally.idSet(),
  };
}
