/**
 * Counting events into time buckets.
 *
 * Rows come newest first, in the store's (and the filtered view's) time
 * order, with unreadable times last: nothing is sorted here. The rows inside
 * a time range are found by binary search and walked once, oldest first,
 * while a pointer steps through the bucket bounds, so a histogram costs one
 * pass over the rows it covers plus one step per bucket. An error is what
 * model/failure.ts says (an errorCode, or a failed console sign-in), as in
 * the list's `!` and `error:*`.
 */
import { rowSource, topValues as columnTopValues } from '../investigate/topValues.js';
import { FAILED_WITHOUT_CODE_NAME, isFailedConsoleLogin } from '../model/failure.js';
import type { EventRow } from '../model/types.js';
import { EMPTY_ID, ON_ROW_ID, type ScalarKey } from '../store/columns.js';
import type { EventStore } from '../store/eventStore.js';
import { bucketBounds, bucketsBetween, floorBucket, type BucketSize, type TimelineZone } from './buckets.js';

/** What the bars are split by: errors against successes, or the top values of a field. */
export type StackField = 'errors' | 'source' | 'user' | 'region';

/** The order Tab cycles through. */
export const STACK_FIELDS: readonly StackField[] = ['errors', 'source', 'user', 'region'];

/** How the stack field is named on screen. */
export const STACK_TITLES: Readonly<Record<StackField, string>> = { errors: 'errors', source: 'event source', user: 'user', region: 'region' };

/** How many values of a field get their own part; the rest are Other. */
export const TOP_PARTS = 5;

/** The row's value for a stack field (user: the actor label). */
export function stackValue(row: EventRow, field: Exclude<StackField, 'errors'>): string {
  return field === 'source' ? row.source : field === 'user' ? row.actor : row.region;
}

/** The parts a bar is split into. */
export interface StackSpec {
  field: StackField;
  /** For a field: its top values; every other value is counted as Other (the last part). */
  values: readonly string[];
  /** The part of a row without hashing its value (from the store's column ids); absent: a Map of values. */
  partOf?: (row: EventRow) => number;
}

export const ERROR_STACK: StackSpec = { field: 'errors', values: [] };

/** Names of the parts, in drawing order. */
export function partNames(stack: StackSpec): string[] {
  if (stack.field === 'errors') return ['success', 'error'];
  return [...stack.values.map((v) => v || '(none)'), 'Other'];
}

export interface Bucket {
  start: number;
  /** Start of the next bucket (exclusive end). */
  end: number;
  count: number;
  errors: number;
  /** Counts per part (see partNames); they add up to count. */
  parts: number[];
}

export interface Histogram {
  size: BucketSize;
  zone: TimelineZone;
  buckets: Bucket[];
  parts: string[];
  /** The largest count of a bucket (0 when all are empty). */
  max: number;
}

/** Index one past the last row with a readable time, in newest-first rows (unreadable times sort last). */
export function readableEnd(rows: readonly Pick<EventRow, 'time'>[]): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (Number.isNaN(rows[mid]!.time)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Events of newest-first rows (unreadable times last) that have no readable time: in no bucket. */
export function untimedCount(rows: readonly Pick<EventRow, 'time'>[]): number {
  return rows.length - readableEnd(rows);
}

/** Oldest and newest readable times of newest-first rows; null when none has one. */
export function timeSpan(rows: readonly Pick<EventRow, 'time'>[]): { first: number; last: number } | null {
  const end = readableEnd(rows);
  if (end === 0) return null;
  return { first: rows[end - 1]!.time, last: rows[0]!.time };
}

/** First index in [0, end) of newest-first rows whose time is < t (end when none). */
export function firstOlderThan(rows: readonly Pick<EventRow, 'time'>[], t: number, end: number): number {
  let lo = 0;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]!.time >= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many newest-first rows have a time in [start, end): two binary searches. */
export function eventsBetween(rows: readonly Pick<EventRow, 'time'>[], start: number, end: number): number {
  const readable = readableEnd(rows);
  return firstOlderThan(rows, start, readable) - firstOlderThan(rows, end, readable);
}

/** The `n` most frequent values of a field over the rows (ties by value), most frequent first. */
export function topValues(rows: readonly EventRow[], field: Exclude<StackField, 'errors'>, n = TOP_PARTS): string[] {
  const counts = new Map<string, number>();
  for (let i = 0; i < rows.length; i++) {
    const value = stackValue(rows[i]!, field);
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, n)
    .map(([value]) => value);
}

/**
 * The stack spec for a field over these rows. With the store the rows came
 * from, the top values are counted by the store's column ids (the `T` view's
 * counter: typed arrays, no Map per row); without it by a Map of row values.
 */
export function stackFor(rows: readonly EventRow[], field: StackField, store?: EventStore): StackSpec {
  if (field === 'errors') return ERROR_STACK;
  if (store) {
    const values = columnTopValues(store, rows, field, TOP_PARTS).values.map((v) => v.value);
    return { field, values, partOf: columnPartOf(store, field, values) };
  }
  return { field, values: topValues(rows, field) };
}

const STACK_COLUMNS: Readonly<Record<Exclude<StackField, 'errors'>, ScalarKey>> = { source: 'source', user: 'actor', region: 'region' };

/**
 * A row's part by its column id: one table lookup by row.seq, then one by
 * value id. Rows the snapshot does not cover (arrived later) and values the
 * column keeps on the row (ON_ROW_ID) are looked up by value.
 */
function columnPartOf(store: EventStore, field: Exclude<StackField, 'errors'>, values: readonly string[]): (row: EventRow) => number {
  const column = store.columns().scalars[STACK_COLUMNS[field]];
  const ids = column.rows.ids;
  const covered = column.rows.length;
  const other = values.length;
  const partById = new Uint8Array(column.values.length).fill(other);
  const byValue = new Map<string, number>();
  values.forEach((value, i) => byValue.set(value, i));
  column.values.forEach((value, id) => {
    if (id > ON_ROW_ID) partById[id] = byValue.get(value) ?? other;
  });
  return (row) => {
    const seq = row.seq;
    if (seq >= 0 && seq < covered) {
      const id = ids[seq]!;
      if (id === EMPTY_ID) return other;
      if (id !== ON_ROW_ID && id < partById.length) return partById[id]!;
    }
    return byValue.get(stackValue(row, field)) ?? other;
  };
}

/**
 * Counts newest-first rows into the buckets given by `bounds` (bucket i is
 * [bounds[i], bounds[i+1])). Rows outside the bounds and rows without a
 * readable time are not counted.
 */
export function countInto(
  rows: readonly EventRow[],
  bounds: readonly number[],
  stack: StackSpec = ERROR_STACK,
  store?: EventStore,
): { counts: Uint32Array; errors: Uint32Array; parts: Uint32Array[] } {
  const n = Math.max(0, bounds.length - 1);
  const counts = new Uint32Array(n);
  const errors = new Uint32Array(n);
  const partCount = stack.field === 'errors' ? 2 : stack.values.length + 1;
  const parts = Array.from({ length: partCount }, () => new Uint32Array(n));
  if (n === 0) return { counts, errors, parts };
  if (store && stack.field === 'errors') {
    const source = rowSource(store, rows);
    if (source.order) {
      countErrorsByColumn(store, source.order, source.times, bounds, counts, parts[1]!);
      errors.set(parts[1]!);
      for (let b = 0; b < n; b++) parts[0]![b] = counts[b]! - parts[1]![b]!;
      return { counts, errors, parts };
    }
  }
  const end = readableEnd(rows);
  const lo = firstOlderThan(rows, bounds[n]!, end); // newest row inside the range
  const hi = firstOlderThan(rows, bounds[0]!, end); // one past the oldest row inside the range
  let k = 0;
  let next = bounds[1]!;
  if (stack.field === 'errors') {
    const errorPart = parts[1]!;
    for (let i = hi - 1; i >= lo; i--) {
      const row = rows[i]!;
      const t = row.time;
      while (t >= next) next = bounds[++k + 1]!;
      counts[k]!++;
      if (row.errorCode !== '' || isFailedConsoleLogin(row)) errorPart[k]!++;
    }
    errors.set(errorPart);
    for (let b = 0; b < n; b++) parts[0]![b] = counts[b]! - errorPart[b]!;
    return { counts, errors, parts };
  }
  const index = new Map<string, number>();
  stack.values.forEach((value, i) => index.set(value, i));
  const other = stack.values.length;
  const field = stack.field;
  const partOf = stack.partOf ?? ((row: EventRow): number => index.get(stackValue(row, field)) ?? other);
  for (let i = hi - 1; i >= lo; i--) {
    const row = rows[i]!;
    const t = row.time;
    while (t >= next) next = bounds[++k + 1]!;
    counts[k]!++;
    if (row.errorCode !== '' || isFailedConsoleLogin(row)) errors[k]!++;
    parts[partOf(row)]![k]!++;
  }
  return { counts, errors, parts };
}

/**
 * countInto's errors stack from typed arrays: `order` holds the rows' seqs
 * (newest first, unreadable times last), `times` the store's derived time
 * column by seq. Binary search and a bucket pointer as over rows; an error is
 * a non-empty errorCode column id, and only a row with no errorCode whose
 * name is ConsoleLogin (or not kept by the name column) is read as an object,
 * for model/failure.ts's rule. Rows the error-code column does not cover are
 * read whole.
 */
function countErrorsByColumn(
  store: EventStore,
  order: Int32Array,
  times: Float64Array,
  bounds: readonly number[],
  counts: Uint32Array,
  errorPart: Uint32Array,
): void {
  const n = counts.length;
  const timeAt = (i: number): number => times[order[i]!]!;
  // Unreadable (NaN) times come last in the order.
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (Number.isNaN(timeAt(mid))) hi = mid;
    else lo = mid + 1;
  }
  const readable = lo;
  const olderThan = (t: number): number => {
    let a = 0;
    let b = readable;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (timeAt(mid) >= t) a = mid + 1;
      else b = mid;
    }
    return a;
  };
  const first = olderThan(bounds[n]!); // newest row inside the range
  const last = olderThan(bounds[0]!); // one past the oldest row inside the range
  const columns = store.columns();
  const codeIds = columns.scalars.errorCode.rows.ids;
  const codeCovered = columns.scalars.errorCode.rows.length;
  const nameColumn = columns.scalars.name;
  const nameIds = nameColumn.rows.ids;
  const nameCovered = nameColumn.rows.length;
  const found = nameColumn.values.indexOf(FAILED_WITHOUT_CODE_NAME);
  // ids 0 and 1 are not values: -1 (no row has it) when the name is not in the dictionary.
  const signInId = found > ON_ROW_ID ? found : -1;
  const log = store.log();
  let k = 0;
  let next = bounds[1]!;
  for (let i = last - 1; i >= first; i--) {
    const seq = order[i]!;
    const t = times[seq]!;
    while (t >= next) next = bounds[++k + 1]!;
    counts[k]!++;
    if (seq >= codeCovered) {
      const row = log[seq]!;
      if (row.errorCode !== '' || isFailedConsoleLogin(row)) errorPart[k]!++;
      continue;
    }
    // A value the column did not keep (ON_ROW_ID) is still a non-empty errorCode.
    if (codeIds[seq] !== EMPTY_ID) {
      errorPart[k]!++;
      continue;
    }
    const nameId = seq < nameCovered ? nameIds[seq]! : ON_ROW_ID;
    if ((nameId === signInId || nameId === ON_ROW_ID) && isFailedConsoleLogin(log[seq]!)) errorPart[k]!++;
  }
}

export interface HistogramOptions {
  size: BucketSize;
  zone: TimelineZone;
  /** Bucket holding this instant comes first (default: the oldest row's). */
  from?: number;
  /** How many buckets (default: through the newest row's). */
  count?: number;
  stack?: StackSpec;
  /** Never more buckets than this (default 100,000). */
  maxBuckets?: number;
  /**
   * The store the rows belong to (all of store.rows(), or a filtered list of
   * them): the errors stack is then counted from typed arrays (the rows' seqs
   * and the store's derived time column), without reading row objects.
   */
  store?: EventStore;
}

/**
 * The histogram of newest-first rows: `count` buckets from the one holding
 * `from`, empty buckets included. Without from/count it covers the rows'
 * whole time span; with no readable times it is empty.
 */
export function histogram(rows: readonly EventRow[], options: HistogramOptions): Histogram {
  const { size, zone } = options;
  const stack = options.stack ?? ERROR_STACK;
  const names = partNames(stack);
  const span = timeSpan(rows);
  const from = options.from ?? span?.first;
  if (from === undefined) return { size, zone, buckets: [], parts: names, max: 0 };
  const cap = options.maxBuckets ?? 100_000;
  const count = Math.min(cap, options.count ?? (span ? bucketsBetween(from, span.last, size, zone, cap) : 0));
  const bounds = bucketBounds(from, count, size, zone);
  const { counts, errors, parts } = countInto(rows, bounds, stack, options.store);
  const buckets: Bucket[] = new Array(count);
  let max = 0;
  for (let i = 0; i < count; i++) {
    const c = counts[i]!;
    if (c > max) max = c;
    buckets[i] = { start: bounds[i]!, end: bounds[i + 1]!, count: c, errors: errors[i]!, parts: parts.map((p) => p[i]!) };
  }
  return { size, zone, buckets, parts: names, max };
}

