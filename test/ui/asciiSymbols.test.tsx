/**
 * Under TERM=linux or a locale that is not UTF-8 (LANG=C), trailtop drew its bars in ASCII but its own
 * symbols (●, ⚑, …, ›, ·, ↑/↓, ▲, ◆, ─ ...) still in Unicode: mojibake or `?` over SSH. Every view of both
 * dashboards now holds only ASCII there (glyphs.ts own), and keeps its symbols under UTF-8.
 */
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import { loadFolder } from '../../src/ingest/scanFolder.js';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOfFolder, type TestArchive } from '../archive/helpers.js';
import { tempFolder } from '../support/files.js';
import { Findings } from '../../src/detect/findings.js';
import { rule } from './viewScript.js';
import { asciiOf, own, setAsciiSymbols, unicodeSymbols } from '../../src/term/glyphs.js';
import { truncate } from '../../src/term/width.js';
import { ExportDialog } from '../../src/ui/ExportDialog.js';
import { FindingsView } from '../../src/ui/findings/FindingsView.js';
import { InsightsView } from '../../src/ui/InsightsView.js';
import { bothDashboardsForThisBlock, idle } from './archiveDashboard.js';
import { KEYS, renderApp, type Harness } from './harness.js';

const SAMPLES = resolve(import.meta.dirname, '../../samples');

// Long values, so cells are cut (the cut's mark is trailtop's too); an error, so the gutter marks it.
const records = ['StopLogging', 'CreateAccessKeyWithAVeryLongNameIndeed', 'CallB', 'CallC'].map((name, k) => ({
  eventID: `ev-${k}`,
  eventTime: `2024-03-05T1${k}:00:00Z`,
  eventName: name,
  eventSource: k === 0 ? 'cloudtrail.amazonaws.com' : 's3.amazonaws.com',
  awsRegion: 'us-east-1',
  sourceIPAddress: '203.0.113.7',
  userAgent: 'aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/s3.ls',
  ...(k === 2 ? { errorCode: 'AccessDenied', errorMessage: 'User is not authorized to perform this operation on this resource' } : {}),
  userIdentity: { type: 'IAMUser', userName: k === 2 ? 'bob-with-a-rather-long-user-name' : 'alice', accountId: '111122223333' },
}));
const trailStopped = rule('r-trail', 'Trail stopped');
const views = { findings: FindingsView, insights: InsightsView, export: ExportDialog };
const findings = (): Findings => {
  const found = new Findings({ rules: [trailStopped], skipped: [] }, 0);
  found.add([{ id: 'ev-0', time: Date.UTC(2024, 2, 5, 10), index: 0, rules: [0] }]);
  return found;
};

const settled = (f: string) => idle(f) && !f.includes('Counting') && !f.includes('counting');
const NON_ASCII = /[^\x00-\x7F]/u;

/** Each view's frame, opened from the list and closed back to it, on one dashboard. */
async function everyView(h: Harness): Promise<(readonly [string, string])[]> {
  const frames: (readonly [string, string])[] = [['list', h.frame()]];
  const view = async (name: string, open: string, shown: (f: string) => boolean, close: string = KEYS.escape) => {
    frames.push([name, await h.press(open, (f) => shown(f) && settled(f), 20_000)]);
    await h.press(close, (f) => f.includes('Event time') && !shown(f) && settled(f), 20_000);
  };
  await view('details', KEYS.enter, (f) => f.includes('Event ID') || f.includes('ev-'));
  await h.press(KEYS.escape, (f) => f.includes('Event time') && settled(f));
  await h.press(KEYS.enter, (f) => !f.includes('Event time') || f.includes('Esc close'));
  frames.push(['JSON', await h.press('v', (f) => f.includes('Event record') && settled(f), 20_000)]);
  await h.press(KEYS.escape, (f) => !f.includes('Event record'));
  await h.press(KEYS.escape, (f) => f.includes('Event time') && settled(f));
  // Every page of the help: each key's description is trailtop's text.
  let page = await h.press('?', (f) => f.includes(' Help') && settled(f));
  frames.push(['help', page]);
  for (let k = 0; k < 40 && !/ (\d+)-(\d+) of \2,/.test(page); k++) {
    const before = page;
    page = await h.press(KEYS.pageDown, (f) => f !== before);
    frames.push([`help page ${k + 2}`, page]);
  }
  await h.press(KEYS.escape, (f) => f.includes('Event time') && settled(f));
  await view('Insights', 'i', (f) => f.includes('Insights'));
  await view('findings', '!', (f) => f.includes('Findings ('));
  await view('top values', 'T', (f) => f.includes('Top values of'));
  await view('principal', 'p', (f) => f.includes('Summary of'));
  await view('histogram', 'h', (f) => f.includes('Histogram '));
  await view('bad files', 'b', (f) => f.includes('Files with problems') || f.includes('No bad files') || f.includes('bad files'), 'b');
  await view('columns', 'C', (f) => f.includes('[x]'));
  await view('download', 'd', (f) => f.includes('Download') || f.includes('download'));
  return frames;
}

describe('LANG=C: every view of both dashboards holds only ASCII', () => {
  const both = bothDashboardsForThisBlock(records, 80, 24, 'CallC', { dbRules: true, views, findings, env: { NO_COLOR: '1', LANG: 'C' } });

  for (const name of ['folder', '--db'] as const) {
    it(`${name} dashboard`, async () => {
      const h = name === 'folder' ? both().folder : both().db;
      for (const [view, frame] of await everyView(h)) {
        const bad = frame.split('\n').filter((line) => NON_ASCII.test(line));
        expect(bad, `${view}:\n${frame}`).toEqual([]);
      }
    }, 120_000);
  }
});

describe('UTF-8: the symbols are still drawn', () => {
  const both = bothDashboardsForThisBlock(records, 80, 24, 'CallC', { dbRules: true, views, findings, env: { NO_COLOR: '1', LANG: 'en_US.UTF-8' } });

  for (const name of ['folder', '--db'] as const) {
    it(`${name} dashboard`, async () => {
      const h = name === 'folder' ? both().folder : both().db;
      const frame = await h.waitFor((f) => f.includes('⚑') && settled(f), 20_000);
      expect(frame).toContain('›');
      expect(frame).toContain('⚑');
      expect(frame).toContain(' · ');
      const top = await h.press('T', (f) => f.includes('Top values of') && settled(f), 20_000);
      expect(top).toContain('›');
      await h.press(KEYS.escape, (f) => f.includes('Event time') && settled(f));
    }, 60_000);
  }
});

describe('which terminals draw the symbols', () => {
  it('not the Linux console nor a locale other than UTF-8; no locale at all says nothing of the terminal', () => {
    expect(unicodeSymbols({ LANG: 'en_US.UTF-8' })).toBe(true);
    expect(unicodeSymbols({ LANG: 'en_US.UTF-8', TERM: 'linux' })).toBe(false);
    expect(unicodeSymbols({ LC_ALL: 'C', LANG: 'en_US.UTF-8' })).toBe(false);
    expect(unicodeSymbols({ LANG: 'en_US.ISO-8859-1' })).toBe(false);
    expect(unicodeSymbols({ LANG: 'C' })).toBe(false);
    expect(unicodeSymbols({})).toBe(true);
    expect(asciiOf('● watching · ⚑ 1 high (!) · ▲ 3 new … › »')).toBe('* watching - ! 1 high (!) - ^ 3 new ... > >>');
  });

  it("in ASCII a cut value ends with '...', and a value from the logs keeps its own symbols", () => {
    setAsciiSymbols(true);
    try {
      expect(truncate('GetFoundationModelAvailability', 12)).toBe('GetFounda...');
      expect(truncate('abc', 2)).toBe('..');
      expect(truncate('josé·ops…', 20)).toBe('josé·ops…');
      expect(own('a · b')).toBe('a - b');
    } finally {
      setAsciiSymbols(false);
    }
    expect(truncate('GetFoundationModelAvailability', 12)).toBe('GetFoundati…');
  });
});

describe('LANG=C: the Insights of the samples, on both dashboards, hold only ASCII', () => {
  const scratch = tempFolder('trailtop-asciisymbols-');
  let archive: TestArchive;
  let store: EventStore;
  beforeAll(async () => {
    archive = await archiveOfFolder(SAMPLES, join(scratch.dir, 'samples.duckdb'));
    store = new EventStore(0);
    await loadFolder(SAMPLES, store);
  }, 120_000);
  afterAll(async () => {
    await archive?.close();
    scratch.remove();
  });

  it('the list of Insight rows, the Insights view and its attributions, and an Insight event in the details', async () => {
    const env = { NO_COLOR: '1', LANG: 'C' };
    const folder = renderApp(<App store={store} folder={SAMPLES} watching={false} env={env} views={{ insights: InsightsView }} />, 80, 24);
    const db = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive, {})} dbPath="/tmp/test.duckdb" env={env} onQuit={() => undefined} />, 80, 24);
    try {
      await folder.waitFor((f) => f.includes('3,966 events'), 30_000);
      await db.waitFor((f) => f.includes('row 1 ') && idle(f), 30_000);
      for (const [name, h] of [['folder', folder], ['--db', db]] as const) {
        const frames: string[] = [];
        const charted = (f: string) => f.includes('Insights (') && /(calls|errors)\/min|not on disk|no .* on disk/i.test(f) && !f.includes('Counting the calls');
        frames.push(await h.press('i', charted, 20_000));
        frames.push(await h.press(KEYS.tab, (f) => f !== frames.at(-1) && settled(f), 20_000));
        frames.push(await h.press(KEYS.enter, (f) => !f.includes('Insights (') && f.includes('Event name') && settled(f), 20_000));
        frames.push(await h.press(KEYS.enter, (f) => f.includes('Event details') && settled(f), 20_000));
        for (const frame of frames) expect(frame.split('\n').filter((line) => NON_ASCII.test(line)), `${name}:\n${frame}`).toEqual([]);
      }
    } finally {
      folder.cleanup();
      db.cleanup();
    }
  }, 120_000);
});
