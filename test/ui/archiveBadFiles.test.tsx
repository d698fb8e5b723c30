/**
 * `b` on the --db dashboard lists the files with problems, as on a folder:
 * the archive's imports' bad and skipped files (imported_files) and the
 * followed folder's new bad ones, each with its reason, names sanitised. It
 * used to point at `scan --db`, which cannot open an archive a follow holds.
 * The header counts them from the start, as the folder dashboard's does.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveFollower, FollowStatus } from '../../src/archive/follow.js';
import { ArchiveSession } from '../../src/archive/session.js';
import { commandRules } from '../../src/commands/rules.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOfFolder, iamUserRecord, type TestArchive } from '../archive/helpers.js';
import { recordsJson, tempFolder } from '../support/files.js';
import { KEYS, renderApp, type Harness } from './harness.js';

/** What the dashboard uses of a follower: its status and a subscription (archive/follow.ts). */
class FakeFollower {
  current: FollowStatus = { phase: 'watching', progress: null, eventsAdded: 0, bad: [{ path: '/logs/incoming/late.json', reason: 'invalid JSON: unexpected end of input' }], error: null, folderGone: false };
  subscribe(): () => void {
    return () => undefined;
  }
}

describe('b on an archive', () => {
  let archive: TestArchive;
  let h: Harness;
  let session: ArchiveSession;
  beforeAll(async () => {
    const scratch = tempFolder('trailtop-archive-bad-');
    const folder = join(scratch.dir, 'logs');
    mkdirSync(folder);
    writeFileSync(join(folder, 'good.json'), recordsJson([iamUserRecord('ev-1', 'alice')]));
    writeFileSync(join(folder, 'broken\u001b[2J.json'), '{"Records":[{"eventName":"x" "y"}]}');
    writeFileSync(join(folder, 'notes.txt'), 'not a log at all');
    // The same eventID with other content in a later file: a conflicting duplicate, which the folder's header and b show too.
    const changed = { ...iamUserRecord('ev-1', 'alice'), eventName: 'DeleteTrail' };
    writeFileSync(join(folder, 'later.json'), recordsJson([changed]));
    archive = await archiveOfFolder(folder, join(scratch.dir, 'archive.duckdb'), scratch.remove);
    session = new ArchiveSession(archive.archive, {});
    const follower = new FakeFollower() as unknown as ArchiveFollower;
    h = renderApp(<ArchiveApp session={session} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={() => undefined} follower={follower} />, 80, 24);
    await h.waitFor((f) => f.includes('ListUsers'), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it('counts the bad files in the header before b is pressed', async () => {
    const frame = await h.waitFor((f) => f.includes('skipped (b)'));
    const header = frame.split('\n')[0]!;
    // The skipped file too, as the folder dashboard's header counts it.
    expect(header).toContain('! 1 dup · 2 bad files · 1 skipped (b)');
    // 80 columns leave under 5 cells for the path: the word stays, the path goes (see the last test).
    expect(header.trimEnd()).toMatch(/ · archive$/);
  });

  it('lists the bad and skipped files with their reasons, and Esc goes back to the list', async () => {
    const frame = await h.press('b', (f) => f.includes('Files with problems') && f.includes('Skipped'));
    expect(frame).toContain('Unreadable or malformed files (2)');
    expect(frame).toContain('broken\\x1b[2J.json');
    expect(frame).not.toContain('\u001b[2J');
    expect(frame).toMatch(/invalid JSON at byte/);
    expect(frame).toContain('/logs/incoming/late.json');
    expect(frame).toContain('Skipped (not CloudTrail events) (1)');
    expect(frame).toContain('notes.txt');
    expect(frame).toContain('Conflicting duplicates: same eventID, different content (1)');
    expect(frame).toContain('ev-1');
    expect(frame).toContain('later.json');
    const back = await h.press(KEYS.escape, (f) => !f.includes('Files with problems'));
    expect(back).toContain('ListUsers');
  });

  it('Enter on the conflicting duplicates finding opens that list, as on a folder, and Esc comes back to the findings', async () => {
    // It said 'trailtop scan --db FILE lists each with its files' on the status line, while the finding's own text points to b.
    const ruleSet = commandRules(undefined);
    const withRules = new ArchiveSession(archive.archive, { rules: ruleSet.rules, ruleSet });
    const r = renderApp(<ArchiveApp session={withRules} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={() => undefined} />, 100, 30);
    try {
      await r.waitFor((f) => f.includes('ListUsers') && f.includes('⚑'), 20_000);
      const view = await r.press('!', (f) => f.includes('Findings (') && f.includes('Conflicting duplicates'));
      const chosen = (f: string) => f.split('\n').some((line) => line.startsWith('›') && line.includes('Conflicting duplicates'));
      let selected = view;
      for (let i = 0; i < 20 && !chosen(selected); i++) selected = await r.press('j', (f) => f !== selected);
      expect(chosen(selected), selected).toBe(true);
      const problems = await r.press(KEYS.enter, (f) => f.includes('Files with problems'));
      expect(problems).toContain('Conflicting duplicates: same eventID, different content (1)');
      expect(problems).toContain('later.json');
      expect(problems).not.toContain('scan --db');
      const back = await r.press(KEYS.escape, (f) => !f.includes('Files with problems'));
      expect(back).toContain('Findings (');
    } finally {
      r.cleanup();
    }
  });

  it('leaves the archive path out when fewer than 5 cells are left for it (it was cut twice: "archive …du…")', async () => {
    h.cleanup();
    // Without the follower one file is bad and one skipped: 'trailtop · 1 event · row 1 · ! 1 dup · 1 bad file · 1 skipped (b) · archive ' takes 76 of 77 columns.
    h = renderApp(<ArchiveApp session={session} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={() => undefined} />, 77, 24);
    const frame = await h.waitFor((f) => f.includes('ListUsers') && f.includes('skipped (b)'), 20_000);
    expect(frame.split('\n')[0]!.trimEnd()).toBe('trailtop · 1 event · row 1 · ! 1 dup · 1 bad file · 1 skipped (b) · archive');
  });
});
