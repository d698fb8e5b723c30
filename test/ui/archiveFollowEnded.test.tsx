/**
 * `trailtop DIR --db FILE` says `following` or `paused` only while something more can arrive, as the
 * folder dashboard's header does: not once `--no-watch`'s one import has ended, nor once the followed
 * folder is gone (the header said `following` for good in both).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveFollower } from '../../src/archive/follow.js';
import { ArchiveSession } from '../../src/archive/session.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, callsEachMinute, type TestArchive } from '../archive/helpers.js';
import { idle } from './archiveDashboard.js';
import { FakeFollower } from './fakeFollower.js';
import { renderApp, type Harness } from './harness.js';

const headline = (f: string): string => f.split('\n')[0] ?? '';
const saysFollow = (f: string): boolean => /· (following|paused)\b/.test(headline(f));

describe('the --db dashboard following a folder, once nothing more can arrive', () => {
  let archive: TestArchive;
  let h: Harness;
  const follower = new FakeFollower();
  beforeAll(async () => {
    archive = await archiveOf(callsEachMinute(), 100);
    follower.current = { ...follower.current, phase: 'catching up' };
    h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive, {})} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={() => undefined} follower={follower as unknown as ArchiveFollower} />, 100, 24);
    await h.waitFor((f) => f.includes('Call39') && idle(f), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it('says following while the import runs, and neither following nor paused once --no-watch stopped', async () => {
    expect(headline(h.frame())).toContain('· following ·');
    follower.update({ phase: 'stopped' });
    const frame = await h.waitFor((f) => !saysFollow(f) && f.includes('Call39'));
    expect(headline(frame)).toContain('40 events');
    await h.press('j', (f) => f.includes('row 2 ') && idle(f));
    expect(saysFollow(h.frame())).toBe(false);
  });

  it('neither once the followed folder is gone, while watching', async () => {
    follower.update({ phase: 'watching' });
    await h.press('f', (f) => saysFollow(f) && f.includes('row 1 ') && idle(f));
    expect(headline(h.frame())).toContain('· following ·');
    follower.update({ folderGone: true });
    const frame = await h.waitFor((f) => !saysFollow(f) && f.includes('folder gone'));
    expect(headline(frame)).toContain('40 events');
  });
});
