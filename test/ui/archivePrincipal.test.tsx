/**
 * `p` on the --db dashboard: the folder dashboard's principal summary view,
 * its numbers counted by SQL (archive/principal.ts), drawn line for line as
 * the in-memory summary of the same principal draws (bundled samples); Enter
 * lists the principal's events with the selected line, Esc goes back, and
 * `p` in the top values summarises the selected access key.
 */
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import { openFolder } from '../../src/ingest/open.js';
import { termText, type PivotTerm } from '../../src/investigate/pivot.js';
import { principalSummary } from '../../src/investigate/principal.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { summaryLines } from '../../src/ui/investigate/principalModel.js';
import { archiveOfFolder, type TestArchive } from '../archive/helpers.js';
import { tempFolder } from '../support/files.js';
import { KEYS, renderApp, type Harness } from './harness.js';

const SAMPLES = resolve(import.meta.dirname, '../../samples');
const WIDTH = 120;
const HEIGHT = 60;

/** The in-memory summary's lines that fit the view (title and status lines aside), as the view draws them. */
function expectedLines(store: EventStore, term: PivotTerm): string[] {
  return summaryLines(principalSummary(store, term), 'utc', WIDTH)
    .slice(0, HEIGHT - 8)
    .map((line) => (line.heading ? line.text : line.text.trimEnd()));
}

function frameHas(frame: string, lines: readonly string[]): string[] {
  return lines.filter((line) => !frame.includes(line));
}

describe('p on an archive of the bundled samples', () => {
  const scratch = tempFolder('trailtop-dbp-');
  let archive: TestArchive;
  let store: EventStore;
  let h: Harness;
  beforeAll(async () => {
    archive = await archiveOfFolder(SAMPLES, join(scratch.dir, 'samples.duckdb'));
    const loaded = openFolder(SAMPLES, { watch: false });
    await loaded.ready;
    await loaded.close();
    store = loaded.store;
    h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive, {})} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={() => undefined} />, WIDTH, HEIGHT);
    await h.waitFor((f) => f.includes('row 1 '), 30_000);
  }, 120_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
    scratch.remove();
  });

  it("summarises the row's user as the folder dashboard does, line for line", async () => {
    const term = { field: 'user', value: store.rows()[0]!.actor };
    const frame = await h.press('p', (f) => f.includes(`Summary of ${termText(term)}`) && f.includes('─ APIs called'));
    const lines = expectedLines(store, term);
    expect(lines.length).toBeGreaterThan(10);
    expect(frameHas(frame, lines)).toEqual([]);
  });

  it("Enter lists the principal's events with the selected line; Esc from the summary goes back", async () => {
    const term = { field: 'user', value: store.rows()[0]!.actor };
    const summary = principalSummary(store, term);
    const api = summary.apis[0]!;
    const frame = await h.press(KEYS.enter, (f) => f.includes(`${api.ok + api.errors} matching`));
    expect(frame).toContain(`name:${api.name}`);
    await h.press('p', (f) => f.includes('Summary of'));
    const back = await h.press(KEYS.escape, (f) => f.includes('Event time'));
    expect(back).not.toContain('Summary of');
  });

  it('[ after Enter in the summary comes back to the list and the event p was pressed on', async () => {
    const frame = await h.press('[', (f) => /trailtop · [\d,]+ events · row 1 /.test(f));
    expect(frame).not.toContain('matching');
    expect(frame).not.toContain('No earlier query');
  });

  it('p in the top values summarises the selected access key (its users instead of its keys)', async () => {
    await h.press('/\u0015' + KEYS.enter, (f) => /\d events/.test(f) && !f.includes('matching'));
    // T, Tab Tab: the access keys.
    let frame = await h.press('T', (f) => f.includes('Top values of User'));
    const selectedLine = (f: string): string => f.split('\n').find((line) => /^ ?›/.test(line)) ?? '';
    // The title changes first, the values when they are counted.
    frame = await h.press(KEYS.tab + KEYS.tab, (f) => f.includes('Top values of Access key') && /AKIA|ASIA/.test(selectedLine(f)));
    const selected = selectedLine(frame);
    const key = /AKIA\w+|ASIA\w+/.exec(selected)?.[0];
    expect(key, selected).toBeDefined();
    const term = { field: 'key', value: key! };
    frame = await h.press('p', (f) => f.includes(`Summary of key:${key}`) && f.includes('─ Users'));
    expect(frameHas(frame, expectedLines(store, term))).toEqual([]);
    const back = await h.press(KEYS.escape, (f) => f.includes('Top values of Access key'));
    expect(back).not.toContain('Summary of');
  });

  it("p in the details summarises the selected access key, as the folder dashboard's does, not the row's user", async () => {
    await h.press(KEYS.escape, (f) => !f.includes('Top values of'));
    const row = store.rows()[0]!;
    expect(row.accessKey).not.toBe('');
    await h.press(KEYS.enter, (f) => f.includes('Event details'));
    const selectedLine = (f: string): string => f.split('\n').find((line) => line.startsWith(' ›')) ?? '';
    for (let i = 0; i < 20 && !selectedLine(h.frame()).includes('Access key'); i++) {
      const before = selectedLine(h.frame());
      await h.press(KEYS.tab, (f) => selectedLine(f) !== before);
    }
    expect(selectedLine(h.frame())).toContain(row.accessKey);
    const frame = await h.press('p', (f) => f.includes(`Summary of key:${row.accessKey}`) && f.includes('─ Users'));
    expect(frameHas(frame, expectedLines(store, { field: 'key', value: row.accessKey }))).toEqual([]);
    await h.press(KEYS.escape, (f) => f.includes('Event details'));
  });
});
