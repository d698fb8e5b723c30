/**
 * A NUL in a value: the archive keeps it (hostile.test.ts), and a query names it with `\u{0}` (a
 * pivot on such a value writes that), so the SQL must hold it too. literal() used to drop it, and
 * `name:"Get\u{0}x"` then found nothing on the archive while the in-memory engine found the event
 * (and `user:"a\u{0}"*` became `a*`, every user starting with a).
 */
import { describe, expect, it } from 'vitest';
import { eachQueryAnswersAsInMemory, idsOnArchive } from './sameAnswers.js';

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
  const archive = eachQueryAnswersAsInMemory(RECORDS, QUERIES);

  it('finds exactly the value with the NUL', async () => {
    expect(await idsOnArchive(archive(), 'user:"a\\u{0}b"')).toEqual(['e0']);
  });
});
