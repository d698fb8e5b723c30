/**
 * The rows the --db list hands EventList. EventList sizes its columns, the
 * time's form among them, over the rows on screen and a screen either side;
 * the folder dashboard gives it every row, so it sees those. Given only the
 * screen's rows, --db sized its columns over fewer values than the folder did
 * over the same events: at 100 columns one dashboard showed `03-05 12:00:00`
 * where the other showed `2024-03-05 12:00:00`. Here the held rows a screen
 * either side go with the screen's (the list is asked for them: measuredRange),
 * and the window says where the screen is among them. Plain data, no Ink.
 */
import type { EventRow } from '../../model/types.js';
import { measuredRange, type ListWindow } from '../listModel.js';

export interface ScreenRows {
  rows: EventRow[];
  window: ListWindow;
}

/** `win` over the archive's list, whose row at an index is `at(index)` when held. */
export function screenRows(at: (index: number) => EventRow | undefined, win: ListWindow): ScreenRows {
  const range = measuredRange(win);
  // Either side only the held rows next to the screen: a gap would put rows out of their place.
  const before: EventRow[] = [];
  for (let i = win.top - 1; i >= range.top; i--) {
    const row = at(i);
    if (!row) break;
    before.push(row);
  }
  before.reverse();
  // A row on screen not read yet is left out until its page arrives.
  const shown: EventRow[] = [];
  for (let i = win.top; i < win.end; i++) {
    const row = at(i);
    if (row) shown.push(row);
  }
  const after: EventRow[] = [];
  for (let i = win.end; i < range.end; i++) {
    const row = at(i);
    if (!row) break;
    after.push(row);
  }
  const top = before.length;
  return { rows: [...before, ...shown, ...after], window: { top, end: top + shown.length, cursor: top + win.cursor - win.top } };
}
