/**
 * Where the --db histogram's buckets lie: the folder dashboard's own buckets
 * (timeline/buckets.ts: a week from Monday midnight, a month from the 1st,
 * in UTC or the local zone), counted by SQL.
 *
 * The bounds are worked out here by the folder's code, not again in SQL, so
 * the two dashboards cannot drift apart. SQL only groups events by a grain:
 * a length every bucket bound is a whole multiple of (a UTC day for a UTC
 * week or month; a quarter hour in the local zone, as every zone's offset
 * is a whole number of quarter hours). Each grain then lies inside one
 * bucket, and the grains, read in time order, are added into their buckets
 * in one pass. A GROUP BY on an integer division is what the fixed sizes
 * always cost (a UTC 5m bucket is its own grain); an ASOF join on the bounds
 * measured 10-15x slower over 5M events.
 */
import { bucketBounds, bucketsBetween, type BucketSize, type TimelineZone } from '../timeline/buckets.js';

/** A histogram's bucket size and the zone its bounds follow, as the folder dashboard's histogram takes them. */
export interface BucketGrid {
  size: BucketSize;
  zone: TimelineZone;
}

const QUARTER_HOUR = 15 * 60_000;
const DAY = 24 * 60 * 60_000;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * The grain of a grid: in UTC a fixed size is its own grain and a day, week or month starts at a UTC
 * midnight; in the local zone a bound is a wall-clock multiple of the size (or midnight) shifted by an
 * offset of whole quarter hours (timeline/buckets.ts floorBucket), so a multiple of both.
 */
export function grainMs({ size, zone }: BucketGrid): number {
  if (zone === 'utc') return size.unit === 'fixed' ? size.ms : DAY;
  return size.unit === 'fixed' ? gcd(size.ms, QUARTER_HOUR) : QUARTER_HOUR;
}

/**
 * The bounds of the buckets from the one holding `from` through the one holding `to - 1` (`to`
 * exclusive, as the callers pass the newest time + 1): bucket i is [bounds[i], bounds[i + 1]).
 */
export function gridBounds(grid: BucketGrid, from: number, to: number): number[] {
  const last = Math.max(from, Math.ceil(to) - 1);
  return bucketBounds(from, bucketsBetween(from, last, grid.size, grid.zone), grid.size, grid.zone);
}

/**
 * The SQL for an event's grain, as an index from `bounds[0]` (a bucket start, so a multiple of the
 * grain): the events are filtered to tt_time >= bounds[0], so the division never meets a negative
 * number (DuckDB's // truncates towards zero, which is not the floor there). Only numbers made here.
 */
export function grainSql(grid: BucketGrid, bounds: readonly number[]): { grain: string; where: string[] } {
  const lo = Math.floor(bounds[0]!);
  const hi = Math.floor(bounds[bounds.length - 1]!);
  return { grain: `((tt_time - ${lo}) // ${grainMs(grid)})`, where: [`tt_time >= ${lo}`, `tt_time < ${hi}`] };
}

/**
 * Calls `add(bucket, row)` for each row of a grain index (the first column, as grainSql made it),
 * `rows` sorted by it: one walk along the bounds.
 */
export function foldGrains(grid: BucketGrid, bounds: readonly number[], rows: readonly unknown[][], add: (bucket: number, row: readonly unknown[]) => void): void {
  const g = grainMs(grid);
  const lo = bounds[0]!;
  let bucket = 0;
  for (const row of rows) {
    const start = lo + Number(row[0]) * g;
    while (bucket < bounds.length - 2 && start >= bounds[bucket + 1]!) bucket++;
    add(bucket, row);
  }
}
