/**
 * Scales a per-minute series into the columns and rows of a text chart. Pure:
 * the UI turns the numbers into block characters.
 *
 * Horizontal scale: when there are more minutes than columns, each column
 * covers `minutesPerColumn` whole minutes and shows their MAXIMUM, so a spike
 * is never averaged away and the y axis keeps one unit (calls per minute),
 * comparable with the baseline and insight averages. When there are fewer
 * minutes than columns, each minute is drawn `columnsPerMinute` columns wide
 * (a whole number, so every minute looks the same width); the chart may then
 * be narrower than the space given.
 *
 * Vertical scale: rows are numbered from the top (row 0) to `height - 1` at
 * the bottom; the axis runs from 0 to `yMax`, a 1-2-5 round number at or above
 * the peak and both averages, so the reference lines are always on the chart.
 */
import { MINUTE, type RateSeries } from './rate.js';
import { insightWindow, type Insight } from './insights.js';

export interface ChartMarks {
  spanStart?: number | null;
  /** null/undefined = open-ended (ongoing). */
  spanEnd?: number | null;
  baselineAverage?: number | null;
  insightAverage?: number | null;
}

export interface ChartTick {
  value: number;
  row: number;
}

export interface ChartXTick {
  column: number;
  time: number;
}

export interface ChartData {
  /** Columns actually used (<= the width given). */
  columns: number;
  height: number;
  minutesPerColumn: number;
  columnsPerMinute: number;
  /** Calls per minute shown in each column (max over the column's minutes). */
  values: number[];
  /** Bar height of each column in eighths of a row (0..height*8); any non-zero value gets at least 1. */
  levels: number[];
  /** Start time (epoch ms) of each column. */
  columnTimes: number[];
  /** Milliseconds each column covers. */
  columnSpan: number;
  peak: number;
  yMax: number;
  /** Axis labels, top to bottom: yMax, the middle, 0. */
  yTicks: ChartTick[];
  /** Row of each reference line; null when that average is unknown. */
  baselineRow: number | null;
  insightRow: number | null;
  /** Columns (inclusive) that overlap the Insight's span; null when there is no span or it is off the chart. */
  span: { fromColumn: number; toColumn: number } | null;
  /** Columns where time labels can go (first, evenly spaced, last). */
  xTicks: ChartXTick[];
  /** No events at all in the window: show "not on disk" rather than a flat line. */
  empty: boolean;
}

/** Smallest 1-2-5 x 10^k number >= v (>= 1). */
export function niceCeil(v: number): number {
  if (!(v > 1)) return 1;
  const exp = Math.floor(Math.log10(v));
  const base = 10 ** exp;
  for (const m of [1, 2, 5, 10]) {
    const candidate = m * base;
    if (candidate >= v - base * 1e-9) return candidate;
  }
  return 10 * base;
}

/** The row (0 = top) a value falls in, on an axis 0..yMax drawn in `height` rows. */
export function rowForValue(value: number, yMax: number, height: number): number {
  const filled = Math.floor((Math.max(0, value) / yMax) * height);
  return height - 1 - Math.min(height - 1, filled);
}

export function chartData(series: RateSeries, width: number, height: number, marks: ChartMarks = {}): ChartData {
  const w = Math.max(0, Math.floor(width));
  const h = Math.max(1, Math.floor(height));
  const n = series.buckets.length;
  let minutesPerColumn = 1;
  let columnsPerMinute = 1;
  let columns = 0;
  if (n > 0 && w > 0) {
    if (n > w) {
      minutesPerColumn = Math.ceil(n / w);
      columns = Math.ceil(n / minutesPerColumn);
    } else {
      columnsPerMinute = Math.floor(w / n);
      columns = n * columnsPerMinute;
    }
  }
  const columnSpan = (minutesPerColumn * MINUTE) / columnsPerMinute;

  const values: number[] = [];
  const columnTimes: number[] = [];
  for (let c = 0; c < columns; c++) {
    const firstMinute = Math.floor((c * minutesPerColumn) / columnsPerMinute);
    const lastMinute = Math.min(n, firstMinute + minutesPerColumn);
    let max = 0;
    for (let m = firstMinute; m < lastMinute; m++) max = Math.max(max, series.buckets[m]!);
    values.push(max);
    columnTimes.push(series.from + c * columnSpan);
  }

  let peak = 0;
  for (const b of series.buckets) peak = Math.max(peak, b);
  const baseline = finite(marks.baselineAverage);
  const insight = finite(marks.insightAverage);
  const yMax = niceCeil(Math.max(peak, baseline ?? 0, insight ?? 0));

  const levels = values.map((v) => (v <= 0 ? 0 : Math.max(1, Math.min(h * 8, Math.round((v / yMax) * h * 8)))));

  const yTicks: ChartTick[] = [{ value: yMax, row: 0 }];
  if (h >= 3) yTicks.push({ value: yMax / 2, row: rowForValue(yMax / 2, yMax, h) });
  if (h >= 2) yTicks.push({ value: 0, row: h - 1 });

  return {
    columns,
    height: h,
    minutesPerColumn,
    columnsPerMinute,
    values,
    levels,
    columnTimes,
    columnSpan,
    peak,
    yMax,
    yTicks,
    baselineRow: baseline === null ? null : rowForValue(baseline, yMax, h),
    insightRow: insight === null ? null : rowForValue(insight, yMax, h),
    span: spanColumns(columnTimes, columnSpan, marks),
    xTicks: xTicks(columnTimes),
    empty: series.eventsFound === 0,
  };
}

function finite(v: number | null | undefined): number | null {
  return v === null || v === undefined || !Number.isFinite(v) ? null : v;
}

/**
 * Columns overlapping the span: from the Start's minute up to the End, which
 * is exclusive (a 12-minute Insight from 14:21 to 14:33 covers the minutes
 * 14:21 to 14:32, twelve bars; an End inside a minute takes that minute).
 */
function spanColumns(times: number[], columnSpan: number, marks: ChartMarks): ChartData['span'] {
  const start = finite(marks.spanStart);
  if (start === null || times.length === 0) return null;
  const end = finite(marks.spanEnd);
  const from = Math.floor(start / MINUTE) * MINUTE;
  const to = end === null ? Infinity : Math.max(from + MINUTE, Math.ceil(end / MINUTE) * MINUTE);
  let fromColumn = -1;
  let toColumn = -1;
  for (let c = 0; c < times.length; c++) {
    const t0 = times[c]!;
    if (t0 + columnSpan > from && t0 < to) {
      if (fromColumn === -1) fromColumn = c;
      toColumn = c;
    }
  }
  return fromColumn === -1 ? null : { fromColumn, toColumn };
}

/** Room for one label of "HH:MM" plus a gap. */
const X_TICK_SPACING = 12;

function xTicks(times: number[]): ChartXTick[] {
  const last = times.length - 1;
  if (last < 0) return [];
  const ticks: ChartXTick[] = [];
  const count = Math.max(1, Math.floor(last / X_TICK_SPACING));
  const step = last / count;
  for (let i = 0; i <= count; i++) {
    const column = Math.round(i * step);
    if (ticks.length > 0 && ticks[ticks.length - 1]!.column === column) continue;
    ticks.push({ column, time: times[column]! });
  }
  return ticks;
}

/** chartData with the marks of an Insight: its span (from insightWindow) and both averages. */
export function chartForInsight(
  insight: Insight,
  series: RateSeries,
  width: number,
  height: number,
  now: number = Date.now(),
): ChartData {
  const window = insightWindow(insight, now);
  return chartData(series, width, height, {
    spanStart: window?.spanStart ?? null,
    spanEnd: window && !window.ongoing ? window.spanEnd : null,
    baselineAverage: insight.baselineAverage,
    insightAverage: insight.insightAverage,
  });
}
