import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageEvents, type Cursor, type Order } from '../../src/archive/query.js';
import { archiveOf, type TestArchive } from './helpers.js';

/** 60 events on 7 distinct times (many ties) and 5 whose time does not parse. */
function records(): object[] {
  const out: object[] = [];
  for (let k = 0; k < 60; k++) {
    out.push({ eventID: `e${String(k).padStart(2, '0')}`, eventTime: `2024-03-05T12:0${k % 7}:00Z`, eventName: k % 2 ? 'GetObject' : 'PutObject' });
  }
  for (let k = 0; k < 5; k++) out.push({ eventID: `bad${k}`, eventTime: 'yesterday', eventName: 'GetObject' });
  return out;
}

describe('keyset pages of the archive', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await archiveOf(records(), 9);
  });
  afterAll(() => archive?.close());

  for (const order of ['newest', 'oldest'] as const satisfies readonly Order[]) {
    for (const where of [null, "tt_name = 'GetObject'"]) {
      it(`pages of 4 (${order}, ${where ?? 'all'}) give every event once, in the one-query order`, async () => {
        const all = (await pageEvents(archive.archive, where, 1000, undefined, order)).map((e) => e.row.id);
        const paged: string[] = [];
        let cursor: Cursor | undefined;
        for (;;) {
          const page = await pageEvents(archive.archive, where, 4, cursor, order);
          paged.push(...page.map((e) => e.row.id));
          if (page.length < 4) break;
          cursor = page[page.length - 1]!.cursor;
        }
        expect(paged).toEqual(all);
        expect(new Set(paged).size).toBe(where ? 35 : 65); // the 5 unparsed ones are GetObject too
        // Unparsed times come last newest-first, first oldest-first.
        expect(order === 'newest' ? all.slice(-5).every((id) => id.startsWith('bad')) : all.slice(0, 5).every((id) => id.startsWith('bad'))).toBe(true);
      });
    }
  }
});
