/**
 * Pure helpers behind the Insights view: the list's cells, the text chart's
 * lines (as styled segments, legible without colour) and the attributions
 * tables. The view only lays them out.
 */
import type { ChartData } from '../model/insightChart.js';
import {
  formatPerMinute,
  formatShare,
  isErrorRate,
  rateChange,
  type AttributionTable,
  type Insight,
} from '../model/insights.js';
import { MINUTE } from '../model/rate.js';
import { rowInsight } from '../model/recordBatch.js';
import type { EventRow } from '../model/types.js';
import { sanitize } from '../term/sanitize.js';
import { displayWidth, fit, padStart, truncate } from '../term/width.js';
import { formatMinute, formatTime, timesSpanYears, type TimeZoneMode } from './format.js';
import { distinctCuts } from './distinctCut.js';
import { own } from '../term/glyphs.js';

/**
 * The Insights records of a store, read incrementally from its append-only
 * arrival log: each update visits only the rows added since the last one, so
 * an open Insights view costs next to nothing while millions of events load.
 */
export class InsightRecords {
  private seen = 0;
  private found: EventRow[] = [];
  private rewrites = 0;

  /**
   * The Insights records so far; a new array when any arrived since the last call.
   * `rewrites` (EventStore.rewrites): when a row was replaced since, the log is read again.
   */
  update(log: readonly EventRow[], rewrites = 0): readonly EventRow[] {
    if (rewrites !== this.rewrites) {
      this.rewrites = rewrites;
      this.seen = 0;
      this.found = [];
      this.snapshot = null;
    }
    const before = this.found.length;
    for (let i = this.seen; i < log.length; i++) {
      const row = log[i]!;
      if (rowInsight(row) !== null) this.found.push(row);
    }
    this.seen = log.length;
    if (this.found.length !== before || this.snapshot === null) this.snapshot = this.found.slice();
    return this.snapshot;
  }

  private snapshot: EventRow[] | null = null;
}

/** What a chart cell shows; the view picks a colour per kind (none with NO_COLOR). */
export type SegmentKind = 'axis' | 'bar' | 'spanBar' | 'baseline' | 'insight' | 'span' | 'label' | 'plain';

export interface Segment {
  text: string;
  kind: SegmentKind;
}

export type StyledLine = Segment[];

/** Characters that carry the chart's meaning with colour off. */
export const CHART_CHARS = {
  baseline: '-',
  insight: '=',
  span: '^',
  /** Partial bars in eighths of a row, index 1..7; 8 is FULL. */
  partial: ['', '▁', '▂', '▃', '▄', '▅', '▆', '▇'],
  full: '█',
} as const;

/** The bars and axes drawn in one character set: blocks and box lines, or ASCII alone (`ascii`). */
interface ChartGlyphs {
  partial: readonly string[];
  full: string;
  tick: string;
  axis: string;
  corner: string;
  rule: string;
}

const BLOCK_GLYPHS: ChartGlyphs = { partial: CHART_CHARS.partial, full: CHART_CHARS.full, tick: '┤', axis: '│', corner: '└', rule: '─' };

/**
 * Without block characters (TERM=linux, no UTF-8 locale), as the timeline strip draws then
 * (`_ . : … #`), but never `-` or `=`: here they are the averages' lines. The y axis is `|`
 * (the labels mark its ticks), the x axis `+....`: a baseline on the bottom row must not read as
 * the axis under it.
 */
const ASCII_GLYPHS: ChartGlyphs = { partial: ['', '_', '.', ':', ':', '+', '+', '*'], full: '#', tick: '|', axis: '|', corner: '+', rule: '.' };

/**
 * The type in `width` cells: the whole label when it fits; for an error-rate
 * Insight in a narrow column its error code alone (`AccessDenied`), which says
 * more than a cut `error rate …`; else the label cut.
 */
export function insightTypeIn(insight: Insight, width: number): string {
  const label = insightTypeLabel(insight);
  if (displayWidth(label) <= width) return label;
  if (isErrorRate(insight) && insight.errorCode) return truncate(sanitize(insight.errorCode), width);
  return truncate(label, width);
}

export function insightTypeLabel(insight: Insight): string {
  if (isErrorRate(insight)) return `error rate${insight.errorCode ? ` ${sanitize(insight.errorCode)}` : ''}`;
  if (insight.insightType === 'ApiCallRateInsight') return 'call rate';
  return sanitize(insight.insightType) || '?';
}

/** `17m`, `2h 05m`, `3d 4h`; '—' when unknown. */
export function formatMinutes(minutes: number | null): string {
  if (minutes === null || !Number.isFinite(minutes) || minutes < 0) return own('—');
  const m = Math.round(minutes);
  if (m < 60) return `${m}m`;
  if (m < 24 * 60) return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(m / 1440)}d ${Math.floor((m % 1440) / 60)}h`;
}

/** The anomaly's length: End minus Start when both are known, else the record's insightDuration. */
export function insightDurationMinutes(insight: Insight): number | null {
  if (insight.start !== null && insight.end !== null) return (insight.end - insight.start) / MINUTE;
  // An ongoing Insight's Start says only how long it had lasted at onset; its length is not known yet.
  if (insight.end === null) return null;
  return insight.insightDuration;
}

/** `11-24 14:10` (Insights start and end on whole minutes); `2025-11-24 14:10` when the Insights span years. */
export function formatInsightTime(t: number | null, zone: TimeZoneMode, withYear = false): string {
  if (t === null) return '?';
  return formatMinute(t, zone, withYear);
}

/**
 * The End cell. With the year (the Insights span years) it says only what Start does not:
 * `14:40` on Start's day, `11-25 02:10` in Start's year, the whole time else; so the wider
 * Start leaves room for End and Length at 80 columns.
 */
export function insightEndText(insight: Insight, zone: TimeZoneMode, withYear = false): string {
  if (insight.end === null) return 'ongoing';
  const end = formatInsightTime(insight.end, zone, withYear);
  if (!withYear || insight.start === null) return end;
  const start = formatInsightTime(insight.start, zone, true);
  if (start.slice(0, 10) === end.slice(0, 10)) return end.slice(11);
  if (start.slice(0, 4) === end.slice(0, 4)) return end.slice(5);
  return end;
}

/** The End column's width for these Insights' End cells (with the year they are as short as they can be). */
export function insightEndWidth(insights: readonly Insight[], zone: TimeZoneMode, withYear: boolean): number {
  if (!withYear) return COLUMNS.find((c) => c.key === 'end')!.width;
  return insights.reduce((w, i) => Math.max(w, displayWidth(insightEndText(i, zone, true))), 5);
}

/** Whether the Insights' starts and ends fall in more than one year: then their times carry it. */
export function insightsSpanYears(insights: readonly Insight[], zone: TimeZoneMode): boolean {
  return timesSpanYears(
    insights.flatMap((i) => [i.start ?? Number.NaN, i.end ?? Number.NaN]),
    zone,
  );
}

export interface InsightCells {
  name: string;
  source: string;
  type: string;
  start: string;
  end: string;
  duration: string;
  baseline: string;
  average: string;
  change: string;
}

/** formatPerMinute, or a short exponent form (`8.8e-5`) when that would not fit `width`. */
export function perMinuteIn(value: number | null, width: number): string {
  const text = own(formatPerMinute(value));
  if (text.length <= width || value === null || !Number.isFinite(value)) return text;
  return value.toExponential(1).replace('e+', 'e');
}

export function insightCells(insight: Insight, zone: TimeZoneMode, withYear = false): InsightCells {
  const change = rateChange(insight);
  return {
    name: sanitize(insight.eventName) || '?',
    source: sanitize(insight.eventSource).replace(/\.amazonaws\.com$/, ''),
    type: insightTypeLabel(insight),
    start: `${formatInsightTime(insight.start, zone, withYear)}${insight.startDerived ? '*' : ''}`,
    end: insightEndText(insight, zone, withYear),
    duration: formatMinutes(insightDurationMinutes(insight)),
    baseline: perMinuteIn(insight.baselineAverage, 6),
    average: perMinuteIn(insight.insightAverage, 7),
    change: own(change.arrow ? `${change.arrow} ${change.label}` : change.label),
  };
}

interface Column {
  key: keyof InsightCells;
  title: string;
  width: number;
  right?: boolean;
  /** Dropped first when the terminal is narrow (lower = dropped earlier). */
  keep: number;
  /** Takes spare columns. */
  grow?: boolean;
}

const COLUMNS: Column[] = [
  { key: 'name', title: 'Event name', width: 13, keep: 9, grow: true },
  { key: 'source', title: 'Source', width: 6, keep: 3, grow: true },
  { key: 'type', title: 'Type', width: 12, keep: 8, grow: true },
  { key: 'start', title: 'Start', width: 11, keep: 7 },
  { key: 'end', title: 'End', width: 11, keep: 5 },
  { key: 'duration', title: 'Length', width: 7, keep: 4, right: true },
  { key: 'baseline', title: 'Base', width: 6, keep: 6, right: true },
  { key: 'average', title: 'Insight', width: 7, keep: 6, right: true },
  { key: 'change', title: 'Change', width: 10, keep: 8, right: true },
];

export interface ListLayout {
  columns: Array<Column & { width: number }>;
  /** Start and End carry the year (the Insights span years). */
  withYear: boolean;
}

/** Start and End with the year: `2025-11-24 14:10`. */
const DATED_TIME_WIDTH = 16;

/**
 * The list's columns for a width: 2 columns for the cursor mark, one space between columns.
 * With the year, End is `endWidth` wide (insightEndWidth) and Base gives way before Length
 * and End (Change still says how far the rate rose).
 */
export function insightListLayout(width: number, withYear = false, endWidth = DATED_TIME_WIDTH): ListLayout {
  const avail = Math.max(10, width - 2);
  let cols = COLUMNS.map((c) =>
    !withYear ? c : c.key === 'start' ? { ...c, width: DATED_TIME_WIDTH } : c.key === 'end' ? { ...c, width: endWidth } : c.key === 'baseline' ? { ...c, keep: 3.5 } : c,
  );
  const used = (cs: Column[]): number => cs.reduce((n, c) => n + c.width, 0) + cs.length - 1;
  while (used(cols) > avail && cols.length > 1) {
    const drop = cols.reduce((low, c) => (c.keep < low.keep ? c : low));
    cols = cols.filter((c) => c !== drop);
  }
  const spare = Math.max(0, avail - used(cols));
  const growers = cols.filter((c) => c.grow);
  // Names and sources take the spare room, up to a sensible width each.
  const caps: Partial<Record<keyof InsightCells, number>> = { name: 30, source: 24, type: 26 };
  let left = spare;
  const widths = new Map<Column, number>(cols.map((c) => [c, c.width]));
  for (const c of growers) {
    const extra = Math.min(left, Math.max(0, (caps[c.key] ?? c.width) - c.width));
    widths.set(c, c.width + extra);
    left -= extra;
  }
  return { columns: cols.map((c) => ({ ...c, width: widths.get(c)! })), withYear };
}

export function insightHeaderLine(layout: ListLayout): string {
  return `  ${layout.columns.map((c) => (c.right ? padStart(c.title, c.width) : fit(c.title, c.width))).join(' ')}`;
}

export function insightRowLine(insight: Insight, layout: ListLayout, zone: TimeZoneMode, selected: boolean): string {
  const cells = insightCells(insight, zone, layout.withYear);
  const body = layout.columns
    .map((c) => {
      const text = c.key === 'type' ? insightTypeIn(insight, c.width) : truncate(cells[c.key], c.width);
      return c.right ? padStart(text, c.width) : fit(text, c.width);
    })
    .join(' ');
  return `${selected ? own('›') : ' '} ${body}`;
}

/** Which rows of the list show, keeping the selection visible. */
export function listWindow(count: number, selected: number, height: number): { from: number; to: number } {
  if (count <= height) return { from: 0, to: count };
  const from = Math.min(Math.max(0, selected - Math.floor(height / 2)), count - height);
  return { from, to: from + height };
}

/** "HH:MM" (or "MM-DD HH:MM" when `withDate`) in the zone. */
export function clockLabel(t: number, zone: TimeZoneMode, withDate: boolean): string {
  const full = formatTime({ time: t, timeRaw: '' }, zone, true); // MM-DD HH:MM:SS
  return withDate ? full.slice(0, 11) : full.slice(6, 11);
}

/** Width of the y-axis labels column (numbers right-aligned) plus " ┤". */
export function yAxisWidth(data: ChartData): number {
  return Math.max(...data.yTicks.map((t) => formatPerMinute(t.value).length), 1) + 2;
}

/** The cell of column c at row r (0 = top): a bar piece, a reference line, or blank. */
function cellAt(data: ChartData, c: number, r: number, glyphs: ChartGlyphs): Segment {
  const level = data.levels[c] ?? 0;
  const below = (data.height - 1 - r) * 8;
  const fill = Math.min(8, Math.max(0, level - below));
  const inSpan = data.span !== null && c >= data.span.fromColumn && c <= data.span.toColumn;
  if (fill >= 8) return { text: glyphs.full, kind: inSpan ? 'spanBar' : 'bar' };
  // A reference line shows through the empty part of a cell; a partial bar stays visible on top.
  if (fill > 0) return { text: glyphs.partial[fill]!, kind: inSpan ? 'spanBar' : 'bar' };
  if (r === data.insightRow) return { text: CHART_CHARS.insight, kind: 'insight' };
  if (r === data.baselineRow) return { text: CHART_CHARS.baseline, kind: 'baseline' };
  return { text: ' ', kind: 'plain' };
}

/** Joins neighbouring segments of one kind, so a line is a handful of Text nodes. */
export function mergeSegments(line: Segment[]): StyledLine {
  const out: Segment[] = [];
  for (const s of line) {
    const last = out[out.length - 1];
    if (last && last.kind === s.kind) last.text += s.text;
    else out.push({ ...s });
  }
  return out;
}

export function lineText(line: StyledLine): string {
  return line.map((s) => s.text).join('');
}

/**
 * The chart as lines: `height` plot rows with the y axis, then the x axis
 * with the Insight's span marked `^`, then time labels. Bars in eighths of a
 * row; `ascii` draws it without block or box characters (unicodeBlocks).
 */
export function chartLines(data: ChartData, zone: TimeZoneMode, width: number, ascii = false): StyledLine[] {
  const glyphs = ascii ? ASCII_GLYPHS : BLOCK_GLYPHS;
  const labelWidth = yAxisWidth(data) - 2;
  const tickAt = new Map(data.yTicks.map((t) => [t.row, formatPerMinute(t.value)]));
  const lines: StyledLine[] = [];
  for (let r = 0; r < data.height; r++) {
    const tick = tickAt.get(r);
    const cells: Segment[] = [{ text: `${padStart(tick ?? '', labelWidth)} ${tick !== undefined ? glyphs.tick : glyphs.axis}`, kind: 'axis' }];
    for (let c = 0; c < data.columns; c++) cells.push(cellAt(data, c, r, glyphs));
    lines.push(mergeSegments(cells));
  }
  const axis: Segment[] = [{ text: `${' '.repeat(labelWidth)} ${glyphs.corner}`, kind: 'axis' }];
  for (let c = 0; c < data.columns; c++) {
    const inSpan = data.span !== null && c >= data.span.fromColumn && c <= data.span.toColumn;
    axis.push(inSpan ? { text: CHART_CHARS.span, kind: 'span' } : { text: glyphs.rule, kind: 'axis' });
  }
  lines.push(mergeSegments(axis));
  lines.push([{ text: timeLabels(data, zone, labelWidth + 2, width), kind: 'label' }]);
  return lines;
}

/** Time labels under their columns, skipping any that would overlap the previous one. */
function timeLabels(data: ChartData, zone: TimeZoneMode, indent: number, width: number): string {
  const first = data.columnTimes[0];
  const last = data.columnTimes[data.columnTimes.length - 1];
  if (first === undefined || last === undefined) return '';
  const day = (t: number): string => formatTime({ time: t, timeRaw: '' }, zone, true).slice(0, 5);
  const multiDay = day(first) !== day(last);
  let line = ' '.repeat(indent);
  for (const tick of data.xTicks) {
    // Over several days every label carries its date (one day: the legend names it). The first starts at its column, the others centre on theirs.
    const first = tick === data.xTicks[0];
    const label = clockLabel(tick.time, zone, multiDay);
    const at = indent + tick.column - (first ? 0 : Math.floor(label.length / 2));
    // A label that would touch the previous one is left out rather than moved off its column.
    if (at < (line.length === indent ? indent : line.length + 2)) continue;
    if (at + label.length > width) break;
    line = line.padEnd(at) + label;
  }
  return line;
}

/** One line saying what the chart shows and what its marks mean. */
export function chartLegend(insight: Insight, data: ChartData, zone: TimeZoneMode, width = Number.POSITIVE_INFINITY): StyledLine {
  const first = data.columnTimes[0];
  const last = data.columnTimes[data.columnTimes.length - 1];
  const day = (t: number): string => formatTime({ time: t, timeRaw: '' }, zone).slice(0, 10);
  // A chart within one day names it here, so its time labels can be short.
  const dayText = first !== undefined && last !== undefined && day(first) === day(last) ? ` ${day(first)}` : '';
  const zoneName = zone === 'utc' ? 'UTC' : 'local time';
  const what = isErrorRate(insight) ? 'errors' : 'calls';
  const per = data.minutesPerColumn;
  // Longest first; on 80 columns a shorter wording is used rather than a cut one.
  const tails = [
    `  ${own('·')} ${what}/min${per > 1 ? ` (max of ${per} min)` : ''}, ${zoneName}${dayText}`,
    `  ${own('·')} ${what}/min${per > 1 ? ` (max/${per} min)` : ''}, ${zone === 'utc' ? 'UTC' : 'local'}${dayText}`,
    `  ${own('·')} ${what}/min${per > 1 ? ` (max/${per} min)` : ''}, ${zone === 'utc' ? 'UTC' : 'local'}`,
    `  ${own('·')} ${zone === 'utc' ? 'UTC' : 'local'}`,
    '',
  ];
  const marks = (short: boolean): StyledLine => [
    { text: `${CHART_CHARS.baseline} ${short ? 'base' : 'baseline'} ${formatPerMinute(insight.baselineAverage)}`, kind: 'baseline' },
    { text: '  ', kind: 'plain' },
    { text: `${CHART_CHARS.insight} ${short ? 'avg' : 'insight avg'} ${formatPerMinute(insight.insightAverage)}`, kind: 'insight' },
    { text: '  ', kind: 'plain' },
    { text: `${CHART_CHARS.span} Insight${insight.end === null ? ' (ongoing)' : ''}`, kind: 'span' },
  ];
  const lineWidth = (line: StyledLine): number => line.reduce((n, seg) => n + displayWidth(seg.text), 0);
  // The marks first: the selected row already names the API.
  for (const short of [false, true]) {
    for (const tail of tails) {
      const line: StyledLine = [...marks(short), { text: tail, kind: 'plain' }];
      if (lineWidth(line) <= width) return line;
    }
  }
  return [...marks(true), { text: '', kind: 'plain' }];
}

/** Cuts a styled line to `width` columns. */
export function truncateLine(line: StyledLine, width: number): StyledLine {
  const out: Segment[] = [];
  let used = 0;
  for (const s of line) {
    if (used >= width) break;
    const w = displayWidth(s.text);
    if (used + w <= width) {
      out.push(s);
      used += w;
    } else {
      out.push({ ...s, text: truncate(s.text, width - used) });
      used = width;
    }
  }
  return out;
}

/** The attributions tables as text lines: a title per attribute, then value, insight avg/share, baseline avg/share. */
export function attributionLines(tables: AttributionTable[], width: number): Array<{ text: string; kind: 'title' | 'header' | 'row' | 'other' }> {
  const out: Array<{ text: string; kind: 'title' | 'header' | 'row' | 'other' }> = [];
  if (tables.length === 0) {
    out.push({ text: 'No attributions in these Insights records.', kind: 'row' });
    return out;
  }
  const numbers = 4 * 1 + 8 + 5 + 8 + 5; // four gaps, insight, share, baseline, share
  const valueWidth = Math.max(8, Math.min(80, width - numbers - 2));
  const header = `  ${fit('', valueWidth)} ${padStart('Insight', 8)} ${padStart('share', 5)} ${padStart('Baseline', 8)} ${padStart('share', 5)}`;
  for (const table of tables) {
    // An attribute CloudTrail does not name (ATTRIBUTE_TITLES) is titled by its own text, from the log.
    out.push({ text: truncate(sanitize(table.title), width), kind: 'title' });
    out.push({ text: truncate(header, width), kind: 'header' });
    // Three assumed-role ARNs cut from their end read the same: those are cut in their middle.
    const values = distinctCuts(table.rows.map((row) => ({ shown: sanitize(row.value), whole: sanitize(row.value) })), valueWidth);
    for (const [i, row] of table.rows.entries()) {
      const value = fit(values[i]!, valueWidth);
      const line = `  ${value} ${padStart(perMinuteIn(row.insightAverage, 8), 8)} ${padStart(own(formatShare(row.insightShare)), 5)} ${padStart(
        perMinuteIn(row.baselineAverage, 8),
        8,
      )} ${padStart(own(formatShare(row.baselineShare)), 5)}`;
      out.push({ text: truncate(line, width), kind: row.isOther ? 'other' : 'row' });
    }
  }
  return out;
}

/** How the view splits its height between the list, the chart and the attributions. */
export interface InsightsLayout {
  listRows: number;
  /** The list's column titles; dropped first when the window is too short for the chart. */
  header: boolean;
  /** Plot rows; 0 when even two would not fit (the view says so instead). */
  chartHeight: number;
  /** Attributions below the chart (tall windows); otherwise Tab switches between chart and attributions. */
  attributionsBelow: boolean;
  /** Lines available for attributions (below the chart, or in place of it on their tab). */
  attributionRows: number;
}

/** Fixed lines around the parts: title, list header, legend/tab line, x axis, time labels. */
const CHROME = 5;
/** Fewer plot rows than this tell nothing. */
const MIN_PLOT = 2;

export function insightsLayout(height: number, insightCount: number, attributionLineCount: number): InsightsLayout {
  let listRows = Math.max(1, Math.min(insightCount, height >= 40 ? 10 : height >= 18 ? 5 : 3));
  let header = true;
  // What is left below the list for the chart and its chrome; one line of it goes to the tab bar.
  const room = (): number => height - CHROME - listRows + (header ? 0 : 1);
  // Short windows give up list rows, then the column titles, before the chart's plot rows.
  while (room() - 1 < MIN_PLOT && listRows > 1) listRows--;
  if (room() - 1 < MIN_PLOT) header = false;
  const rest = room();
  if (rest - 1 < MIN_PLOT) return { listRows, header, chartHeight: 0, attributionsBelow: false, attributionRows: Math.max(1, rest + 2) };
  const idealChart = Math.min(16, Math.max(4, Math.floor(rest * 0.6)));
  if (rest - idealChart >= attributionLineCount + 1 || (rest >= 30 && rest - idealChart >= 10)) {
    return { listRows, header, chartHeight: idealChart, attributionsBelow: true, attributionRows: rest - idealChart - 1 };
  }
  const chartHeight = Math.min(16, rest - 1);
  return { listRows, header, chartHeight, attributionsBelow: false, attributionRows: chartHeight + 3 };
}
