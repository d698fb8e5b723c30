/**
 * `'` on the --db dashboard: the cursor goes to the next marked event after
 * it in the list's order, found by the archive (rows far past the held pages
 * too), going round to the first; keys in the same burst act on the right
 * event (`j j '` searches after the third row, `' j` moves from the mark).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import { openFolderState } from '../../src/state/index.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { idle } from './archiveDashboard.js';
import { KEYS, renderApp, type Harness } from './harness.js';

const EVENTS = 600;
/** Newest first, ev-K is on row EVENTS - K. */
const id = (k: number) => `ev-${String(k).padStart(4, '0')}`;

function records(): object[] {
  const out: object[] = [];
  for (let k = 0; k < EVENTS; k++) {
    out.push({
      eventID: id(k),
      eventTime: new Date(Date.UTC(2024, 2, 5, 0, 0, 0) + k * 60_000).toISOString().replace('.000Z', 'Z'),
      eventName: `Call${String(k).padStart(4, '0')}`,
      eventSource: 's3.amazonaws.com',
      userIdentity: { type: 'IAMUser', userName: 'alice' },
    });
  }
  return out;
}

const rowOf = (f: string) => /row ([\d,]+)/.exec(f)?.[1] ?? '';
const selectedLine = (f: string) => f.split('\n').find((l) => /^[›»]/.test(l)) ?? '';

describe("' on the --db dashboard", () => {
  let archive: TestArchive;
  let h: Harness;
  beforeAll(async () => {
    archive = await archiveOf(records(), 100);
    const state = openFolderState('/tmp/test.duckdb', { enabled: false });
    // Rows 3, 300 and 590 newest first.
    state.setMarks([id(597), id(300), id(10)]);
    h = renderApp(
      <ArchiveApp session={new ArchiveSession(archive.archive, {})} dbPath="/tmp/test.duckdb" folderState={state} env={{ NO_COLOR: '1' }} onQuit={() => undefined} holdKeysMs={60_000} />,
      80,
      24,
    );
    await h.waitFor((f) => f.includes('Call0599') && idle(f), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it("' goes to the next mark below the cursor, one far past the rows read, and round to the first", async () => {
    let frame = await h.press("'", (f) => rowOf(f) === '3' && idle(f));
    expect(selectedLine(frame)).toMatch(/^».*Call0597/);
    frame = await h.press("'", (f) => rowOf(f) === '300' && idle(f) && selectedLine(f).includes('Call'));
    expect(selectedLine(frame)).toMatch(/^».*Call0300/);
    frame = await h.press("'", (f) => rowOf(f) === '590' && idle(f) && selectedLine(f).includes('Call'));
    expect(selectedLine(frame)).toMatch(/^».*Call0010/);
    frame = await h.press("'", (f) => rowOf(f) === '3' && idle(f) && selectedLine(f).includes('Call'));
    expect(selectedLine(frame)).toMatch(/^».*Call0597/);
    await h.press('g', (f) => rowOf(f) === '1');
  });

  it("j j ' in one burst searches after the third row (itself marked); ' j moves on from the mark", async () => {
    let frame = await h.press("jj'", (f) => rowOf(f) === '300' && idle(f) && selectedLine(f).includes('Call'));
    expect(selectedLine(frame)).toMatch(/^».*Call0300/);
    frame = await h.press("'j", (f) => rowOf(f) === '591' && idle(f) && selectedLine(f).includes('Call'));
    expect(selectedLine(frame)).toMatch(/^›.*Call0009/);
    await h.press('g', (f) => rowOf(f) === '1');
  });

  it('oldest first, the next mark in that order', async () => {
    await h.press('o', (f) => f.includes('oldest first') && idle(f));
    await h.press('g', (f) => rowOf(f) === '1' && selectedLine(f).includes('Call0000'));
    const frame = await h.press("'", (f) => rowOf(f) === '11' && idle(f) && selectedLine(f).includes('Call'));
    expect(selectedLine(frame)).toMatch(/^».*Call0010/);
    await h.press('o', (f) => f.includes('newest first') && idle(f));
  });

  it('a list without a marked event says so and the cursor stays', async () => {
    await h.press('/-mark:*' + KEYS.enter, (f) => f.includes('597 matching') && idle(f));
    const frame = await h.press("'", (f) => f.includes('No marked event in this list'));
    expect(rowOf(frame)).toBe('1');
  });
});
