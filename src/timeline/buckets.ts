/**
 * Time buckets: the steps of the timeline (1 s ... 1 week ... 1 month), and
 * where a bucket starts and ends in UTC or in the local zone.
 *
 * A bucket is a half-open interval of real time [start, next(start)). In the
 * local zone buckets follow the wall clock: an hour bucket starts at :00 local,
 * a 6 h bucket at 00/06/12/18 local, a day at local midnight, a week on Monday
 * at local midnight, a month on the 1st. So around a DST change a bucket can
 * be shorter or longer than its nominal size (the 00-06 bucket is 5 hours on
 * the night the clocks go forward, 7 when they go back); sizes below an hour
 * that divide it keep their nominal length. UTC buckets never change length
 * except months.
 *
 * No Ink, no rows here: pure arithmetic on epoch milliseconds.
 */
import { localTime, utcTime } from '../model/utc.js';

export type TimelineZone = 'utc' | 'local';

export interface BucketSize {
  /** How it is written: `1s`, `5m`, `1h`, `1d`, `1w`, `1mo`. */
  readonly label: string;
  /** Fixed sizes are a length in ms (below a day); the others follow the calendar. */
  readonly unit: 'fixed' | 'day' | 'week' | 'month';
  /** Nominal length in ms (a month counts 30 days), for choosing a size from a span. */
  readonly ms: number;
}

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

function fixed(label: string, ms: number): BucketSize {
  return { label, unit: 'fixed', ms };
}

/** Every bucket size, smallest first: what zooming steps through. */
export const BUCKET_SIZES: readonly BucketSize[] = [
  fixed('1s', S),
  fixed('5s', 5 * S),
  fixed('10s', 10 * S),
  fixed('15s', 15 * S),
  fixed('30s', 30 * S),
  fixed('1m', M),
  fixed('5m', 5 * M),
  fixed('10m', 10 * M),
  fixed('15m', 15 * M),
  fixed('30m', 30 * M),
  fixed('1h', H),
  fixed('3h', 3 * H),
  fixed('6h', 6 * H),
  fixed('12h', 12 * H),
  { label: '1d', unit: 'day', ms: D },
  { label: '1w', unit: 'week', ms: 7 * D },
  { label: '1mo', unit: 'month', ms: 30 * D },
];

/** The size written as `5m`, `1h`, `1d` ... (also `60s`, `2h` when they equal a listed size); null otherwise. */
export function parseBucketSize(text: string): BucketSize | null {
  const t = text.trim().toLowerCase();
  const listed = BUCKET_SIZES.find((size) => size.label === t);
  if (listed) return listed;
  if (t === '1month' || t === 'month') return BUCKET_SIZES[BUCKET_SIZES.length - 1]!;
  const m = /^(\d+)(s|m|h|d|w)$/.exec(t);
  if (!m) return null;
  const ms = Number(m[1]) * { s: S, m: M, h: H, d: D, w: 7 * D }[m[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  return BUCKET_SIZES.find((size) => size.ms === ms && size.unit !== 'month') ?? null;
}

/** The listed sizes, for messages: `1s, 5s, ... 1w, 1mo`. */
export function bucketSizeLabels(): string {
  return BUCKET_SIZES.map((size) => size.label).join(', ');
}

/** The zone's offset from UTC at an instant, in ms (local: what the Date API says for the process's TZ). */
export function zoneOffset(zone: TimelineZone, t: number): number {
  return zone === 'utc' ? 0 : -new Date(t).getTimezoneOffset() * M;
}

function mod(a: number, n: number): number {
  const r = a % n;
  return r < 0 ? r + n : r;
}

/** Start of the fixed-size bucket holding t: the last instant <= t whose wall clock is a multiple of the size. */
function floorFixed(t: number, size: number, zone: TimelineZone): number {
  if (zone === 'utc') return t - mod(t, size);
  const off = zoneOffset(zone, t);
  const c = t - mod(t + off, size);
  const offC = zoneOffset(zone, c);
  if (offC === off) return c;
  // A clock change lies in (c, t]: no aligned instant in t's stretch of offset, so the bucket began in the stretch before it.
  let x = t - mod(t + offC, size);
  if (zoneOffset(zone, x) !== offC) x -= size;
  return x;
}

/** The fixed-size bucket start after `start` (itself a bucket start). */
function nextFixed(start: number, size: number, zone: TimelineZone): number {
  const n = start + size;
  if (zone === 'utc') return n;
  const off = zoneOffset(zone, start);
  const offN = zoneOffset(zone, n);
  if (offN === off) return n;
  // The clock changed in (start, n]: the next boundary is the first aligned instant on the far side of the change.
  const c = n - mod(n + offN, size);
  if (c > start && zoneOffset(zone, c) === offN) return c;
  return c + size;
}

interface Fields {
  y: number;
  mo: number;
  d: number;
  /** Day of week, Monday 0. */
  dow: number;
}

function fieldsOf(t: number, zone: TimelineZone): Fields {
  const date = new Date(t);
  if (zone === 'utc') return { y: date.getUTCFullYear(), mo: date.getUTCMonth(), d: date.getUTCDate(), dow: (date.getUTCDay() + 6) % 7 };
  return { y: date.getFullYear(), mo: date.getMonth(), d: date.getDate(), dow: (date.getDay() + 6) % 7 };
}

/** Midnight at the start of a calendar day (day may overflow the month: the Date API carries it). */
function midnight(y: number, mo: number, d: number, zone: TimelineZone): number {
  return zone === 'utc' ? utcTime(y, mo, d) : localTime(y, mo, d);
}

/** Start of the bucket that holds t. */
export function floorBucket(t: number, size: BucketSize, zone: TimelineZone): number {
  if (size.unit === 'fixed') return floorFixed(t, size.ms, zone);
  const f = fieldsOf(t, zone);
  if (size.unit === 'day') return midnight(f.y, f.mo, f.d, zone);
  if (size.unit === 'week') return midnight(f.y, f.mo, f.d - f.dow, zone);
  return midnight(f.y, f.mo, 1, zone);
}

/** Start of the bucket after the one starting at `start`. */
export function nextBucket(start: number, size: BucketSize, zone: TimelineZone): number {
  if (size.unit === 'fixed') return nextFixed(start, size.ms, zone);
  const f = fieldsOf(start, zone);
  if (size.unit === 'day') return midnight(f.y, f.mo, f.d + 1, zone);
  if (size.unit === 'week') return midnight(f.y, f.mo, f.d - f.dow + 7, zone);
  return midnight(f.y, f.mo + 1, 1, zone);
}

/** Start of the bucket before the one starting at `start`. */
export function prevBucket(start: number, size: BucketSize, zone: TimelineZone): number {
  return floorBucket(start - 1, size, zone);
}

/** `count` consecutive bucket starts from the bucket holding `from`, plus the end of the last one (count + 1 numbers). */
export function bucketBounds(from: number, count: number, size: BucketSize, zone: TimelineZone): number[] {
  const bounds = new Array<number>(Math.max(0, count) + 1);
  let b = floorBucket(from, size, zone);
  bounds[0] = b;
  for (let i = 1; i <= count; i++) {
    b = nextBucket(b, size, zone);
    bounds[i] = b;
  }
  return bounds;
}

/** How many buckets from the one holding `first` to the one holding `last`, inclusive (stops counting at `cap`). */
export function bucketsBetween(first: number, last: number, size: BucketSize, zone: TimelineZone, cap = Number.MAX_SAFE_INTEGER): number {
  if (last < first) return 0;
  const a = floorBucket(first, size, zone);
  const b = floorBucket(last, size, zone);
  // Buckets that divide an hour keep their length through clock changes of a whole hour (all but Lord Howe Island).
  if (size.unit === 'fixed' && (zone === 'utc' || H % size.ms === 0)) return Math.min(cap, Math.round((b - a) / size.ms) + 1);
  // Longer local and calendar buckets: step (a 3 h bucket over 3 years is 8,760 steps).
  let n = 1;
  let x = a;
  while (x < b && n < cap) {
    x = nextBucket(x, size, zone);
    n++;
  }
  return Math.min(n, cap);
}

/**
 * The smallest size that puts [first, last] into at most `maxBuckets`
 * buckets, among sizes from `min` to `max` (the strip uses 1 s to 1 day).
 */
export function chooseBucketSize(first: number, last: number, maxBuckets: number, min = '1s', max = '1d'): BucketSize {
  const lo = BUCKET_SIZES.findIndex((s) => s.label === min);
  const hi = BUCKET_SIZES.findIndex((s) => s.label === max);
  const span = Math.max(0, last - first);
  for (let i = lo; i <= hi; i++) {
    const size = BUCKET_SIZES[i]!;
    // Nominal count first (cheap), then the real one for the candidate.
    if (span / size.ms + 1 > maxBuckets + 1) continue;
    if (bucketsBetween(first, last, size, 'utc', maxBuckets + 1) <= maxBuckets) return size;
  }
  return BUCKET_SIZES[hi]!;
}

/**
 * The size a histogram opens at, on the folder dashboard and on --db alike: the whole span of
 * [first, last] in `lines` lines when a size up to a month allows, else a month.
 */
export function histogramOpeningSize(first: number, last: number, lines: number): BucketSize {
  return chooseBucketSize(first, last, Math.max(1, lines), '1s', '1mo');
}
