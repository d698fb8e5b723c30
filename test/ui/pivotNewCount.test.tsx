/**
 * The header's `paused ▲ N new (f)` after a pivot from the list, on both dashboards driven by one script:
 * the cursor stays on the event pivoted from, paused, and what arrives from then on counts. The folder
 * dashboard counted nothing until the cursor moved, and that move took the newest row then as where
 * counting starts, so what came in between was never counted (`paused`, then `▲ 1 new` where the --db
 * dashboard said `▲ 1`, then `▲ 2`). A query typed and given up with Esc keeps the count too (the folder's
 * drafts, applied while typing, cleared it).
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

const headline = (f: string): string => f.split('\n')[0] ?? '';
const cursorRow = (f: string): string => f.split('\n').find((l) => l.startsWith('›')) ?? '';
/**
 * The frame once `event` is listed and the header says `words` (the --db dashboard counts with the list's
 * refresh, a moment after the rows), or the last frame when it never does.
 */
const headerSays = (h: Harness, event: string, words: string): Promise<string> =>
  h.waitFor((f) => idle(f) && f.includes(event) && headline(f).includes(words), 5_000).catch(() => h.frame());

describe('▲ N new after a pivot from the list or a query given up, on both dashboards (trailtop DIR, and trailtop DIR --db FILE)', () => {
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

  it('= u on a row below the newest, an arrival, j, another: ▲ 1 new, then ▲ 2 new', async () => {
    await pressBoth('j', (f) => cursorRow(f).includes('CallC'));
    await pressBoth('=', (f) => f.includes('CallC'));
    for (const [name, frame] of await pressBoth('u', (f) => queryOf(f) !== '' && f.includes('CallD'))) {
      expect(cursorRow(frame), name).toContain('CallC');
      expect(headline(frame), name).toMatch(/paused(?! ▲)/);
    }
    await arrives('CallE', 5);
    for (const [name, h] of dashboards()) {
      const frame = await headerSays(h, 'CallE', '▲ 1 new');
      expect(headline(frame), name).toContain('paused ▲ 1 new (f)');
      expect(cursorRow(frame), name).toContain('CallC');
    }
    await pressBoth('j', (f) => cursorRow(f).includes('CallB'));
    await arrives('CallF', 6);
    for (const [name, h] of dashboards()) expect(headline(await headerSays(h, 'CallF', '▲ 2 new')), name).toContain('paused ▲ 2 new (f)');
  }, 60_000);

  it('a query typed then given up (Esc): the same count, on the same event', async () => {
    await pressBoth('/name:CallB', (f) => f.includes('name:CallB'));
    for (const [name, frame] of await pressBoth(KEYS.escape, (f) => queryOf(f) === 'user:alice' && f.includes('CallF'))) {
      expect(cursorRow(frame), name).toContain('CallB');
      expect(headline(frame), name).toContain('paused ▲ 2 new (f)');
    }
  });
});
