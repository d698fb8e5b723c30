/**
 * A new query in oldest-first order (`o`), on both dashboards driven by one script: as in newest-first
 * order it lands on the newest event, which is at the bottom, and follows it as events arrive, as the
 * folder dashboard always did. The --db dashboard landed on the oldest event at the top, paused, so an
 * arrival was a `▼ 1 new` far below.
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

describe('a new query in oldest-first order, on both dashboards (trailtop DIR, and trailtop DIR --db FILE)', () => {
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

  it('o, then a new query: on the newest event at the bottom, following; an arrival: on it, still following', async () => {
    for (const [name, frame] of await pressBoth('o', (f) => f.indexOf('CallA') < f.indexOf('CallD'))) {
      expect(cursorRow(frame), name).toContain('CallD');
    }
    await pressBoth('/name:Call*', (f) => f.includes('name:Call*'));
    for (const [name, frame] of await pressBoth(KEYS.enter, (f) => queryOf(f) === 'name:Call*' && cursorRow(f) !== '')) {
      expect(cursorRow(frame), name).toContain('CallD');
      expect(headline(frame), name).toContain('following');
    }
    await arrives('CallE', 5);
    for (const [name, h] of dashboards()) {
      const frame = await h.waitFor((f) => idle(f) && cursorRow(f).includes('CallE'), 5_000).catch(() => h.frame());
      expect(cursorRow(frame), name).toContain('CallE');
      expect(headline(frame), name).toContain('following');
    }
  }, 60_000);
});
