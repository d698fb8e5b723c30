/**
 * A number at the end of a record path is compared as its JSON text (ast.ts), which the in-memory
 * engine takes from JSON.stringify: 1e+21 with the exponent's sign. DuckDB writes 1e21, so the
 * archive's SQL (query/sql/schema.ts numberText) puts the sign back; small numbers keep theirs (1e-7).
 */
import { describe, expect, it } from 'vitest';
import { eachQueryAnswersAsInMemory, idsOnArchive } from './sameAnswers.js';

const NUMBERS = [1e21, -1.5e300, 1.2345678901234568e23, 1e20, 1e-7, -2.5e-8, 0.000001, 1.5, 0];

const RECORDS: readonly Record<string, unknown>[] = NUMBERS.map((n, k) => ({
  eventID: `e${k}`,
  eventTime: `2024-03-05T08:0${k}:00Z`,
  eventName: 'Put',
  // A leaf, an element of a leaf list, and a field of objects in a list (the path fans out).
  requestParameters: { n, list: [n, 'x'], items: [{ n }] },
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
];

describe('numbers on record paths: archive = in memory', () => {
  const archive = eachQueryAnswersAsInMemory(RECORDS, QUERIES);

  it('finds 1e+21 by the text JSON.stringify gives it', async () => {
    expect(await idsOnArchive(archive(), 'requestParameters.n:1e+21')).toEqual(['e0']);
  });
});
