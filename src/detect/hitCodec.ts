/**
 * Rule hits of a batch of rows, as three typed arrays naming rows by their
 * position in the batch: between a parse worker and the main thread they move
 * without a copy (one noisy SigmaHQ rule fires on most AssumedRole events of
 * a 1M load, ~600k hits), and the main thread hands them on by the store seq
 * its rows got, with no string or object per hit.
 */
import type { RuleHit } from './rule.js';

export interface RowHits {
  /** Hit h is on rows[at[h]] ... */
  at: Int32Array;
  /** ... and fired rules[ends[h - 1] .. ends[h]). */
  ends: Int32Array;
  rules: Int32Array;
}

export function packRowHits(at: readonly number[], fired: readonly (readonly number[])[]): RowHits {
  const ends = new Int32Array(at.length);
  let total = 0;
  for (let h = 0; h < fired.length; h++) ends[h] = total += fired[h]!.length;
  const rules = new Int32Array(total);
  let o = 0;
  for (const list of fired) for (const rule of list) rules[o++] = rule;
  return { at: Int32Array.from(at), ends, rules };
}

/**
 * The hits of `rows` (some of one file's rows, in record order) among the
 * file's hits (in record order, which name records by index in the file),
 * starting at hits[from]; `next` is where the hits of the file's next rows start.
 * A hit on a record that has no row here (a skipped item, or one loaded before) is passed over.
 */
export function hitsOfRows(rows: readonly { readonly recordIndex: number }[], hits: readonly RuleHit[], from = 0): { hits: RowHits; next: number } {
  const at: number[] = [];
  const fired: (readonly number[])[] = [];
  const last = rows.length > 0 ? rows[rows.length - 1]!.recordIndex : -1;
  let r = 0;
  let h = from;
  for (; h < hits.length; h++) {
    const hit = hits[h]!;
    if (hit.index > last) break;
    while (r < rows.length && rows[r]!.recordIndex < hit.index) r++;
    if (r < rows.length && rows[r]!.recordIndex === hit.index) {
      at.push(r);
      fired.push(hit.rules);
    }
  }
  return { hits: packRowHits(at, fired), next: h };
}

/** The buffers to move with a posted message. */
export function rowHitsBuffers(hits: RowHits): ArrayBuffer[] {
  return [hits.at.buffer, hits.ends.buffer, hits.rules.buffer] as ArrayBuffer[];
}
