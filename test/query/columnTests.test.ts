import { describe, expect, it } from 'vitest';
import { ALWAYS, anyTest, denseAnswers, denseSplit, everyTest, NEVER, notTest, scalarTest, userNamesTest, type ColumnContext, type SeqTest } from '../../src/query/columnTests.js';
import { compileQuery, filterRows, filterStore } from '../../src/query/index.js';
import { wordTest, type MeantValues } from '../../src/query/wordColumns.js';
import { buildSearchText } from '../../src/model/searchText.js';
import type { EventRow, ResourceRef } from '../../src/model/types.js';
import { EventStore } from '../../src/store/eventStore.js';
import { int, pick, rng } from '../support/random.js';
import { eventRow } from '../support/rows.js';

function storeOf(limit?: number): EventStore {
  const store = new EventStore(0, limit === undefined ? {} : { columnDictionaryLimit: limit });
  const names = ['GetObject', 'PutObject', 'ListBuckets', 'AssumeRole', ''];
  store.add(
    Array.from({ length: 200 }, (_, i) =>
      eventRow({ id: `e${i}`, name: names[i % names.length]!, userNames: i % 3 === 0 ? [] : [`user${i % 7}`] }),
    ),
  );
  return store;
}

function contexts(store: EventStore): [string, ColumnContext][] {
  const base = { columns: store.columns(), log: store.log() };
  return [
    ['lazy', { ...base, scanRows: 1 }],
    ['eager', { ...base, scanRows: 1_000_000 }],
  ];
}

describe('column tests', () => {
  const visitors: [string, (value: string) => boolean][] = [
    ['ends in Object', (v) => v.endsWith('Object')],
    ['empty', (v) => v === ''],
    ['nothing', () => false],
    ['anything', () => true],
  ];

  for (const limit of [undefined, 2]) {
    it(`decide each row as the row's own value does, lazily and eagerly (dictionary limit ${limit ?? 'default'})`, () => {
      const store = storeOf(limit);
      for (const [mode, context] of contexts(store)) {
        for (const [label, visit] of visitors) {
          const test = scalarTest(context, 'name', visit);
          const expected = store.log().map((row) => visit(row.name));
          expect(store.log().map((row) => test(row.seq)), `${mode} ${label}`).toEqual(expected);
        }
        const names = userNamesTest(context, (list) => list.includes('user3'));
        expect(store.log().map((row) => names(row.seq)), `${mode} names`).toEqual(store.log().map((row) => row.userNames.includes('user3')));
      }
    });
  }

  it('turn a column where no value passes into NEVER, and every value into ALWAYS, when deciding eagerly', () => {
    const [, eager] = contexts(storeOf())[1]!;
    expect(scalarTest(eager, 'name', () => false)).toBe(NEVER);
    expect(scalarTest(eager, 'name', () => true)).toBe(ALWAYS);
    // A column with values past its dictionary can never be decided without the rows.
    const [, overflowing] = contexts(storeOf(2))[1]!;
    expect(scalarTest(overflowing, 'name', () => false)).not.toBe(NEVER);
  });

  it('combine constants without calling them', () => {
    const some = (seq: number) => seq % 2 === 0;
    expect(anyTest([NEVER, NEVER])).toBe(NEVER);
    expect(anyTest([some, ALWAYS])).toBe(ALWAYS);
    expect(anyTest([NEVER, some])).toBe(some);
    expect(everyTest([some, NEVER])).toBe(NEVER);
    expect(everyTest([ALWAYS, ALWAYS])).toBe(ALWAYS);
    expect(everyTest([ALWAYS, some])).toBe(some);
    expect(notTest(NEVER)).toBe(ALWAYS);
    expect(notTest(ALWAYS)).toBe(NEVER);
    expect(notTest(some)(3)).toBe(true);
  });
});

describe('words by column', () => {
  it('find a value lowercased after a higher dictionary id was, query after query (lazy, newest first)', () => {
    const store = new EventStore(0);
    // Arrival order gives PutObject the lower dictionary id; newest first, GetObject is tested first.
    store.add([
      eventRow({ id: 'old', name: 'PutObject', time: Date.UTC(2024, 0, 1) }),
      eventRow({ id: 'new', name: 'GetObject', time: Date.UTC(2024, 0, 2) }),
    ]);
    for (const source of ['"getobject"', '"putobject"', '"object"', '"putobject"']) {
      const compiled = compileQuery(source);
      if (!compiled.ok) throw new Error(compiled.error.message);
      expect(filterStore(store, compiled.query).map((r) => r.id), source).toEqual(filterRows(store.rows(), compiled.query).map((r) => r.id));
    }
    const put = compileQuery('"putobject"');
    if (!put.ok) throw new Error(put.error.message);
    expect(filterStore(store, put.query).map((r) => r.id)).toEqual(['old']);
  });
});

describe('a word over every row at once', () => {
  /** Rows whose near-unique values stay on the rows (small dictionaries), with words and fuzzy meanings in every part. */
  function rows(random: () => number, count: number, from: number): EventRow[] {
    const value = (prefix: string) => (random() < 0.5 ? `${prefix}-${int(random, 0, 40)}` : `${prefix}-Rare-${from}-${int(random, 0, 1e6)}`);
    return Array.from({ length: count }, (_, k) => {
      const resources: ResourceRef[] = random() < 0.3 ? [] : [{ type: 'T', name: value('Res'), arn: `arn:${value('Arn')}`, accountId: '' }];
      return eventRow({
        id: `w${from + k}`,
        name: value('Name'), source: value('Src'), actor: value('Actor'), errorCode: random() < 0.5 ? '' : value('Err'),
        region: pick(random, ['us-east-1', 'eu-west-1']), sourceIp: `10.${int(random, 0, 255)}.${int(random, 0, 255)}.${int(random, 1, 254)}`,
        accessKey: value('Key'), userNames: random() < 0.3 ? [] : [value('User')], resources,
      });
    });
  }

  /** What the word test answers, from the row's own values (model/searchText.ts, and the fuzzy sets by part). */
  const reference = (word: string, meant: MeantValues) => (row: EventRow) =>
    buildSearchText(row).includes(word) ||
    (['name', 'source', 'actor', 'errorCode'] as const).some((key) => meant.scalars[key]?.has(row[key]) === true) ||
    row.userNames.some((name) => meant.userNames?.has(name) === true) ||
    row.resources.some((resource) => meant.resourceNames?.has(resource.name) === true);

  it('answers as the column-by-column test does, for rows bound and rows added after binding', () => {
    const random = rng(5);
    const store = new EventStore(0, { columnDictionaryLimit: 64 });
    store.add(rows(random, 20_000, 0));
    const log = store.log();
    const rare = (key: 'name' | 'actor' | 'accessKey') => log.find((row) => row[key].includes('Rare'))![key];
    const cases: [string, MeantValues][] = [
      ['name-3', { scalars: {} }],
      ['rare-0-1', { scalars: {} }],
      ['10.1', { scalars: {} }],
      [rare('accessKey').toLowerCase(), { scalars: {} }],
      ['arn:arn-7', { scalars: {} }],
      ['user-rare', { scalars: {} }],
      ['nothing-at-all', { scalars: {} }],
      ['nothing-at-all', { scalars: { name: new Set([rare('name'), 'Name-5']), actor: new Set([rare('actor')]) }, userNames: new Set(['User-2']), resourceNames: new Set(['Res-9']) }],
    ];
    for (const [word, meant] of cases) {
      const all = wordTest({ columns: store.columns(), log, scanRows: log.length }, word, meant);
      const some = wordTest({ columns: store.columns(), log, scanRows: 100 }, word, meant);
      const expected = log.map(reference(word, meant));
      expect(expected.some(Boolean) || word === 'nothing-at-all', word).toBe(true);
      expect(log.map((row) => all(row.seq)), word).toEqual(expected);
      expect(log.map((row) => some(row.seq)), word).toEqual(expected);
      // Rows that arrive after the test was bound, with new values and values on the rows.
      store.add(rows(random, 300, log.length));
      const later = store.log().slice(-300);
      expect(later.map((row) => all(row.seq)), `${word}, later rows`).toEqual(later.map(reference(word, meant)));
    }
  });
});

describe('answers for every row at once', () => {
  it('equal the per-row answers through any, every and not, and an every splits into its dense terms and the rest', () => {
    const store = storeOf(2);
    const [, eager] = contexts(store)[1]!;
    const [, lazy] = contexts(store)[0]!;
    const end = store.log().length;
    const get = scalarTest(eager, 'name', (v) => v.startsWith('Get'));
    const put = scalarTest(eager, 'name', (v) => v === 'PutObject');
    const named = userNamesTest(eager, (list) => list.includes('user3'));
    const asked = scalarTest(lazy, 'name', (v) => v.endsWith('Object'));
    const perRow = (test: SeqTest) => store.log().map((row) => (test(row.seq) ? 1 : 0));
    for (const test of [get, anyTest([get, put]), everyTest([notTest(get), named]), notTest(anyTest([put, named])), everyTest([get, notTest(put), named])]) {
      expect([...denseAnswers(test, end)!]).toEqual(perRow(test));
    }
    // A term deciding values as rows ask has no dense form, nor has an every holding it; it is the rest.
    expect(denseAnswers(asked, end)).toBeNull();
    const mixed = everyTest([notTest(put), asked]);
    expect(denseAnswers(mixed, end)).toBeNull();
    const split = denseSplit(mixed, end)!;
    expect(split.rest).toBe(asked);
    expect(store.log().map((row) => (split.answers[row.seq] === 1 && split.rest!(row.seq) ? 1 : 0))).toEqual(perRow(mixed));
    expect(denseSplit(asked, end)).toBeNull();
  });

  it('a scan of a big store keeps what the row path keeps, with a selective first term narrowing the next', () => {
    const random = rng(9);
    const store = new EventStore(0);
    const users = Array.from({ length: 30_000 }, (_, k) => `user-${k}`);
    store.add(
      Array.from({ length: 70_000 }, (_, k) =>
        eventRow({
          id: `n${k}`,
          time: Date.UTC(2024, 0, 1) + k * 1000,
          name: pick(random, ['GetObject', 'PutObject', 'AssumeRole']),
          errorCode: random() < 0.02 ? 'AccessDenied' : '',
          readOnly: pick(random, [true, false, null]),
          userNames: [pick(random, users)],
          sourceIp: `10.${int(random, 0, 255)}.${int(random, 0, 255)}.${int(random, 1, 254)}`,
        }),
      ),
    );
    for (const source of ['error:AccessDenied user:user-1*', 'error:AccessDenied "user-12"', '-name:GetObject -readonly:true', 'name:GetObject -"user-1"', 'error:AccessDenied -readonly:false "10.1"']) {
      const compiled = compileQuery(source);
      if (!compiled.ok) throw new Error(compiled.error.message);
      const expected = filterRows(store.rows(), compiled.query).map((row) => row.id);
      expect(expected.length, source).toBeGreaterThan(0);
      expect(filterStore(store, compiled.query).map((row) => row.id), source).toEqual(expected);
    }
  });
});
