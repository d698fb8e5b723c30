/**
 * A long status message on the --db dashboard (an error the archive answered
 * with) is word-wrapped on up to 3 lines, as on the folder dashboard, and the
 * list gives up those lines so the frame stays within the terminal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, callsEachMinute, type TestArchive } from '../archive/helpers.js';
import { renderApp, type Harness } from './harness.js';

const ERROR = 'Binder Error: Referenced column "tt_actor_label" not found in FROM clause, candidate bindings: "tt_actor", "tt_user_names", and the end of this message says FINAL-WORDS';

describe('a long status message on the --db dashboard', () => {
  let archive: TestArchive;
  let h: Harness;
  beforeAll(async () => {
    archive = await archiveOf(callsEachMinute(), 100);
    const session = new ArchiveSession(archive.archive, {});
    session.topValues = () => Promise.reject(new Error(ERROR));
    h = renderApp(<ArchiveApp session={session} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={() => undefined} />, 80, 24);
    await h.waitFor((f) => f.includes('Call39'), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it('is wrapped whole, the frame within the terminal', async () => {
    const frame = await h.press('T', (f) => f.includes('FINAL-WORDS') || f.includes('the archive answered'));
    expect(frame).toContain('FINAL-WORDS');
    const lines = frame.split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    expect(lines[0]).toContain('trailtop');
    expect(lines.at(-1)).toMatch(/UTC\s*$/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
  });
});
