/**
 * `/` over the views on the --db dashboard, as on the folder's (queryOverViews.test.tsx): over T and h the
 * bar opens over the view, Enter applies the query (SQL) and the view counts it again without leaving,
 * Esc restores the query before; over the Insights too, which list those the query concerns, their rates counted
 * among its events, and over the findings, counted by SQL among its events (one count per rule).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import type { Rule } from '../../src/detect/rule.js';
import { parseQuery } from '../../src/query/parse.js';
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

describe('/ over the findings on the --db dashboard', () => {
  let archive: TestArchive;
  let h: Harness;
  beforeAll(async () => {
    archive = await archiveOf(records(), 100);
    // r-put fires on bob's PutObject (10 events), r-any on every event.
    const rule = (id: string, title: string, ast: Rule['ast']): Rule => ({ id, title, level: 'high', status: '', description: '', references: [], tags: [], author: '', falsepositives: [], path: `${id}.yml`, origin: 'test', ast });
    const ast = (text: string): Rule['ast'] => {
      const parsed = parseQuery(text);
      if (!parsed.ok) throw new Error(parsed.error.message);
      return parsed.ast;
    };
    const rules = [rule('r-put', 'Put calls', ast('name:PutObject')), rule('r-any', 'Any call', { kind: 'const', value: true })];
    const set = { rules, skipped: [] };
    h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive, { rules: set.rules, ruleSet: set })} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={() => undefined} />, 100, 30);
    await h.waitFor((f) => f.includes('30 events') && f.includes('⚑'), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it('counts the rules among the query\'s events once Enter applies it; Enter on a rule narrows the query', async () => {
    let frame = await h.press('!', (f) => f.includes('Findings (2 of 2 rules fired)'));
    const count = (f: string, title: string) => /high +(\d+)/.exec(f.split('\n').find((l) => l.includes(title)) ?? '')?.[1];
    expect(count(frame, 'Any call')).toBe('30');
    frame = await h.press('/user:alice\r', (f) => f.includes("Findings on the query's 20 events (1 of 2 rules fired)"));
    expect(count(frame, 'Any call')).toBe('20');
    expect(frame).not.toContain('Put calls');
    frame = await h.press(KEYS.enter, (f) => !f.includes('Findings') && queryLine(f).includes('user:alice rule:r-any'));
    expect(frame).toContain('20 matching');
  });
});
