import { describe, expect, it } from 'vitest';
import type { EventRow, ResourceRef } from '../../src/model/types.js';
import { compileQuery, filterRows, filterStore, Vocabulary } from '../../src/query/index.js';
import { EventStore } from '../../src/store/eventStore.js';
import { pick, rng } from '../support/random.js';
import { eventRow } from '../support/rows.js';

/**
 * The column path (filterStore) against the row path (query.test) on random
 * rows full of case-folding traps, with dictionaries small enough that values
 * live on the rows, and queries run between two loads so the lowercase caches
 * and the dictionaries are half filled when the second half arrives.
 */
const VALUES = [
  '', 'Alpha', 'alpha', 'ALPHAbet', 'beta', 'K\u212Aelvin', 'kkelvin', 'ΑΣ', 'ας', 'x\ny', 'İstanbul', 'i̇stanbul',
  'gamma*', 'arn:aws:s3:::b/', 'arn:aws:s3:::b/key', 'Delta', 'ec2.amazonaws.com', 'ec2', 'AWS::S3::Bucket',
];

function randomRows(random: () => number, count: number, distinct: number): EventRow[] {
  const value = (): string => (random() < 0.5 ? pick(random, VALUES) : `v${Math.floor(random() * distinct)}${pick(random, VALUES)}`);
  return Array.from({ length: count }, (_, k) => {
    const userNames = random() < 0.3 ? [] : [value(), ...(random() < 0.3 ? [value()] : [])];
    const resources: ResourceRef[] =
      random() < 0.4 ? [] : [{ type: pick(random, VALUES), name: value(), arn: random() < 0.3 ? pick(random, VALUES) : value(), accountId: '1' }];
    const row = eventRow({
      time: Date.UTC(2024, 0, 1) + Math.floor(random() * 1e6) * 1000,
      name: value(), source: value(), actor: value(), principalArn: value(), sourceIp: value(), errorCode: value(), region: value(),
      accessKey: value(), account: value(), recipientAccount: value(), category: value(), eventType: value(),
      userNames, resources, readOnly: pick(random, [true, false, null]),
    });
    // Console sign-ins, some failed without an errorCode: error: reads their errorMessage, which no column holds (fields.ts offColumns).
    // By index, so the random rows are the ones they were.
    if (k % 5 === 0) return { ...row, name: 'ConsoleLogin', errorCode: k % 10 === 0 ? '' : row.errorCode, errorMessage: VALUES[k % VALUES.length]! };
    return row;
  });
}

const QUERIES = [
  'alpha', 'kelvin', 'ας', 'σ', 'v1', 'v12', 'i̇', 'istanbul', 'al*ha', '-alpha', 'name:alpha', 'name:al*', 'user:alpha', '-user:*',
  'resource:arn:aws:s3:::b/key', 'type:s3::bucket', 'source:ec2', 'key:*a*', 'readonly:true', '-readonly:false',
  'readonly:true readonly:false', 'error:* -name:beta', 'ip:v1*', 'delta', 'delt', 'elta', '"x"', '"alpha"', '"v1alpha"', 'gamma',
  'v3 alpha', 'y', 'account:alpha', 'category:v2*', 'eventtype:*',
  'alpha OR name:beta', '-(name:alpha OR user:v1*)', '(readonly:true error:*) OR account:alpha', 'name:(alpha OR beta) -ip:v1*',
  'NOT delta OR kelvin', 'istanbul OR (type:s3::bucket -key:*a*)',
  // An explicit AND between terms of one field needs both (side by side they are either).
  'user:alpha AND user:*a*', 'name:alpha name:beta AND name:*a', 'readonly:true AND readonly:false',
  // A failed sign-in's errorMessage is its error: value (model/failure.ts errorLabel).
  'error:alpha', 'error:al*', 'error:*', '-error:ALPHA*', 'error:(alpha OR beta) name:ConsoleLogin', 'error:alpha OR name:beta',
];

function compiled(source: string, vocabulary: Vocabulary) {
  const result = compileQuery(source, { vocabulary, now: Date.UTC(2024, 0, 5) });
  if (!result.ok) throw new Error(`${source}: ${result.error.message}`);
  return result.query;
}

describe('queries by column agree with queries by row', () => {
  const cases: [seed: number, dictionaryLimit: number, rows: number, distinct: number][] = [
    [1, 1 << 18, 3000, 50],
    [2, 8, 3000, 500],
    [3, 3, 500, 5000],
    [4, 1 << 18, 400, 5000],
    [5, 100, 6000, 3000],
    // Enough rows that plain words search the on-row text (query/onRowText.ts); seeds from 6 on
    // judge dictionaries every 256 values, so near-unique columns give up.
    [6, 1 << 18, 24000, 20000],
    [7, 8, 18000, 50],
  ];
  it.each(cases)('seed %i, dictionaries of %i values, %i rows', (seed, dictionaryLimit, count, distinct) => {
    const random = rng(seed);
    const store = new EventStore(0, { columnDictionaryLimit: dictionaryLimit, ...(seed >= 6 ? { dictionaryProbe: 256 } : {}) });
    const vocabulary = new Vocabulary();
    const rows = randomRows(random, count, distinct);
    store.add(rows.slice(0, count / 2));
    vocabulary.update(store);
    for (const source of QUERIES) filterStore(store, compiled(source, vocabulary));
    store.add(rows.slice(count / 2));
    vocabulary.update(store);
    for (const source of [...QUERIES, ...QUERIES.map((q) => `${q} since:2024-01-01T00:00:00Z until:2024-01-01T01:00:00Z`)]) {
      const query = compiled(source, vocabulary);
      const byRow = filterRows(store.rows(), query, undefined, { newestFirst: true }).map((row) => row.seq);
      expect(filterStore(store, query).map((row) => row.seq), source).toEqual(byRow);
    }
  });
});
