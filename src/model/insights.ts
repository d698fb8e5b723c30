/**
 * CloudTrail Insights: Start/End pairing, the statistics the console shows,
 * the window and query for the events behind an Insight, and the summary
 * `scan --json` prints (cloudtrail.md section 2, issue 6).
 */
import { errorLabel } from './failure.js';
import { rowInsight, sharedEventIdOf } from './recordBatch.js';
import type { EventRow, InsightAttribution } from './types.js';
import { MINUTE, ceilMinute, floorMinute, matchesRate, perMinuteRate, type RateCriteria, type RateOptions, type RateSeries } from './rate.js';

export interface Insight {
  /** The pairing key: sharedEventID, or the record's own id when it had none. */
  sharedEventId: string;
  eventSource: string;
  eventName: string;
  /** ApiCallRateInsight or ApiErrorRateInsight (other values kept as given). */
  insightType: string;
  /** The error code an error-rate Insight is about; '' otherwise. */
  errorCode: string;
  /** Where the Insight was measured: its record's awsRegion and recipient account ('' when absent). */
  region: string;
  account: string;
  /** Start time, epoch ms; derived from the End when only the End is on disk (see startDerived); null when unknown. */
  start: number | null;
  /** True when start was computed as End time minus insightDuration. */
  startDerived: boolean;
  /** End time, epoch ms; null while ongoing (no End record yet). */
  end: number | null;
  startRow: EventRow | null;
  endRow: EventRow | null;
  baselineAverage: number | null;
  /** End's average over the whole anomaly when the End is here, else Start's onset rate. */
  insightAverage: number | null;
  /** Start's insight average: the rate at onset. */
  onsetAverage: number | null;
  /** Minutes; End's when present (the whole anomaly), else Start's. */
  insightDuration: number | null;
  baselineDuration: number | null;
  /** End's attributions when present, else Start's. */
  attributions: InsightAttribution[];
}

export function isInsightRow(row: EventRow): boolean {
  return rowInsight(row) !== null;
}

function timeOf(row: EventRow | null): number | null {
  return row !== null && Number.isFinite(row.time) ? row.time : null;
}

interface Pair {
  start: EventRow | null;
  end: EventRow | null;
}

/**
 * Groups Insights records into Insights by sharedEventID, newest first by
 * start. Duplicate Starts keep the earliest, duplicate Ends the latest.
 */
export function pairInsights(rows: Iterable<EventRow>): Insight[] {
  const pairs = new Map<string, Pair>();
  for (const row of rows) {
    const details = rowInsight(row);
    if (details === null) continue;
    const state = details.state.toLowerCase();
    if (state !== 'start' && state !== 'end') continue;
    const key = sharedEventIdOf(row) || row.id;
    let pair = pairs.get(key);
    if (!pair) {
      pair = { start: null, end: null };
      pairs.set(key, pair);
    }
    if (state === 'start') {
      if (pair.start === null || earlier(row, pair.start)) pair.start = row;
    } else if (pair.end === null || earlier(pair.end, row)) {
      pair.end = row;
    }
  }
  const insights: Insight[] = [];
  for (const [key, pair] of pairs) insights.push(toInsight(key, pair));
  insights.sort(compareInsightsNewestFirst);
  return insights;
}

function earlier(a: EventRow, b: EventRow): boolean {
  const at = Number.isFinite(a.time) ? a.time : Infinity;
  const bt = Number.isFinite(b.time) ? b.time : Infinity;
  return at < bt;
}

function toInsight(key: string, pair: Pair): Insight {
  const s = pair.start ? rowInsight(pair.start) : null;
  const e = pair.end ? rowInsight(pair.end) : null;
  const main = s ?? e!;
  const insightDuration = e?.insightDuration ?? s?.insightDuration ?? null;
  const end = timeOf(pair.end);
  let start = timeOf(pair.start);
  let startDerived = false;
  if (start === null && pair.start === null && end !== null && e?.insightDuration != null) {
    start = end - e.insightDuration * MINUTE;
    startDerived = true;
  }
  return {
    sharedEventId: key,
    eventSource: main.eventSource || e?.eventSource || '',
    eventName: main.eventName || e?.eventName || '',
    insightType: main.insightType || e?.insightType || '',
    errorCode: main.errorCode || e?.errorCode || '',
    region: (pair.start ?? pair.end)!.region,
    account: (pair.start ?? pair.end)!.recipientAccount || (pair.start ?? pair.end)!.account,
    start,
    startDerived,
    end,
    startRow: pair.start,
    endRow: pair.end,
    baselineAverage: e?.baselineAverage ?? s?.baselineAverage ?? null,
    insightAverage: e?.insightAverage ?? s?.insightAverage ?? null,
    onsetAverage: s?.insightAverage ?? null,
    insightDuration,
    baselineDuration: e?.baselineDuration ?? s?.baselineDuration ?? null,
    attributions: e && e.attributions.length > 0 ? e.attributions : s?.attributions ?? [],
  };
}

/** Newest first by start (by end when the start is unknown); ties by key so the order is stable. */
export function compareInsightsNewestFirst(a: Insight, b: Insight): number {
  const at = a.start ?? a.end ?? -Infinity;
  const bt = b.start ?? b.end ?? -Infinity;
  if (at !== bt) return bt > at ? 1 : -1;
  return a.sharedEventId < b.sharedEventId ? -1 : a.sharedEventId > b.sharedEventId ? 1 : 0;
}

export function isErrorRate(insight: Insight): boolean {
  return insight.insightType === 'ApiErrorRateInsight';
}

/** The calls an Insight counts: same source and name, Region and account; for error-rate Insights only errors (of its code when given). */
export function insightCriteria(insight: Insight): RateCriteria {
  const errorRate = isErrorRate(insight);
  return {
    eventSource: insight.eventSource,
    eventName: insight.eventName,
    errorOnly: errorRate,
    errorCode: errorRate ? insight.errorCode : '',
    region: insight.region,
    account: insight.account,
  };
}

export interface RateChange {
  /** insight / baseline; Infinity when the baseline is 0; null when an average is missing. */
  ratio: number | null;
  direction: 'up' | 'down' | 'flat' | 'unknown';
  arrow: '↑' | '↓' | '→' | '';
  /** The console's "Rate change": baseline 1.0 and insight 3.0 show as "300%"; "new" from a zero baseline. */
  label: string;
}

export function rateChange(insight: Pick<Insight, 'baselineAverage' | 'insightAverage'>): RateChange {
  const { baselineAverage: base, insightAverage: now } = insight;
  if (base === null || now === null || !Number.isFinite(base) || !Number.isFinite(now)) {
    return { ratio: null, direction: 'unknown', arrow: '', label: '—' };
  }
  if (base === 0) {
    if (now === 0) return { ratio: null, direction: 'flat', arrow: '→', label: '—' };
    return { ratio: Infinity, direction: now > 0 ? 'up' : 'down', arrow: now > 0 ? '↑' : '↓', label: 'new' };
  }
  const ratio = now / base;
  const direction = ratio > 1 ? 'up' : ratio < 1 ? 'down' : 'flat';
  const arrow = direction === 'up' ? '↑' : direction === 'down' ? '↓' : '→';
  return { ratio, direction, arrow, label: `${GROUPED.format(Math.round(ratio * 100))}%` };
}

const GROUPED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** An average in calls per minute for tables and axes: '—' when unknown, 3 significant digits below 10, grouped above. */
export function formatPerMinute(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  if (value === 0) return '0';
  if (Math.abs(value) >= 10) return new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }).format(value);
  return String(Number(value.toPrecision(3)));
}

/** A share (0-1) as a whole percentage, '<1%' for small non-zero shares, '—' when unknown. */
export function formatShare(share: number | null): string {
  if (share === null || !Number.isFinite(share)) return '—';
  if (share > 0 && share < 0.005) return '<1%';
  return `${Math.round(share * 100)}%`;
}

/** The anomaly's span and the padded window a chart shows around it. */
export interface InsightWindow {
  /** Span start; for an End-only Insight with no duration, the End minus SPAN_GUESS (spanStartKnown false). */
  spanStart: number;
  spanStartKnown: boolean;
  /** Span end; for an ongoing Insight, `now` but at most ONGOING_SPAN after the start. */
  spanEnd: number;
  ongoing: boolean;
  /** Chart window, minute-aligned: span padded on each side by max(15 min, span length), at most a day. */
  from: number;
  to: number;
}

export const MIN_PADDING = 15 * MINUTE;
export const MAX_PADDING = 24 * 60 * MINUTE;
/** How far past the Start an ongoing Insight's chart reaches at most (logs read days later must not stretch it to now). */
export const ONGOING_SPAN = 3 * 60 * MINUTE;
const SPAN_GUESS = 15 * MINUTE;

/**
 * The span and chart window of an Insight. Padding: max(15 min, the span's
 * own length), capped at a day, before and after; an ongoing Insight is not
 * padded past `now`. Null when neither the start nor the end is known.
 */
export function insightWindow(insight: Insight, now: number = Date.now()): InsightWindow | null {
  const ongoing = insight.end === null;
  let spanStart: number;
  let spanStartKnown = true;
  if (insight.start !== null) spanStart = insight.start;
  else if (insight.end !== null) {
    spanStart = insight.end - SPAN_GUESS;
    spanStartKnown = false;
  } else return null;
  const spanEnd = insight.end ?? Math.max(spanStart + MINUTE, Math.min(now, spanStart + ONGOING_SPAN));
  const padding = Math.min(MAX_PADDING, Math.max(MIN_PADDING, spanEnd - spanStart));
  const from = floorMinute(spanStart - padding);
  let to = ceilMinute(spanEnd + padding);
  if (ongoing) to = Math.max(ceilMinute(spanEnd), Math.min(to, ceilMinute(now)));
  return { spanStart, spanStartKnown, spanEnd, ongoing, from, to };
}

/**
 * The per-minute rate of the Insight's API across its window, from the rows
 * on disk. Pass `{ newestFirst: true }` with EventStore.rows() to visit only
 * the window's rows.
 */
export function insightSeries(
  insight: Insight,
  rows: Iterable<EventRow>,
  now: number = Date.now(),
  options: RateOptions = {},
): RateSeries | null {
  const window = insightWindow(insight, now);
  if (window === null) return null;
  return perMinuteRate(rows, { ...insightCriteria(insight), from: window.from, to: window.to }, options);
}

/** ISO 8601 UTC without milliseconds when they are zero: `2024-03-05T14:20:00Z`. */
export function isoUtc(t: number): string {
  return new Date(t).toISOString().replace('.000Z', 'Z');
}

const BARE_VALUE = /^[A-Za-z0-9._:/@+][A-Za-z0-9._:/@+-]*$/;

/**
 * A query value, double-quoted when it is empty or holds anything beyond
 * letters, digits and `._:/@+-` (a leading `-` would negate); inside quotes
 * backslash and double quote are escaped with a backslash.
 */
export function quoteQueryValue(value: string): string {
  if (BARE_VALUE.test(value)) return value;
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * The event-list query for the calls behind an Insight: same name and source (in the Insight's Region and account,
 * not the Insight records themselves),
 * from one minute before the Start to one minute after the End (no `to:` while
 * ongoing), as the console's "CloudTrail events" tab does.
 */
export function relatedEventsQuery(insight: Insight): string {
  const parts = [`name:${quoteQueryValue(insight.eventName)}`, `source:${quoteQueryValue(insight.eventSource)}`];
  if (insight.region) parts.push(`region:${quoteQueryValue(insight.region)}`);
  if (insight.account) parts.push(`account:${quoteQueryValue(insight.account)}`);
  // The Insight's own Start and End records carry the same name and source; the calls are what is asked for.
  parts.push('-eventtype:AwsCloudTrailInsight');
  const start = insight.start ?? (insight.end !== null ? insight.end - SPAN_GUESS : null);
  if (start !== null) parts.push(`from:${isoUtc(start - MINUTE)}`);
  if (insight.end !== null) parts.push(`to:${isoUtc(insight.end + MINUTE)}`);
  return parts.join(' ');
}

export interface AttributionRow {
  /** The attributed value ('None' for the errorCode "null" of successful calls; 'Other' for the rest). */
  value: string;
  isOther: boolean;
  /** Calls per minute during the Insight; null when this value is not in the Insight's list. */
  insightAverage: number | null;
  /** Fraction (0-1) of the Insight's average; null when there is no total. */
  insightShare: number | null;
  baselineAverage: number | null;
  baselineShare: number | null;
}

export interface AttributionTable {
  attribute: string;
  title: string;
  rows: AttributionRow[];
}

const ATTRIBUTE_TITLES: Readonly<Record<string, string>> = {
  userIdentityArn: 'Top user identity ARNs',
  userAgent: 'Top user agents',
  errorCode: 'Top error codes',
};
const ATTRIBUTE_ORDER = ['userIdentityArn', 'userAgent', 'errorCode'];
export const TOP_ATTRIBUTIONS = 5;
const EPSILON = 1e-9;

function sumAverages(list: { average: number }[]): number {
  let sum = 0;
  for (const s of list) if (Number.isFinite(s.average)) sum += s.average;
  return sum;
}

/**
 * The attributions tab: per attribute, the top values by insight average
 * (then baseline average) with their averages and shares, and "Other" for
 * values past the top 5 plus whatever the listed values leave of the overall
 * average. Shares are of the overall average (or of the listed sum when
 * that is larger, so shares never exceed 100%).
 */
export function attributionTable(insight: Insight): AttributionTable[] {
  const ordered = [...insight.attributions].sort((a, b) => rank(a.attribute) - rank(b.attribute));
  return ordered.map((attr) => {
    const values = new Map<string, { insight: number | null; baseline: number | null }>();
    const add = (value: string, field: 'insight' | 'baseline', average: number): void => {
      const v = values.get(value) ?? { insight: null, baseline: null };
      v[field] = (v[field] ?? 0) + (Number.isFinite(average) ? average : 0);
      values.set(value, v);
    };
    for (const s of attr.insight) add(s.value, 'insight', s.average);
    for (const s of attr.baseline) add(s.value, 'baseline', s.average);

    const insightTotal = Math.max(insight.insightAverage ?? 0, sumAverages(attr.insight));
    const baselineTotal = Math.max(insight.baselineAverage ?? 0, sumAverages(attr.baseline));
    const share = (v: number | null, total: number): number | null => (v === null || total <= 0 ? null : v / total);

    const entries = [...values.entries()].sort(
      ([av, a], [bv, b]) => (b.insight ?? -1) - (a.insight ?? -1) || (b.baseline ?? -1) - (a.baseline ?? -1) || (av < bv ? -1 : av > bv ? 1 : 0),
    );
    const rows: AttributionRow[] = entries.slice(0, TOP_ATTRIBUTIONS).map(([value, v]) => ({
      value: attr.attribute === 'errorCode' && value === 'null' ? 'None' : value,
      isOther: false,
      insightAverage: v.insight,
      insightShare: share(v.insight, insightTotal),
      baselineAverage: v.baseline,
      baselineShare: share(v.baseline, baselineTotal),
    }));
    let shownInsight = 0;
    let shownBaseline = 0;
    for (const r of rows) {
      shownInsight += r.insightAverage ?? 0;
      shownBaseline += r.baselineAverage ?? 0;
    }
    const otherInsight = insightTotal - shownInsight;
    const otherBaseline = baselineTotal - shownBaseline;
    if (otherInsight > EPSILON || otherBaseline > EPSILON) {
      const oi = otherInsight > EPSILON ? otherInsight : 0;
      const ob = otherBaseline > EPSILON ? otherBaseline : 0;
      rows.push({
        value: 'Other',
        isOther: true,
        insightAverage: oi,
        insightShare: share(oi, insightTotal),
        baselineAverage: ob,
        baselineShare: share(ob, baselineTotal),
      });
    }
    return { attribute: attr.attribute, title: ATTRIBUTE_TITLES[attr.attribute] ?? attr.attribute, rows };
  });
}

function rank(attribute: string): number {
  const i = ATTRIBUTE_ORDER.indexOf(attribute);
  return i === -1 ? ATTRIBUTE_ORDER.length : i;
}

/** One entry of `scan --json`'s `insights` list. */
export interface InsightSummary {
  sharedEventID: string;
  eventSource: string;
  eventName: string;
  insightType: string;
  /** Error-rate Insights only; null otherwise. */
  errorCode: string | null;
  /** ISO UTC; null when unknown. */
  start: string | null;
  /** ISO UTC; null while ongoing. */
  end: string | null;
  baselineAverage: number | null;
  insightAverage: number | null;
  insightDuration: number | null;
  baselineDuration: number | null;
  /** Calls behind the span found on disk: matching events from the Start's minute through the End's minute (no upper bound while ongoing). */
  eventsOnDisk: number;
}

/** The `insights` section of `scan --json`, in one pass over the rows. */
export function summarizeInsights(insights: readonly Insight[], rowsOnDisk: Iterable<EventRow>): InsightSummary[] {
  const spans = insightSpans(insights);
  const counts = spans.map(() => 0);
  if (spans.length > 0) {
    for (const row of rowsOnDisk) {
      const t = row.time;
      if (!Number.isFinite(t)) continue;
      for (let i = 0; i < spans.length; i++) {
        const span = spans[i]!;
        if (t >= span.from && t < span.to && matchesRate(row, span.criteria)) counts[i]! += 1;
      }
    }
  }
  return insightSummaries(insights, counts);
}

/** The calls behind an Insight: what they match, and the whole minutes [from, to) they fall in. */
export interface InsightSpan {
  criteria: RateCriteria;
  from: number;
  to: number;
}

/** Each Insight's span; summarizeInsights counts the calls on disk in them (scan counts them from its own columns). */
export function insightSpans(insights: readonly Insight[]): InsightSpan[] {
  return insights.map((insight) => {
    const start = insight.start ?? (insight.end !== null ? insight.end - SPAN_GUESS : null);
    return {
      criteria: insightCriteria(insight),
      from: start === null ? Infinity : floorMinute(start),
      to: insight.end === null ? Infinity : floorMinute(insight.end) + MINUTE,
    };
  });
}

/** The summaries of `insights`, given the calls on disk counted in each one's span (insightSpans). */
export function insightSummaries(insights: readonly Insight[], eventsOnDisk: readonly number[]): InsightSummary[] {
  return insights.map((insight, i) => ({
    sharedEventID: insight.sharedEventId,
    eventSource: insight.eventSource,
    eventName: insight.eventName,
    insightType: insight.insightType,
    errorCode: isErrorRate(insight) ? insight.errorCode || null : null,
    start: insight.start === null ? null : isoUtc(insight.start),
    end: insight.end === null ? null : isoUtc(insight.end),
    baselineAverage: insight.baselineAverage,
    insightAverage: insight.insightAverage,
    insightDuration: insight.insightDuration,
    baselineDuration: insight.baselineDuration,
    eventsOnDisk: eventsOnDisk[i] ?? 0,
  }));
}

/**
 * The plain statement the chart shows instead of a flat line when no calls
 * behind the window are on disk; null when some are.
 */
export function notOnDiskMessage(insight: Insight, series: RateSeries, formatTime: (t: number) => string = isoUtc): string | null {
  if (series.eventsFound > 0) return null;
  const what = isErrorRate(insight)
    ? `${insight.eventName} errors${insight.errorCode ? ` (${insight.errorCode})` : ''}`
    : insight.eventName;
  return `no events for ${what} on disk between ${formatTime(series.from)} and ${formatTime(series.to)}`;
}

/**
 * The error code a row is about: its own errorCode, or for an error-rate
 * Insights record the code the Insight tracks. The event list and the CSV
 * export show the same value.
 */
export function rowErrorCode(row: EventRow): string {
  // A failed console sign-in has no errorCode: its errorMessage stands in (failure.ts).
  return errorLabel(row) || rowInsight(row)?.errorCode || '';
}
