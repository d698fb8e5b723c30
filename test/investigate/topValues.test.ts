import { describe, expect, it } from 'vitest';
import { pivotQuery } from '../../src/investigate/pivot.js';
import { resourceName, TOP_FIELDS, topValues, type TopField, type TopValue } from '../../src/investigate/topValues.js';
import type { EventRow } from '../../src/model/types.js';
import { compileQuery, filterRows } from '../../src/query/index.js';
import { foldCase } from '../../src/query/fold.js';
import { EventStore } from '../../src/store/eventStore.js';
import { eventRow } from '../support/rows.js';

/**
 * The slow, obvious answer to compare with: each row's values of the field, once per value in any
 * case (the spelling that sorts first), counted by their fold and shown in the most counted spelling.
 */
function reference(rows: readonly EventRow[], field: TopField, limit: number): { values: TopValue[]; empty: number; distinct: number } {
  const read: Record<TopField, (row: EventRow) => string[]> = {
    user: (r) => [r.actor],
    ip: (r) => [r.sourceIp],
    key: (r) => [r.accessKey],
    name: (r) => [r.name],
    source: (r) => [r.source],
    // What the Error code column shows: a console sign-in that failed without an errorCode, its errorMessage.
    error: (r) => [r.errorCode || (r.name === 'ConsoleLogin' ? r.errorMessage : '')],
    region: (r) => [r.region],
    account: (r) => [r.recipientAccount, r.account],
    agent: (r) => [r.userAgent],
    identity: (r) => [r.identityType],
    resource: (r) => r.resources.map(resourceName),
  };
  const groups = new Map<string, TopValue & { spellings: Map<string, number> }>();
  let empty = 0;
  for (const row of rows) {
    const once = new Map<string, string>();
    for (const value of read[field](row).filter(Boolean)) {
      const known = once.get(foldCase(value));
      if (known === undefined || value < known) once.set(foldCase(value), value);
    }
    if (once.size === 0) empty++;
    for (const [folded, value] of once) {
      const e = groups.get(folded) ?? { value, count: 0, first: Infinity, last: -Infinity, spellings: new Map() };
      e.count++;
      e.spellings.set(value, (e.spellings.get(value) ?? 0) + 1);
      if (row.time < e.first) e.first = row.time;
      if (row.time > e.last) e.last = row.time;
      groups.set(folded, e);
    }
  }
  const all = [...groups.values()].map(({ spellings, ...e }) => {
    const shown = [...spellings].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
    return { ...e, value: shown };
  });
  all.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
  return { values: all.slice(0, limit), empty, distinct: all.length };
}

function randomRows(count: number, seed: number): EventRow[] {
  let s = seed;
  const rnd = (n: number) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s % n;
  };
  // Now and then a value in another case: one value to a query term, so one value to count.
  const someCase = (value: string) => (rnd(5) === 0 ? value.toUpperCase() : rnd(7) === 0 ? value[0]!.toUpperCase() + value.slice(1) : value);
  const rows: EventRow[] = [];
  for (let i = 0; i < count; i++) {
    const resources = Array.from({ length: rnd(3) }, () => {
      const n = rnd(8);
      // Some resources known by ARN alone (no name): counted by the ARN.
      return { type: 'AWS::S3::Bucket', name: n === 7 ? '' : someCase(`b${n}`), arn: n % 2 ? `arn:aws:s3:::b${n}` : '', accountId: '' };
    });
    rows.push(
      eventRow({
        id: `e${seed}-${i}`,
        time: Date.UTC(2024, 0, 1) + rnd(100000) * 1000,
        actor: someCase(`user${rnd(30)}`),
        sourceIp: rnd(5) === 0 ? '' : `10.0.${rnd(4)}.${rnd(50)}`,
        accessKey: `AKIA${rnd(40)}`,
        name: someCase(`Call${rnd(12)}`),
        errorCode: rnd(4) === 0 ? 'AccessDenied' : '',
        region: `r${rnd(3)}`,
        account: rnd(9) === 0 ? '' : `acct${rnd(3)}`,
        recipientAccount: rnd(2) === 0 ? '' : someCase(`acct${rnd(4)}`),
        userAgent: someCase(`agent/${rnd(7)}`),
        identityType: ['IAMUser', 'AssumedRole', 'Root'][rnd(3)]!,
        resources,
      }),
    );
    // Failed console sign-ins (no errorCode, an errorMessage), set by index so the random rows stay the ones they were.
    if (i % 11 === 0) rows[i] = { ...rows[i]!, name: 'ConsoleLogin', errorCode: '', errorMessage: i % 22 === 0 ? 'Failed authentication' : 'failed AUTHENTICATION' };
  }
  return rows;
}

describe('topValues', () => {
  it('equals a brute-force count for every field, with full and overflowing column dictionaries', () => {
    for (const limit of [undefined, 8]) {
      const store = new EventStore(0, { columnDictionaryLimit: limit });
      const rows = randomRows(3000, limit ?? 1);
      store.add(rows);
      store.flush();
      // A filtered subset, newest first, as the list holds it.
      const filtered = store.rows().filter((_, i) => i % 3 !== 0);
      for (const { field } of TOP_FIELDS) {
        const got = topValues(store, filtered, field, 20);
        const want = reference(filtered, field, 20);
        expect(got.values, `${field} (dictionary limit ${limit})`).toEqual(want.values);
        expect(got.empty, field).toBe(want.empty);
        expect(got.distinct, field).toBe(want.distinct);
        expect(got.rows).toBe(filtered.length);
        // Every row: the store's own array is counted from its seqs and a time column, without the row objects.
        const all = store.rows();
        const whole = topValues(store, all, field, 20);
        const wantAll = reference(all, field, 20);
        expect(whole.values, `${field}, all rows`).toEqual(wantAll.values);
        expect(whole.empty, field).toBe(wantAll.empty);
      }
      // Rows that arrive later extend the derived columns (times included).
      store.add(randomRows(500, 99 + (limit ?? 0)));
      store.flush();
      for (const { field } of TOP_FIELDS) expect(topValues(store, store.rows(), field, 20).values, `${field} after more rows`).toEqual(reference(store.rows(), field, 20).values);
    }
  });

  it('counts a near-unique field without a time per value: no array the dictionary\'s size but the counts (15 MB a count at 930k source IPs)', () => {
    const store = new EventStore(0, { columnDictionaryLimit: 64 });
    const rows: EventRow[] = [];
    // More distinct addresses (70,000) than a dictionary keeps each value's times for while counting (TIMES_PER_ID, 65,536).
    const count = 100_000;
    for (let i = 0; i < count; i++) {
      // Some repeat, some in two cases (one value, its ids in one fold group), most are each their own.
      const ip =
        i % 10 === 0 ? `192.0.2.${i % 7}` : i % 10 === 1 ? `2001:db8::a${i % 5}` : i % 10 === 2 ? `2001:DB8::A${i % 5}` : `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`;
      rows.push(eventRow({ sourceIp: ip, time: i % 13 === 0 ? NaN : Date.UTC(2024, 0, 1) + ((i * 7919) % count) * 1000 }));
    }
    store.add(rows);
    store.flush();
    const filtered = store.rows().filter((_, i) => i % 5 !== 0);
    // Its own full dictionary of the IPs is built by the first count; the second is the one a Tab makes.
    topValues(store, store.rows(), 'ip');
    const made: number[] = [];
    const Real = globalThis.Float64Array;
    class Watched extends Real {
      constructor(...args: ConstructorParameters<Float64ArrayConstructor>) {
        super(...args);
        made.push(this.length);
      }
    }
    globalThis.Float64Array = Watched as unknown as Float64ArrayConstructor;
    let all;
    let some;
    try {
      all = topValues(store, store.rows(), 'ip');
      some = topValues(store, filtered, 'ip');
    } finally {
      globalThis.Float64Array = Real;
    }
    expect(all.distinct).toBeGreaterThan(65_536);
    expect(made.filter((length) => length >= 65_536)).toEqual([]);
    // The same answer: a value no row of which had a time shows NaN (the reference leaves its infinities).
    const timed = (values: TopValue[]) => values.map((v) => ({ ...v, first: Number.isFinite(v.first) ? v.first : NaN, last: Number.isFinite(v.last) ? v.last : NaN }));
    expect(all.values).toEqual(timed(reference(store.rows(), 'ip', 20).values));
    expect(some.values).toEqual(timed(reference(filtered, 'ip', 20).values));
    expect(all.values.some((v) => Number.isNaN(v.first))).toBe(true);
    expect(all.distinct).toBe(reference(store.rows(), 'ip', 20).distinct);
  });

  it('reads rows the columns do not hold yet, and leaves first/last NaN when no row had a time', () => {
    const store = new EventStore(0);
    const stored = eventRow({ id: 'a', actor: 'alice', time: 5 });
    store.add([stored]);
    const loose = eventRow({ id: 'b', actor: 'alice', time: 9 });
    const timeless = eventRow({ id: 'c', actor: 'bob', time: NaN });
    const got = topValues(store, [stored, loose, timeless], 'user');
    expect(got.values).toEqual([
      { value: 'alice', count: 2, first: 5, last: 9 },
      { value: 'bob', count: 1, first: NaN, last: NaN },
    ]);
  });
  it("each value's count is the number of events its pivot (Enter: the field's query term) lists", () => {
    const store = new EventStore(0);
    store.add(randomRows(2000, 7));
    store.flush();
    for (const { field, queryField } of TOP_FIELDS) {
      for (const value of topValues(store, store.rows(), field, 50).values) {
        const compiled = compileQuery(pivotQuery('', { field: queryField, value: value.value }, 'replace'));
        if (!compiled.ok) throw new Error(compiled.error.message);
        expect(filterRows(store.rows(), compiled.query).length, `${field} ${value.value}`).toBe(value.count);
      }
    }
  });
});
