/**
 * Bucketing against brute force: bucket starts are found by walking the
 * clock instant by instant and asking the Date API which instants are
 * aligned (wall clock a multiple of the size; local midnight; Monday; the
 * 1st), then every event's bucket is the last such instant at or before it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRow } from '../../src/model/types.js';
import {
  BUCKET_SIZES,
  bucketsBetween,
  chooseBucketSize,
  floorBucket,
  nextBucket,
  parseBucketSize,
  prevBucket,
  type BucketSize,
  type TimelineZone,
} from '../../src/timeline/buckets.js';
import { histogram, partNames, stackFor, timeSpan, topValues } from '../../src/timeline/histogram.js';

const savedTz = process.env.TZ;
beforeAll(() => {
  // A zone with DST both ways; the Date API reads TZ again when it changes.
  process.env.TZ = 'America/New_York';
});
afterAll(() => {
  process.env.TZ = savedTz;
});

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

function size(label: string): BucketSize {
  const s = parseBucketSize(label);
  if (!s) throw new Error(label);
  return s;
}

/** Whether instant t (a whole second) starts a bucket, from the wall clock's fields alone. */
function aligned(t: number, s: BucketSize, zone: TimelineZone): boolean {
  const d = new Date(t);
  const utc = zone === 'utc';
  const h = utc ? d.getUTCHours() : d.getHours();
  const m = utc ? d.getUTCMinutes() : d.getMinutes();
  const sec = utc ? d.getUTCSeconds() : d.getSeconds();
  const wallSecondOfDay = h * 3600 + m * 60 + sec;
  if (s.unit === 'fixed') return wallSecondOfDay % (s.ms / S) === 0;
  if (wallSecondOfDay !== 0) return false;
  if (s.unit === 'day') return true;
  if (s.unit === 'week') return (utc ? d.getUTCDay() : d.getDay()) === 1;
  return (utc ? d.getUTCDate() : d.getDate()) === 1;
}

/** Every bucket start in [from, to], by stepping `step` ms (a divisor of every boundary's spacing from `from`). */
function bruteStarts(from: number, to: number, s: BucketSize, zone: TimelineZone, step: number): number[] {
  const out: number[] = [];
  for (let t = from; t <= to; t += step) if (aligned(t, s, zone)) out.push(t);
  return out;
}

function bruteFloor(starts: readonly number[], t: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return starts[lo - 1]!;
}

let seed = 7;
function rand(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}

const SOURCES = ['s3.amazonaws.com', 'iam.amazonaws.com', 'ec2.amazonaws.com', 'sts.amazonaws.com', 'kms.amazonaws.com', 'lambda.amazonaws.com', 'sns.amazonaws.com'];

function rowsBetween(from: number, to: number, n: number): EventRow[] {
  const rows: EventRow[] = [];
  for (let i = 0; i < n; i++) {
    const t = from + Math.floor(rand() * (to - from + 1));
    rows.push({
      time: t,
      errorCode: rand() < 0.3 ? 'AccessDenied' : '',
      source: SOURCES[Math.floor(rand() * rand() * SOURCES.length)]!,
      actor: `user${Math.floor(rand() * 9)}`,
      region: rand() < 0.5 ? 'us-east-1' : 'eu-west-1',
      seq: i,
    } as EventRow);
  }
  // The store's order: newest first.
  return rows.sort((a, b) => b.time - a.time || a.seq - b.seq);
}

/** Checks floor/next/prev and the histogram's counts against brute force over [from, to]. */
function checkAgainstBrute(from: number, to: number, s: BucketSize, zone: TimelineZone, step: number, events = 2000): void {
  // Start one bucket earlier so the first event's bucket start is inside the brute-force walk.
  const margin = s.unit === 'month' ? 32 * D : s.unit === 'week' ? 8 * D : s.ms + 2 * H;
  const walkFrom = from - margin;
  const starts = bruteStarts(walkFrom - (walkFrom % step), to + margin, s, zone, step);
  expect(starts.length).toBeGreaterThan(1);
  const wrong: string[] = [];
  for (let i = 0; i + 1 < starts.length; i++) {
    if (nextBucket(starts[i]!, s, zone) !== starts[i + 1]) wrong.push(`next of ${new Date(starts[i]!).toISOString()}`);
    if (prevBucket(starts[i + 1]!, s, zone) !== starts[i]) wrong.push(`prev of ${new Date(starts[i + 1]!).toISOString()}`);
  }
  const rows = rowsBetween(from, to, events);
  for (const row of rows) {
    if (floorBucket(row.time, s, zone) !== bruteFloor(starts, row.time)) wrong.push(`floor of ${new Date(row.time).toISOString()}`);
  }
  expect(wrong.slice(0, 5), `${s.label} ${zone}`).toEqual([]);
  // The histogram: counts per bucket, empty buckets included, from the oldest to the newest event's bucket.
  const h = histogram(rows, { size: s, zone });
  const first = bruteFloor(starts, rows[rows.length - 1]!.time);
  const last = bruteFloor(starts, rows[0]!.time);
  const expected = starts.filter((b) => b >= first && b <= last);
  expect(h.buckets.map((b) => b.start)).toEqual(expected);
  expect(bucketsBetween(rows[rows.length - 1]!.time, rows[0]!.time, s, zone)).toBe(expected.length);
  const counts = new Map<number, { count: number; errors: number }>();
  for (const row of rows) {
    const b = bruteFloor(starts, row.time);
    const c = counts.get(b) ?? { count: 0, errors: 0 };
    c.count++;
    if (row.errorCode) c.errors++;
    counts.set(b, c);
  }
  for (const bucket of h.buckets) {
    const c = counts.get(bucket.start) ?? { count: 0, errors: 0 };
    expect(bucket.count).toBe(c.count);
    expect(bucket.errors).toBe(c.errors);
    expect(bucket.parts).toEqual([c.count - c.errors, c.errors]);
  }
  expect(h.buckets.reduce((sum, b) => sum + b.count, 0)).toBe(rows.length);
}

describe('bucket sizes', () => {
  it('parses the listed sizes and equal spellings, and refuses others', () => {
    expect(parseBucketSize('5m')!.ms).toBe(5 * M);
    expect(parseBucketSize('60s')!.label).toBe('1m');
    expect(parseBucketSize('24h')!.label).toBe('1d');
    expect(parseBucketSize('7d')!.label).toBe('1w');
    expect(parseBucketSize('1mo')!.unit).toBe('month');
    expect(parseBucketSize('7m')).toBeNull();
    expect(parseBucketSize('abc')).toBeNull();
    expect(BUCKET_SIZES[0]!.label).toBe('1s');
  });

  it('chooses the smallest size that fits, from 1 s to 1 day', () => {
    const t = Date.UTC(2024, 2, 5, 14, 0, 0);
    expect(chooseBucketSize(t, t, 60).label).toBe('1s');
    expect(chooseBucketSize(t, t + 59 * S, 60).label).toBe('1s');
    expect(chooseBucketSize(t, t + 60 * S, 60).label).toBe('5s');
    expect(chooseBucketSize(t, t + 2 * H, 60).label).toBe('5m');
    expect(chooseBucketSize(t, t + 3 * 365 * D, 60).label).toBe('1d');
  });
});

describe('bucketing against brute force', () => {
  // Spring forward in New York: 2024-03-10 02:00 EST -> 03:00 EDT (07:00Z). Fall back: 2024-11-03 02:00 EDT -> 01:00 EST (06:00Z).
  const spring = Date.UTC(2024, 2, 10, 7);
  const fall = Date.UTC(2024, 10, 3, 6);

  for (const zone of ['utc', 'local'] as const) {
    for (const label of ['1m', '15m', '1h', '3h', '6h', '12h', '1d']) {
      it(`${label} buckets across both DST changes (${zone})`, () => {
        for (const at of [spring, fall]) checkAgainstBrute(at - 30 * H, at + 30 * H, size(label), zone, M);
      });
    }
    it(`1 s and 5 s buckets over the hour the clocks go back (${zone})`, () => {
      checkAgainstBrute(fall - 40 * M, fall + 40 * M, size('1s'), zone, S, 3000);
      checkAgainstBrute(fall - 40 * M, fall + 40 * M, size('5s'), zone, S, 3000);
    });
    it(`leap day (${zone})`, () => {
      const leap = Date.UTC(2024, 1, 29, 12);
      for (const label of ['1h', '1d', '1w', '1mo']) checkAgainstBrute(leap - 3 * D, leap + 3 * D, size(label), zone, 15 * M);
      expect(nextBucket(floorBucket(Date.UTC(2024, 1, 10), size('1mo'), zone), size('1mo'), zone)).toBe(floorBucket(Date.UTC(2024, 2, 1, 12), size('1mo'), zone));
    });
    it(`spans from 1 s to 3 years (${zone})`, () => {
      const t = Date.UTC(2023, 5, 15, 10, 30, 12);
      checkAgainstBrute(t, t + S, size('1s'), zone, S, 50);
      checkAgainstBrute(t, t + 10 * M, size('5s'), zone, S);
      checkAgainstBrute(t, t + 2 * D, size('30m'), zone, M);
      checkAgainstBrute(t, t + 60 * D, size('1d'), zone, 15 * M);
      checkAgainstBrute(t, t + 3 * 365 * D, size('1w'), zone, 15 * M, 3000);
      checkAgainstBrute(t, t + 3 * 365 * D, size('1mo'), zone, 15 * M, 3000);
    });
  }

  it('local 6 h buckets are 5 and 7 hours long on the nights the clocks change', () => {
    const six = size('6h');
    const springStart = floorBucket(spring - M, six, 'local');
    expect(nextBucket(springStart, six, 'local') - springStart).toBe(5 * H);
    const fallStart = floorBucket(fall - M, six, 'local');
    expect(nextBucket(fallStart, six, 'local') - fallStart).toBe(7 * H);
    // The hour that happens twice is two 1 h buckets.
    const hour = size('1h');
    const first = floorBucket(fall - 30 * M, hour, 'local');
    expect(nextBucket(first, hour, 'local')).toBe(fall);
    expect(floorBucket(fall + 30 * M, hour, 'local')).toBe(fall);
  });

  it('a single event: one bucket holding it', () => {
    const t = Date.UTC(2024, 2, 5, 14, 21, 7);
    const rows = rowsBetween(t, t, 1);
    for (const s of BUCKET_SIZES) {
      const h = histogram(rows, { size: s, zone: 'utc' });
      expect(h.buckets).toHaveLength(1);
      expect(h.buckets[0]!.start).toBeLessThanOrEqual(t);
      expect(h.buckets[0]!.end).toBeGreaterThan(t);
      expect(h.max).toBe(1);
    }
  });

  it('no events: no buckets, and a range asked for is all empty', () => {
    expect(histogram([], { size: size('1m'), zone: 'utc' }).buckets).toEqual([]);
    expect(timeSpan([])).toBeNull();
    const h = histogram([], { size: size('1m'), zone: 'utc', from: Date.UTC(2024, 0, 1), count: 3 });
    expect(h.buckets.map((b) => b.count)).toEqual([0, 0, 0]);
  });

  it('rows without a readable time are not counted', () => {
    const t = Date.UTC(2024, 2, 5, 14);
    const rows = [...rowsBetween(t, t + H, 100), { time: NaN, errorCode: '', seq: 999 } as EventRow];
    const h = histogram(rows, { size: size('1h'), zone: 'utc' });
    expect(h.buckets.reduce((sum, b) => sum + b.count, 0)).toBe(100);
  });

  it('a range in the middle counts only the rows inside it', () => {
    const t = Date.UTC(2024, 2, 5, 14);
    const rows = rowsBetween(t, t + 10 * H, 3000);
    const h = histogram(rows, { size: size('1h'), zone: 'utc', from: t + 3 * H + 5, count: 2 });
    const inside = rows.filter((r) => r.time >= t + 3 * H && r.time < t + 5 * H);
    expect(h.buckets[0]!.start).toBe(t + 3 * H);
    expect(h.buckets[0]!.count + h.buckets[1]!.count).toBe(inside.length);
  });

  it('stacks by a field: the top 5 values and Other add up to the count', () => {
    const t = Date.UTC(2024, 2, 5, 14);
    const rows = rowsBetween(t, t + 5 * H, 3000);
    const stack = stackFor(rows, 'source');
    expect(stack.values).toHaveLength(5);
    const brute = new Map<string, number>();
    for (const r of rows) brute.set(r.source, (brute.get(r.source) ?? 0) + 1);
    const top = [...brute].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([v]) => v);
    expect(topValues(rows, 'source')).toEqual(top);
    const h = histogram(rows, { size: size('1h'), zone: 'utc', stack });
    expect(h.parts).toEqual([...top, 'Other']);
    expect(partNames(stack)).toHaveLength(6);
    for (const bucket of h.buckets) {
      expect(bucket.parts.reduce((a, b) => a + b, 0)).toBe(bucket.count);
      const inBucket = rows.filter((r) => r.time >= bucket.start && r.time < bucket.end);
      expect(bucket.parts[0]).toBe(inBucket.filter((r) => r.source === top[0]).length);
      expect(bucket.parts[5]).toBe(inBucket.filter((r) => !top.includes(r.source)).length);
    }
  });
});
