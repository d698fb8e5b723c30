/**
 * Marks in the list: the next marked row after the cursor (`'`), found from
 * the marks (few) rather than by reading every row (many).
 */
import type { EventRow } from '../../model/types.js';
import { positionOf, type ListOrder } from '../listModel.js';

/**
 * Index of the first marked row below the cursor in the list as shown,
 * wrapping to the top; -1 when no marked event is in the list. `find` looks
 * an event up by id (the store's index).
 */
export function nextMarkIndex(rows: readonly EventRow[], cursor: number, marks: ReadonlySet<string>, find: (id: string) => EventRow | undefined, order: ListOrder): number {
  let after = -1;
  let firstAny = -1;
  for (const id of marks) {
    const row = find(id);
    if (!row) continue;
    const at = positionOf(rows, row, order);
    if (rows[at] !== row) continue; // filtered out (or an unreadable time's neighbour)
    if (at > cursor && (after < 0 || at < after)) after = at;
    if (firstAny < 0 || at < firstAny) firstAny = at;
  }
  return after >= 0 ? after : firstAny;
}
