/**
 * Time values of since:/until:/from:/to:. A value is either a duration back
 * from "now" (`30m`, `2h`, `1h30m`) or an ISO time, UTC unless it carries an
 * offset. An ISO time also says how precise it is, so that `to:2024-03-05`
 * can include the whole day.
 */
import { utcTime } from '../model/utc.js';

export interface TimeValue {
  /** Epoch ms of the instant written (or now minus the duration). */
  at: number;
  /** How long the written period lasts: 1 day for a date, 1 minute for HH:MM, 1 ms for durations. */
  span: number;
  /** Counted back from now, so it moves as time passes. */
  relative: boolean;
}

const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION = /^(?:\d+(?:\.\d+)?[smhdw])+$/i;
const DURATION_PART = /(\d+(?:\.\d+)?)([smhdw])/gi;

/** Milliseconds of a duration like `30m`, `7d` or `1h30m`; null when it is not one. */
export function parseDuration(text: string): number | null {
  if (!DURATION.test(text)) return null;
  let total = 0;
  for (const match of text.matchAll(DURATION_PART)) {
    total += Number(match[1]) * UNIT_MS[match[2]!.toLowerCase()]!;
  }
  return Number.isFinite(total) ? total : null;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

function daysInMonth(year: number, month: number): number {
  return new Date(utcTime(year, month, 0)).getUTCDate();
}

/** An ISO date or date-time; null when malformed or out of range (month 13, 25:00, offset beyond ±14h). */
export function parseIsoTime(text: string): TimeValue | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (m[4] === undefined) return { at: utcTime(year, month - 1, day), span: UNIT_MS.d!, relative: false };
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (hour > 23 || minute > 59 || second > 59) return null;
  const fraction = m[7] ?? '';
  const millis = fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0;
  let offset = 0;
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const offsetHours = Number(digits.slice(0, 2));
    const offsetMinutes = Number(digits.slice(2));
    if (offsetHours > 14 || offsetMinutes > 59) return null;
    offset = (zone[0] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  const at = utcTime(year, month - 1, day, hour, minute, second, millis) - offset;
  const span = fraction ? 1 : m[6] !== undefined ? UNIT_MS.s! : UNIT_MS.m!;
  return { at, span, relative: false };
}

/** A duration ago or an ISO time; null when it is neither. */
export function parseTimeValue(text: string, now: number): TimeValue | null {
  const duration = parseDuration(text);
  if (duration !== null) return { at: now - duration, span: 1, relative: true };
  return parseIsoTime(text);
}
