/**
 * `trailtop DIR --db FILE`: a bad file that lands in the followed folder is
 * named in the status line and counted beside it (`watching · 1 bad`). The
 * message wraps onto a second line, which changes the list's height; the
 * count must still arrive (it once did not: the subscription was renewed for
 * the new height and the pending count dropped with the old one).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveFollower } from '../../src/archive/follow.js';
import { ArchiveSession } from '../../src/archive/session.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, callsEachMinute, type TestArchive } from '../archive/helpers.js';
import { renderApp, type Harness } from './harness.js';
import { FakeFollower } from './fakeFollower.js';


describe('a bad file in the folder a --db dashboard follows', () => {
  let archive: TestArchive;
  let h: Harness;
  const follower = new FakeFollower();
  beforeAll(async () => {
    archive = await archiveOf(callsEachMinute(), 100);
    const session = new ArchiveSession(archive.archive, {});
    h = renderApp(
      <ArchiveApp session={session} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={() => undefined} follower={follower as unknown as ArchiveFollower} />,
      80,
      24,
    );
    await h.waitFor((f) => f.includes('Call39') && f.includes('watching'), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it('is named in the status line and counted beside it', async () => {
    follower.update({ phase: 'importing' });
    // A reason long enough to wrap the message onto a second line at 80 columns.
    const reason = 'invalid JSON at byte 27 (line 1, column 28): Expected double-quoted property name';
    follower.update({ phase: 'watching', bad: [{ path: '/logs/incoming/bad2.json', reason }] });
    const frame = await h.waitFor((f) => f.includes('1 bad'), 15_000);
    expect(frame).toContain('watching · 1 bad');
    expect(frame).toContain('/logs/incoming/bad2.json');
  });

  // The follower's list is the folder's bad files now: a file bad again replaces its entry rather than adding one.
  it('names a file bad again (its entry replaced, the count the same), and drops the count when the file is fixed', async () => {
    const reason = 'invalid JSON: unexpected end of input (truncated at byte 64)';
    follower.update({ bad: [{ path: '/logs/incoming/bad2.json', reason }] });
    let frame = await h.waitFor((f) => f.includes('byte 64'), 15_000);
    expect(frame).toContain('watching · 1 bad');
    follower.update({ bad: [] });
    frame = await h.waitFor((f) => !f.includes('1 bad'), 15_000);
    expect(frame).toContain('watching');
  });

  it('counts in the header the files an import skipped, once it has ended (they were counted only when the dashboard opened)', async () => {
    writeFileSync(join(archive.folder, 'notes.json'), '{not json');
    await follower.arrive(archive, []);
    const frame = await h.waitFor((f) => f.includes('1 skipped'), 15_000);
    expect(frame.split('\n')[0]).toContain('1 skipped');
  });
});
