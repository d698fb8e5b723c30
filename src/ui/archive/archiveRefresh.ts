/**
 * A followed folder's import on the --db dashboard: the list is asked again
 * after each commit, and the cursor stays on the event it was on (found by its
 * time and arrival), as the folder dashboard's selection does, rather than on
 * its index, where the new rows above it put another event (the details
 * switched to it under the reader). At the newest end of a newest-first list
 * the cursor stays at the top and the new events come in under it, as the
 * folder dashboard follows the newest. Plain data, no Ink.
 */
import type { Order } from '../../archive/query.js';
import type { ArchiveUiState } from './archiveModel.js';

/**
 * Whether the cursor follows the newest event through an import: it is on the newest end of the list
 * (the top of a newest-first list, the bottom of an oldest-first one: where `f`, or a move, put it), as
 * the folder dashboard follows, and no event is being read (the details do not switch under the reader).
 * `total`: the events in the list the cursor is in.
 */
export function followsNewest(state: ArchiveUiState, total: number): boolean {
  if (readingOne(state)) return false;
  return state.order === 'newest' ? state.cursor === 0 : state.cursor >= total - 1;
}

/**
 * The details or the JSON of the cursor's event are on screen, or under the view on screen (`h` or `?`
 * opened over them): Esc must come back to the event they showed, not to the newest that came meanwhile.
 */
function readingOne(state: ArchiveUiState): boolean {
  return [state.mode, ...state.under].some((mode) => mode === 'detail' || mode === 'json');
}

/**
 * The state once the refreshed list has the cursor's event at `index`; the cursor was at `before`
 * when the refresh began (keys that moved it meanwhile move it as far from its event). The offset is
 * kept, so the event stays on its screen line.
 */
export function cursorAfterRefresh(state: ArchiveUiState, before: number, index: number, total: number, bodyH: number): ArchiveUiState {
  const shift = index - before;
  if (shift === 0 || total === 0) return state;
  const cursor = Math.max(0, Math.min(total - 1, state.cursor + shift));
  const offset = Math.max(0, Math.min(state.offset, cursor, bodyH - 1));
  return { ...state, cursor, offset };
}

/**
 * The events on the newest side of the row at `index` in a list of `total` in `order`: what an import
 * adds there is what the header's `▲ N new` counts (the difference between two lists' figures).
 */
export function aheadOf(order: Order, index: number, total: number): number {
  return order === 'newest' ? index : total - 1 - index;
}

/** The index of the newest event in a list of `total` in `order` (where `f` puts the cursor). */
export function newestEnd(order: Order, total: number): number {
  return order === 'newest' ? 0 : Math.max(0, total - 1);
}
