/**
 * Both dashboards over one followed folder, for the tests of what arrives while one reads: the folder
 * dashboard watching (its store is fed by hand) and the --db dashboard with a fake follower that
 * imports each arrival into the archive. Four calls by alice, CallA..CallD at 01:00..04:00.
 */
import { afterAll, beforeAll } from 'vitest';
import type { ArchiveFollower } from '../../src/archive/follow.js';
import { ArchiveSession } from '../../src/archive/session.js';
import { loadFolder } from '../../src/ingest/scanFolder.js';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { idle, PLAIN } from './archiveDashboard.js';
import { FakeFollower } from './fakeFollower.js';
import { makeRow } from './fixtures.js';
import { renderApp, type Harness } from './harness.js';

export const at = (hour: number): number => Date.UTC(2024, 2, 5, hour);
const call = (id: string, name: string, hour: number): object => ({
  eventID: id,
  eventTime: new Date(at(hour)).toISOString().replace('.000Z', 'Z'),
  eventName: name,
  eventSource: 's3.amazonaws.com',
  awsRegion: 'us-east-1',
  userIdentity: { type: 'IAMUser', userName: 'alice' },
});

export const headline = (f: string): string => f.split('\n')[0] ?? '';
export const cursorRow = (f: string): string => f.split('\n').find((l) => l.startsWith('›')) ?? '';

export interface FollowedBoth {
  folder: Harness;
  db: Harness;
  /** Both, named, folder first. */
  dashboards(): (readonly [string, Harness])[];
  /** One event arrives on both: the followed folder's import into the archive, the same event into the folder's store. */
  arrives(name: string, hour: number): Promise<void>;
  /** `keys` on each dashboard in turn, each then waited for until `until`; the last frames, by dashboard. */
  pressBoth(keys: string, until: (f: string) => boolean): Promise<(readonly [string, string])[]>;
}

/** Opens both dashboards before the block's tests (100x24, on CallD, the newest) and closes them after. */
export function followedBothForThisBlock(): () => FollowedBoth {
  let archive: TestArchive | undefined;
  let both: FollowedBoth | undefined;
  const store = new EventStore(0);
  const follower = new FakeFollower();
  beforeAll(async () => {
    const made = await archiveOf([call('a', 'CallA', 1), call('b', 'CallB', 2), call('c', 'CallC', 3), call('d', 'CallD', 4)], 10);
    archive = made;
    await loadFolder(made.folder, store);
    const folder = renderApp(<App store={store} folder={made.folder} watching env={PLAIN} />, 100, 24);
    const session = new ArchiveSession(made.archive, {});
    const db = renderApp(<ArchiveApp session={session} dbPath="/tmp/test.duckdb" env={PLAIN} onQuit={() => undefined} follower={follower as unknown as ArchiveFollower} />, 100, 24);
    const dashboards = (): (readonly [string, Harness])[] => [['folder', folder], ['--db', db]];
    both = {
      folder,
      db,
      dashboards,
      async arrives(name, hour) {
        await follower.arrive(made, [call(`new-${hour}`, name, hour)]);
        store.add([makeRow({ id: `new-${hour}`, name, time: at(hour), actor: 'alice', userNames: ['alice'], source: 's3.amazonaws.com', resources: [] })]);
        store.flush();
      },
      async pressBoth(keys, until) {
        const frames: (readonly [string, string])[] = [];
        for (const [name, h] of dashboards()) frames.push([name, await h.press(keys, (f) => idle(f) && until(f))]);
        return frames;
      },
    };
    for (const [, h] of dashboards()) await h.waitFor((f) => cursorRow(f).includes('CallD') && idle(f), 20_000);
  }, 60_000);
  afterAll(async () => {
    both?.folder.cleanup();
    both?.db.cleanup();
    await archive?.close();
  });
  return () => both!;
}
