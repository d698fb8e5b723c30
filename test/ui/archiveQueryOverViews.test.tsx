/**
 * `/` over the views on the --db dashboard, as on the folder's (queryOverViews.test.tsx): over T and h the
 * bar opens over the view, Enter applies the query (SQL) and the view counts it again without leaving,
 * Esc restores the query before; over the Insights too, which list those the query concerns, their rates counted
 * among its events. The findings count every event of the archive (the rules run as SQL over it all, in the
 * background): there `/` opens the list's query bar and the status line says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { KEYS, renderApp, type Harness } from './harness.js';

function records(): object[] {
  return Array.from({ length: 30 }, (_, k) => ({
    eventID: `ev-${String(k).padStart(4, '0')}`,
    eventTime: new Date(Date.UTC(2024, 2, 5, 10) + k * 60_000).toISOString(),
    eventName: k % 3 === 0 ? 'PutObject' : 'GetObject',
    eventSource: 's3.amazonaws.com',
    awsRegion: 'us-east-1',
    recipientAccountId: '111122223333',
    userIdentity: { type: 'IAMUser', userName: k % 3 === 0 ? 'bob' : 'alice' },
  }));
}

const queryLine = (f: string) => f.split('\n').find((l) => l.startsWith('Query')) ?? '';

describe('/ over the views on the --db dashboard', () => {
  let archive: TestArchive;
  let h: Harness;
  beforeAll(async () => {
    archive = await archiveOf(records(), 100);
    h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive)} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={() => undefined} />, 100, 30);
    await h.waitFor((f) => f.includes('30 events'), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it('T: Enter counts the values on the new query and stays in the view; Esc in the bar restores the query before', async () => {
    let frame = await h.press('T', (f) => f.includes('Top values of User for all events'));
    expect(frame).toContain('alice');
    frame = await h.press('/', (f) => f.includes('Enter apply') || f.includes('Enter keep'));
    expect(frame).toContain('Top values of User');
    frame = await h.press('name:PutObject\r', (f) => f.includes('Top values of User for name:PutObject') && f.includes('10 events'));
    expect(frame).toContain('bob');
    expect(frame).not.toContain('alice');
    await h.press('/', (f) => f.includes('Enter apply') || f.includes('Enter keep'));
    frame = await h.press(' user:nobody', (f) => queryLine(f).includes('user:nobody'));
    frame = await h.press(KEYS.escape, (f) => !queryLine(f).includes('user:nobody') && f.includes('Top values of User for name:PutObject'));
    frame = await h.press(KEYS.escape, (f) => !f.includes('Top values'));
    expect(frame).toContain('10 matching');
  });

  it('h: Enter counts the buckets on the new query and stays in the view', async () => {
    let frame = await h.press('h', (f) => f.includes('Histogram'));
    frame = await h.press('/', (f) => f.includes('Enter apply') || f.includes('Enter keep'));
    expect(frame).toContain('Histogram');
    frame = await h.press(`${KEYS.backspace.repeat(20)}user:alice\r`, (f) => f.includes('Histogram') && f.includes('20 matching') && queryLine(f).includes('user:alice'));
    expect(queryLine(frame)).not.toContain('PutObject');
    await h.press(KEYS.escape, (f) => !f.includes('Histogram'));
  });

  it('h: a size fitted to the query before is fitted to the new one, as h opens on it', async () => {
    await h.press(`/${KEYS.backspace.repeat(30)}id:(ev-0003 ev-0004)\r`, (f) => f.includes('2 matching'));
    const size = (f: string) => /Histogram (\S+) ·/.exec(f)?.[1];
    let frame = await h.press('h', (f) => f.includes('Histogram') && size(f) !== undefined);
    const narrow = size(frame);
    frame = await h.press(`/${KEYS.backspace.repeat(30)}\r`, (f) => f.includes('30 events') && f.includes('Histogram') && !f.includes('Enter apply') && size(f) !== narrow);
    await h.press(KEYS.escape, (f) => !f.includes('Histogram'));
    const fresh = await h.press('h', (f) => f.includes('Histogram') && size(f) !== undefined);
    expect(size(frame)).toBe(size(fresh));
    await h.press(KEYS.escape, (f) => !f.includes('Histogram'));
  });

  it('!: the findings count the whole archive, so / opens the list\'s query bar and says why', async () => {
    await h.press('!', (f) => f.includes('Findings'));
    const frame = await h.press('/', (f) => f.includes('On an archive the findings count every event'));
    expect(frame).not.toContain('Findings');
    await h.press(KEYS.escape, (f) => !f.includes('Enter apply'));
  });
});

/** An Insight (Start) on GetObject at 10:05, and one on DeleteBucket whose calls are not in the archive. */
function insight(id: string, eventName: string, minute: number): object {
  return {
    eventVersion: '1.07',
    eventTime: new Date(Date.UTC(2024, 2, 5, 10, minute)).toISOString(),
    awsRegion: 'us-east-1',
    eventID: id,
    eventType: 'AwsCloudTrailInsight',
    recipientAccountId: '111122223333',
    sharedEventID: `shared-${id}`,
    eventCategory: 'Insight',
    insightDetails: {
      state: 'Start',
      eventSource: 's3.amazonaws.com',
      eventName,
      insightType: 'ApiCallRateInsight',
      insightContext: { statistics: { baseline: { average: 0.1 }, insight: { average: 5 }, insightDuration: 5, baselineDuration: 1000 }, attributions: [] },
    },
  };
}

describe('/ over the Insights on the --db dashboard', () => {
  let archive: TestArchive;
  let h: Harness;
  beforeAll(async () => {
    archive = await archiveOf([...records(), insight('ins-get', 'GetObject', 5), insight('ins-del', 'DeleteBucket', 20)], 100);
    h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive)} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={() => undefined} />, 100, 30);
    await h.waitFor((f) => f.includes('32 events'), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it('lists the Insights the query concerns once Enter applies it, and Esc in the bar restores the query before', async () => {
    let frame = await h.press('i', (f) => f.includes('Insights (2)'));
    frame = await h.press('/', (f) => f.includes('Enter apply'));
    expect(frame).toContain('Insights (2)');
    // alice's GetObject calls fall in the GetObject Insight's window; nothing of hers concerns DeleteBucket's.
    frame = await h.press('user:alice\r', (f) => f.includes('Insights (1 of 2 for the query; rates: its events)') && !f.includes('Enter apply'));
    expect(frame).toContain('GetObject');
    expect(frame).not.toContain('DeleteBucket');
    // A query about the Insight records themselves lists both.
    frame = await h.press(`/${KEYS.backspace.repeat(10)}category:insight\r`, (f) => f.includes('Insights (2 of 2 for the query'));
    await h.press('/', (f) => f.includes('Enter apply'));
    frame = await h.press(' user:nobody', (f) => queryLine(f).includes('user:nobody'));
    frame = await h.press(KEYS.escape, (f) => !queryLine(f).includes('user:nobody') && f.includes('Insights (2 of 2 for the query'));
    // Enter on the selected Insight lists its calls within the query.
    frame = await h.press(`/${KEYS.backspace.repeat(20)}user:alice\r`, (f) => f.includes('Insights (1 of 2'));
    frame = await h.press(KEYS.enter, (f) => !f.includes('Insights (') && queryLine(f).includes('user:alice AND (name:GetObject'));
  });
});
