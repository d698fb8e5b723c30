/**
 * The header's `paused ▲ N new (f)` across `[` and `]`, on both dashboards driven by one script: each
 * place keeps its own count of unseen arrivals, and back there the events that came meanwhile count
 * too; a place left while following follows again. The --db dashboard lost the count on `[` (a query's
 * answer set it to nothing) and came back to a following place paused on the event that was newest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveFollower } from '../../src/archive/follow.js';
import { ArchiveSession } from '../../src/archive/session.js';
import { loadFolder } from '../../src/ingest/scanFolder.js';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { idle, PLAIN, queryOf } from './archiveDashboard.js';
import { FakeFollower } from './fakeFollower.js';
import { makeRow } from './fixtures.js';
import { KEYS, renderApp, type Harness } from './harness.js';

const at = (hour: number): number => Date.UTC(2024, 2, 5, hour);
const call = (id: string, name: string, hour: number): object => ({
  eventID: id,
  eventTime: new Date(at(hour)).toISOString().replace('.000Z', 'Z'),
  eventName: name,
  eventSource: 's3.amazonaws.com',
  awsRegion: 'us-east-1',
  userIdentity: { type: 'IAMUser', userName: 'alice' },
});

/** Ctrl-U in the query bar: the text before the caret goes. */
const CTRL_U = '\u0015';
const headline = (f: string): string => f.split('\n')[0] ?? '';
const cursorRow = (f: string): string => f.split('\n').find((l) => l.startsWith('›')) ?? '';

describe('▲ N new across [ and ], on both dashboards (trailtop DIR, and trailtop DIR --db FILE)', () => {
  let archive: TestArchive;
  let folder: Harness;
  let db: Harness;
  const store = new EventStore(0);
  const follower = new FakeFollower();
  const dashboards = (): (readonly [string, Harness])[] => [['folder', folder], ['--db', db]];
  /** One event arrives on both: the followed folder's import into the archive, the same event into the folder's store. */
  const arrives = async (name: string, hour: number): Promise<void> => {
    await follower.arrive(archive, [call(`new-${hour}`, name, hour)]);
    store.add([makeRow({ id: `new-${hour}`, name, time: at(hour), actor: 'alice', userNames: ['alice'], source: 's3.amazonaws.com', resources: [] })]);
    store.flush();
  };
  /** `keys` on each dashboard in turn, each then waited for until `until`; the last frames, by dashboard. */
  const pressBoth = async (keys: string, until: (f: string) => boolean): Promise<(readonly [string, string])[]> => {
    const frames: (readonly [string, string])[] = [];
    for (const [name, h] of dashboards()) frames.push([name, await h.press(keys, (f) => idle(f) && until(f))]);
    return frames;
  };

  beforeAll(async () => {
    archive = await archiveOf([call('a', 'CallA', 1), call('b', 'CallB', 2), call('c', 'CallC', 3), call('d', 'CallD', 4)], 10);
    await loadFolder(archive.folder, store);
    folder = renderApp(<App store={store} folder={archive.folder} watching env={PLAIN} />, 100, 24);
    const session = new ArchiveSession(archive.archive, {});
    db = renderApp(<ArchiveApp session={session} dbPath="/tmp/test.duckdb" env={PLAIN} onQuit={() => undefined} follower={follower as unknown as ArchiveFollower} />, 100, 24);
    for (const [, h] of dashboards()) await h.waitFor((f) => cursorRow(f).includes('CallD') && idle(f), 20_000);
  }, 60_000);
  afterAll(async () => {
    folder?.cleanup();
    db?.cleanup();
    await archive?.close();
  });

  it('paused with ▲ 1 new, [ then ]: still ▲ 1 new; a query, an arrival meanwhile, then [: ▲ 2 new', async () => {
    await pressBoth('/user:alice', (f) => f.includes('user:alice'));
    await pressBoth(KEYS.enter, (f) => queryOf(f) === 'user:alice');
    for (const [name, frame] of await pressBoth('jj', (f) => cursorRow(f).includes('CallB'))) expect(headline(frame), name).toMatch(/paused(?! ▲)/);
    await arrives('CallE', 5);
    for (const [, h] of dashboards()) await h.waitFor((f) => idle(f) && headline(f).includes('paused ▲ 1 new (f)'));

    // (The folder dashboard filters in the background: a frame can show the query before its rows.)
    await pressBoth('[', (f) => queryOf(f) === '' && f.includes('CallE'));
    for (const [name, frame] of await pressBoth(']', (f) => queryOf(f) === 'user:alice' && f.includes('CallE'))) {
      expect(cursorRow(frame), name).toContain('CallB');
      expect(headline(frame), name).toContain('paused ▲ 1 new (f)');
    }

    // Away on another query while one more arrives: back, it counts too.
    await pressBoth('/', (f) => f.includes('user:alice'));
    await pressBoth(CTRL_U, (f) => !f.includes('user:alice'));
    await pressBoth('name:CallB', (f) => f.includes('name:CallB'));
    await pressBoth(KEYS.enter, (f) => queryOf(f) === 'name:CallB');
    await arrives('CallF', 6);
    // The folder's header counts it among all events; the archive has it once arrives() is done.
    await folder.waitFor((f) => f.includes('1 of 6 events'));
    for (const [name, frame] of await pressBoth('[', (f) => queryOf(f) === 'user:alice' && f.includes('CallF'))) {
      expect(cursorRow(frame), name).toContain('CallB');
      expect(headline(frame), name).toContain('paused ▲ 2 new (f)');
    }
    await pressBoth(']', (f) => queryOf(f) === 'name:CallB' && !f.includes('CallE'));
    for (const [name, frame] of await pressBoth('[', (f) => queryOf(f) === 'user:alice' && f.includes('CallF'))) expect(headline(frame), name).toContain('paused ▲ 2 new (f)');
  }, 60_000);

  it('a place left following (on the newest, not reading an event) follows again, on what came meanwhile', async () => {
    // Back to the list before user:alice (left on its newest, CallD), then forward to name:CallB (left on its only event).
    for (const [name, frame] of await pressBoth('[', (f) => queryOf(f) === '' && f.includes('CallF'))) {
      expect(cursorRow(frame), name).toContain('CallF');
      expect(headline(frame), name).toContain('following');
    }
    await pressBoth(']', (f) => queryOf(f) === 'user:alice' && f.includes('CallF'));
    for (const [name, frame] of await pressBoth(']', (f) => queryOf(f) === 'name:CallB' && !f.includes('CallE'))) expect(headline(frame), name).toContain('following');
    await pressBoth('[', (f) => queryOf(f) === 'user:alice' && f.includes('CallF'));
    // f ends the count, as ever.
    for (const [name, frame] of await pressBoth('f', (f) => cursorRow(f).includes('CallF'))) expect(headline(frame), name).toContain('following');
  }, 60_000);
});
