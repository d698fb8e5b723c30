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
