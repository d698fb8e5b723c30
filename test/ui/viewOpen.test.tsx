/**
 * A view opened with its key (T, h, !, i), on both dashboards driven by one script: it keeps the choices the
 * reader made in it (T's field, the histogram's bucket size and split, the findings' order, the Insights'
 * tab) and starts at the top, or the histogram at the list cursor's bucket: the line or bucket selected
 * before was about data that has since changed. The folder's T came back on its old line, its histogram with
 * neither the size nor the split; the --db histogram kept its size even when fitted, not chosen (a bucket
 * listed with Enter, h again: one bar) and opened on the newest bucket wherever the list's cursor was.
 */
import { describe, expect, it } from 'vitest';
import { Findings } from '../../src/detect/findings.js';
import { FindingsView } from '../../src/ui/findings/FindingsView.js';
import { InsightsView } from '../../src/ui/InsightsView.js';
import { bothDashboardsForThisBlock, queryOf } from './archiveDashboard.js';
import { KEYS, type Harness } from './harness.js';
import { BASE, chart, charted, closeView, MINUTE, pressSteady, rule, selectedLine, settled, viewRecords } from './viewScript.js';

/** The histogram's bars, oldest first; the selected one. */
const bars = (lines: readonly string[]) => lines.filter((l) => l.includes(' |'));
const cursorBar = (lines: readonly string[]) => bars(lines).find((l) => l.startsWith('›')) ?? '';

/** The selected row of the list, of the findings or of the Insights. */
const selectedRow = (f: string) => f.split('\n').find((l) => l.startsWith('›')) ?? '';
/** The Insights' tabs, the chosen one in brackets. */
const tabLine = (f: string) => f.split('\n').find((l) => l.includes('(Tab)')) ?? '';
const topTitle = (f: string) => f.split('\n').find((l) => l.trimStart().startsWith('Top values of ')) ?? '';

describe('a view opened with its key keeps what was chosen in it and starts at the top, on both dashboards', () => {
  const both = bothDashboardsForThisBlock(viewRecords({ selectors: true, attributions: true }), 80, 30, 'Call41', {
    dbRules: true,
    views: { findings: FindingsView, insights: InsightsView },
    findings: () => {
      const findings = new Findings({ rules: [rule('r-trail', 'Trail stopped', 'high'), rule('r-config', 'Config recorder stopped', 'low')], skipped: [] }, 0);
      findings.add([
        { id: 'ev-trail', time: BASE + 35 * MINUTE, index: 0, rules: [0] },
        { id: 'ev-config', time: BASE + 95 * MINUTE, index: 1, rules: [1] },
      ]);
      return findings;
    },
  });
  const dashboards = (): (readonly [string, Harness])[] => [['folder', both().folder], ['--db', both().db]];

  it('T: on the field chosen, at its first line', async () => {
    for (const [name, h] of dashboards()) {
      await h.press('T', (f) => settled(f) && topTitle(f).includes('Top values of User'));
      const field = await h.press(`${KEYS.tab}${KEYS.tab}${KEYS.tab}`, (f) => settled(f) && topTitle(f).includes('Top values of Event name'));
      const moved = await h.press('jj', (f) => settled(f) && selectedLine(f) !== selectedLine(field));
      expect(selectedLine(moved), name).not.toBe('');
      await closeView(h, (f) => f.includes('Top values of'));
      const again = await pressSteady(h, 'T', (f) => settled(f) && f.includes('Top values of'));
      await closeView(h, (f) => f.includes('Top values of'));
      expect(topTitle(again), name).toBe(topTitle(field));
      expect(selectedLine(again), name).toBe(selectedLine(field));
    }
  });

  it('h over a bucket its Enter listed: the bucket size fitted to that list, as when nothing was chosen', async () => {
    const charts: string[][] = [];
    for (const [name, h] of dashboards()) {
      await h.press('h', charted);
      await h.press(KEYS.enter, (f) => settled(f) && !/^Histogram /m.test(f) && queryOf(f).includes('from:'));
      const again = chart(await pressSteady(h, 'h', charted));
      await closeView(h, (f) => /^Histogram /m.test(f));
      await h.press('[', (f) => settled(f) && queryOf(f) === '');
      // The hour's three events in buckets of a few minutes, not in one bar of the hour before.
      expect(bars(again).length, name).toBeGreaterThan(1);
      charts.push(again);
    }
    expect(charts[1]).toEqual(charts[0]);
  });

  it('h: on the bucket size and split chosen, at the bucket of the list cursor', async () => {
    const charts: string[][] = [];
    for (const [name, h] of dashboards()) {
      const fresh = chart(await h.press('h', charted));
      await h.press('-', (f) => charted(f) && chart(f)[0] !== fresh[0]);
      const chosen = chart(await h.press(`${KEYS.tab}${KEYS.tab}`, (f) => charted(f) && chart(f)[0]!.includes('by user')));
      await h.press('k', (f) => charted(f) && cursorBar(chart(f)) !== cursorBar(chosen));
      await closeView(h, (f) => /^Histogram /m.test(f));
      // The list's cursor on the oldest event (10:00), far from the bucket left selected.
      await h.press('G', (f) => settled(f) && selectedRow(f).includes('Call00'));
      const again = chart(await pressSteady(h, 'h', charted));
      await closeView(h, (f) => /^Histogram /m.test(f));
      expect(again[0], name).toBe(chosen[0]);
      expect(cursorBar(again), name).toBe(bars(again)[0]);
      expect(cursorBar(again), name).toContain('03-05 09:00');
      charts.push(again);
      await h.press('g', (f) => settled(f) && selectedRow(f).includes('Call41'));
    }
    expect(charts[1]).toEqual(charts[0]);
  });

  it('!: in the order chosen, on its first row', async () => {
    for (const [name, h] of dashboards()) {
      await h.waitFor((f) => f.includes('(!)') && !f.includes('running rules'), 20_000);
      const fresh = await h.press('!', (f) => settled(f) && /^Findings \(\d+ of/m.test(f));
      const ordered = await h.press('o', (f) => settled(f) && selectedRow(f) !== selectedRow(fresh));
      await h.press('j', (f) => settled(f) && selectedRow(f) !== selectedRow(ordered));
      await closeView(h, (f) => /^Findings\b/m.test(f));
      const again = await pressSteady(h, '!', (f) => settled(f) && /^Findings \(\d+ of/m.test(f));
      await closeView(h, (f) => /^Findings\b/m.test(f));
      expect(selectedRow(again), name).toBe(selectedRow(ordered));
    }
  });

  it('i: on the tab chosen, on the first Insight', async () => {
    for (const [name, h] of dashboards()) {
      const fresh = await h.press('i', (f) => settled(f) && f.includes('Insights (3)') && selectedRow(f) !== '');
      const tabbed = await h.press(KEYS.tab, (f) => settled(f) && f !== fresh);
      await h.press('j', (f) => settled(f) && selectedRow(f) !== selectedRow(tabbed));
      await closeView(h, (f) => f.includes('Insights ('));
      const again = await pressSteady(h, 'i', (f) => settled(f) && f.includes('Insights (3)') && selectedRow(f) !== '');
      await closeView(h, (f) => f.includes('Insights ('));
      expect(tabLine(tabbed), name).not.toBe(tabLine(fresh));
      expect(tabLine(again), name).toBe(tabLine(tabbed));
      expect(selectedRow(again), name).toBe(selectedRow(fresh));
    }
  });
});
