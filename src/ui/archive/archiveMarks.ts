/**
 * `'` on the --db dashboard: the archive finds the next marked event after
 * the cursor (archive/nextMark.ts, by keyset); this says what the state
 * becomes once it has answered. Plain data, no Ink.
 */
import type { ArchiveSession } from '../../archive/session.js';
import type { Cursor, Order } from '../../archive/query.js';
import { cursorAt, type ArchiveUiState } from './archiveModel.js';

/** The folder dashboard's words when no marked event is in the list. */
export const NO_MARK_HERE = 'No marked event in this list (m marks one)';

/**
 * Asks the archive for the next marked event of the list (`where`, `order`) after `from` (the
 * cursor's event) and gives the change to make: the cursor on its row, or the reason it stays.
 */
export async function nextMarkMove(session: ArchiveSession, where: string | null, order: Order, from: Cursor, bodyH: number): Promise<(state: ArchiveUiState, total: number) => ArchiveUiState> {
  const found = await session.nextMark(where, order, from);
  if (!found) return (state) => ({ ...state, status: NO_MARK_HERE });
  return (state, total) => cursorAt(state, found.index, total, bodyH);
}
