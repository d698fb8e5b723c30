/**
 * A number at the end of a record path is compared as its JSON text (ast.ts), which the in-memory
 * engine takes from JSON.stringify: 1e+21 with the exponent's sign. DuckDB writes 1e21, so the
 * archive's SQL (query/sql/schema.ts numberText) puts the sign back; small numbers keep theirs (1e-7).
 */
import { describe, expect, it } from 'vitest';
import { compileWhere } from '../../src/query/sql/index.js';
import { deepQuery, eachQueryAnswersAsInMemory, idsInMemory, idsOnArchive } from './sameAnswers.js';

const NUMBERS = [1e21, -1.5e300, 1.2345678901234568e23, 1e20, 1e-7, -2.5e-8, 0.000001, 1.5, 0];

const RECORDS: readonly Record<string, unknown>[] = NUMBERS.map((n, k) => ({
  eventID: `e${k}`,
  eventTime: `2024-03-05T08:0${k}:00Z`,
  eventName: 'Put',
  // A leaf, an element of a leaf list, and a field of objects in a list (the path fans out).
  // A string with what looks like a number's exponent stays as it is in the JSON text around it.
  requestParameters: { n, list: [n, 'x'], items: [{ n }], text: '5e5 "1e21" \\' },
  // A text column holds none of them: these are read from the record (schema.ts archiveTextLeaf).
  userIdentity: { accountId: n },
}));

const QUERIES = [
  ...NUMBERS.flatMap((n) => [`requestParameters.n:${JSON.stringify(n)}`, `requestParameters.list:${JSON.stringify(n)}`]),
  'requestParameters.items.n:1e+21',
  'userIdentity.accountId:-1.5e+300',
  'requestParameters.n:1e21',
  'requestParameters.n:*e+*',
  'requestParameters.n:*e-*',
  'requestParameters.list:*e+2*',
  // An object's or a list's JSON text, which DuckDB writes back with 1e21 (found by fuzzDifferential.test.ts).
  'requestParameters:*:1e+21,*',
  'requestParameters:*1e21*',
  'requestParameters.list:"[1e+21,\\"x\\"]"',
  'requestParameters.items:*1e+21*',
  'requestParameters:*"5e5 \\"1e21\\" \\\\"*',
  'requestParameters:*e+300*',
];

describe('numbers on record paths: archive = in memory', () => {
  const archive = eachQueryAnswersAsInMemory(RECORDS, QUERIES);

  it('finds 1e+21 by the text JSON.stringify gives it', async () => {
    expect(await idsOnArchive(archive(), 'requestParameters.n:1e+21')).toEqual(['e0']);
  });

  it('finds 1e+21 in the JSON text of an object or a list holding it', async () => {
    expect(await idsOnArchive(archive(), 'requestParameters:*:1e+21,*')).toEqual(['e0']);
    expect(await idsOnArchive(archive(), 'requestParameters.items:*1e+21*')).toEqual(['e0']);
    // Not in a string: its text is the record's.
    expect(await idsOnArchive(archive(), 'requestParameters:*1e21*')).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8']);
  });

  // The same paths by the logic for AWS's table (its JSON columns), run here on the archive's.
  it.each(QUERIES.filter((q) => !q.startsWith('userIdentity.') && !q.startsWith('requestParameters.items')))("AWS's table logic: %s", async (text) => {
    const ids = await archive().ids(compileWhere(deepQuery(text), { dialect: 'duckdb', schema: 'cloudtrail' }));
    expect(ids).toEqual(idsInMemory(RECORDS, text));
  });
});
