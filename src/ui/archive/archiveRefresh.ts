/**
 * A followed folder's import on the --db dashboard: the list is asked again
 * after each commit, and the cursor stays on the event it was on (found by its
 * time and arrival), as the folder dashboard's selection does, rather than on
 * its index, where the new rows above it put another event (the details
 * switched to it under the reader). At the newest end of a newest-first list
 * the cursor stays at the top and the new events come in under it, as the
 * folder dashboard follows the newest. Plain data, no Ink.
 */
import type { ArchiveUiState } from './archiveModel.js';

/** Whether a refresh keeps the cursor on its event (else on its index: the top of a newest-first list follows the newest). */
export function keepsCursorEvent(state: ArchiveUiState): boolean {
  return readingOne(state) || !(state.order === 'newest' && state.cursor === 0);
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
