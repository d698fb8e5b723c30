import { describe, expect, it } from 'vitest';
import type { EventRow, ResourceRef } from '../../src/model/types.js';
import { anyResourcePart } from '../../src/model/searchText.js';
import { OnRowText, ResourcesOnRowText, resourceLower } from '../../src/query/onRowText.js';
import { includesFolded, wordTest, type MeantValues } from '../../src/query/wordColumns.js';
import { ON_ROW_ID } from '../../src/store/columns.js';
import { int, pick, rng } from '../support/random.js';
import { eventRow } from '../support/rows.js';
import { RecordBatch } from '../../src/model/recordBatch.js';
import { compileQuery, filterRows, filterStore } from '../../src/query/index.js';
import { EventStore } from '../../src/store/eventStore.js';
import { foldCase } from '../../src/query/fold.js';

describe('includesFolded', () => {
  it('answers as foldCase(value).includes() for ASCII and other text', () => {
    const values = ['', 'AssumeRole', 'ASSUMEROLE', '10.0.0.1', 'arn:aws:s3:::Bucket/Key', 'K\u212Aelvin', 'İstanbul', 'ΑΣ', 'a\nb', 'x'];
    const words = ['', 'assumerole', 'role', '0.0.1', 's3:::bucket/k', 'kelvin', 'k', 'i̇stanbul', 'istanbul', 'ας', 'σ', 'b', 'xx', 'a'];
    for (const value of values) {
      for (const word of words) expect(includesFolded(value, word), `${value} / ${word}`).toBe(foldCase(value).includes(word));
    }
  });
});

describe('OnRowText', () => {
  it('finds every on-row value holding a word, one hit per row, across chunks and as rows arrive', () => {
    const ids: number[] = [];
    const log: EventRow[] = [];
    const add = (value: string, onRow: boolean) => {
      ids.push(onRow ? ON_ROW_ID : 2);
      log.push(eventRow({ sourceIp: value }));
    };
    const text = new OnRowText(() => ids, (row) => foldCase(row.sourceIp));
    for (let k = 0; k < 20_000; k++) add(k % 3 === 0 ? `Host-${k}-HOST` : `10.0.${k}`, k % 5 !== 0);
    const search = (word: string) => {
      const hits = new Uint8Array(log.length);
      text.search(log, log.length, word, hits);
      return hits;
    };
    const expectHits = (word: string) => {
      const hits = search(word);
      log.forEach((row, seq) => {
        expect(hits[seq], `${seq} ${word}`).toBe(ids[seq] === ON_ROW_ID && foldCase(row.sourceIp).includes(word) ? 1 : 0);
      });
    };
    expectHits('host');
    expectHits('-1');
    for (let k = 20_000; k < 20_100; k++) add(`late-HOST-${k}`, true);
    expectHits('host');
    expectHits('late');
    expect(search('\u0000').some((h) => h === 1)).toBe(false);
  });
});

/** Each seq whose row `holds` says holds the word, as a 0/1 array to compare with a search's hits. */
function expected(log: readonly EventRow[], ids: ArrayLike<number>, holds: (row: EventRow) => boolean): number[] {
  return log.map((row, seq) => (ids[seq] === ON_ROW_ID && holds(row) ? 1 : 0));
}

function searched(text: { search(log: readonly EventRow[], end: number, word: string, hits: Uint8Array): void }, log: readonly EventRow[], word: string): number[] {
  const hits = new Uint8Array(log.length);
  text.search(log, log.length, word, hits);
  return [...hits];
}

describe('OnRowText trigram filters', () => {
  it('skip only blocks that cannot hold the word: rare, common, cut-off and non-ASCII words all find what a scan finds', () => {
    const random = rng(7);
    // A small alphabet, so three-letter runs repeat and most blocks pass some words' filters but not others'.
    const letters = ['a', 'b', 'c', 'd', 'e', '1', '.', '-', 'é', 'σ', 'ς'];
    const ids: number[] = [];
    const log: EventRow[] = [];
    const text = new OnRowText(() => ids, (row) => foldCase(row.sourceIp));
    const add = (count: number) => {
      for (let k = 0; k < count; k++) {
        const length = int(random, 0, 14);
        let value = '';
        for (let i = 0; i < length; i++) value += pick(random, letters);
        ids.push(random() < 0.9 ? ON_ROW_ID : 2);
        log.push(eventRow({ sourceIp: random() < 0.001 ? `needle-${k}-ΑΣ` : value.toUpperCase() }));
      }
    };
    const words = (): string[] => {
      const out = ['abc', 'needle-', 'ας', 'σ', 'ab', 'zzz', 'a.1-é', 'eeeeeeeeeee'];
      // Words cut from values, so each is in at least one row (when that row keeps its value).
      for (let k = 0; k < 30; k++) {
        const value = foldCase(pick(random, log).sourceIp);
        const from = int(random, 0, value.length);
        out.push(value.slice(from, from + int(random, 3, 9)));
      }
      return out.filter((word) => word !== '');
    };
    add(20_000);
    for (const word of words()) expect(searched(text, log, word), word).toEqual(expected(log, ids, (row) => foldCase(row.sourceIp).includes(word)));
    add(9_000);
    for (const word of words()) expect(searched(text, log, word), word).toEqual(expected(log, ids, (row) => foldCase(row.sourceIp).includes(word)));
  });
});

describe('ResourcesOnRowText', () => {
  /** A resource list's text as the reference builds it (model/searchText.ts). */
  const holds = (word: string) => (row: EventRow) => {
    const parts: string[] = [];
    anyResourcePart(row.resources, (value) => parts.push(value) < 0);
    return foldCase(parts.join('\n')).includes(word);
  };

  it('finds words in repeated and unique resources, across the shared entries, the give-up of a type and rows as they arrive', () => {
    const random = rng(11);
    const buckets = Array.from({ length: 40 }, (_, k) => ({ type: 'AWS::S3::Bucket', name: `Bucket-${k}`, arn: `arn:aws:s3:::Bucket-${k}`, accountId: '1' }));
    const ids: number[] = [];
    const log: EventRow[] = [];
    const text = new ResourcesOnRowText(() => ids);
    let row = 0;
    const resource = (): ResourceRef => {
      const kind = random();
      if (kind < 0.3) return pick(random, buckets);
      // A KMS key by ARN, named the same each time or (a crafted log) not: a repeat names its entry's resource or stays the row's own.
      if (kind < 0.45) {
        const key = int(random, 0, 30);
        return { type: 'AWS::KMS::Key', name: random() < 0.9 ? `Key-${key}` : `Other-${key}`, arn: `arn:aws:kms:us-east-1:1:key/Key-${key}`, accountId: '1' };
      }
      // Repeats by ARN, with a name that is not the ARN's end (both go into the text).
      if (kind < 0.55) {
        const n = int(random, 0, 12_000);
        return { type: 'AWS::IAM::Role', name: `Role ${n}`, arn: `arn:aws:iam::1:role/r${n}`, accountId: '1' };
      }
      // Case-folding traps: a final sigma where the name ends the ARN, and an empty name or ARN.
      if (kind < 0.6) return pick(random, [
        { type: 'Greek', name: 'Σ', arn: 'arn:ΑΣ', accountId: '' },
        { type: 'Greek', name: '', arn: 'arn:only-ΑΣ', accountId: '' },
        { type: 'Greek', name: 'Name-Only', arn: '', accountId: '' },
        { type: 'Greek', name: '', arn: '', accountId: '' },
        { type: 'Greek', name: 'K\u212Aey', arn: 'K\u212Aey', accountId: '' },
      ]);
      // Never repeats: its type's table gives up.
      return { type: 'AWS::S3::Object', name: `Bucket-1/data/Obj-${row}-${Math.floor(random() * 1e9).toString(36)}.json`, arn: '', accountId: '' };
    };
    const add = (count: number) => {
      for (let k = 0; k < count; k++, row++) {
        const resources = Array.from({ length: int(random, 1, 3) }, resource);
        for (const r of resources) if (r.type === 'AWS::S3::Object') r.arn = `arn:aws:s3:::${r.name}`;
        ids.push(random() < 0.95 ? ON_ROW_ID : 2);
        log.push(eventRow({ resources }));
      }
    };
    const words = ['bucket-1', 'bucket-17', 'arn:aws:s3:::bucket-3', 'key-7', 'other-7', 'role 11', 'r11', 'σ', 'ας', 'only-ας', 'name-only', 'kkey', 'obj-1', '.json', 'nothing'];
    const cut = () => {
      const parts = pick(random, log).resources.map((r) => resourceLower(r));
      const part = pick(random, parts).split('\n')[0]!;
      const from = int(random, 0, part.length);
      return part.slice(from, from + int(random, 1, 12));
    };
    const check = () => {
      for (const word of [...words, ...Array.from({ length: 20 }, cut)]) {
        if (word === '') continue;
        expect(searched(text, log, word), word).toEqual(expected(log, ids, holds(word)));
      }
    };
    add(9_000);
    check();
    add(25_000);
    check();
  });
});

describe('on-row text and rows the store writes over', () => {
  it('answers a row replaced by an earlier copy from its values now, not the text built from the old ones', () => {
    const batchAt = (file: string, deliveredAt: number): RecordBatch => Object.assign(new RecordBatch(file), { deliveredAt });
    // Dictionaries of 2 values: source IPs and resource lists stay on the rows, where the text is built from.
    const store = new EventStore(0, { columnDictionaryLimit: 2 });
    const late = batchAt('late.json', 2000);
    const resource = (name: string): ResourceRef => ({ type: 'AWS::S3::Object', name, arn: `arn:aws:s3:::${name}`, accountId: '' });
    store.add(
      Array.from({ length: 20_000 }, (_, k) =>
        eventRow({ id: `r${k}`, time: 1000 + k, batch: late, sourceIp: `host-${k}`, resources: [resource(`bucket/object-${k}`)] }),
      ),
    );
    const ids = (source: string) => {
      const compiled = compileQuery(source);
      if (!compiled.ok) throw new Error(compiled.error.message);
      const expected = filterRows(store.rows(), compiled.query).map((row) => row.id);
      expect(filterStore(store, compiled.query).map((row) => row.id), source).toEqual(expected);
      return expected;
    };
    // Builds both texts from the first copies.
    expect(ids('"host-77"')).toContain('r77');
    expect(ids('"object-77"')).toContain('r77');
    // An earlier copy of r77 in file order, with other values: the store writes it over the kept row.
    store.add([eventRow({ id: 'r77', time: 1077, batch: batchAt('early.json', 1000), sourceIp: 'moved-away', resources: [resource('bucket/renamed')] })]);
    expect(store.rewrites).toBe(1);
    expect(ids('"host-77"')).not.toContain('r77');
    expect(ids('"object-77"')).not.toContain('r77');
    expect(ids('"moved-away"')).toEqual(['r77']);
    expect(ids('"renamed"')).toEqual(['r77']);
    // Rows not written over are still found by their text.
    expect(ids('"host-7"')).toContain('r7');
  });
});

describe('values a fuzzy word means, on the rows', () => {
  it('are found through the on-row text, reading only the rows that hold one, and a row written over answers by its values now', () => {
    const batchAt = (file: string, deliveredAt: number): RecordBatch => Object.assign(new RecordBatch(file), { deliveredAt });
    // Dictionaries of 2 values: actors (session names) and resource lists (objects) stay on the rows.
    const store = new EventStore(0, { columnDictionaryLimit: 2 });
    const late = batchAt('late.json', 2000);
    const resource = (name: string): ResourceRef => ({ type: 'AWS::S3::Object', name, arn: `arn:aws:s3:::${name}`, accountId: '' });
    const count = 20_000;
    store.add(
      Array.from({ length: count }, (_, k) =>
        eventRow({ id: `r${k}`, time: 1000 + k, batch: late, actor: `Role/Session-${k}`, resources: [resource(`bucket/Object-${k}`)] }),
      ),
    );
    let reads = 0;
    const log = new Proxy(store.log() as EventRow[], {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    // A word in no row, meaning an actor and two object names (one also a prefix of others: object-12 of object-120...).
    const meant = (actor: string, ...objects: string[]): MeantValues => ({ scalars: { actor: new Set([actor]) }, resourceNames: new Set(objects) });
    const matching = (values: MeantValues): string[] => {
      const test = wordTest({ columns: store.columns(), log, scanRows: store.log().length, rewritten: store.rewritten() }, 'zzzz', values);
      return store.log().filter((row) => test(row.seq)).map((row) => row.id);
    };
    const expected = (values: MeantValues): string[] =>
      store
        .log()
        .filter((row) => values.scalars.actor!.has(row.actor) || row.resources.some((r) => values.resourceNames!.has(r.name)))
        .map((row) => row.id);
    // The first word builds the texts (reading every row once).
    const first = meant('Role/Session-77', 'bucket/Object-12', 'bucket/Object-123');
    expect(matching(first)).toEqual(expected(first));
    expect(matching(first)).toEqual(['r12', 'r77', 'r123']);
    // Then a meaning costs the rows that hold its values' text, not every row that keeps its own value.
    reads = 0;
    const second = meant('Role/Session-19999', 'bucket/Object-6000');
    expect(matching(second)).toEqual(['r6000', 'r19999']);
    expect(reads).toBeLessThan(count / 100);
    // An earlier copy of r77 in file order, with other values: the store writes it over the kept row.
    store.add([eventRow({ id: 'r77', time: 1077, batch: batchAt('early.json', 1000), actor: 'Role/Moved', resources: [resource('bucket/Renamed')] })]);
    expect(store.rewrites).toBe(1);
    const moved = meant('Role/Moved', 'bucket/Renamed');
    expect(matching(moved)).toEqual(['r77']);
    expect(matching(first)).toEqual(['r12', 'r123']);
    expect(matching(first)).toEqual(expected(first));
    // Values with a line break, or too many to search one by one, are read row by row: the same answer.
    const many = meant('Role/Session-9', ...Array.from({ length: 40 }, (_, k) => `bucket/Object-${k * 100}`), 'bucket/Object-\n1');
    expect(matching(many)).toEqual(expected(many));
  });
});
