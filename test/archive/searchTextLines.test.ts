/**
 * A plain word searches the row's values one per line (model/searchText.ts): an empty value is no
 * line, and a resource's ARN is a line only where it is not its name. The archive's SQL wrote every
 * value, so `x-res*x-res` found a resource named by its ARN twice there and never in memory, and a
 * word with a line break ("get\u{a}bob") missed a row whose source is empty (found by probing the
 * search text after fuzzDifferential.test.ts, whose words mostly stay inside one value).
 */
import { describe, expect, it } from 'vitest';
import { eachQueryAnswersAsInMemory, idsOnArchive } from './sameAnswers.js';

const RECORDS: readonly Record<string, unknown>[] = [
  { eventID: 'a', eventTime: '2024-03-05T08:00:00Z', eventName: 'Get', eventSource: 's3.amazonaws.com', resources: [{ ARN: 'x-res' }], sourceIPAddress: '' },
  { eventID: 'b', eventTime: '2024-03-05T08:01:00Z', eventName: 'Get', eventSource: '', errorCode: '', userIdentity: { type: 'IAMUser', userName: 'bob' } },
  { eventID: 'c', eventTime: '2024-03-05T08:02:00Z', eventName: 'Get', resources: [{ ARN: 'arn:aws:s3:::bkt/' }, { ARN: 'arn:aws:s3:::bkt/k' }] },
  { eventID: 'd', eventTime: '2024-03-05T08:03:00Z', eventName: 'Put', eventSource: 'iam.amazonaws.com', awsRegion: 'us-east-1' },
];

const QUERIES = [
  'x-res*x-res',
  '"x-res\\u{a}x-res"',
  '"get\\u{a}\\u{a}"',
  '"get\\u{a}s3"',
  '"get\\u{a}bob"',
  '"\\u{a}bob"',
  '"bkt/\\u{a}arn"',
  'bkt*bkt*bkt',
  '"iam.amazonaws.com\\u{a}us-east-1"',
  '-"put\\u{a}iam"',
];

describe('plain words over the search text: archive = in memory', () => {
  const archive = eachQueryAnswersAsInMemory(RECORDS, QUERIES);

  it('has no line for an empty value, nor for an ARN that is the name', async () => {
    expect(await idsOnArchive(archive(), 'x-res*x-res')).toEqual([]);
    expect(await idsOnArchive(archive(), '"get\\u{a}bob"')).toEqual(['b']);
    expect(await idsOnArchive(archive(), '"iam.amazonaws.com\\u{a}us-east-1"')).toEqual(['d']);
  });
});
