import { describe, it, expect } from 'vitest';
import { chartData, chartForInsight, niceCeil, rowForValue } from '../../src/model/insightChart.js';
import { pairInsights, insightSeries } from '../../src/model/insights.js';
import type { RateSeries } from '../../src/model/rate.js';
import { row, docPair } from './insights-rows.js';

const at = (iso: string): number => Date.parse(iso);
const FROM = at('2024-03-05T14:04:00Z');

function series(buckets: number[], from = FROM): RateSeries {
  return { buckets, from, to: from + buckets.length * 60_000, eventsFound: buckets.reduce((a, b) => a + b, 0) };
}

describe('niceCeil and rowForValue', () => {
  it('rounds the axis up to 1-2-5 steps', () => {
    expect([0, 0.02, 1, 1.5, 3, 14, 20, 50, 51, 740].map(niceCeil)).toEqual([1, 1, 1, 2, 5, 20, 20, 50, 100, 1000]);
  });
  it('maps values to rows from the top', () => {
    expect(rowForValue(20, 20, 10)).toBe(0);
    expect(rowForValue(9.35, 20, 10)).toBe(5);
    expect(rowForValue(0.0218, 20, 10)).toBe(9);
    expect(rowForValue(0, 20, 10)).toBe(9);
    expect(rowForValue(500, 20, 10)).toBe(0);
  });
});

describe('chartData', () => {
  // The doc pair's window: 51 minutes, 14:04-14:55, span 14:21-14:38.
  const buckets = new Array(51).fill(0);
  buckets[17] = 14;
  buckets[18] = 9;
  buckets[34] = 3;
  const marks = { spanStart: at('2024-03-05T14:21:00Z'), spanEnd: at('2024-03-05T14:38:00Z'), baselineAverage: 0.0218, insightAverage: 9.35 };

  it('stretches a short window by whole columns per minute at 80 columns', () => {
    const c = chartData(series(buckets), 80, 10, marks);
    expect([c.columns, c.columnsPerMinute, c.minutesPerColumn]).toEqual([51, 1, 1]);
    expect(c.values).toEqual(buckets);
    expect(c.peak).toBe(14);
    expect(c.yMax).toBe(20);
    expect(c.yTicks).toEqual([{ value: 20, row: 0 }, { value: 10, row: 4 }, { value: 0, row: 9 }]);
    expect(c.levels[17]).toBe(Math.round((14 / 20) * 80));
    expect(c.levels[0]).toBe(0);
    // 14:21 to 14:38 is 17 minutes: 17 columns (the End's minute is not in the span).
    expect(c.span).toEqual({ fromColumn: 17, toColumn: 33 });
    expect(c.insightRow).toBe(5);
    expect(c.baselineRow).toBe(9);
    expect(c.columnTimes[17]).toBe(at('2024-03-05T14:21:00Z'));
    expect(c.empty).toBe(false);
  });

  it('stretches the same window three columns a minute at 200 columns', () => {
    const c = chartData(series(buckets), 200, 10, marks);
    expect([c.columns, c.columnsPerMinute, c.minutesPerColumn]).toEqual([153, 3, 1]);
    expect(c.values.slice(51, 57)).toEqual([14, 14, 14, 9, 9, 9]);
    expect(c.span).toEqual({ fromColumn: 51, toColumn: 101 });
    expect(c.columnTimes[52]).toBe(at('2024-03-05T14:21:20Z'));
    expect(c.xTicks[0]).toEqual({ column: 0, time: FROM });
    expect(c.xTicks[c.xTicks.length - 1]!.column).toBe(152);
    expect(c.xTicks.length).toBeGreaterThan(5);
  });

  it('marks a 12-minute Insight with 12 columns, as many as its bars (issue 19)', () => {
    const from = at('2024-03-05T14:00:00Z');
    const twelve = { spanStart: from + 10 * 60_000, spanEnd: from + 22 * 60_000 };
    const c = chartData(series(new Array(40).fill(1), from), 40, 5, twelve);
    expect(c.span).toEqual({ fromColumn: 10, toColumn: 21 });
    // An End inside a minute takes that minute.
    expect(chartData(series(new Array(40).fill(1), from), 40, 5, { ...twelve, spanEnd: twelve.spanEnd + 30_000 }).span).toEqual({ fromColumn: 10, toColumn: 22 });
  });

  it('downsamples a long window by the maximum of each column', () => {
    const long = new Array(600).fill(1);
    long[301] = 40;
    long[302] = 7;
    const from = at('2024-03-05T06:00:00Z');
    const m = { spanStart: from + 290 * 60_000, spanEnd: from + 310 * 60_000, baselineAverage: 1, insightAverage: 23.5 };
    const narrow = chartData(series(long, from), 80, 12, m);
    expect([narrow.columns, narrow.minutesPerColumn, narrow.columnsPerMinute]).toEqual([75, 8, 1]);
    expect(narrow.values[37]).toBe(40); // minutes 296-303
    expect(narrow.values[36]).toBe(1);
    expect(narrow.values.filter((v) => v === 40)).toHaveLength(1);
    expect(narrow.yMax).toBe(50);
    expect(narrow.span).toEqual({ fromColumn: 36, toColumn: 38 });
    expect(narrow.columnTimes[37]).toBe(from + 296 * 60_000);
    const wide = chartData(series(long, from), 200, 12, m);
    expect([wide.columns, wide.minutesPerColumn]).toEqual([200, 3]);
    expect(wide.values[100]).toBe(40); // minutes 300-302
    expect(wide.span).toEqual({ fromColumn: 96, toColumn: 103 });
    expect(wide.insightRow).toBe(rowForValue(23.5, 50, 12));
    for (const c of [narrow, wide]) {
      expect(Math.max(...c.levels)).toBeLessThanOrEqual(12 * 8);
      expect(c.levels.every((l, i) => (c.values[i]! > 0) === (l > 0))).toBe(true);
    }
  });

  it('keeps tiny non-zero minutes visible and marks an empty window', () => {
    const c = chartData(series([0, 1, 0]), 80, 5, { insightAverage: 400 });
    expect(c.yMax).toBe(500);
    expect(c.columns).toBe(78); // 26 columns a minute
    expect(c.levels).toEqual([...new Array(26).fill(0), ...new Array(26).fill(1), ...new Array(26).fill(0)]);
    expect(chartData(series([0, 0, 0]), 80, 5).empty).toBe(true);
    expect(chartData(series([]), 80, 5).columns).toBe(0);
    expect(chartData(series([1, 2]), 0, 5).columns).toBe(0);
  });

  it('charts an Insight from the rows on disk, ongoing span open to the right', () => {
    const rows = [...docPair(), row({ time: at('2024-03-05T14:21:10Z') }), row({ time: at('2024-03-05T14:21:20Z') })];
    const insight = pairInsights(rows)[0]!;
    const now = at('2024-03-06T00:00:00Z');
    const s = insightSeries(insight, rows, now)!;
    const c = chartForInsight(insight, s, 80, 8, now);
    expect(c.values[17]).toBe(2);
    expect(c.span).toEqual({ fromColumn: 17, toColumn: 33 });
    const ongoing = pairInsights([docPair()[0]!])[0]!;
    const live = at('2024-03-05T14:30:00Z');
    const oc = chartForInsight(ongoing, insightSeries(ongoing, rows, live)!, 80, 8, live);
    // window 14:06-14:30 (15 min before, not padded past now): 24 minutes, 3 columns each
    expect([oc.columns, oc.columnsPerMinute]).toEqual([72, 3]);
    expect(oc.span).toEqual({ fromColumn: 45, toColumn: 71 });
  });
});
