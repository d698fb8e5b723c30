/**
 * `r` in the --db dashboard's details: every event that touched the selected
 * resource, with the folder dashboard's query text for the same event (the
 * ARN when known, quoted and escaped), as a step `[` comes back from.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestArchive } from '../archive/helpers.js';
import { idle, queryOf, selectedDetail, bothDashboardsForThisBlock } from './archiveDashboard.js';
import { KEYS, type Harness } from './harness.js';

const ODD_ROLE = 'arn:aws:iam::123456789012:role/odd "quoted" role';

const RECORDS = [
  {
    eventID: 'ev-newest',
    eventTime: '2024-03-05T10:00:00Z',
    eventName: 'PutBucketPolicy',
    eventSource: 's3.amazonaws.com',
    awsRegion: 'eu-west-1',
    userIdentity: { type: 'IAMUser', userName: 'alice' },
    resources: [
      { ARN: 'arn:aws:s3:::logs-bucket', accountId: '123456789012', type: 'AWS::S3::Bucket' },
      { ARN: ODD_ROLE, accountId: '123456789012', type: 'AWS::IAM::Role' },
    ],
  },
  { eventID: 'ev-2', eventTime: '2024-03-05T09:00:00Z', eventName: 'GetBucketAcl', eventSource: 's3.amazonaws.com', awsRegion: 'eu-west-1', userIdentity: { type: 'IAMUser', userName: 'bob' }, resources: [{ ARN: 'arn:aws:s3:::logs-bucket', type: 'AWS::S3::Bucket' }] },
  { eventID: 'ev-3', eventTime: '2024-03-05T08:00:00Z', eventName: 'AssumeRole', eventSource: 'sts.amazonaws.com', awsRegion: 'eu-west-1', userIdentity: { type: 'IAMUser', userName: 'bob' }, resources: [{ ARN: ODD_ROLE, type: 'AWS::IAM::Role' }] },
  { eventID: 'ev-4', eventTime: '2024-03-05T07:00:00Z', eventName: 'ListBuckets', eventSource: 's3.amazonaws.com', awsRegion: 'eu-west-1', userIdentity: { type: 'Root' } },
];

/** The event names in the list, top to bottom. */
const listedNames = (f: string) => ['PutBucketPolicy', 'GetBucketAcl', 'AssumeRole', 'ListBuckets'].filter((name) => f.split('\n').some((l) => /^[›» *]/.test(l) && l.includes(name)));

describe('r in the details of the --db dashboard', () => {
  let archive: TestArchive;
  let folder: Harness;
  let db: Harness;
  const opened = bothDashboardsForThisBlock(RECORDS, 100, 30, 'ListBuckets');
  beforeAll(() => void ({ archive, folder, db } = opened()));

  it('without a resource selected, says to select one', async () => {
    await db.press(KEYS.enter, (f) => f.includes('Event details'));
    const frame = await db.press('r', (f) => f.includes('Select a resource link first'));
    expect(queryOf(frame)).toBe('');
    expect(frame).toContain('Event details');
  });

  it('each resource of the event: the same query as the folder dashboard, its events listed; [ comes back to the details with it selected', async () => {
    await folder.press(KEYS.enter, (f) => f.includes('Event details'));
    for (const [nth, expected] of [[1, ['PutBucketPolicy', 'GetBucketAcl']], [2, ['PutBucketPolicy', 'AssumeRole']]] as const) {
      const texts: string[] = [];
      for (const h of [folder, db]) {
        // Tab to the nth Resource value (each is followed by its console and Config links).
        let seen = 0;
        for (let i = 0; i < 60 && seen < nth; i++) {
          const frame = await h.press(KEYS.tab);
          if (/^ ›Resource\b/.test(selectedDetail(frame))) seen++;
        }
        expect(seen, `resource ${nth}`).toBe(nth);
        const frame = await h.press('r', (f) => queryOf(f) !== '' && idle(f) && !f.includes('Event details') && listedNames(f).length === expected.length);
        texts.push(queryOf(frame));
        expect(listedNames(frame)).toEqual(expected);
        const back = await h.press('[', (f) => queryOf(f) === '' && f.includes('Event details') && idle(f));
        expect(selectedDetail(back)).toMatch(/^ ›Resource\b/);
        // Start the next round from no selection.
        await h.press(KEYS.escape, (f) => !f.includes('Event details'));
        await h.press(KEYS.enter, (f) => f.includes('Event details'));
      }
      expect(texts[1]).toBe(texts[0]);
      expect(texts[0]).toMatch(/^resource:"arn:aws:/);
    }
    expect(queryOf(db.frame())).toBe('');
  });
});
