import { describe, expect, it } from 'vitest';
import { EventStore } from '../../src/store/eventStore.js';
import { compileQuery, FilteredView, filterRows, type CompiledQuery, type Vocabulary } from '../../src/query/index.js';
import type { EventRow } from '../../src/model/types.js';
import { makeRow, randomRow, seededRandom } from './rows.js';

const NOW = Date.UTC(2024, 2, 5, 12, 0, 0);

function compile(query: string, vocabulary?: Vocabulary): CompiledQuery {
  const result = compileQuery(query, { now: NOW, vocabulary });
  if (!result.ok) throw new Error(`${query}: ${result.error.message}`);
  return result.query;
}

const ids = (rows: readonly EventRow[]) => rows.map((r) => r.id);

describe('FilteredView', () => {
  it.each(['getobjct', 'name:GetObject name:PutObject -error:*', 'since:6h user:Admin/*', 'assumrole region:us-*', ''])(
    'appended rows give the same result as filtering from scratch (%s)',
    (text) => {
      const random = seededRandom(text.length + 7);
      const store = new EventStore(0);
      const view = new FilteredView(store);
      const query = compile(text, view.vocabulary);
      void view.setQuery(query);
      let sawRows = false;
      for (let batch = 0; batch < 40; batch++) {
        const rows = Array.from({ length: 1 + Math.floor(random() * 60) }, () => randomRow(random));
        // Some duplicates, as overlapping files deliver.
        if (batch > 0 && random() < 0.3) rows.push(store.log()[Math.floor(random() * store.log().length)]!);
        store.add(rows);
        view.refresh();
        const fresh = compile(text, view.vocabulary);
        const expected = filterRows(store.rows(), fresh);
        expect(ids(view.rows())).toEqual(ids(expected));
        expect(view.size).toBe(expected.length);
        sawRows ||= expected.length > 0;
      }
      expect(sawRows).toBe(true);
      view.dispose();
    },
  );

  it('a late value that a fuzzy word means is picked up by appended rows', () => {
    const store = new EventStore(0);
    const view = new FilteredView(store);
    store.add([makeRow({ name: 'ListBuckets' })]);
    view.refresh();
    void view.setQuery(compile('getsecretvlue', view.vocabulary));
    expect(view.size).toBe(0);
    store.add([makeRow({ name: 'GetSecretValue' }), makeRow({ name: 'PutObject' })]);
    view.refresh();
    expect(view.rows().map((r) => r.name)).toEqual(['GetSecretValue']);
    view.dispose();
  });

  it('an empty query shows every row newest first', () => {
    const store = new EventStore(0);
    const view = new FilteredView(store);
    const rows = [makeRow({ time: 1 }), makeRow({ time: 3 }), makeRow({ time: 2 })];
    store.add(rows);
    view.refresh();
    expect(view.rows().map((r) => r.time)).toEqual([3, 2, 1]);
    void view.setQuery(compile('name:Nothing'));
    expect(view.size).toBe(0);
    void view.setQuery(null);
    expect(view.size).toBe(3);
  });

  it('a newer query cancels the older one and the old result stays until the new one is ready', async () => {
    const random = seededRandom(99);
    const store = new EventStore(0);
    store.add(Array.from({ length: 30_000 }, () => randomRow(random)));
    const view = new FilteredView(store, { syncLimit: 100, budgetMs: 1 });
    expect(view.size).toBe(30_000);
    const first = view.setQuery(compile('name:GetObject', view.vocabulary));
    expect(view.ready).toBe(false);
    expect(view.size).toBe(30_000);
    const secondQuery = compile('region:eu-west-1 -error:*', view.vocabulary);
    const second = view.setQuery(secondQuery);
    // Rows arriving during the background re-filter are merged in afterwards.
    const late = Array.from({ length: 500 }, () => randomRow(random));
    store.add(late);
    view.refresh();
    expect(await first).toBe(false);
    expect(await second).toBe(true);
    expect(view.ready).toBe(true);
    expect(ids(view.rows())).toEqual(ids(filterRows(store.rows(), secondQuery)));
    const lateIds = new Set(late.map((r) => r.id));
    expect(view.rows().some((r) => lateIds.has(r.id))).toBe(true);
  });

  it('a background re-filter with a time range gives the same rows as a full scan', async () => {
    const random = seededRandom(5);
    const store = new EventStore(0);
    store.add(Array.from({ length: 5000 }, () => randomRow(random)));
    const view = new FilteredView(store, { syncLimit: 10, budgetMs: 0 });
    for (const text of ['since:5h name:GetObject', 'from:2024-03-05T02:00Z to:2024-03-05T03:59Z', 'until:9h -readonly:true']) {
      const query = compile(text, view.vocabulary);
      expect(await view.setQuery(query)).toBe(true);
      const expected = filterRows(store.rows(), query);
      expect(expected.length).toBeGreaterThan(0);
      expect(ids(view.rows())).toEqual(ids(expected));
    }
    view.dispose();
  });

  it('notifies subscribers when its rows change, following the store on its own', async () => {
    const store = new EventStore(0);
    const view = new FilteredView(store);
    void view.setQuery(compile('name:GetObject'));
    let calls = 0;
    view.subscribe(() => calls++);
    const before = view.version;
    store.add([makeRow({ name: 'PutObject' })]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toBe(0);
    store.add([makeRow({ name: 'GetObject' })]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toBe(1);
    expect(view.version).toBeGreaterThan(before);
    expect(view.size).toBe(1);
    view.dispose();
  });
});
