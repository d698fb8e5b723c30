import { isFailedEvent } from '../model/failure.js';
import { counted } from '../model/plural.js';
import { rowInsight, timeRawOf } from '../model/recordBatch.js';
import type { EventRow } from '../model/types.js';
import { own } from '../term/glyphs.js';

export type TimeZoneMode = 'utc' | 'local';

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * `2024-03-05 14:21:00` (UTC or local); `short` drops the year
 * (`03-05 14:21:00`) for narrow terminals. Unparsed times show their raw text.
 */
export function formatTime(row: EventRow | { time: number; timeRaw: string }, zone: TimeZoneMode, short = false): string {
  if (Number.isNaN(row.time)) return ('timeRaw' in row ? row.timeRaw : timeRawOf(row)) || '?';
  const d = new Date(row.time);
  const utc = zone === 'utc';
  // Four digits always: year 99 is 0099, not 99 (and never 1999: model/utc.ts).
  const y = String(utc ? d.getUTCFullYear() : d.getFullYear()).padStart(4, '0');
  const mo = pad2((utc ? d.getUTCMonth() : d.getMonth()) + 1);
  const da = pad2(utc ? d.getUTCDate() : d.getDate());
  const h = pad2(utc ? d.getUTCHours() : d.getHours());
  const mi = pad2(utc ? d.getUTCMinutes() : d.getMinutes());
  const s = pad2(utc ? d.getUTCSeconds() : d.getSeconds());
  return short ? `${mo}-${da} ${h}:${mi}:${s}` : `${y}-${mo}-${da} ${h}:${mi}:${s}`;
}

/** `2024-03-05 14:21`: the short form with the year and without seconds, for lists that span years. */
export function formatDatedMinute(row: EventRow | { time: number; timeRaw: string }, zone: TimeZoneMode): string {
  const full = formatTime(row, zone);
  return Number.isNaN(row.time) ? full : full.slice(0, 16);
}

function yearOf(time: number, zone: TimeZoneMode): number {
  const d = new Date(time);
  return zone === 'utc' ? d.getUTCFullYear() : d.getFullYear();
}

/** Whether the readable times of `times` fall in more than one calendar year of the zone (then short times need their year). */
export function timesSpanYears(times: Iterable<number>, zone: TimeZoneMode): boolean {
  let year: number | null = null;
  for (const time of times) {
    if (!Number.isFinite(time)) continue;
    const y = yearOf(time, zone);
    if (year === null) year = y;
    else if (y !== year) return true;
  }
  return false;
}

/** `03-05 14:21`, or `2024-03-05 14:21` with the year; `—` for an unknown time. */
export function formatMinute(time: number, zone: TimeZoneMode, withYear: boolean): string {
  if (!Number.isFinite(time)) return own('—');
  const text = formatTime({ time, timeRaw: '' }, zone);
  return withYear ? text.slice(0, 16) : text.slice(5, 16);
}

/**
 * Whether rows sorted newest first (unreadable times last) fall in more
 * than one calendar year of the zone: then a short time needs its year.
 */
export function spansYears(rows: readonly Pick<EventRow, 'time'>[], zone: TimeZoneMode): boolean {
  const newest = rows[0]?.time;
  if (newest === undefined || Number.isNaN(newest)) return false;
  // Unreadable times sort last: find the oldest readable one by bisection (hostile logs can hold many).
  let lo = 0;
  let hi = rows.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (Number.isNaN(rows[mid]!.time)) hi = mid - 1;
    else lo = mid;
  }
  return timesSpanYears([newest, rows[lo]!.time], zone);
}

/** The local time zone's name (`America/New_York`), '' when the runtime does not know it. */
export function localZoneName(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? '';
  } catch {
    return '';
  }
}

/**
 * The zone label shown next to times: `UTC`; for local time at a given
 * instant its offset then (`local (UTC-04:00)` for a July time in New York),
 * and without one the zone's name (`local (America/New_York)`), since
 * today's offset would be wrong for the times of another season.
 */
export function zoneLabel(zone: TimeZoneMode, at?: number): string {
  if (zone === 'utc') return 'UTC';
  if (at === undefined) {
    const name = localZoneName();
    if (name) return `local (${name === 'Etc/UTC' ? 'UTC' : name})`;
  }
  const offset = -new Date(at ?? Date.now()).getTimezoneOffset();
  if (offset === 0) return 'local (UTC)';
  const sign = offset > 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `local (UTC${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)})`;
}

/** `1 event`, `2 events`, `1,024 events`. */
export function eventCount(n: number): string {
  return counted(n, 'event');
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatRate(perSecond: number): string {
  if (perSecond >= 1_000_000) return `${(perSecond / 1_000_000).toFixed(1)}M/s`;
  if (perSecond >= 1_000) return `${(perSecond / 1_000).toFixed(1)}k/s`;
  return `${Math.round(perSecond)}/s`;
}

export function isInsight(row: EventRow): boolean {
  return rowInsight(row) !== null || row.eventType === 'AwsCloudTrailInsight';
}

export function isError(row: EventRow): boolean {
  return isFailedEvent(row);
}

/** The one-character marker that tells error and Insights rows apart without colour. */
export function rowMarker(row: EventRow): string {
  if (isInsight(row)) return own('◆');
  if (isError(row)) return '!';
  return ' ';
}

export function displayName(row: EventRow): string {
  return row.name || rowInsight(row)?.eventName || '';
}

export function displaySource(row: EventRow): string {
  return row.source || rowInsight(row)?.eventSource || '';
}
