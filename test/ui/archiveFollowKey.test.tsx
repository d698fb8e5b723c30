/**
 * `f` on the --db dashboard has the folder dashboard's meaning: the newest
 * event, and on `trailtop DIR --db FILE` the cursor stays on the newest as
 * imports add events, until it moves; the header says `following` or `paused`
 * as the folder's does. On an archive opened read only it goes to the newest
 * and says nothing more will arrive (it said only "open it as ...").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveFollower } from '../../src/archive/follow.js';
import { ArchiveSession } from '../../src/archive/session.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { bothDashboardsForThisBlock, idle } from './archiveDashboard.js';
import { FakeFollower } from './fakeFollower.js';
import { KEYS, renderApp, type Harness } from './harness.js';

const call = (id: string, name: string, hour: number): object => ({
  eventID: id,
  eventTime: new Date(Date.UTC(2024, 2, 5, hour)).toISOString().replace('.000Z', 'Z'),
  eventName: name,
  eventSource: 's3.amazonaws.com',
  awsRegion: 'us-east-1',
  userIdentity: { type: 'IAMUser', userName: 'alice' },
});

const selectedLine = (f: string): string => f.split('\n').find((l) => /^ ?›/.test(l)) ?? '';
const headline = (f: string): string => f.split('\n')[0] ?? '';

describe('f on a followed archive (trailtop DIR --db FILE)', () => {
  let archive: TestArchive;
  let h: Harness;
  const follower = new FakeFollower();
  const arrives = (name: string, hour: number): Promise<void> => follower.arrive(archive, [call(`new-${hour}`, name, hour)]);
  beforeAll(async () => {
    archive = await archiveOf([call('a', 'CallA', 1), call('b', 'CallB', 2), call('c', 'CallC', 3), call('d', 'CallD', 4)], 10);
    h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive, {})} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={() => undefined} follower={follower as unknown as ArchiveFollower} />, 100, 24);
    await h.waitFor((f) => f.includes('4 events') && f.includes('CallA') && idle(f), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it('newest first: f goes back to the newest and the header says following; the newest stays selected as events arrive', async () => {
    expect(headline(h.frame())).toContain('· following ·');
    let frame = await h.press('jj', (f) => f.includes('row 3 ') && idle(f));
    expect(headline(frame)).toContain('· paused ·');
    frame = await h.press('f', (f) => f.includes('row 1 ') && idle(f));
    expect(selectedLine(frame)).toContain('CallD');
    expect(headline(frame)).toContain('· following ·');
    await arrives('CallE', 5);
    frame = await h.waitFor((f) => f.includes('5 events') && idle(f));
    expect(frame).toContain('row 1 ');
    expect(selectedLine(frame)).toContain('CallE');
  });

  it('oldest first: f goes to the newest at the bottom and keeps it selected as events arrive, until the cursor moves', async () => {
    await h.press('o', (f) => f.includes('oldest first') && idle(f));
    let frame = await h.press('g', (f) => f.includes('row 1 ') && selectedLine(f).includes('CallA') && idle(f));
    expect(headline(frame)).toContain('· paused ·');
    frame = await h.press('f', (f) => f.includes('row 5 ') && idle(f));
    expect(selectedLine(frame)).toContain('CallE');
    expect(headline(frame)).toContain('· following ·');
    await arrives('CallF', 6);
    frame = await h.waitFor((f) => f.includes('6 events') && idle(f) && f.includes('row 6 '));
    expect(selectedLine(frame)).toContain('CallF');
    frame = await h.press('k', (f) => f.includes('row 5 ') && idle(f));
    expect(headline(frame)).toContain('· paused ·');
    await arrives('CallG', 7);
    frame = await h.waitFor((f) => f.includes('7 events') && idle(f));
    expect(frame).toContain('row 5 ');
    expect(selectedLine(frame)).toContain('CallE');
    expect(headline(frame)).toContain('· paused ▼ 1 new (f) ·');
    frame = await h.press('f', (f) => f.includes('row 7 ') && idle(f));
    expect(headline(frame)).toContain('· following ·');
  });

  it('paused, the header counts the events that came on the newest side, as the folder dashboard says ▲ N new', async () => {
    await h.press('o', (f) => f.includes('newest first') && idle(f));
    let frame = await h.press('gj', (f) => f.includes('row 2 ') && idle(f));
    expect(headline(frame)).toContain('· paused ·');
    await arrives('CallH', 8);
    frame = await h.waitFor((f) => f.includes('8 events') && idle(f));
    expect(headline(frame)).toContain('· paused ▲ 1 new (f) ·');
    await arrives('CallI', 9);
    frame = await h.waitFor((f) => f.includes('9 events') && idle(f));
    expect(headline(frame)).toContain('· paused ▲ 2 new (f) ·');
    expect(frame).toContain('row 4 ');
    frame = await h.press('f', (f) => f.includes('row 1 ') && idle(f));
    expect(headline(frame)).toContain('· following ·');
    // Leaving the newest again starts from nothing.
    frame = await h.press('j', (f) => f.includes('row 2 ') && idle(f));
    expect(headline(frame)).toContain('· paused ·');
    // f in the details goes to the newest too: its count is over, though reading an event is paused.
    await arrives('CallJ', 10);
    frame = await h.waitFor((f) => f.includes('10 events') && idle(f));
    expect(headline(frame)).toContain('· paused ▲ 1 new (f) ·');
    await h.press(KEYS.enter, (f) => f.includes('Event details') && idle(f));
    frame = await h.press('f', (f) => /Event name +CallJ/.test(f) && f.includes('row 1 ') && idle(f));
    expect(headline(frame)).toContain('· paused ·');
    await h.press(KEYS.escape, (f) => !f.includes('Event details') && idle(f));
  });
});

// trailtop DIR --db FILE --no-watch once DIR is imported, or with DIR gone: the header drops following/paused, as
// the folder dashboard's does, but f said nothing, where the folder dashboard says nothing new will arrive.
describe('f on a followed archive whose folder can bring nothing more', () => {
  let archive: TestArchive;
  let h: Harness;
  const follower = new FakeFollower();
  beforeAll(async () => {
    archive = await archiveOf([call('a', 'CallA', 1), call('b', 'CallB', 2)], 10);
    h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive, {})} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={() => undefined} follower={follower as unknown as ArchiveFollower} />, 100, 24);
    await h.waitFor((f) => f.includes('2 events') && f.includes('CallA') && idle(f), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it('says so in the folder dashboard\'s words: --no-watch once imported, then the folder gone', async () => {
    let frame = await h.press('f', (f) => selectedLine(f).includes('CallB') && idle(f));
    expect(frame).not.toContain('nothing new will arrive');
    follower.update({ phase: 'stopped' });
    await h.press('j', (f) => selectedLine(f).includes('CallA') && idle(f));
    frame = await h.press('f', (f) => selectedLine(f).includes('CallB') && f.includes('nothing new'));
    expect(frame.replace(/\s+/g, ' ')).toContain('Newest event: not watching (--no-watch), nothing new will arrive');
    follower.update({ phase: 'watching', folderGone: true });
    await h.press('j', (f) => selectedLine(f).includes('CallA') && idle(f));
    frame = await h.press('f', (f) => selectedLine(f).includes('CallB') && f.includes('folder is gone'));
    expect(frame.replace(/\s+/g, ' ')).toContain('Newest event: the folder is gone, nothing new will arrive');
  });
});

describe('f on an archive opened read only, beside the folder dashboard', () => {
  const both = bothDashboardsForThisBlock(['CallA', 'CallB', 'CallC'].map((name, k) => call(`ev-${k}`, name, k + 1)), 100, 24, 'CallC');

  it('goes to the newest event on both; the archive says nothing new will arrive, and claims no following', async () => {
    for (const h of [both().folder, both().db]) {
      await h.press('jj', (f) => selectedLine(f).includes('CallA') && idle(f));
      const frame = await h.press('f', (f) => selectedLine(f).includes('CallC') && idle(f));
      expect(frame).not.toContain('open it as');
    }
    const db = both().db.frame();
    expect(db.replace(/\s+/g, ' ')).toContain('nothing new will arrive');
    expect(headline(db)).not.toMatch(/following|paused/);
    // Nor does the folder dashboard once a --no-watch load is done: nothing more will arrive there either.
    expect(headline(both().folder.frame())).not.toMatch(/following|paused/);
  });

  it('in the details, f shows the newest event\'s details on both (the folder dashboard kept the old event over the newest)', async () => {
    for (const h of [both().folder, both().db]) {
      await h.press('jj', (f) => selectedLine(f).includes('CallA') && idle(f));
      await h.press(KEYS.enter, (f) => f.includes('Event details') && /Event name +CallA/.test(f));
      const frame = await h.press('f', (f) => /Event name +CallC/.test(f) && idle(f));
      expect(frame).toContain('Event details');
      const back = await h.press(KEYS.escape, (f) => !f.includes('Event details'));
      expect(selectedLine(back)).toContain('CallC');
    }
  });
});
