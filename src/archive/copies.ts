/**
 * The copies of a batch's event IDs, found without reading every archived
 * eventid: the rows whose tt_idhash (schema.ts ID_HASH_SQL) is one of the
 * batch's are found by a scan of that one 8-byte column, their arrival
 * numbers are grouped into a few ranges here, and only the rows in those
 * ranges are read whole (zone maps skip the rest) and compared by eventid.
 * What this reads grows with the archive only by that hash column, ~17 ms
 * CPU per million archived events, where the scan of every eventid it
 * replaces grew ~40 ms (3M-event archive, the bench's 100 new files of
 * duplicates: the whole step 181-195 -> 167-179 ms CPU, the rest being the
 * duplicates' own rows; at 10M that is ~630 -> ~300 ms).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { CANDIDATE_SEQS, COPIES, freshIds, nearbyRows } from './schema.js';

/** Ranges the rows to read are grouped into at most: a long OR of ranges costs DuckDB more to check than the rows it skips. */
const MAX_RANGES = 64;
/** Candidates closer than this (two of DuckDB's vectors) share a range: reading the rows between costs less than another range. */
const NEAR = 4096;

/**
 * Sorted arrival numbers as at most `maxRanges` ranges covering them all: runs closer than `near`
 * join, and while there are too many the smallest gaps are closed (the rows in a closed gap are read
 * too, and left out again by the eventid comparison).
 */
export function seqRanges(sorted: readonly number[], near = NEAR, maxRanges = MAX_RANGES): [number, number][] {
  const ranges: [number, number][] = [];
  for (const seq of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && seq - last[1] <= near) last[1] = Math.max(last[1], seq);
    else ranges.push([seq, seq]);
  }
  if (ranges.length <= maxRanges) return ranges;
  // Too many: only the largest maxRanges - 1 gaps stay open (ties: the earlier one).
  const gaps = ranges.slice(1).map((range, k) => range[0] - ranges[k]![1]);
  const open = new Set(gaps.map((_, k) => k).sort((a, b) => gaps[b]! - gaps[a]! || a - b).slice(0, maxRanges - 1));
  const merged: [number, number][] = [ranges[0]!];
  for (let k = 1; k < ranges.length; k++) {
    if (open.has(k - 1)) merged.push(ranges[k]!);
    else merged[merged.length - 1]![1] = ranges[k]![1];
  }
  return merged;
}

/**
 * Leaves TEMP TABLE copies (schema.ts COPIES) holding every copy of each event ID that the rows from
 * arrival number `firstSeq` on (this batch's, already in `events`) have more than once, ranked by
 * THE duplicate rule. Runs inside the batch's transaction.
 */
export async function findCopies(connection: DuckDBConnection, firstSeq: number): Promise<void> {
  await connection.run(freshIds(firstSeq));
  const seqs = (await connection.runAndReadAll(CANDIDATE_SEQS)).getRows().map(([seq]) => Number(seq));
  await connection.run(nearbyRows(seqRanges(seqs)));
  await connection.run(COPIES);
}
