/**
 * `i` on the --db dashboard: the folder dashboard's Insights view fed by SQL
 * (archive/insights.ts), drawn as the folder dashboard draws it for the same
 * logs (the bundled samples have Insights): the list, the averages, the chart
 * of the rate counted from the events and the attributions, each Insight in
 * turn; Enter lists the events behind one (`[` comes back), Esc closes.
 */
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import { loadFolder } from '../../src/ingest/scanFolder.js';
import { pairInsights, relatedEventsQuery } from '../../src/model/insights.js';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { InsightRecords } from '../../src/ui/insightsModel.js';
import { InsightsView } from '../../src/ui/InsightsView.js';
import { archiveOfFolder, type TestArchive } from '../archive/helpers.js';
import { tempFolder } from '../support/files.js';
import { idle, PLAIN } from './archiveDashboard.js';
import { KEYS, renderApp, type Harness } from './harness.js';

const SAMPLES = resolve(import.meta.dirname, '../../samples');

/** The view as drawn: from its title line to the line above the status bar. */
function viewLines(frame: string): string[] {
  const lines = frame.split('\n');
  const start = lines.findIndex((l) => /^Insights \(\d+\)/.test(l));
  return start < 0 ? [] : lines.slice(start, -1).map((l) => l.trimEnd());
}

describe('i on an archive of the bundled samples', () => {
  const scratch = tempFolder('trailtop-dbinsights-');
  let archive: TestArchive;
  let store: EventStore;
  let folder: Harness;
  let db: Harness;
  beforeAll(async () => {
    archive = await archiveOfFolder(SAMPLES, join(scratch.dir, 'samples.duckdb'));
    store = new EventStore(0);
    await loadFolder(SAMPLES, store);
    folder = renderApp(<App store={store} folder={SAMPLES} watching={false} env={PLAIN} views={{ insights: InsightsView }} />, 120, 41);
    // The folder dashboard's timeline strip takes a line the archive's header does not: one more row, the same view height.
    db = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive, {})} dbPath="/tmp/test.duckdb" env={PLAIN} onQuit={() => undefined} />, 120, 40);
    await folder.waitFor((f) => f.includes('3,966 events') && f.includes('AuthorizeSecurityGroupIngress'));
    await db.waitFor((f) => f.includes('row 1 ') && idle(f), 30_000);
  }, 120_000);
  afterAll(async () => {
    folder?.cleanup();
    db?.cleanup();
    await archive?.close();
    scratch.remove();
  });

  it("draws the folder dashboard's view, Insight by Insight, chart and attributions", async () => {
    const count = pairInsights(new InsightRecords().update(store.log())).length;
    expect(count).toBeGreaterThanOrEqual(3);
    const title = `Insights (${count})`;
    const charted = (f: string) => f.includes(title) && /(calls|errors)\/min/.test(f) && !f.includes('Counting the calls');
    let want = await folder.press('i', charted);
    let got = await db.press('i', charted, 20_000);
    expect(viewLines(want).length).toBeGreaterThan(15);
    expect(viewLines(got)).toEqual(viewLines(want));
    for (let k = 1; k < count; k++) {
      want = await folder.press('j', (f) => f !== want && charted(f));
      got = await db.press('j', (f) => f !== got && charted(f), 20_000);
      expect(viewLines(got), `Insight ${k + 1}`).toEqual(viewLines(want));
    }
    // At this height the attributions are drawn below the chart: compared above with it.
    expect(want).toContain('Top user identity ARNs');
  });

  it('Enter lists the events behind the selected Insight, [ comes back to the list; Esc closes the view', async () => {
    await db.press(KEYS.escape, (f) => !f.includes('Insights ('));
    await db.press('i', (f) => f.includes('Insights (') && f.includes('calls/min'), 20_000);
    const first = pairInsights(new InsightRecords().update(store.log()))[0]!;
    const query = relatedEventsQuery(first);
    const frame = await db.press(KEYS.enter, (f) => f.includes(query.slice(0, 40)) && idle(f) && !f.includes('Insights ('), 20_000);
    expect(frame).toContain(first.eventName);
    await db.press('[', (f) => !f.includes(query.slice(0, 40)) && idle(f), 20_000);
  });

  it('keys typed with i wait for the Insights to be read: i j Enter in one burst lists the second Insight', async () => {
    const second = pairInsights(new InsightRecords().update(store.log()))[1]!;
    const query = relatedEventsQuery(second);
    const frame = await db.press(`ij${KEYS.enter}`, (f) => f.includes(query.slice(0, 40)) && idle(f) && !f.includes('Insights ('), 20_000);
    expect(frame).toContain(second.eventName);
    await db.press('[', (f) => !f.includes(query.slice(0, 40)) && idle(f), 20_000);
  });
});
