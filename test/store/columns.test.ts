import { describe, expect, it } from 'vitest';
import {
  DICTIONARY_LIMIT,
  EMPTY_ID,
  IdArray,
  ipv4Number,
  ipv4Text,
  ListColumn,
  ON_ROW_ID,
  READ_ONLY_FALSE,
  READ_ONLY_NULL,
  READ_ONLY_TRUE,
  DISPLAY_KEYS,
  RowColumns,
  SCALAR_KEYS,
  ValueColumn,
} from '../../src/store/columns.js';
import { EventStore } from '../../src/store/eventStore.js';
import { SharedValues, StringSharer } from '../../src/store/share.js';
import { eventRow } from '../support/rows.js';

describe('RowColumns.append', () => {
  it('fills every scalar and display column with its own field of the row', () => {
    const columns = new RowColumns();
    const row = eventRow({ id: 'e1' });
    const keys = [...SCALAR_KEYS, ...DISPLAY_KEYS];
    // A distinct value per field, so a column fed another field's value shows.
    keys.forEach((key, k) => ((row as unknown as Record<string, string>)[key] = `value-${k}-${key}`));
    columns.append(row, true, true, (value) => value);
    for (const key of SCALAR_KEYS) expect(columns.scalars[key].valueAt(0)).toBe(row[key]);
    for (const key of DISPLAY_KEYS) expect(columns.display[key].valueAt(0)).toBe(row[key]);
  });
});

describe('IdArray', () => {
  it('keeps every id exactly while it grows and widens from 8 to 16 to 32 bits', () => {
    const ids = new IdArray();
    const expected: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const id = i < 1000 ? i % 200 : i < 3000 ? (i * 37) % 60_000 : (i * 7919) % 5_000_000;
      ids.push(id);
      expected.push(id);
    }
    expect(ids.length).toBe(5000);
    expect(Array.from({ length: 5000 }, (_, i) => ids.at(i))).toEqual(expected);
    expect(ids.ids).toBeInstanceOf(Uint32Array);
  });

  it('leaves an array taken before a widening push holding the old ids', () => {
    const ids = new IdArray();
    ids.push(5);
    const before = ids.ids;
    ids.push(70_000);
    expect(before[0]).toBe(5);
    expect(ids.ids).not.toBe(before);
    expect(ids.at(1)).toBe(70_000);
  });
});

describe('ValueColumn', () => {
  it('keeps dotted IPv4 addresses of its rows as numbers and gives back exactly the text it was given', () => {
    const addresses = ['52.44.184.146', '0.1.2.3', '255.255.255.255', '10.0.0.1', '1.2.3.4'];
    const notAddresses = ['0.0.0.0', '01.2.3.4', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', '1.2.3.4 ', '::1', 'ec2.amazonaws.com', '1.2.3.a', '.1.2.3'];
    for (const text of addresses) expect(ipv4Text(ipv4Number(text))).toBe(text);
    for (const text of notAddresses) expect(ipv4Number(text)).toBe(0);
    // A column that gave up its dictionary at once keeps every value on its rows.
    const column = new ValueColumn('sourceIp', DICTIONARY_LIMIT, 1);
    const values: string[] = [];
    for (let i = 0; i < 3000; i++) values.push(i % 3 === 0 ? notAddresses[i % notAddresses.length]! : `${i % 256}.${(i * 7) % 256}.${i >> 8}.${(i * 13) % 256}`);
    for (const value of values) column.append(value);
    expect(column.gaveUp).toBe(true);
    expect(values.map((_, i) => column.valueAt(i))).toEqual(values);
    // Overwrites switch between the two kinds of storage without leaving the other behind.
    column.overwrite(0, '9.9.9.9');
    column.overwrite(1, 'not-an-ip');
    column.overwrite(2, '');
    expect([column.valueAt(0), column.valueAt(1), column.valueAt(2), column.valueAt(4)]).toEqual(['9.9.9.9', 'not-an-ip', '', values[4]]);
  });

  it('gives equal values one id, the empty value EMPTY_ID, and values past the limit ON_ROW_ID', () => {
    const column = new ValueColumn('name', 2);
    for (const value of ['GetObject', '', 'PutObject', 'GetObject', 'ListBuckets']) column.append(value);
    const ids = Array.from({ length: 5 }, (_, i) => column.rows.at(i));
    expect(ids[0]).toBe(ids[3]);
    expect(ids[1]).toBe(EMPTY_ID);
    expect(ids[4]).toBe(ON_ROW_ID);
    expect(column.values[ids[0]!]).toBe('GetObject');
    expect(column.values[ids[2]!]).toBe('PutObject');
  });
});

describe('ListColumn', () => {
  it('keys shared lists by identity and sends unshared ones to the row', () => {
    const column = new ListColumn<string>('userNames');
    const shared = Object.freeze(['alice']);
    column.append(shared, true);
    column.append([], true);
    column.append(shared, true);
    column.append(['bob'], false);
    expect(column.rows.at(0)).toBe(column.rows.at(2));
    expect(column.lists[column.rows.at(0)]).toBe(shared);
    expect(column.rows.at(1)).toBe(EMPTY_ID);
    expect(column.rows.at(3)).toBe(ON_ROW_ID);
  });
});

describe('EventStore columns', () => {
  it('mirror every row by seq, duplicates left out', () => {
    const store = new EventStore();
    const rows = [
      eventRow({ id: 'a', name: 'GetObject', readOnly: true, errorCode: 'AccessDenied' }),
      eventRow({ id: 'b', name: 'PutObject', readOnly: null, userNames: [] }),
      eventRow({ id: 'a', name: 'Other' }),
      eventRow({ id: 'c', name: 'GetObject', readOnly: false, sourceIp: '' }),
    ];
    store.add(rows);
    const columns = store.columns();
    expect(columns.length).toBe(3);
    for (const row of store.log()) {
      for (const key of SCALAR_KEYS) {
        const column = columns.scalars[key];
        expect(column.values[column.rows.at(row.seq)]).toBe(row[key]);
      }
      expect(columns.userNames.lists[columns.userNames.rows.at(row.seq)]).toEqual(row.userNames);
    }
    expect([0, 1, 2].map((seq) => columns.readOnly.at(seq))).toEqual([READ_ONLY_TRUE, READ_ONLY_NULL, READ_ONLY_FALSE]);
  });

  it('order() lists the seqs of rows(), newest first, and follows later batches', () => {
    const store = new EventStore();
    store.add([eventRow({ id: 'x', time: 10 }), eventRow({ id: 'y', time: 30 })]);
    expect([...store.order()]).toEqual(store.rows().map((r) => r.seq));
    store.add([eventRow({ id: 'z', time: 20 })]);
    expect([...store.order()]).toEqual([1, 2, 0]);
    expect(store.order()).toBe(store.order());
  });
});

describe('dictionaries that give up on values that do not repeat', () => {
  it('a column of distinct values drops its dictionary after a probe; ids given before stay', () => {
    const unique = new ValueColumn('sourceIp', DICTIONARY_LIMIT, 100);
    for (let k = 0; k < 100; k++) expect(unique.append(`10.0.0.${k}`)).toBe(`10.0.0.${k}`);
    expect(unique.gaveUp).toBe(true);
    expect(unique.values[unique.rows.at(5)]).toBe('10.0.0.5');
    expect(unique.append('10.0.0.5')).toBe('10.0.0.5');
    expect(unique.rows.at(100)).toBe(ON_ROW_ID);
    const repeating = new ValueColumn('name', DICTIONARY_LIMIT, 100);
    for (let k = 0; k < 1000; k++) repeating.append(`Name${k % 7}`);
    expect(repeating.gaveUp).toBe(false);
    expect(repeating.overflowed).toBe(false);
  });

  it('SharedValues and StringSharer stop sharing when most values are new', () => {
    const lists = new SharedValues<string[]>(undefined, 50);
    for (let k = 0; k < 60; k++) lists.share(`k${k}`, [`v${k}`]);
    expect(lists.active).toBe(false);
    const names = new StringSharer(50);
    const first = names.share(['bucket'].join(''));
    expect(names.share(['bucket'].join(''))).toBe(first);
  });
});
