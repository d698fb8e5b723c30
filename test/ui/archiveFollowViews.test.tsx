/**
 * `trailtop DIR --db FILE`: what is on screen follows a followed import, as
 * the folder dashboard follows its store: an open histogram counts again (on
 * the bucket it was on), the list's dates take the year once the events span
 * years, a view under the help is counted again before Esc shows it, and
 * the Insights view reads the Insights again.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveFollower } from '../../src/archive/follow.js';
import { ArchiveSession } from '../../src/archive/session.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { idle, PLAIN } from './archiveDashboard.js';
import { KEYS, renderApp, type Harness } from './harness.js';
import { FakeFollower } from './fakeFollower.js';

const call = (id: string, name: string, time: string): object => ({
  eventID: id,
  eventTime: time,
  eventName: name,
  eventSource: 's3.amazonaws.com',
  awsRegion: 'us-east-1',
  userIdentity: { type: 'IAMUser', userName: 'alice' },
});

const selectedLine = (f: string) => f.split('\n').find((l) => /^ ?›/.test(l)) ?? '';
/** The histogram's title line: its bucket size first. */
const histogramTitle = (f: string) => f.split('\n').find((l) => l.startsWith('Histogram ')) ?? '';

describe('views on the --db dashboard after a followed import', () => {
  let archive: TestArchive;
  let h: Harness;
  const follower = new FakeFollower();
  beforeAll(async () => {
    archive = await archiveOf([call('a', 'CallA', '2024-03-05T01:00:00Z'), call('b', 'CallB', '2024-03-05T02:00:00Z'), call('c', 'CallC', '2024-03-05T04:00:00Z')], 10);
    h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive, {})} dbPath="/tmp/test.duckdb" env={PLAIN} onQuit={() => undefined} follower={follower as unknown as ArchiveFollower} />, 80, 24);
    await h.waitFor((f) => f.includes('3 events') && f.includes('CallA') && idle(f), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it('an open histogram counts again, its cursor on the bucket it was on', async () => {
    await h.press('h', (f) => histogramTitle(f) !== '' && !f.includes('counting'));
    await h.press('g', (f) => /03-05 01:00 .* 1$/.test(selectedLine(f)));
    await follower.arrive(archive, [call('d', 'CallD', '2024-03-05T06:00:00Z'), call('e', 'CallE', '2024-03-05T01:05:00Z')]);
    // Counted again: the cursor's bucket holds CallA and CallE.
    const frame = await h.waitFor((f) => f.includes('5 events') && / 2$/.test(selectedLine(f)) && !f.includes('counting'));
    expect(selectedLine(frame)).toMatch(/03-05 01:00 .* 2$/);
    await h.press(KEYS.escape, (f) => !f.includes('Histogram'));
  });

  it("the list's dates take the year once an import brings events of another year", async () => {
    let frame = await h.waitFor((f) => selectedLine(f).includes('CallD'));
    expect(selectedLine(frame)).toMatch(/^ ?› ?03-05 06:00/);
    await follower.arrive(archive, [call('f', 'CallF', '2025-01-02T08:00:00Z')]);
    // The list is drawn once before its new bounds are counted: the frame to wait for is the one with the year.
    frame = await h.waitFor((f) => f.includes('6 events') && selectedLine(f).includes('2025-01-02 08:00'));
    expect(selectedLine(frame)).toContain('CallF');
  });

  it('the top values under the help count again too: Esc shows them as they are now', async () => {
    let frame = await h.press('T', (f) => f.includes('Top values of User') && idle(f) && !f.includes('Counting'));
    expect(selectedLine(frame)).toMatch(/\b6\b.*alice/);
    await h.press('?', (f) => f.includes(' Help '));
    await follower.arrive(archive, [call('g', 'CallG', '2025-01-02T09:00:00Z')]);
    frame = await h.press(KEYS.escape, (f) => f.includes('Top values of User') && !f.includes('counting'));
    expect(selectedLine(frame)).toMatch(/\b7\b.*alice/);
    await h.press(KEYS.escape, (f) => !f.includes('Top values of'));
  });
});

describe('a recount after an import past the bucket cap', () => {
  let archive: TestArchive;
  let h: Harness;
  const follower = new FakeFollower();
  beforeAll(async () => {
    // 30 minutes: 1,800 one-second buckets, under the cap of 2,000.
    archive = await archiveOf([call('a', 'CallA', '2024-03-05T01:00:00Z'), call('b', 'CallB', '2024-03-05T01:30:00Z')], 10);
    h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive, {})} dbPath="/tmp/test.duckdb" env={PLAIN} onQuit={() => undefined} follower={follower as unknown as ArchiveFollower} />, 80, 24);
    await h.waitFor((f) => f.includes('2 events') && idle(f), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it('widens the buckets without a word about zooming (nobody zoomed)', async () => {
    await h.press('h', (f) => histogramTitle(f) !== '' && !f.includes('counting'));
    // Zoomed in to 1 s buckets: each + asks again, so each waits for its answer.
    for (let i = 0; i < 12 && !histogramTitle(h.frame()).startsWith('Histogram 1s '); i++) {
      const before = histogramTitle(h.frame());
      await h.press('+', (f) => histogramTitle(f) !== before && !f.includes('counting'));
    }
    expect(histogramTitle(h.frame())).toMatch(/^Histogram 1s /);
    await follower.arrive(archive, [call('c', 'CallC', '2024-03-05T03:00:00Z')]);
    const frame = await h.waitFor((f) => f.includes('3 events') && histogramTitle(f) !== '' && !histogramTitle(f).startsWith('Histogram 1s ') && !f.includes('counting'));
    expect(histogramTitle(frame)).toMatch(/^Histogram \d+s /);
    expect(frame).not.toContain('smallest bucket');
  });
});

describe('the Insights view open over a followed import', () => {
  const ACCOUNT = '111122223333';
  let archive: TestArchive;
  let h: Harness;
  const follower = new FakeFollower();
  const insight = {
    eventVersion: '1.07',
    eventTime: '2024-03-05T01:10:00Z',
    awsRegion: 'us-east-1',
    eventID: 'ins-1',
    eventType: 'AwsCloudTrailInsight',
    sharedEventID: 'pair-1',
    eventCategory: 'Insight',
    recipientAccountId: ACCOUNT,
    insightDetails: {
      state: 'Start',
      eventSource: 's3.amazonaws.com',
      eventName: 'CallA',
      insightType: 'ApiCallRateInsight',
      insightContext: { statistics: { baseline: { average: 0.5 }, insight: { average: 30 }, insightDuration: 1, baselineDuration: 10079 }, attributions: [] },
    },
  };
  beforeAll(async () => {
    archive = await archiveOf([call('a', 'CallA', '2024-03-05T01:00:00Z')], 10);
    h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive, {})} dbPath="/tmp/test.duckdb" env={PLAIN} onQuit={() => undefined} follower={follower as unknown as ArchiveFollower} />, 80, 24);
    await h.waitFor((f) => f.includes('1 event') && idle(f), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it('reads the Insights again once an import brings one', async () => {
    await h.press('i', (f) => f.includes('No CloudTrail Insights records'));
    await follower.arrive(archive, [insight]);
    const frame = await h.waitFor((f) => /^Insights \(1\)/m.test(f));
    expect(frame).toContain('CallA');
  });

  it("counts the selected Insight's rate again once an import brings its events", async () => {
    await h.waitFor((f) => f.includes('no events for CallA on disk'));
    // The rate counts management calls of the Insight's account (a record without eventCategory is not one on --db).
    const inAccount = (id: string, time: string) => ({ ...call(id, 'CallA', time), eventType: 'AwsApiCall', eventCategory: 'Management', recipientAccountId: ACCOUNT });
    await follower.arrive(archive, [inAccount('b', '2024-03-05T01:05:00Z'), inAccount('c', '2024-03-05T01:05:30Z')]);
    const frame = await h.waitFor((f) => !f.includes('no events for CallA') && !f.includes('Counting the calls'));
    expect(frame).toContain('calls/min');
  });
});

describe('the top values open over a followed import', () => {
  let archive: TestArchive;
  let h: Harness;
  const follower = new FakeFollower();
  const by = (id: string, user: string): object => ({ ...call(id, 'GetObject', `2024-03-05T01:0${id.length}:00Z`), userIdentity: { type: 'IAMUser', userName: user } });
  beforeAll(async () => {
    archive = await archiveOf([by('a1', 'alice'), by('a2', 'alice'), by('a3', 'alice'), by('a4', 'alice'), by('b1', 'bob'), by('b2', 'bob')], 10);
    h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive, {})} dbPath="/tmp/test.duckdb" env={PLAIN} onQuit={() => undefined} follower={follower as unknown as ArchiveFollower} />, 80, 24);
    await h.waitFor((f) => f.includes('6 events') && idle(f), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it('keep the selection on its value when the import moves it in the ranking, so Enter lists that value', async () => {
    await h.press('T', (f) => f.includes('Top values of User') && idle(f) && !f.includes('Counting'));
    await h.press('j', (f) => selectedLine(f).includes('bob'));
    // carol arrives with more events than bob: she ranks above him, on the line he was on.
    await follower.arrive(archive, [by('c1', 'carol'), by('c2', 'carol'), by('c3', 'carol')]);
    let frame = await h.waitFor((f) => f.includes('3 distinct · 9 events') && !f.includes('counting'));
    expect(frame).toMatch(/ 3 +33% .*carol/);
    expect(selectedLine(frame)).toContain('bob');
    frame = await h.press(KEYS.enter, (f) => f.includes('2 matching'));
    expect(frame).toContain('actor:bob');
  });
});

describe('the principal summary open over a followed import', () => {
  let archive: TestArchive;
  let h: Harness;
  const follower = new FakeFollower();
  const from = (id: string, name: string, ip: string, region = 'us-east-1'): object => ({ ...call(id, name, '2024-03-05T01:00:00Z'), sourceIPAddress: ip, awsRegion: region });
  beforeAll(async () => {
    archive = await archiveOf([from('a', 'GetObject', '203.0.113.7'), from('b', 'ListBuckets', '198.51.100.9')], 10);
    h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive, {})} dbPath="/tmp/test.duckdb" env={PLAIN} onQuit={() => undefined} follower={follower as unknown as ArchiveFollower} />, 100, 30);
    await h.waitFor((f) => f.includes('2 events') && idle(f), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it('keeps the selection on its value when new lines come above it, so Enter lists that value', async () => {
    await h.press('p', (f) => f.includes('Summary of user:alice') && f.includes('198.51.100.9') && !f.includes('counting'));
    for (let i = 0; i < 10 && !selectedLine(h.frame()).includes('198.51.100.9'); i++) {
      const before = selectedLine(h.frame());
      await h.press(KEYS.down, (f) => selectedLine(f) !== before);
    }
    expect(selectedLine(h.frame())).toContain('198.51.100.9');
    // A new API and a new region push the source IPs two lines down: the line selected was a section title.
    await follower.arrive(archive, [from('c', 'PutObject', '203.0.113.7', 'eu-west-1')]);
    // The frame the new lines first show in can still select the old line number; the one after follows the value.
    let frame = await h.waitFor((f) => f.includes('3 events, 0 with an error') && f.includes('PutObject') && !f.includes('counting') && selectedLine(f).includes('198.51.100.9'), 5_000);
    frame = await h.press(KEYS.enter, (f) => f.includes('1 matching'));
    expect(frame).toContain('ip:198.51.100.9');
  });
});

describe('a session chain in the details when its issuing event comes with a followed import', () => {
  let archive: TestArchive;
  let h: Harness;
  const follower = new FakeFollower();
  // The detonation's two events: the call made with the federated key, and the call that issued it.
  const records = JSON.parse(readFileSync(new URL('../../../shared/datasets/stratus-red-team/aws.persistence.sts-federation-token.json', import.meta.url), 'utf8')) as Array<{ eventName: string }>;
  beforeAll(async () => {
    archive = await archiveOf(records.filter((r) => r.eventName !== 'GetFederationToken'), 10);
    h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive, {})} dbPath="/tmp/test.duckdb" env={PLAIN} onQuit={() => undefined} follower={follower as unknown as ArchiveFollower} />, 130, 60);
    await h.waitFor((f) => f.includes('1 event') && f.includes('GetCallerIdentity') && idle(f), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it('is looked for again: "not in these logs" gives way to the GetFederationToken that issued the key', async () => {
    let frame = await h.press(KEYS.enter, (f) => f.includes('Chain ends at an issuing event that is not in these logs'));
    expect(frame).toContain('2 missing');
    await follower.arrive(archive, records.filter((r) => r.eventName === 'GetFederationToken'));
    frame = await h.waitFor((f) => f.includes('Started by arn:aws:iam::742491224508:user/stratus-red-team-user-federation-user'), 5_000);
    expect(frame).toContain('2 GetFederation');
    expect(frame).not.toContain('not in these logs');
  });
});
