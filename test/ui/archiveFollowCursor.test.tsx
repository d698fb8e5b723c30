/**
 * `trailtop DIR --db FILE`: after a followed import the list is asked again.
 * The cursor stays on the event it was on, in the list and in its details
 * (new rows above it put another event at its index: the details switched to
 * it under the reader); at the top of a newest-first list it stays at the top.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveFollower } from '../../src/archive/follow.js';
import { ArchiveSession } from '../../src/archive/session.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { KEYS, renderApp, type Harness } from './harness.js';
import { FakeFollower } from './fakeFollower.js';

const call = (id: string, name: string, hour: number): object => ({
  eventID: id,
  eventTime: new Date(Date.UTC(2024, 2, 5, hour)).toISOString().replace('.000Z', 'Z'),
  eventName: name,
  eventSource: 's3.amazonaws.com',
  awsRegion: 'us-east-1',
  userIdentity: { type: 'IAMUser', userName: 'alice' },
});

const selectedLine = (f: string) => f.split('\n').find((l) => /^ ?›/.test(l)) ?? '';

describe('the cursor after a followed import on the --db dashboard', () => {
  let archive: TestArchive;
  let h: Harness;
  const follower = new FakeFollower();
  /** A newer event arrives in the followed folder and its import commits. */
  const arrives = (name: string, hour: number): Promise<void> => follower.arrive(archive, [call(`new-${hour}`, name, hour)]);
  beforeAll(async () => {
    archive = await archiveOf([call('a', 'CallA', 1), call('b', 'CallB', 2), call('c', 'CallC', 3), call('d', 'CallD', 4)], 10);
    h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive, {})} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={() => undefined} follower={follower as unknown as ArchiveFollower} />, 100, 24);
    await h.waitFor((f) => f.includes('4 events') && f.includes('CallA'), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it('the details stay on their event', async () => {
    await h.press('jj', (f) => f.includes('row 3 ') && selectedLine(f).includes('CallB'));
    await h.press(KEYS.enter, (f) => f.includes('Event details') && f.includes('CallB'));
    await arrives('CallE', 5);
    const frame = await h.waitFor((f) => f.includes('5 events'));
    expect(frame).toContain('row 4 ');
    expect(frame).toContain('Event details');
    expect(frame).toMatch(/Event name +CallB/);
    await h.press(KEYS.escape, (f) => !f.includes('Event details'));
    expect(selectedLine(h.frame())).toContain('CallB');
  });

  it('in the list, the cursor stays on its event; at the top of the newest first, it stays at the top', async () => {
    await arrives('CallF', 6);
    let frame = await h.waitFor((f) => f.includes('6 events'));
    expect(frame).toContain('row 5 ');
    expect(selectedLine(frame)).toContain('CallB');
    await h.press('g', (f) => f.includes('row 1 ') && selectedLine(f).includes('CallF'));
    await arrives('CallG', 7);
    frame = await h.waitFor((f) => f.includes('7 events'));
    expect(frame).toContain('row 1 ');
    expect(selectedLine(frame)).toContain('CallG');
  });

  it('T and p open over an import count again once it ends (they are live on the folder dashboard)', async () => {
    let frame = await h.press('T', (f) => f.includes('Top values of User'));
    expect(selectedLine(frame)).toMatch(/\b7\b.*alice/);
    await arrives('CallH', 8);
    frame = await h.waitFor((f) => f.includes('Top values of User') && /\b8\b.*alice/.test(selectedLine(f)));
    frame = await h.press('p', (f) => f.includes('Summary of') && f.includes('8 events'));
    await arrives('CallI', 9);
    frame = await h.waitFor((f) => f.includes('Summary of') && f.includes('9 events'));
    expect(frame).toContain('CallI');
  });

  it('a view opened over the details (h, ?) closes back to the details of the same event, not to the newest that came meanwhile', async () => {
    await h.press(KEYS.escape, (f) => f.includes('Top values of'));
    await h.press(KEYS.escape, (f) => !f.includes('Top values of'));
    await h.press('g', (f) => f.includes('row 1 ') && selectedLine(f).includes('CallI'));
    await h.press(KEYS.enter, (f) => f.includes('Event details') && /Event name +CallI/.test(f));
    for (const [key, drawn, name, hour] of [['h', '· by errors ·', 'CallJ', 10], ['?', ' Help ', 'CallK', 11]] as const) {
      await h.press(key, (f) => f.includes(drawn) && !f.includes('counting…'));
      await arrives(name, hour);
      await h.waitFor((f) => f.includes(`${hour} events`) && !f.includes('counting…'));
      const back = await h.press(KEYS.escape, (f) => !f.includes(drawn));
      expect(back).toContain('Event details');
      expect(back).toMatch(/Event name +CallI/);
    }
  });
});
