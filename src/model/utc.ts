/**
 * Date.UTC and new Date(y, mo, d) without their two-digit-year rule: they
 * read years 0-99 as 1900-1999, so `0099-12-31T23:00:00Z` became 1999 (shown,
 * exported and matched by `from:1999-12-31` as such). setUTCFullYear and
 * setFullYear take the year as given. The common years go the fast way.
 */

/** Epoch ms of a UTC date-time, month 0-based, every field may overflow as with Date.UTC. */
export function utcTime(year: number, month0: number, day = 1, hour = 0, minute = 0, second = 0, ms = 0): number {
  if (year >= 100 || year < 0 || !Number.isFinite(year)) return Date.UTC(year, month0, day, hour, minute, second, ms);
  const date = new Date(0);
  date.setUTCFullYear(year, month0, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

/** Epoch ms of a local date (midnight, or the given time), month 0-based, as new Date(y, mo, d, ...). */
export function localTime(year: number, month0: number, day = 1, hour = 0, minute = 0, second = 0, ms = 0): number {
  if (year >= 100 || year < 0 || !Number.isFinite(year)) return new Date(year, month0, day, hour, minute, second, ms).getTime();
  const date = new Date(2000, 0, 1);
  date.setFullYear(year, month0, day);
  date.setHours(hour, minute, second, ms);
  return date.getTime();
}
