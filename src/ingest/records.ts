import { verifiedRef } from '../model/contentCheck.js';
import type { EventRow } from '../model/types.js';
import { readRecord } from './read.js';

export type OriginalRecord = Record<string, unknown>;

export interface RecordsInOrderOptions {
  /** Rows read per step: each file that holds some of them is parsed once per step. */
  chunk?: number;
  /** Stop early (a closed pipe, Ctrl-C). */
  signal?: AbortSignal;
}

/**
 * The original records of `rows`, delivered in the order of `rows`, chunk by
 * chunk. Within a chunk the rows are read file by file: the first record of a
 * file parses it (readRecord keeps the parsed file in its cache) and the rest
 * come from that cache, so a million rows from ten thousand files parse each
 * file about once instead of once per row. A row whose file is gone or changed
 * beyond recognition gets null.
 */
export async function readRecordsInOrder(
  rows: readonly EventRow[],
  deliver: (records: (OriginalRecord | null)[], rows: readonly EventRow[]) => void | Promise<void>,
  options: RecordsInOrderOptions = {},
): Promise<void> {
  const chunk = Math.max(1, options.chunk ?? 5_000);
  for (let start = 0; start < rows.length; start += chunk) {
    if (options.signal?.aborted) return;
    const slice = rows.slice(start, start + chunk);
    const records = new Array<OriginalRecord | null>(slice.length).fill(null);
    const byFile = new Map<string, number[]>();
    slice.forEach((row, k) => {
      const positions = byFile.get(row.batch.file);
      if (positions) positions.push(k);
      else byFile.set(row.batch.file, [k]);
    });
    for (const positions of byFile.values()) {
      const first = positions[0]!;
      // The first read parses and caches the file; the others then only stat it, concurrently.
      records[first] = await readRecord(verifiedRef(slice[first]!));
      const rest = await Promise.all(positions.slice(1).map((k) => readRecord(verifiedRef(slice[k]!))));
      rest.forEach((record, r) => {
        records[positions[r + 1]!] = record;
      });
    }
    await deliver(records, slice);
  }
}
