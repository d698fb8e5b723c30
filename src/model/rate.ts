/**
 * Per-minute call counts of one API, computed from the events on disk: the
 * series an Insights chart draws, so the user sees the spike itself rather
 * than two averages.
 */
import { rowInsight } from './recordBatch.js';
import type { EventRow } from './types.js';

export const MINUTE = 60_000;

/** Longest series we build; a wider window is cut at its end (two weeks of minutes). */
export const MAX_BUCKETS = 20_160;

export interface RateCriteria {
  eventSource: string;
  eventName: string;
  /** Count only calls that returned an error. */
  errorOnly?: boolean;
  /** With errorOnly: count only this error code ('' or absent = any error). */
  errorCode?: string;
  /** Insights are per Region and account: count only calls there ('' or absent = anywhere). */
  region?: string;
  account?: string;
}

export interface RateQuery extends RateCriteria {
  /** Window start, epoch ms; floored to the minute. */
  from: number;
  /** Window end (exclusive), epoch ms; raised to the next minute. */
  to: number;
}

export interface RateSeries {
  /** Calls in each minute of [from, to): buckets[i] counts [from + i min, from + (i+1) min). */
  buckets: number[];
  from: number;
  to: number;
  /** Matching events inside the window (the sum of buckets). */
  eventsFound: number;
}

export function floorMinute(t: number): number {
  return Math.floor(t / MINUTE) * MINUTE;
}

export function ceilMinute(t: number): number {
  return Math.ceil(t / MINUTE) * MINUTE;
}

/** Whether `row` is one of the API calls an Insight with these criteria counts (never an Insights record itself). */
export function matchesRate(row: EventRow, criteria: RateCriteria): boolean {
  if (rowInsight(row) !== null || row.category === 'Insight' || row.eventType === 'AwsCloudTrailInsight') return false;
  if (row.name !== criteria.eventName || row.source !== criteria.eventSource) return false;
  if (criteria.region && row.region !== criteria.region) return false;
  if (criteria.account && (row.recipientAccount || row.account) !== criteria.account) return false;
  if (criteria.errorOnly) {
    if (row.errorCode === '') return false;
    if (criteria.errorCode && row.errorCode !== criteria.errorCode) return false;
  }
  return true;
}

export interface RateOptions {
  /**
   * The rows are an array in the store's display order (newest first, rows
   * without a time last, as EventStore.rows() returns them): the window is
   * then found by binary search and only its rows are visited.
   */
  newestFirst?: boolean;
}

/** The whole minutes a rate counts for a window: [from, to) widened to minutes, at most MAX_BUCKETS of them. */
export function rateBounds(window: { from: number; to: number }): { from: number; to: number } {
  const from = floorMinute(window.from);
  let to = Math.max(from, ceilMinute(window.to));
  if ((to - from) / MINUTE > MAX_BUCKETS) to = from + MAX_BUCKETS * MINUTE;
  return { from, to };
}

/** Counts matching calls per minute in [from, to); rows whose time did not parse are ignored. */
export function perMinuteRate(rows: Iterable<EventRow>, query: RateQuery, options: RateOptions = {}): RateSeries {
  const { from, to } = rateBounds(query);
  const buckets = new Array<number>((to - from) / MINUTE).fill(0);
  let eventsFound = 0;
  const count = (row: EventRow): void => {
    const t = row.time;
    if (!(t >= from && t < to)) return; // also skips NaN
    if (!matchesRate(row, query)) return;
    buckets[Math.floor((t - from) / MINUTE)]! += 1;
    eventsFound += 1;
  };
  if (options.newestFirst && Array.isArray(rows)) {
    const sorted = rows as readonly EventRow[];
    for (let i = firstOlderThan(sorted, to); i < sorted.length; i++) {
      const row = sorted[i]!;
      if (!(row.time >= from)) break; // older than the window, or no time (those come last)
      count(row);
    }
  } else {
    for (const row of rows) count(row);
  }
  return { buckets, from, to, eventsFound };
}

/** Index of the first row of a newest-first array whose time is before `t` (or unknown). */
function firstOlderThan(rows: readonly EventRow[], t: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]!.time >= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
