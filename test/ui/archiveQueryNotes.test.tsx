/**
 * What the folder dashboard says on its query bar and status line, the --db dashboard says too:
 * a lowercase or/and/not between terms is a word, said while typing and after Enter, and a corrupt
 * state file (marks, history, columns) is ignored with a message, not in silence.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import { openFolderState, stateFileFor } from '../../src/state/index.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, callsEachMinute, type TestArchive } from '../archive/helpers.js';
import { tempFolder } from '../support/files.js';
import { KEYS, renderApp, type Harness } from './harness.js';
import { archiveDashboardForThisBlock, idle } from './archiveDashboard.js';

const PLAIN = { NO_COLOR: '1' };

describe('the --db dashboard over a corrupt state file', () => {
  let archive: TestArchive;
  let home: { dir: string; remove: () => void };
  let h: Harness;
  beforeAll(async () => {
    archive = await archiveOf(callsEachMinute(), 100);
    home = tempFolder('trailtop-state-');
    const env = { XDG_STATE_HOME: home.dir };
    const dbPath = join(home.dir, 'trail.duckdb');
    const file = stateFileFor(dbPath, env);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '{"format":1,"folder":');
    const folderState = openFolderState(dbPath, { enabled: true, env });
    h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive, {})} dbPath={dbPath} folderState={folderState} env={PLAIN} onQuit={() => undefined} />, 120, 24);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
    home?.remove();
  });

  it('says the saved state was ignored, and the list still opens', async () => {
    const frame = await h.waitFor((f) => f.includes('Call39') && idle(f) && f.includes('Saved history ignored'), 20_000);
    expect(frame).toContain('Saved history ignored (not valid JSON)');
  });
});

describe('the --db dashboard with a lowercase or between two terms', () => {
  const dashboard = archiveDashboardForThisBlock(callsEachMinute(), 'Call39');
  const footer = (f: string): string => f.split('\n').filter((l) => l.trim()).at(-1) ?? '';

  it("says 'or' is a word while typing, and on the status line once applied, at 80 columns", async () => {
    const h = dashboard();
    await h.press('/');
    let frame = await h.press('name:Call01 or name:Call02', (f) => f.includes("'or' is a word here"));
    expect(frame).toContain('OR in capitals means either');
    frame = await h.press(KEYS.enter, (f) => idle(f) && /'or' is a word here/.test(footer(f)));
    expect(frame).toContain('Query / name:Call01 or name:Call02');
    for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('says time terms that leave no time between them match nothing, while typing and once applied', async () => {
    const h = dashboard();
    await h.press('/');
    // Ctrl-U: the block's dashboard still has the query the test before applied.
    await h.press('\u0015');
    let frame = await h.press('to:2020-01-01 from:2021-01-01', (f) => f.includes('from/since is after to/until'));
    expect(frame).toContain('no event can match (swapped?)');
    frame = await h.press(KEYS.enter, (f) => idle(f) && /from\/since is after to\/until/.test(footer(f)));
    expect(frame).toContain('Query / to:2020-01-01 from:2021-01-01');
  });
});
