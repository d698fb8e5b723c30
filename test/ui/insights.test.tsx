import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { chartData } from '../../src/model/insightChart.js';
import { pairInsights, relatedEventsQuery, type Insight } from '../../src/model/insights.js';
import { MINUTE } from '../../src/model/rate.js';
import type { EventRow } from '../../src/model/types.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { compileQuery } from '../../src/query/index.js';
import { displayWidth } from '../../src/term/width.js';
import { App, type PluginViewProps } from '../../src/ui/App.js';
import { InsightsView } from '../../src/ui/InsightsView.js';
import { chartLines, InsightRecords, insightsLayout, lineText, listWindow, perMinuteIn } from '../../src/ui/insightsModel.js';
import { KEYS, renderApp, type Harness } from './harness.js';
import { sampleRows, sampleStore } from './insights-fixtures.js';
import { RecordBatch, rowInsight, type RowExtra } from '../../src/model/recordBatch.js';

let open: Harness[] = [];
afterEach(() => {
  for (const h of open) h.cleanup();
  open = [];
});

let rows: EventRow[] = [];
let insights: Insight[] = [];
/** Pinned clock: the day after the samples' last Insight, so the ongoing one's window is stable. */
let now = 0;

beforeAll(async () => {
  rows = await sampleRows();
  insights = pairInsights(rows);
  now = Math.max(...rows.map((r) => r.time).filter(Number.isFinite)) + 60 * MINUTE;
});

function props(store: EventStore, width: number, height: number, overrides: Partial<PluginViewProps> = {}): PluginViewProps & { now: number } {
  return {
    store,
    rows: store.rows(),
    queryText: '',
    zone: 'utc',
    width,
    height,
    onClose: vi.fn(),
    setQuery: vi.fn(),
    setStatus: vi.fn(),
    now,
    ...overrides,
  };
}

function mount(store: EventStore, width: number, height: number, overrides: Partial<PluginViewProps> = {}) {
  const p = props(store, width, height, overrides);
  const h = renderApp(<InsightsView {...p} />, width, height + 1);
  open.push(h);
  return { h, p };
}

function lines(frame: string): string[] {
  return frame.split('\n');
}

describe('the samples behind these tests', () => {
  it('hold call-rate and error-rate Insights, one ongoing and one without events on disk', () => {
    expect(insights.length).toBeGreaterThanOrEqual(3);
    expect(insights.some((i) => i.insightType === 'ApiErrorRateInsight' && i.errorCode)).toBe(true);
    expect(insights.some((i) => i.end === null)).toBe(true);
  });
});

describe('Insights view', () => {
  it('lists every Insight newest first with type, times, averages and the rate change', async () => {
    const store = await sampleStore();
    const { h } = mount(store, 160, 40);
    const frame = await h.waitFor((f) => f.includes('Insights ('));
    expect(frame).toContain(`Insights (${insights.length})`);
    const listed = lines(frame).filter((l) => /^[› ] \S/.test(l) && insights.some((i) => l.includes(i.eventName)));
    // One line per Insight, in the model's newest-first order, the first one selected.
    expect(listed.map((l) => insights.findIndex((i) => l.includes(i.eventName)))).toEqual(insights.map((_, i) => i));
    expect(listed[0]!.startsWith('›')).toBe(true);
    const errorRate = insights.find((i) => i.insightType === 'ApiErrorRateInsight')!;
    expect(listed.find((l) => l.includes(errorRate.eventName))).toContain(`error rate ${errorRate.errorCode}`);
    expect(listed.find((l) => l.includes(insights.find((i) => i.end === null)!.eventName))).toContain('ongoing');
    expect(listed.every((l) => /[↑↓]/.test(l))).toBe(true);
    expect(frame).toMatch(/Start\s+End\s+Length\s+Base\s+Insight\s+Change/);
  });

  it('draws the chart within 80 columns and 24 rows, with both averages, the span and labelled axes', async () => {
    const store = await sampleStore();
    const target = insights.findIndex((i) => i.end !== null && i.insightType === 'ApiCallRateInsight');
    const { h } = mount(store, 80, 19);
    for (let i = 0; i < target; i++) h.stdin.write('j');
    const frame = await h.waitFor((f) => (lines(f).find((l) => l.startsWith('›')) ?? '').includes(insights[target]!.eventName.slice(0, 10)));
    expect(lines(frame).length).toBeLessThanOrEqual(20);
    expect(lines(frame).every((l) => displayWidth(l) <= 80)).toBe(true);
    expect(frame).toContain('- baseline');
    expect(frame).toContain('= insight avg');
    expect(frame).toMatch(/calls\/min/);
    const plot = lines(frame).filter((l) => /^\s*[\d.]*\s[┤│]/.test(l));
    expect(plot.length).toBeGreaterThanOrEqual(6);
    expect(plot.some((l) => l.includes('█'))).toBe(true);
    expect(plot.some((l) => l.includes('='))).toBe(true);
    expect(plot.some((l) => /-{3,}/.test(l))).toBe(true);
    const axis = lines(frame).find((l) => l.includes('└'))!;
    expect(axis).toMatch(/\^+/);
    // Time labels under the axis (HH:MM); the legend names the day.
    const labels = lines(frame)[lines(frame).indexOf(axis) + 1]!;
    expect(labels.match(/\b\d\d:\d\d\b/g)!.length).toBeGreaterThanOrEqual(3);
    expect(frame).toContain(`UTC ${new Date(insights[target]!.start!).toISOString().slice(0, 10)}`);
    // y axis: 0 at the bottom, a round number at the top.
    expect(plot[plot.length - 1]).toMatch(/^\s*0 ┤/);
  });

  it('uses the room of a 200-column window: a wider chart and the attributions below it', async () => {
    const store = await sampleStore();
    const { h } = mount(store, 200, 55);
    const wide = await h.waitFor((f) => f.includes('└'));
    const axisWide = lines(wide).find((l) => l.includes('└'))!;
    expect(lines(wide).every((l) => displayWidth(l) <= 200)).toBe(true);
    expect(wide).toContain('Top user identity ARNs');
    expect(wide).toContain('Top user agents');
    expect(wide).toMatch(/Insight\s+share\s+Baseline\s+share/);

    const narrow = mount(store, 80, 19).h;
    const small = await narrow.waitFor((f) => f.includes('└'));
    const axisNarrow = lines(small).find((l) => l.includes('└'))!;
    expect(displayWidth(axisWide)).toBeGreaterThan(displayWidth(axisNarrow) * 2);
    // On 80x24 the attributions are a tab away.
    expect(small).not.toContain('Top user identity ARNs');
    await narrow.press(KEYS.tab, (f) => f.includes('Top user identity ARNs'));
    expect(narrow.frame()).toMatch(/Insight\s+share\s+Baseline\s+share/);
  });

  it('says plainly when no events behind the window are on disk instead of drawing zeros', async () => {
    const target = insights[0]!;
    // The same samples without the API calls behind the newest Insight.
    const store = await sampleStore((r) => rowInsight(r) !== null || r.name !== target.eventName || r.source !== target.eventSource);
    const { h } = mount(store, 100, 25);
    const frame = await h.waitFor((f) => f.includes('on disk'));
    expect(frame).toContain(`no events for ${target.eventName}`);
    expect(frame).toMatch(/between \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC and \d{4}-\d\d-\d\d/);
    expect(frame).not.toContain('└');
  });

  it('with no Insights, the title offers only the way back (no select, events or attributions to reach)', async () => {
    const store = await sampleStore((r) => rowInsight(r) === null);
    const { h } = mount(store, 100, 20);
    const frame = await h.waitFor((f) => f.includes('No CloudTrail Insights records'));
    const title = lines(frame).find((l) => l.startsWith('Insights (0)')) ?? '';
    expect(title).toContain('i/Esc back');
    expect(title).not.toMatch(/select|Enter events|attributions/);
  });

  it('wraps the no-Insights sentence between words (46 columns: the first sentence ends at the edge)', async () => {
    const store = await sampleStore((r) => rowInsight(r) === null);
    const { h } = mount(store, 46, 20);
    const frame = await h.waitFor((f) => f.includes('No CloudTrail Insights records'));
    const all = lines(frame);
    const at = all.findIndex((l) => l.startsWith('No CloudTrail Insights records'));
    const sentence = all.slice(at, at + 4).filter((l) => l.trim() !== '');
    expect(sentence.length).toBeGreaterThan(1);
    for (const line of sentence) expect(line, line).not.toMatch(/^ /);
  });

  it('wraps that sentence between words, no line starting with a space (79 columns: a word ends at the edge)', async () => {
    const target = insights[0]!;
    const store = await sampleStore((r) => rowInsight(r) !== null || r.name !== target.eventName || r.source !== target.eventSource);
    const { h } = mount(store, 79, 25);
    const frame = await h.waitFor((f) => f.includes('on disk'));
    const all = lines(frame);
    const at = all.findIndex((l) => l.startsWith('no events for'));
    expect(at).toBeGreaterThan(0);
    // The sentence and the hint under it, up to the blank line that ends the chart's room.
    const sentence = all.slice(at, at + 4).filter((l) => l.trim() !== '');
    expect(sentence.length).toBeGreaterThan(1);
    for (const line of sentence) expect(line, line).not.toMatch(/^ /);
    expect(sentence.join(' ')).toMatch(/between \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC and \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
  });

  it('ends an ongoing Insight\'s chart at the newest event on disk, not at the clock an hour later', async () => {
    const ongoing = insights.find((i) => i.end === null)!;
    expect(insights[0]).toBe(ongoing); // newest first: selected when the view opens
    const newest = Math.max(...rows.map((r) => r.time).filter(Number.isFinite));
    const { h } = mount(await sampleStore(), 100, 25);
    const frame = await h.waitFor((f) => f.includes('└'));
    const labels = [...frame.matchAll(/(\d\d)-(\d\d) (\d\d):(\d\d)/g)].map((m) => Date.UTC(2026, Number(m[1]) - 1, Number(m[2]), Number(m[3]), Number(m[4])));
    expect(labels.length).toBeGreaterThan(1);
    expect(Math.max(...labels)).toBeLessThanOrEqual(newest + 2 * MINUTE);
  });

  it('Enter applies the related-events query; i and Esc close', async () => {
    const store = await sampleStore();
    const { h, p } = mount(store, 100, 25);
    await h.waitFor((f) => f.includes('└'));
    await h.press('j', (f) => (lines(f).find((l) => l.startsWith('›')) ?? '').includes(insights[1]!.eventName.slice(0, 10)));
    h.stdin.write(KEYS.enter);
    await vi.waitFor(() => expect(p.setQuery).toHaveBeenCalledTimes(1), { timeout: 20_000 });
    const query = (p.setQuery as ReturnType<typeof vi.fn>).mock.calls[0]![0] as string;
    expect(query).toBe(relatedEventsQuery(insights[1]!));
    expect(query).toContain(`name:${insights[1]!.eventName}`);
    expect(p.onClose).not.toHaveBeenCalled();
    h.stdin.write('i');
    await vi.waitFor(() => expect(p.onClose).toHaveBeenCalledTimes(1), { timeout: 20_000 });
    h.stdin.write(KEYS.escape);
    await vi.waitFor(() => expect(p.onClose).toHaveBeenCalledTimes(2), { timeout: 20_000 });
  });

  it('opens from the dashboard with i and lands on the matching events after Enter', async () => {
    const store = await sampleStore();
    const h = renderApp(<App store={store} folder="/samples" watching={false} env={{ NO_COLOR: '1' }} views={{ insights: InsightsView }} />, 100, 30);
    open.push(h);
    await h.waitFor((f) => f.includes('Enter details'));
    await h.press('i', (f) => f.includes('Insights ('));
    // Ink draws the first frame before React runs the view's effects, where its key listener is attached.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const target = insights[0]!;
    await h.press(KEYS.enter, (f) => f.includes('Enter details'));
    const frame = await h.waitFor((f) => f.includes(`name:${target.eventName}`) && /\d+ of [\d,]+ events/.test(f));
    const compiled = compileQuery(relatedEventsQuery(target));
    expect(compiled.ok).toBe(true);
    const expected = compiled.ok ? store.rows().filter((r) => compiled.query.test(r)).length : -1;
    expect(expected).toBeGreaterThan(0);
    expect(frame).toContain(`${expected.toLocaleString('en-US')} of`);
  });

  it('Tab and Shift-Tab switch between the chart and the attribution tabs, through the keymap', async () => {
    const store = await sampleStore();
    const { h } = mount(store, 100, 25);
    await h.waitFor((f) => f.includes('[Chart]') && f.includes('(Tab)'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    const frame = await h.press(KEYS.tab, (f) => !f.includes('[Chart]'));
    expect(frame).toMatch(/\[(Identities|User agents|Error codes)\]/);
    await h.press('\u001b[Z', (f) => f.includes('[Chart]'));
  });

  it('gets the keys typed in the same chunk as the i that opened it', async () => {
    const store = await sampleStore();
    const h = renderApp(<App store={store} folder="/samples" watching={false} env={{ NO_COLOR: '1' }} views={{ insights: InsightsView }} />, 100, 30);
    open.push(h);
    await h.waitFor((f) => f.includes('Enter details'));
    const frame = await h.press('ijj', (f) => f.includes('Insights (') && (lines(f).find((l) => l.startsWith('›')) ?? '').includes(insights[2]!.eventName.slice(0, 10)));
    expect(frame).toContain(`Insights (${insights.length})`);
    // The keys after the i that closes it are the list's again (b: the bad files).
    await new Promise((resolve) => setTimeout(resolve, 30));
    await h.press('ib', (f) => f.includes('Files with problems') && !f.includes('Insights ('));
  });

  it('opens the help overlay with ? and comes back to the same Insight', async () => {
    const store = await sampleStore();
    const h = renderApp(<App store={store} folder="/samples" watching={false} env={{ NO_COLOR: '1' }} views={{ insights: InsightsView }} />, 100, 30);
    open.push(h);
    await h.waitFor((f) => f.includes('Enter details'));
    const selected = (f: string): string => lines(f).find((l) => l.startsWith('›')) ?? '';
    await h.press('ij', (f) => selected(f).includes(insights[1]!.eventName.slice(0, 10)));
    const help = await h.press('?', (f) => f.includes(' Help') && f.includes('Insights view (i)'));
    expect(help).toContain('list the events behind the selected Insight');
    // The help overlay scrolls with j; the hidden view does not move.
    const at = /Help\s+(\d+)-/.exec(help)![1]!;
    await h.press('k', (f) => new RegExp(`Help\\s+${Number(at) - 1}-`).test(f));
    const back = await h.press(KEYS.escape, (f) => f.includes('Insights ('));
    expect(selected(back)).toContain(insights[1]!.eventName.slice(0, 10));
    // And the view has its keys again.
    await h.press('k', (f) => selected(f).includes(insights[0]!.eventName.slice(0, 10)));
  });

  it('quits with q from the Insights view and from the help over it, as the list does', async () => {
    const store = await sampleStore();
    const quit = vi.fn();
    const h = renderApp(<App store={store} folder="/samples" watching={false} env={{ NO_COLOR: '1' }} views={{ insights: InsightsView }} onQuit={quit} />, 100, 30);
    open.push(h);
    await h.waitFor((f) => f.includes('Enter details'));
    await h.press('i', (f) => f.includes('Insights ('));
    await new Promise((resolve) => setTimeout(resolve, 30));
    h.stdin.write('q');
    await vi.waitFor(() => expect(quit).toHaveBeenCalledTimes(1), { timeout: 20_000 });
    // q quit, it did not close the view.
    expect(h.frame()).toContain('Insights (');
    await h.press('?', (f) => f.includes(' Help'));
    h.stdin.write('q');
    await vi.waitFor(() => expect(quit).toHaveBeenCalledTimes(2), { timeout: 20_000 });
  });

  it('keeps its title line whole-hinted and every line inside a 50x12 terminal', async () => {
    const store = await sampleStore();
    // 50x12: the dashboard leaves the view 8 lines.
    const { h } = mount(store, 50, 8);
    const frame = await h.waitFor((f) => f.includes('└'));
    const shown = lines(frame).filter((l) => l.trim() !== '');
    expect(shown[0]).toMatch(/^Insights \(\d+\)( · [^·…]+)*$/);
    expect(shown[0]).not.toContain('…');
    expect(shown.length).toBeLessThanOrEqual(8);
    expect(lines(frame).every((l) => displayWidth(l) <= 50)).toBe(true);
    expect(shown.some((l) => l.startsWith('›'))).toBe(true);
    expect(shown.some((l) => /\b\d\d:\d\d\b/.test(l))).toBe(true);
    // Shorter still: the chart gives way to a note, the title stays.
    const tiny = mount(store, 50, 5).h;
    const small = await tiny.waitFor((f) => f.includes('Too short for the chart'));
    expect(lines(small)[0]).toMatch(/^Insights \(/);
  });

  it('sanitises log strings in the list', async () => {
    const hostile = insights[0]!.startRow!;
    const store = await sampleStore((r) => rowInsight(r) === null);
    store.add([
      {
        ...hostile,
        id: 'hostile-insight',
        batch: withExtra(hostile.batch.file, {
          timeRaw: '',
          sharedEventId: 'hostile',
          insight: { ...rowInsight(hostile)!, eventName: 'Evil\u001b[31mName\u0007', eventSource: 'x\u009b.amazonaws.com' },
        }),
        recordIndex: 0,
      },
    ]);
    store.flush();
    const { h } = mount(store, 120, 25);
    const frame = await h.waitFor((f) => f.includes('Evil'));
    expect(frame).not.toMatch(/\u001b\[31m|\u0007|\u009b/);
    expect(frame).toContain('Evil\\x1b[31mName');
  });
});

describe('chart and layout helpers', () => {
  it('draws bars, the reference lines where no bar covers them, and the span marks', () => {
    const from = Date.UTC(2024, 2, 5, 14, 0);
    const series = { buckets: [0, 1, 8, 8, 1, 0], from, to: from + 6 * MINUTE, eventsFound: 18 };
    const data = chartData(series, 6, 4, { baselineAverage: 1, insightAverage: 6, spanStart: from + 2 * MINUTE, spanEnd: from + 4 * MINUTE });
    const text = chartLines(data, 'utc', 40).map(lineText);
    expect(text).toHaveLength(6);
    // yMax 10: the insight line (6) in row 1, the baseline (1) in the bottom row.
    // 8 of 10 in 4 rows: three full cells and 2/8 of the top one.
    expect(text[0]).toBe('10 ┤  ▂▂  ');
    expect(text[1]).toBe(' 5 ┤==██==');
    expect(text[2]).toBe('   │  ██  ');
    // Value 1 is 3/8 of the bottom cell; no bar at the edges lets the baseline show.
    expect(text[3]).toBe(' 0 ┤-▃██▃-');
    expect(text[4]).toBe('   └──^^──');
    expect(text[5]).toBe('    14:00');
  });

  it('draws the same chart in ASCII without block characters, never with the averages\' marks as bars', () => {
    const from = Date.UTC(2024, 2, 5, 14, 0);
    const series = { buckets: [0, 1, 8, 8, 1, 0], from, to: from + 6 * MINUTE, eventsFound: 18 };
    const data = chartData(series, 6, 4, { baselineAverage: 1, insightAverage: 6, spanStart: from + 2 * MINUTE, spanEnd: from + 4 * MINUTE });
    expect(chartLines(data, 'utc', 40, true).map(lineText)).toEqual(['10 |  ..  ', ' 5 |==##==', '   |  ##  ', ' 0 |-:##:-', '   +..^^..', '    14:00']);
    // Every fill of a cell, 1/8 to 8/8: none is drawn as `-`, `=` or `^`, and each reads at least as full as the one below it.
    const fills = Array.from({ length: 8 }, (_, k) => {
      const one = chartData({ buckets: [k + 1], from, to: from + MINUTE, eventsFound: k + 1 }, 1, 1, {});
      return lineText(chartLines({ ...one, levels: [k + 1] }, 'utc', 40, true)[0]!).slice(-1);
    });
    expect(fills).toEqual(['_', '.', ':', ':', '+', '+', '*', '#']);
  });

  it('finds Insights records incrementally from the arrival log', () => {
    const insightRows = rows.filter((r) => rowInsight(r) !== null);
    const others = rows.filter((r) => rowInsight(r) === null);
    const log: EventRow[] = [...others.slice(0, 100), insightRows[0]!];
    const records = new InsightRecords();
    const first = records.update(log);
    expect(first).toEqual([insightRows[0]]);
    log.push(...others.slice(100, 200));
    expect(records.update(log)).toBe(first); // nothing new: the same array, so memos hold
    log.push(...insightRows.slice(1));
    expect(records.update(log)).toEqual(insightRows);
    expect(pairInsights(records.update(log)).map((i) => i.sharedEventId)).toEqual(insights.map((i) => i.sharedEventId));
  });

  it('fits tiny averages into narrow columns', () => {
    expect(perMinuteIn(0.0000882, 6)).toBe('8.8e-5');
    expect(perMinuteIn(0.0021, 6)).toBe('0.0021');
    expect(perMinuteIn(9.2941, 7)).toBe('9.29');
    expect(perMinuteIn(null, 6)).toBe('—');
  });

  it('keeps the selected Insight in the list window', () => {
    expect(listWindow(3, 2, 5)).toEqual({ from: 0, to: 3 });
    const w = listWindow(20, 15, 4);
    expect(15).toBeGreaterThanOrEqual(w.from);
    expect(15).toBeLessThan(w.to);
    expect(w.to - w.from).toBe(4);
  });

  it('never plans more lines than it is given, giving up list rows and column titles before the chart', () => {
    for (let height = 4; height <= 80; height++) {
      for (const count of [1, 4, 30]) {
        const l = insightsLayout(height, count, 24);
        const lower = l.chartHeight > 0 ? l.chartHeight + 3 : 1;
        const used = 1 + (l.header ? 1 : 0) + l.listRows + (l.attributionsBelow ? 0 : 1) + lower + (l.attributionsBelow ? l.attributionRows : 0);
        expect({ height, count, used: Math.min(used, height) }).toEqual({ height, count, used });
        if (!l.attributionsBelow) expect(1 + (l.header ? 1 : 0) + l.listRows + 1 + l.attributionRows).toBeLessThanOrEqual(height);
        // The 50x12 terminal leaves the view 8 lines: still a chart.
        if (height >= 8) expect({ height, chart: l.chartHeight >= 2 }).toEqual({ height, chart: true });
        if (height >= 12) expect(l.header).toBe(true);
      }
    }
  });
});

/** A batch of one record (index 0) with these rare fields. */
function withExtra(file: string, extra: RowExtra): RecordBatch {
  const batch = new RecordBatch(file);
  batch.setExtra(0, extra);
  return batch;
}
