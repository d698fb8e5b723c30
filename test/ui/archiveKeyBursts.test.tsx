/**
 * The --db dashboard's top values, histogram, order and query answers arrive
 * asynchronously (SQL on the archive): keys in the same burst as `T`, `h`, `o`
 * or a query's Enter (tmux send-keys T j j) must wait for that answer and then
 * act on it, as the same keys pressed one by one do. The keys' wait is raised
 * to 60 s here: with the whole suite's DuckDB instances on two cores, a query
 * on this tiny archive can take longer than the product's 5 s, and the keys
 * would go on without the answer: a failure of something this test does not check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import { commandRules } from '../../src/commands/rules.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { KEYS, renderApp, type Harness } from './harness.js';

function records(): object[] {
  const out: object[] = [];
  const users = ['alice', 'alice', 'alice', 'alice', 'bob', 'bob', 'bob', 'carol', 'carol', 'dave'];
  for (let k = 0; k < 40; k++) {
    out.push({
      eventID: `ev-${String(k).padStart(4, '0')}`,
      eventTime: new Date(Date.UTC(2024, 2, 5, 10, 0, 0) + k * 3_600_000).toISOString().replace('.000Z', 'Z'),
      eventName: `Call${String(k).padStart(2, '0')}`,
      eventSource: 's3.amazonaws.com',
      awsRegion: 'us-east-1',
      sourceIPAddress: `192.0.2.${k % 4}`,
      userIdentity: { type: 'IAMUser', userName: users[k % users.length] },
    });
  }
  return out;
}

const selectedLine = (f: string) => f.split('\n').find((l) => /^ ?›/.test(l)) ?? '';

describe('keys in one burst on the --db dashboard', () => {
  let archive: TestArchive;
  let h: Harness;
  beforeAll(async () => {
    archive = await archiveOf(records(), 100);
    h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive, {})} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={() => undefined} holdKeysMs={60_000} />, 80, 24);
    await h.waitFor((f) => f.includes('Call39'), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it('T j j: both moves land in the top values', async () => {
    const frame = await h.press('Tjj', (f) => f.includes('Top values of User') && selectedLine(f).includes('carol'));
    expect(selectedLine(frame)).toMatch(/8\s+20%.*carol/);
    await h.press(KEYS.escape, (f) => !f.includes('Top values'));
  });

  it('T Tab j: the move lands in the next field', async () => {
    const frame = await h.press('T\tj', (f) => f.includes('Top values of Source IP') && selectedLine(f).includes('192.0.2.1'));
    expect(selectedLine(frame)).toMatch(/10\s+25%.*192\.0\.2\.1/);
    await h.press(KEYS.escape, (f) => !f.includes('Top values'));
  });

  it('h k k: the moves land in the buckets, two above the newest', async () => {
    await h.press('h', (f) => f.includes('Histogram'));
    await h.press('k');
    const expected = selectedLine(await h.press('k'));
    await h.press(KEYS.escape, (f) => !f.includes('Histogram'));
    const frame = await h.press('hkk', (f) => f.includes('Histogram') && selectedLine(f) === expected);
    expect(selectedLine(frame)).toBe(expected);
    await h.press(KEYS.escape, (f) => !f.includes('Histogram'));
  });

  it('a query, Enter and j: the move lands in the new rows', async () => {
    const frame = await h.press('/user:bob' + KEYS.enter + 'j', (f) => f.includes('12 matching') && f.includes('row 2 '));
    expect(selectedLine(frame)).toContain('Call35');
    await h.press('/\u0015' + KEYS.enter, (f) => f.includes('40 events') && f.includes('row 1 '));
  });

  it('j j p: the summary is of the third row\'s user, not of the row the burst started on', async () => {
    // Newest first: Call39 (dave), Call38 (carol), Call37 (carol).
    const frame = await h.press('jjp', (f) => f.includes('Summary of'));
    expect(frame).toMatch(/Summary of \S*carol/);
    await h.press(KEYS.escape, (f) => !f.includes('Summary of') && f.includes('row 3 '));
    await h.press('g', (f) => f.includes('row 1 '));
  });

  it('j = u: the pivot takes the second row\'s user', async () => {
    const frame = await h.press('j=u', (f) => f.includes('12 matching') || f.includes('matching'));
    expect(frame).toMatch(/Query \S*\s*\S*carol/);
    await h.press('/\u0015' + KEYS.enter, (f) => f.includes('40 events') && f.includes('row 1 '));
  });

  it('j j m: the mark lands on the third row', async () => {
    await h.press('jjm', (f) => f.includes('Marked'));
    const frame = await h.press('/mark:*' + KEYS.enter, (f) => f.includes('1 matching'));
    expect(frame).toContain('Call37');
    await h.press('/\u0015' + KEYS.enter, (f) => f.includes('40 events') && f.includes('row 1 '));
  });

  it('o k: the move lands in the turned list', async () => {
    await h.press('jjj', (f) => f.includes('row 4 '));
    const frame = await h.press('ok', (f) => f.includes('oldest first') && f.includes('row 36 '));
    expect(selectedLine(frame)).toContain('Call35');
  });
});

describe('keys in one burst over the --db findings view', () => {
  let archive: TestArchive;
  let h: Harness;
  beforeAll(async () => {
    archive = await archiveOf(records(), 100);
    const ruleSet = commandRules(undefined);
    const session = new ArchiveSession(archive.archive, { rules: ruleSet.rules, ruleSet });
    // Wide enough for the view's title to show its order.
    h = renderApp(<ArchiveApp session={session} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={() => undefined} holdKeysMs={60_000} />, 140, 24);
    await h.waitFor((f) => f.includes('Call39') && !f.includes('running rules'), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it('? ? o: the help opens and closes, and o reaches the view again (it was dropped)', async () => {
    await h.press('!', (f) => f.includes('Findings (') && f.includes('o order: newest'));
    const frame = await h.press('??o', (f) => f.includes('o order: level'));
    expect(frame).not.toContain('Help ');
    await h.press('o', (f) => f.includes('o order: newest'));
    await h.press(KEYS.escape, (f) => f.includes('Event time'));
  });
});
