/**
 * Esc in a list a view's Enter opened goes back into that view as the reader left it, on both
 * dashboards: the histogram on its bucket size, split, span and bucket (the folder's came back a
 * fresh histogram, the --db one without its span), the findings and the Insights on their row (both
 * came back on the first), the top values and the principal summary on their line, and, through a
 * second such view opened from that list, each view as it was left (the second one's choices came
 * back in the first). Each dashboard is compared with itself.
 */
import { describe, expect, it } from 'vitest';
import { Findings } from '../../src/detect/findings.js';
import { FindingsView } from '../../src/ui/findings/FindingsView.js';
import { InsightsView } from '../../src/ui/InsightsView.js';
import { bothDashboardsForThisBlock, queryOf } from './archiveDashboard.js';
import { KEYS, type Harness } from './harness.js';
import { BASE, chart, charted, closeView, MINUTE, pressSteady, rule, selectedLine, settled, viewRecords } from './viewScript.js';

/** The selected row of the findings or Insights view. */
const selectedRow = (f: string) => f.split('\n').find((l) => l.startsWith('› ')) ?? '';

describe('Esc back into a view keeps what was selected in it, on both dashboards', () => {
  const both = bothDashboardsForThisBlock(viewRecords(), 80, 24, 'Call41', {
    dbRules: true,
    views: { findings: FindingsView, insights: InsightsView },
    findings: () => {
      const findings = new Findings({ rules: [rule('r-trail', 'Trail stopped'), rule('r-config', 'Config recorder stopped')], skipped: [] }, 0);
      findings.add([
        { id: 'ev-trail', time: BASE + 35 * MINUTE, index: 0, rules: [0] },
        { id: 'ev-config', time: BASE + 95 * MINUTE, index: 1, rules: [1] },
      ]);
      return findings;
    },
  });
  const dashboards = (): (readonly [string, Harness])[] => [['folder', both().folder], ['--db', both().db]];

  /** The histogram's lines once `keys` have changed them. */
  async function chartAfter(h: Harness, keys: string, until: (lines: string[]) => boolean = () => true): Promise<string[]> {
    const before = chart(h.frame()).join('\n');
    return chart(await h.press(keys, (f) => charted(f) && chart(f).join('\n') !== before && until(chart(f))));
  }

  // First, before a test zooms (a zoomed size is kept when h opens anew). A size h fitted itself (never zoomed)
  // came back on the folder dashboard fitted to the bucket Enter had listed (3h over the samples came back as
  // 5m): the view refitted itself to its own Enter's query as it closed, and the dashboard kept that.
  it('h at the size it fitted itself: Esc back finds that size, not one fitted to the bucket listed', async () => {
    for (const [name, h] of dashboards()) {
      const left = chart(await h.press('h', charted));
      await h.press(KEYS.enter, (f) => settled(f) && !/^Histogram /m.test(f) && queryOf(f).includes('from:'));
      const back = await pressSteady(h, KEYS.escape, (f) => charted(f) && queryOf(f) === '');
      await closeView(h, (f) => /^Histogram /m.test(f));
      expect(chart(back), name).toEqual(left);
    }
  });

  it('h: bucket size, split, span and bucket as left, over the query before', async () => {
    for (const [name, h] of dashboards()) {
      const fresh = chart(await h.press('h', charted));
      await chartAfter(h, '-');
      await chartAfter(h, `${KEYS.tab}${KEYS.tab}`, (c) => c[0]!.includes('by user'));
      await chartAfter(h, 'k');
      const left = await chartAfter(h, 'vk', (c) => c.at(-1)!.startsWith('span: '));
      expect(left, name).not.toEqual(fresh);
      await h.press(KEYS.enter, (f) => settled(f) && !/^Histogram /m.test(f) && queryOf(f).includes('from:'));
      const back = await pressSteady(h, KEYS.escape, (f) => charted(f) && queryOf(f) === '');
      // Closed before the check, so the next test starts on the list whatever it finds.
      await closeView(h, (f) => /^Histogram /m.test(f));
      expect(chart(back), name).toEqual(left);
    }
  });

  it('h over a list another histogram opened: Esc back through both finds each as left', async () => {
    for (const [name, h] of dashboards()) {
      await h.press('h', charted);
      await chartAfter(h, '-');
      const first = await chartAfter(h, 'k');
      const firstQuery = queryOf(await h.press(KEYS.enter, (f) => settled(f) && !/^Histogram /m.test(f) && queryOf(f).includes('from:')));
      // Another histogram over that bucket's events, zoomed in, and its Enter.
      await h.press('h', charted);
      await chartAfter(h, '+');
      await h.press(KEYS.enter, (f) => settled(f) && !/^Histogram /m.test(f) && queryOf(f) !== firstQuery);
      await h.press(KEYS.escape, (f) => charted(f) && queryOf(f) === firstQuery);
      await h.press(KEYS.escape, (f) => settled(f) && !/^Histogram /m.test(f) && queryOf(f) === firstQuery);
      const back = await pressSteady(h, KEYS.escape, (f) => charted(f) && queryOf(f) === '');
      await closeView(h, (f) => /^Histogram /m.test(f));
      expect(chart(back), name).toEqual(first);
    }
  });

  it('!: the finding Enter listed is still selected', async () => {
    for (const [name, h] of dashboards()) {
      // On the archive the rules run in the background: the view lists both findings once they have.
      await h.waitFor((f) => f.includes('(!)') && !f.includes('running rules'), 20_000);
      const first = selectedRow(await h.press('!', (f) => settled(f) && /^Findings \(2 of/m.test(f)));
      const left = selectedRow(await h.press('j', (f) => selectedRow(f) !== first));
      expect(left, name).not.toBe('');
      await h.press(KEYS.enter, (f) => settled(f) && !/^Findings\b/m.test(f) && queryOf(f).startsWith('rule:'));
      const back = await pressSteady(h, KEYS.escape, (f) => settled(f) && /^Findings \(2 of/m.test(f) && queryOf(f) === '');
      await closeView(h, (f) => /^Findings\b/m.test(f));
      expect(selectedRow(back), name).toBe(left);
      // Opened anew with !, the view starts on the first row again.
      const again = await pressSteady(h, '!', (f) => settled(f) && /^Findings \(2 of/m.test(f));
      await closeView(h, (f) => /^Findings\b/m.test(f));
      expect(selectedRow(again), name).toBe(first);
    }
  });

  it('i: the Insight Enter listed is still selected', async () => {
    for (const [name, h] of dashboards()) {
      const first = selectedRow(await h.press('i', (f) => settled(f) && f.includes('Insights (3)') && selectedRow(f) !== ''));
      const left = selectedRow(await h.press('j', (f) => selectedRow(f) !== '' && selectedRow(f) !== first));
      await h.press(KEYS.enter, (f) => settled(f) && !f.includes('Insights (') && queryOf(f).startsWith('name:'));
      const back = await pressSteady(h, KEYS.escape, (f) => settled(f) && f.includes('Insights (3)') && selectedRow(f) !== '' && queryOf(f) === '');
      await closeView(h, (f) => f.includes('Insights ('));
      expect(selectedRow(back), name).toBe(left);
      // Opened anew with i, the view starts on the first row again.
      const again = await pressSteady(h, 'i', (f) => settled(f) && f.includes('Insights (3)') && selectedRow(f) !== '');
      await closeView(h, (f) => f.includes('Insights ('));
      expect(selectedRow(again), name).toBe(first);
    }
  });

  it('T from the list: the value Enter listed is still selected', async () => {
    for (const [name, h] of dashboards()) {
      const first = selectedLine(await h.press('T', (f) => settled(f) && f.includes('Top values of User')));
      const left = selectedLine(await h.press('jj', (f) => settled(f) && selectedLine(f) !== first && selectedLine(f) !== ''));
      await h.press(KEYS.enter, (f) => settled(f) && !f.includes('Top values of') && queryOf(f).startsWith('actor:'));
      const back = await pressSteady(h, KEYS.escape, (f) => settled(f) && f.includes('Top values of User') && queryOf(f) === '');
      await closeView(h, (f) => f.includes('Top values of'));
      expect(selectedLine(back), name).toBe(left);
    }
  });

  it('T over a list another T opened: Esc back through both finds the first on its value', async () => {
    for (const [name, h] of dashboards()) {
      const top = await h.press('T', (f) => settled(f) && f.includes('Top values of User'));
      const left = selectedLine(await h.press('jj', (f) => settled(f) && selectedLine(f) !== selectedLine(top) && selectedLine(f) !== ''));
      const firstQuery = queryOf(await h.press(KEYS.enter, (f) => settled(f) && !f.includes('Top values of') && queryOf(f).startsWith('actor:')));
      // T again over that value's events, on another field, and its Enter.
      await h.press('T', (f) => settled(f) && f.includes('Top values of User'));
      await h.press(`${KEYS.tab}${KEYS.tab}${KEYS.tab}`, (f) => settled(f) && f.includes('Top values of Event name'));
      await h.press(KEYS.enter, (f) => settled(f) && !f.includes('Top values of') && queryOf(f) !== firstQuery);
      await h.press(KEYS.escape, (f) => settled(f) && f.includes('Top values of') && queryOf(f) === firstQuery);
      await h.press(KEYS.escape, (f) => settled(f) && !f.includes('Top values of') && queryOf(f) === firstQuery);
      const back = await pressSteady(h, KEYS.escape, (f) => settled(f) && f.includes('Top values of') && queryOf(f) === '');
      await closeView(h, (f) => f.includes('Top values of'));
      expect(back, name).toContain('Top values of User');
      expect(selectedLine(back), name).toBe(left);
    }
  });

  it('p from the list: the line Enter listed is still selected', async () => {
    for (const [name, h] of dashboards()) {
      const first = selectedLine(await h.press('p', (f) => settled(f) && f.includes('Summary of')));
      const left = selectedLine(await h.press('jj', (f) => settled(f) && selectedLine(f) !== first && selectedLine(f) !== ''));
      await h.press(KEYS.enter, (f) => settled(f) && !f.includes('Summary of') && queryOf(f) !== '');
      const back = await pressSteady(h, KEYS.escape, (f) => settled(f) && f.includes('Summary of') && queryOf(f) === '');
      await closeView(h, (f) => f.includes('Summary of'));
      expect(selectedLine(back), name).toBe(left);
    }
  });

  // Two fixes met here: `[` then `]` kept the way back into T but not what was chosen in it, so a T opened
  // and moved on the list `[` went back to was what Esc found.
  it('T from the list, Enter, [, another T moved there, ] then Esc: T is on the value Enter listed', async () => {
    const isTopLine = (frame: string): boolean => {
      const lines = frame.split('\n');
      return /^\s+Count\b/.test(lines[lines.indexOf(selectedLine(frame)) - 1] ?? '');
    };
    // One move that lands on another line wherever T opened (the folder's T opens where it was left).
    const move = async (h: Harness, opened: string, keys: string): Promise<string> =>
      selectedLine(await h.press(isTopLine(opened) ? keys : 'k', (f) => settled(f) && selectedLine(f) !== selectedLine(opened) && selectedLine(f) !== ''));
    for (const [name, h] of dashboards()) {
      const left = await move(h, await h.press('T', (f) => settled(f) && f.includes('Top values of User')), 'jj');
      const drilled = queryOf(await h.press(KEYS.enter, (f) => settled(f) && !f.includes('Top values of') && queryOf(f).startsWith('actor:')));
      await h.press('[', (f) => settled(f) && queryOf(f) === '');
      const other = await move(h, await h.press('T', (f) => settled(f) && f.includes('Top values of User')), 'j');
      expect(other, name).not.toBe(left);
      await closeView(h, (f) => f.includes('Top values of'));
      await h.press(']', (f) => settled(f) && queryOf(f) === drilled);
      const back = await pressSteady(h, KEYS.escape, (f) => settled(f) && f.includes('Top values of User') && queryOf(f) === '');
      await closeView(h, (f) => f.includes('Top values of'));
      expect(selectedLine(back), name).toBe(left);
    }
  });
});
