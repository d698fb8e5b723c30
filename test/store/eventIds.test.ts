import { describe, expect, it } from 'vitest';
import { EventIds } from '../../src/store/eventIds.js';
import { EventStore } from '../../src/store/eventStore.js';
import { eventRow } from '../support/rows.js';

// Ids of every shape the byte column treats differently: UUIDs in each case, short Latin-1, text.
const IDS = [
  '11980126-a011-44f0-9cf6-5ff77a94295c',
  '11980126-A011-44F0-9CF6-5FF77A94295C',
  '11980126-a011-44F0-9cf6-5ff77a94295c', // mixed case: kept as text to come back unchanged
  '11980126+a011-44f0-9cf6-5ff77a94295c',
  '1198012g-a011-44f0-9cf6-5ff77a94295c',
  'TJOUK3F63QXLVDYI',
  'é',
  'x',
  'content:0123456789abcdef0123456789abcdef',
  'événement-😀',
  '',
  '0'.repeat(17),
];

describe('EventIds', () => {
  it('gives back every id as it was pushed, through growth and overwrites', () => {
    const ids = new EventIds();
    const expected: string[] = [];
    for (let k = 0; k < 5000; k++) {
      const id = IDS[k % IDS.length]!;
      ids.push(id);
      expected.push(id);
    }
    expect(ids.length).toBe(5000);
    for (let k = 0; k < expected.length; k++) expect(ids.at(k)).toBe(expected[k]);
    // Overwrite text with a UUID and a UUID with text: neither leaks into the other.
    ids.set(8, IDS[0]!);
    ids.set(0, IDS[8]!);
    expect(ids.at(8)).toBe(IDS[0]);
    expect(ids.at(0)).toBe(IDS[8]);
    expect(ids.at(1)).toBe(IDS[1]);
  });
});

describe('EventStore ids', () => {
  it('keeps ids in its columns, not on the rows, and answers by them', () => {
    const store = new EventStore(0);
    const rows = IDS.filter((id) => id !== '').map((id) => eventRow({ id }));
    expect(store.add(rows)).toBe(rows.length);
    for (const [k, stored] of store.log().entries()) {
      expect(Object.hasOwn(stored, 'id')).toBe(false);
      expect(stored.id).toBe(rows[k]!.id);
      expect(store.get(rows[k]!.id)).toBe(stored);
    }
    // A second copy of each is a duplicate, found by the packed id.
    expect(store.add(IDS.filter((id) => id !== '').map((id) => eventRow({ id })))).toBe(0);
    expect(store.has('11980126-a011-44f0-9cf6-5ff77a94295d')).toBe(false);
  });
});
