import { describe, expect, it } from 'vitest';
import type { EventRow } from '../../src/model/types.js';
import { EventStore } from '../../src/store/eventStore.js';
import { histogram, parseBucketSize, type Histogram } from '../../src/timeline/index.js';
import { eventRow } from '../support/rows.js';

/** A deterministic generator (LCG), so a failure repeats. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

const T0 = Date.UTC(2024, 1, 28, 22);
const NAMES = ['GetObject', 'ConsoleLogin', 'AssumeRole', 'PutObject', 'ListBuckets'];
const CODES = ['AccessDenied', 'ThrottlingException', 'NoSuchKey'];

/** Events over about 3 days: failed and successful ConsoleLogins (some without an errorCode), error codes, some times unreadable (NaN). */
function generate(n: number, seed: number, prefix: string): EventRow[] {
  const next = random(seed);
  const rows: EventRow[] = [];
  for (let i = 0; i < n; i++) {
    const name = NAMES[Math.floor(next() * NAMES.length)]!;
    const r = next();
    const errorCode = r < 0.15 ? CODES[Math.floor(next() * CODES.length)]! : r < 0.2 ? `Unique${prefix}${i}` : '';
    // A ConsoleLogin failure carries an errorMessage and no errorCode; other rows may have a message without failing.
    const errorMessage = next() < 0.3 ? (name === 'ConsoleLogin' ? 'Failed authentication' : 'some message') : '';
    const time = next() < 0.03 ? Number.NaN : T0 + Math.floor(next() * 3 * 86_400_000);
    rows.push(eventRow({ id: `${prefix}${i}`, time, name, errorCode, errorMessage }));
  }
  return rows;
}

function plain(h: Histogram): unknown {
  return { max: h.max, parts: h.parts, buckets: h.buckets.map((b) => [b.start, b.end, b.count, b.errors, ...b.parts]) };
}

function expectSame(rows: readonly EventRow[], store: EventStore, size: string, extra: { from?: number; count?: number } = {}): Histogram {
  const options = { size: parseBucketSize(size)!, zone: 'utc' as const, ...extra };
  const byRows = histogram(rows, options);
  const byColumns = histogram(rows, { ...options, store });
  expect(plain(byColumns)).toEqual(plain(byRows));
  return byColumns;
}

describe('the histogram from typed arrays (store order, time column, error-code column)', () => {
  it('equals the row path on a generated store, filtered or not, before and after live appends', () => {
    // A dictionary limit of 1 keeps only the first name and error code (GetObject, AccessDenied): every other
    // value, ConsoleLogin included, stays on the rows (ON_ROW_ID), the column fallbacks.
    for (const limit of [undefined, 1]) {
      const store = new EventStore(0, limit === undefined ? {} : { columnDictionaryLimit: limit });
      store.add([eventRow({ id: 'first', time: T0, name: 'GetObject', errorCode: 'AccessDenied' })]);
      store.add(generate(5000, 17, 'a'));
      let rows = store.rows();
      const h = expectSame(rows, store, '1h');
      expect(h.buckets.reduce((n, b) => n + b.count, 0)).toBe(rows.filter((r) => !Number.isNaN(r.time)).length);
      // Failed ConsoleLogins without an errorCode are errors by the rule, and there are some.
      const failedSignIns = rows.filter((r) => r.name === 'ConsoleLogin' && r.errorCode === '' && r.errorMessage !== '' && !Number.isNaN(r.time)).length;
      expect(failedSignIns).toBeGreaterThan(100);
      const withCode = rows.filter((r) => r.errorCode !== '' && !Number.isNaN(r.time)).length;
      expect(h.buckets.reduce((n, b) => n + b.errors, 0)).toBe(withCode + failedSignIns);
      expectSame(rows, store, '1d');
      expectSame(rows, store, '1m', { from: T0 + 3_600_000, count: 90 });
      // A filtered view (a list of the store's rows, newest first).
      const filtered = rows.filter((r) => r.name !== 'GetObject' || Number.isNaN(r.time));
      expectSame(filtered, store, '1h');
      expectSame(filtered, store, '5m', { from: T0 + 86_400_000, count: 100 });
      // Live appends: rows newer, older and in between, some with new error codes and names.
      store.add(generate(800, 99, 'b'));
      store.add([eventRow({ id: 'late-sign-in', time: T0 + 5000, name: 'ConsoleLogin', errorMessage: 'Failed authentication' }), eventRow({ id: 'late-new', time: T0 + 4 * 86_400_000, name: 'BrandNewCall', errorCode: 'BrandNewCode' })]);
      rows = store.rows();
      expectSame(rows, store, '1h');
      expectSame(rows.filter((r) => r.name === 'ConsoleLogin'), store, '30m');
      // The old filtered list still counts the same after the store grew.
      expectSame(filtered, store, '1h');
    }
  });

  it('counts nothing from rows with only unreadable times, and nothing from no rows', () => {
    const store = new EventStore(0);
    expect(histogram(store.rows(), { size: parseBucketSize('1h')!, zone: 'utc', store }).buckets).toEqual([]);
    store.add([eventRow({ id: 'x', time: Number.NaN, errorCode: 'AccessDenied' })]);
    expect(histogram(store.rows(), { size: parseBucketSize('1h')!, zone: 'utc', store }).buckets).toEqual([]);
    expectSame(store.rows(), store, '1h', { from: T0, count: 3 });
  });
});
