/**
 * `'` on an archive (archive/nextMark.ts): the next marked event after a
 * cursor in the list's order, found by keyset, is the one the whole list read
 * in order gives, at its row, for every cursor and both orders, with times
 * shared by many events (ties by arrival), times that did not parse (last
 * newest first), a narrowing filter, and going round to the first mark.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextMarkedEvent } from '../../src/archive/nextMark.js';
import { ORDER_BY, type Cursor, type Order } from '../../src/archive/query.js';
import { archiveOf, type TestArchive } from './helpers.js';

function records(): object[] {
  const out: object[] = [];
  for (let k = 0; k < 120; k++) {
    out.push({
      eventID: `ev-${String(k).padStart(3, '0')}`,
      // Eight events share each minute; every 15th has a time that does not parse.
      eventTime: k % 15 === 7 ? 'not a time' : new Date(Date.UTC(2024, 2, 5, 10, Math.floor(k / 8))).toISOString(),
      eventName: k % 3 === 0 ? 'PutObject' : 'GetObject',
      eventSource: 's3.amazonaws.com',
      userIdentity: { type: 'IAMUser', userName: 'alice' },
    });
  }
  return out;
}

const MARKED = ['ev-000', 'ev-007', 'ev-009', 'ev-010', 'ev-051', 'ev-052', 'ev-099', 'ev-119'];
const markedSql = `eventid IN (${MARKED.map((id) => `'${id}'`).join(', ')})`;

describe('the next marked event by keyset', () => {
  let a: TestArchive;
  beforeAll(async () => {
    a = await archiveOf(records(), 13);
  }, 60_000);
  afterAll(async () => {
    await a?.close();
  });

  async function listed(where: string, order: Order): Promise<{ id: string; cursor: Cursor }[]> {
    const result = await a.archive.connection.runAndReadAll(`SELECT eventid, tt_time, tt_seq FROM events WHERE ${where} ORDER BY ${ORDER_BY[order]}`);
    return result.getRows().map(([id, time, seq]) => ({ id: String(id), cursor: { time: time === null ? null : Number(time), seq: Number(seq) } }));
  }

  for (const order of ['newest', 'oldest'] as const) {
    for (const where of [null, "tt_name = 'GetObject'"]) {
      it(`from every row, ${order} first, ${where ?? 'the whole archive'}`, async () => {
        const list = await listed(where ?? 'true', order);
        const markedRows = list.map((event, i) => (MARKED.includes(event.id) ? i : -1)).filter((i) => i >= 0);
        expect(markedRows.length).toBeGreaterThan(2);
        for (let at = 0; at < list.length; at++) {
          const found = await nextMarkedEvent(a.archive, where, markedSql, list[at]!.cursor, order);
          const after = markedRows.find((i) => i > at);
          const expected = after ?? markedRows[0]!;
          expect(found?.index, `from row ${at}`).toBe(expected);
          expect(found?.cursor).toEqual(list[expected]!.cursor);
          expect(found?.wrapped).toBe(after === undefined);
        }
      });
    }
  }

  it('null when the list holds no marked event', async () => {
    const list = await listed('true', 'newest');
    expect(await nextMarkedEvent(a.archive, "eventid = 'ev-001'", markedSql, list[0]!.cursor, 'newest')).toBeNull();
    expect(await nextMarkedEvent(a.archive, null, 'false', list[0]!.cursor, 'newest')).toBeNull();
  });
});
