import { isLossy } from './recordBatch.js';
import type { EventRow } from './types.js';

/**
 * The one display order: newest first; rows whose time did not parse go last;
 * equal times keep arrival order so the list never reshuffles.
 */
export function compareNewestFirst(a: EventRow, b: EventRow): number {
  const at = a.time;
  const bt = b.time;
  const aBad = Number.isNaN(at);
  const bBad = Number.isNaN(bt);
  if (aBad !== bBad) return aBad ? 1 : -1;
  if (!aBad && at !== bt) return bt - at;
  return a.seq - b.seq;
}

/**
 * THE duplicate rule (ingest/order.ts): of two copies of one eventID, the one
 * kept is the one first in file order: the older delivery, then the smaller
 * path, then (within a file) the earlier record. Negative when copy `a` comes
 * first. 0 when either delivery time is unknown (NaN): the copy added first stays.
 * Before all that, a full record comes before a copy rebuilt from a CSV
 * export's columns (isLossy), which lacks the fields the record has.
 */
export function compareCopies(a: EventRow, b: EventRow): number {
  const al = isLossy(a);
  if (al !== isLossy(b)) return al ? 1 : -1;
  const ad = a.batch.deliveredAt;
  const bd = b.batch.deliveredAt;
  if (Number.isNaN(ad) || Number.isNaN(bd)) return 0;
  if (ad !== bd) return ad - bd;
  const af = a.batch.file;
  const bf = b.batch.file;
  if (af !== bf) return af < bf ? -1 : 1;
  return a.recordIndex - b.recordIndex;
}
