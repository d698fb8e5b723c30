/**
 * A NUL in a value: the archive keeps it (hostile.test.ts), and a query names it with `\u{0}` (a
 * pivot on such a value writes that), so the SQL must hold it too. literal() used to drop it, and
 * `name:"Get\u{0}x"` then found nothing on the archive while the in-memory engine found the event
 * (and `user:"a\u{0}"*` became `a*`, every user starting with a).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/query/parse.js';
import { compileRecordMatcher } from '../../src/query/recordMatch.js';
import { compileWhere } from '../../src/query/sql/index.js';
import { archiveOf, type TestArchive } from './helpers.js';

const VALUES = ['a\u0000b', 'ab', 'a', 'alice', '\u0000', "o'\u0000'k"];

const RECORDS: readonly Record<string, unknown>[] = VALUES.map((value, k) => ({
  eventID: `e${k}`,
  eventTime: `2024-03-05T08:0${k}:00Z`,
  eventName: `Get${value}`,
  awsRegion: value,
  userIdentity: { type: 'IAMUser', userName: value, arn: `arn:aws:iam::111122223333:user/${value}` },
  requestParameters: { v: value },
}));

const QUERIES = [
  'name:"Geta\\u{0}b"',
  '-name:"Geta\\u{0}b"',
  'name:*"\\u{0}"*',
  'region:"a\\u{0}b"',
  'region:"\\u{0}"',
  'region:"o\'\\u{0}\'k"',
  'user:"a\\u{0}b"',
  'user:"a\\u{0}"*',
  'user:*"user/a\\u{0}b"',
  'requestParameters.v:"a\\u{0}b"',
  'requestParameters.v:*"\\u{0}"*',
  '"a\\u{0}b"',
  '-"\\u{0}"',
];

describe('values holding NUL: archive = in memory', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await archiveOf(RECORDS);
  });
  afterAll(() => archive?.close());

  it.each(QUERIES)('%s', async (text) => {
    const parsed = parseQuery(text, { deepTerms: true });
    if (!parsed.ok) throw new Error(parsed.error.message);
    const matcher = compileRecordMatcher(parsed.ast, { deepTerms: true });
    const memory = RECORDS.filter((record) => matcher(record)).map((record) => String(record.eventID));
    expect(await archive.ids(compileWhere(parsed.ast, { dialect: 'duckdb', schema: 'archive' }))).toEqual(memory.sort());
  });

  it('finds exactly the value with the NUL', async () => {
    const parsed = parseQuery('user:"a\\u{0}b"', { deepTerms: true });
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(await archive.ids(compileWhere(parsed.ast, { dialect: 'duckdb', schema: 'archive' }))).toEqual(['e0']);
  });
});
