/**
 * `'` on the --db dashboard: the next marked event after the cursor in the
 * list's order, by keyset on the archive (a top-1 over the marked events of
 * the list, then one count for its row), never by reading the list's pages:
 * the list may hold millions of rows, the marks are few.
 */
import type { Archive } from './db.js';
import { afterCursor, ORDER_BY, placeOfCursor, type Cursor, type Order } from './query.js';

export interface MarkFound {
  /** The marked event's keys (time and arrival). */
  cursor: Cursor;
  /** Its row in the list of `where` in `order`. */
  index: number;
  /** No marked event after the cursor: this is the first in the list (the search went round). */
  wrapped: boolean;
}

async function firstKey(archive: Archive, condition: string, order: Order): Promise<Cursor | null> {
  const found = (await archive.connection.runAndReadAll(`SELECT tt_time, tt_seq FROM events WHERE ${condition} ORDER BY ${ORDER_BY[order]} LIMIT 1`)).getRows() as unknown[][];
  const [time, seq] = found[0] ?? [];
  return seq === undefined ? null : { time: time === null || time === undefined ? null : Number(time), seq: Number(seq) };
}

/**
 * The first event of `where` that `marked` selects after `from` in `order` (from the top without
 * `from`), else the first in the list (as the folder dashboard's `'` goes round); null when the
 * list holds no marked event. `marked`: the SQL of the query `mark:*` (the dashboard's marks).
 */
export async function nextMarkedEvent(archive: Archive, where: string | null, marked: string, from: Cursor | null, order: Order): Promise<MarkFound | null> {
  const inList = `(${where ?? 'true'}) AND (${marked})`;
  let cursor = from ? await firstKey(archive, `${inList} AND ${afterCursor(from, order)}`, order) : null;
  const wrapped = cursor === null;
  cursor ??= await firstKey(archive, inList, order);
  if (!cursor) return null;
  const { before } = await placeOfCursor(archive, where, cursor, order);
  return { cursor, index: before, wrapped };
}
