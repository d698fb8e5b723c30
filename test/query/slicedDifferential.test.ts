import { describe, expect, it } from 'vitest';
import { RecordBatch } from '../../src/model/recordBatch.js';
import type { EventRow, ResourceRef } from '../../src/model/types.js';
import { compileQuery, filterRows, filterStore, filterStoreChunked, Vocabulary, type CompiledQuery } from '../../src/query/index.js';
import { EventStore } from '../../src/store/eventStore.js';
import { int, pick, rng } from '../support/random.js';
import { eventRow } from '../support/rows.js';

/**
 * The query bar binds a word a slice at a time (query/sliced.ts) while the
 * store keeps changing: rows arrive (live watching, `f`), kept rows are
 * written over by earlier copies (a file re-read, duplicates), a newer key
 * aborts the run, and several runs (the list, an investigation's
 * synchronous filter) share one on-row text per column. Here runs of
 * filterStoreChunked, one slice per event-loop turn, are interleaved at
 * random with all of that, and each answer is compared with the row path
 * (query.test, the definition) over the rows as they are when it ends;
 * then every query is asked again, synchronously, of the texts the runs
 * left behind.
 */

/** Case-folding traps, values that hold others, a value with a line break. */
const TRAPS = [
  'Alpha', 'ALPHAbet', 'K\u212Aelvin', 'ΟΔΟΣ', 'οδος', 'İstanbul', 'i̇stanbul', 'Straße', 'STRASSE', 'x\ny', 'Session', 'session-1', 'GetObject',
];

interface Maker {
  row(id: string, batch: RecordBatch, index: number): EventRow;
}

/** Rows like a high-cardinality trail: near-unique IPs, sessions and objects (kept on the rows), a few buckets (shared). */
function maker(random: () => number): Maker {
  let serial = 0;
  const unique = (prefix: string): string => `${prefix}${serial++}${random() < 0.2 ? pick(random, TRAPS) : ''}`;
  const value = (prefix: string): string => (random() < 0.15 ? pick(random, TRAPS) : unique(prefix));
  const object = (): ResourceRef => {
    const name = `photos/${value('img-')}.jpg`;
    return { type: 'AWS::S3::Object', name, arn: random() < 0.9 ? `arn:aws:s3:::media/${name}` : '', accountId: '1' };
  };
  const bucket = (): ResourceRef => {
    const name = pick(random, ['media', 'Logs', 'backups', 'ΟΔΟΣ']);
    return { type: 'AWS::S3::Bucket', name, arn: `arn:aws:s3:::${name}`, accountId: '1' };
  };
  return {
    row: (id, batch, index) =>
      eventRow({
        id,
        batch,
        recordIndex: index,
        time: Date.UTC(2024, 0, 1) + int(random, 0, 50_000) * 1000,
        name: pick(random, ['GetObject', 'PutObject', 'AssumeRole', 'ListBuckets', 'ConsoleLogin']),
        source: pick(random, ['s3.amazonaws.com', 'sts.amazonaws.com', 'signin.amazonaws.com']),
        actor: value('Role/Session-'),
        sourceIp: random() < 0.8 ? `10.${int(random, 0, 9)}.${int(random, 0, 255)}.${int(random, 0, 255)}` : value('host-'),
        accessKey: value('ASIA'),
        errorCode: random() < 0.9 ? '' : pick(random, ['AccessDenied', 'NoSuchKey', 'Straße']),
        userNames: random() < 0.5 ? [] : [value('user-')],
        resources: random() < 0.3 ? [] : random() < 0.5 ? [bucket(), object()] : [object()],
      }),
  };
}

const batchOf = (file: string, deliveredAt: number): RecordBatch => Object.assign(new RecordBatch(file), { deliveredAt });

const FIXED_QUERIES = [
  'img-1', 'img-12', 'img-123', 'photos/', 'session-4', 'session', 'alpha', 'ΟΔΟΣ', 'οδος', 'σ', 'kelvin', 'istanbul', 'i̇stanbul', 'straße',
  'strasse', 'ss', '10.1.', '.25', 'host-3', 'asia1', 'media', 'logs', '"x"', 'img-2 name:GetObject', '-img-3', 'img-4 OR ip:10.2.*',
  'session-5 img-5', 'user:user-1*', 'resource:media', 'getobjct', 'acessdenied', 'sesion', 'photso', 'bakups', 'strase',
  // Field terms over values kept on the rows: their answers for every row are made a slice at a time too.
  'ip:10.1*', '-ip:10.2*', 'resource:*img-1*', 'key:asia2* name:GetObject', '-resource:*img-3* ip:10.*', 'user:*session-1* img-2',
];

/** Fuzzy words made from values the rows hold: a letter dropped, so fuse.js means a few values of one field. */
function fuzzyQueries(random: () => number, store: EventStore, count: number): string[] {
  const log = store.log();
  const words: string[] = [];
  while (words.length < count) {
    const row = log[int(random, 0, log.length - 1)]!;
    const source = pick(random, [row.actor, row.resources[0]?.name ?? '', row.userNames[0] ?? '', row.errorCode]);
    const word = source.replace(/[^\p{L}\p{N}-]/gu, '').slice(-12);
    if (word.length < 6) continue;
    const at = int(random, 1, word.length - 2);
    words.push(word.slice(0, at) + word.slice(at + 1));
  }
  return words;
}

function compiled(source: string, vocabulary: Vocabulary): CompiledQuery {
  const result = compileQuery(source, { vocabulary });
  if (!result.ok) throw new Error(`${source}: ${result.error.message}`);
  return result.query;
}

/** The rows the row path keeps, by seq, ascending. */
function byRow(store: EventStore, query: CompiledQuery): number[] {
  return filterRows(store.rows(), query).map((row) => row.seq).sort((a, b) => a - b);
}

/** Rows past which no more arrive: enough for several chunks of text per column, few enough to check quickly. */
const MAX_ROWS = 40_000;
/** Turns of the event loop the store changes for (then the last runs finish). */
const STEPS = 1200;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Run {
  readonly source: string;
  readonly query: CompiledQuery;
  readonly controller: AbortController;
  /** log.length and store.rewrites when it began. */
  readonly end: number;
  readonly rewrites: number;
  result: EventRow[] | null | undefined;
}

describe('filterStoreChunked under arrivals, rewrites, aborts and other runs agrees with the row path', () => {
  const cases: [seed: number, dictionaryLimit: number][] = [
    [11, 16],
    [13, 2],
  ];
  it.each(cases)('seed %i, dictionaries of %i values', async (seed, dictionaryLimit) => {
    const random = rng(seed);
    const make = maker(random);
    const store = new EventStore(0, { columnDictionaryLimit: dictionaryLimit, dictionaryProbe: 256 });
    const late = batchOf('late.json', 2000);
    let ids = 0;
    const fresh = (count: number): EventRow[] => Array.from({ length: count }, () => make.row(`r${ids}`, late, ids++));
    store.add(fresh(20_000));
    const vocabulary = new Vocabulary();
    vocabulary.update(store);
    // The vocabulary stays as it is from here: the row path and the columns then mean the same values.
    const sources = [...FIXED_QUERIES, ...fuzzyQueries(random, store, 12)];
    const queries = new Map(sources.map((source) => [source, compiled(source, vocabulary)]));
    expect([...queries.values()].some((query) => query.explain().some((word) => word.values.length > 0))).toBe(true);
    let earlier = 1000;
    const rewrite = (count: number): void => {
      const log = store.log();
      const copies = Array.from({ length: count }, (_, k) => make.row(log[int(random, 0, log.length - 1)]!.id, batchOf(`early-${earlier}.json`, earlier), k));
      earlier--;
      const before = store.rewrites;
      store.add(copies);
      expect(store.rewrites).toBeGreaterThan(before);
    };
    const active: Run[] = [];
    const checked = { runs: 0, aborted: 0, withArrivals: 0, withRewrites: 0, synchronous: 0 };
    const check = (run: Run): void => {
      const rows = run.result;
      if (rows === null || rows === undefined) return;
      // A row written over while the run went is filtered again by the view (query/view.ts refresh): either answer.
      const moved = new Set(store.rewritten().slice(run.rewrites));
      const got = rows.map((row) => row.seq).filter((seq) => !moved.has(seq)).sort((a, b) => a - b);
      const want = byRow(store, run.query).filter((seq) => seq < run.end && !moved.has(seq));
      expect(got, `${run.source} (seed ${seed})`).toEqual(want);
      checked.runs++;
      if (store.log().length > run.end) checked.withArrivals++;
      if (moved.size > 0) checked.withRewrites++;
    };
    const start = (): void => {
      const source = pick(random, sources);
      const query = queries.get(source)!;
      const controller = new AbortController();
      const run: Run = { source, query, controller, end: store.log().length, rewrites: store.rewrites, result: undefined };
      active.push(run);
      void filterStoreChunked(store, query, controller.signal, 0).then((result) => {
        run.result = result;
      });
    };
    for (let step = 0; step < STEPS || active.length > 0; step++) {
      for (let k = active.length - 1; k >= 0; k--) {
        const run = active[k]!;
        if (run.result === undefined) continue;
        check(run);
        active.splice(k, 1);
      }
      const roll = random();
      if (step >= STEPS) {
        // Let the last runs finish.
      } else if (roll < 0.06 && active.length < 4) start();
      else if (roll < 0.09 && active.length > 0) {
        const run = pick(random, active);
        if (!run.controller.signal.aborted) checked.aborted++;
        run.controller.abort();
      } else if (roll < 0.13 && store.size < MAX_ROWS) store.add(fresh(int(random, 1, 400)));
      else if (roll < 0.15) rewrite(int(random, 1, 3));
      else if (roll < 0.17) {
        // A file of thousands of rows, then an investigation (investigate/principal.ts) filtering synchronously
        // between the list's slices: the texts it extends seal a chunk (8192 entries) under a run searching them.
        if (random() < 0.3 && store.size < MAX_ROWS) store.add(fresh(int(random, 2000, 6000)));
        const source = pick(random, sources);
        const query = queries.get(source)!;
        expect(filterStore(store, query).map((row) => row.seq).sort((a, b) => a - b), `${source} synchronous`).toEqual(byRow(store, query));
        checked.synchronous++;
      }
      await turn();
    }
    expect(checked.runs).toBeGreaterThan(20);
    expect(checked.withArrivals).toBeGreaterThan(3);
    expect(checked.withRewrites).toBeGreaterThan(0);
    expect(checked.aborted).toBeGreaterThan(3);
    // What the runs left in the shared texts: every query asked again.
    for (const [source, query] of queries) {
      expect(filterStore(store, query).map((row) => row.seq).sort((a, b) => a - b), `${source} after (seed ${seed})`).toEqual(byRow(store, query));
    }
  }, 120_000);
});
