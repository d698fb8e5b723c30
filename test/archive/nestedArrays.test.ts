/**
 * A record path through an array whose elements are arrays (ast.ts: an array met on the way fans
 * out, each element walked on, so an element that is an array fans out again): the archive's SQL
 * (query/sql/schema.ts archivePath) selects the events the in-memory walk (recordMatch.ts
 * visitPath) does. It used to fan out one level only, so `requestParameters.items.k:deep` found
 * nothing where the record held `items: [[{k: 'deep'}]]`.
 */
import { describe, expect, it } from 'vitest';
import { eachQueryAnswersAsInMemory, idsOnArchive } from './sameAnswers.js';

const RECORDS: readonly Record<string, unknown>[] = [
  { requestParameters: { items: [{ k: 'flat' }] } },
  { requestParameters: { items: [[{ k: 'two' }], [[{ k: 'three', z: [[1]] }]]] } },
  { requestParameters: { items: [[[[[[{ k: 'six' }]]]]], 'text', 5, [], [null]] } },
  { requestParameters: { items: [{ k: [['inner']] }, [{ k: { o: [[{ p: 'q' }]] } }]] } },
  { requestParameters: { items: [] } },
  { requestParameters: { items: [['no-object']] } },
].map((record, k) => ({ eventID: `e${k}`, eventTime: `2024-03-05T08:0${k}:00Z`, eventName: 'Put', ...record }));

const QUERIES = [
  'requestParameters.items.k:*',
  '-requestParameters.items.k:*',
  'requestParameters.items.k:two',
  'requestParameters.items.k:three',
  'requestParameters.items.k:six',
  'requestParameters.items.k:fl*',
  'requestParameters.items.k.z:*',
  'requestParameters.items.k.z:"[[1]]"',
  'requestParameters.items.k:"[[\\"inner\\"]]"',
  'requestParameters.items.k:inner',
  'requestParameters.items.k.o.p:q',
  'requestParameters.items:text',
  'requestParameters.items:5',
  'requestParameters.items:no-object',
];

describe('record paths through arrays of arrays: archive = in memory', () => {
  const archive = eachQueryAnswersAsInMemory(RECORDS, QUERIES);

  it('finds the values nested deepest', async () => {
    expect(await idsOnArchive(archive(), 'requestParameters.items.k:six requestParameters.items.k:three')).toEqual(['e1', 'e2']);
  });
});
