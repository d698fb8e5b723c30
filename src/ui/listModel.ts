/**
 * Pure list arithmetic: where the cursor is, which rows are visible, how many
 * arrived above. Everything here is O(log n) or O(visible rows), never O(n),
 * because it runs on every frame over up to millions of rows.
 */
import { compareNewestFirst } from '../model/order.js';
import type { EventRow } from '../model/types.js';

/**
 * Where `row` is, or would be, in a newest-first array: the first index whose
 * row is not newer than it (in an oldest-first array: not older). Rows are tracked by identity rather than index so
 * the cursor stays on its event while new events arrive above it.
 */
export function positionOf(rows: readonly EventRow[], row: EventRow, order: ListOrder = 'newest'): number {
  let lo = 0;
  let hi = rows.length;
  const oldest = order === 'oldest';
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((oldest ? compareNewestFirst(row, rows[mid]!) : compareNewestFirst(rows[mid]!, row)) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The list's order: newest first (the store's), or oldest first (read as a
 * timeline; the rows are the newest-first ones reversed, unreadable times first).
 */
export type ListOrder = 'newest' | 'oldest';

/** Index of the newest row in a list of this order. */
export function newestIndex(length: number, order: ListOrder = 'newest'): number {
  return order === 'oldest' ? Math.max(0, length - 1) : 0;
}

/** The cursor's index: the newest row when following, else the anchor's row (or its nearest neighbour if filtered out). */
export function cursorIndex(rows: readonly EventRow[], anchor: EventRow | null, follow: boolean, order: ListOrder = 'newest'): number {
  if (rows.length === 0) return 0;
  if (follow || !anchor) return newestIndex(rows.length, order);
  return Math.min(positionOf(rows, anchor, order), rows.length - 1);
}

export interface ListWindow {
  /** Index of the first visible row. */
  top: number;
  /** One past the last visible row. */
  end: number;
  cursor: number;
}

/**
 * The rows the list's columns are sized over (EventList): the screen and a screen either side, so
 * widths do not jump at every step. The --db list asks its pages for them too (archive/screenRows.ts).
 */
export function measuredRange(window: ListWindow): { top: number; end: number } {
  const span = window.end - window.top;
  return { top: Math.max(0, window.top - span), end: window.end + span };
}

/**
 * The visible slice. `offset` is the cursor's remembered distance from the top
 * of the window, so the screen does not jump when rows arrive above.
 */
export function windowFor(total: number, cursor: number, offset: number, height: number): ListWindow {
  const h = Math.max(1, height);
  const maxTop = Math.max(0, total - h);
  let top = cursor - Math.max(0, Math.min(offset, h - 1));
  top = Math.max(0, Math.min(top, maxTop));
  if (cursor < top) top = cursor;
  if (cursor >= top + h) top = cursor - h + 1;
  return { top, end: Math.min(total, top + h), cursor };
}

/** How many rows sort above the row that was newest when the user scrolled away. */
export function newAbove(rows: readonly EventRow[], newestWhenLeft: EventRow | null): number {
  if (!newestWhenLeft) return 0;
  return positionOf(rows, newestWhenLeft);
}
