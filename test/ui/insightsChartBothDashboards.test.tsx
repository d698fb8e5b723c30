/**
 * The Insights chart (`i`) is drawn by one renderer on both dashboards (InsightChart), in eighths of
 * a row with block characters, and in ASCII where the rest of the app draws ASCII (TERM=linux or a
 * locale that is not UTF-8: unicodeBlocks). Without block characters the histogram, the timeline
 * strip and the share bars drew ASCII while the Insights chart still drew `█▆▂` and box lines, on
 * both dashboards: the folder's view was handed `ascii` and ignored it, --db was not handed it.
 */
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import { loadFolder } from '../../src/ingest/scanFolder.js';
import { pairInsights } from '../../src/model/insights.js';
import { EventStore } from '../../src/store/eventStore.js';
import type { Env } from '../../src/term/osc52.js';
import { App } from '../../src/ui/App.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { InsightRecords } from '../../src/ui/insightsModel.js';
import { InsightsView } from '../../src/ui/InsightsView.js';
import { archiveOfFolder, type TestArchive } from '../archive/helpers.js';
import { tempFolder } from '../support/files.js';
import { idle } from './archiveDashboard.js';
import { renderApp, type Harness } from './harness.js';

const SAMPLES = resolve(import.meta.dirname, '../../samples');
// Tall enough that both charts get their 16 plot rows, though the folder's timeline strip takes a line --db has.
const COLUMNS = 120;
const ROWS = 50;

/** The chart: its legend, plot rows, x axis and time labels (none for an Insight whose calls are not on disk). */
function chartLines(frame: string): string[] {
  const lines = frame.split('\n').map((line) => line.trimEnd());
  const legend = lines.findIndex((line) => /^- base(line)? /.test(line));
  const axis = lines.findIndex((line, i) => i > legend && /^\s+[└+][─^.]+$/.test(line));
  return legend < 0 || axis < 0 ? [] : lines.slice(legend, axis + 2);
}

const BLOCKS = /[▁▂▃▄▅▆▇█]/;
const PARTIAL_BLOCKS = /[▁▂▃▄▅▆▇]/;

describe('the Insights chart on both dashboards', () => {
  const scratch = tempFolder('trailtop-insightchart-');
  let archive: TestArchive;
  let store: EventStore;
  let count = 0;
  beforeAll(async () => {
    archive = await archiveOfFolder(SAMPLES, join(scratch.dir, 'samples.duckdb'));
    store = new EventStore(0);
    await loadFolder(SAMPLES, store);
    count = pairInsights(new InsightRecords().update(store.log())).length;
  }, 120_000);
  afterAll(async () => {
    await archive?.close();
    scratch.remove();
  });

  /** Each Insight's chart lines on the folder dashboard and on --db, in the terminal `env` describes. */
  async function charts(env: Env): Promise<{ folder: string[][]; db: string[][] }> {
    const folder = renderApp(<App store={store} folder={SAMPLES} watching={false} env={env} views={{ insights: InsightsView }} />, COLUMNS, ROWS);
    const db = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive, {})} dbPath="/tmp/test.duckdb" env={env} onQuit={() => undefined} />, COLUMNS, ROWS);
    try {
      await folder.waitFor((f) => f.includes('3,966 events') && f.includes('AuthorizeSecurityGroupIngress'));
      await db.waitFor((f) => f.includes('row 1 ') && idle(f), 30_000);
      const seen = { folder: [] as string[][], db: [] as string[][] };
      for (const [name, h] of [['folder', folder], ['db', db]] as Array<['folder' | 'db', Harness]>) {
        const title = `Insights (${count})`;
        const charted = (f: string) => f.includes(title) && /(calls|errors)\/min|not on disk|no .* on disk/i.test(f) && !f.includes('Counting the calls');
        let frame = await h.press('i', charted, 20_000);
        seen[name].push(chartLines(frame));
        for (let k = 1; k < count; k++) {
          const before = frame;
          frame = await h.press('j', (f) => f !== before && charted(f), 20_000);
          seen[name].push(chartLines(frame));
        }
      }
      return seen;
    } finally {
      folder.cleanup();
      db.cleanup();
    }
  }

  it('without block characters (no UTF-8 locale): the same ASCII chart, bars in # and partial cells', async () => {
    const { folder, db } = await charts({ NO_COLOR: '1', LANG: 'C' });
    expect(count).toBeGreaterThanOrEqual(3);
    expect(folder.filter((lines) => lines.length > 0).length).toBeGreaterThanOrEqual(3);
    for (let k = 0; k < count; k++) expect(db[k], `Insight ${k + 1}`).toEqual(folder[k]);
    for (const lines of folder) {
      // The legend keeps its `·` as every title line does; the plot, its axes and labels are ASCII.
      for (const line of lines.slice(1)) expect(line).toMatch(/^[\x20-\x7e]*$/);
      if (lines.length > 0) expect(lines.join('\n')).toContain('#');
    }
    expect(folder.flat().join('\n')).toMatch(/[_.:+*]/);
  });

  it('with block characters (UTF-8): the same chart in eighths of a row', async () => {
    const { folder, db } = await charts({ NO_COLOR: '1', LANG: 'C.UTF-8' });
    for (let k = 0; k < count; k++) expect(db[k], `Insight ${k + 1}`).toEqual(folder[k]);
    const all = folder.flat().join('\n');
    expect(all).toMatch(BLOCKS);
    expect(all).toMatch(PARTIAL_BLOCKS);
    expect(all).toContain('└');
  });
});
