/**
 * Top values: for the rows of the current filter, the most frequent values
 * of one field with their count and first and last time. The answer to the
 * first question of every incident ("who, from where, with which key").
 *
 * Fields the store keeps as columns (store/columns.ts) are counted by value
 * id: one typed-array increment per row, the strings are touched only once
 * per distinct value at the end. Values a column did not keep (its
 * dictionary was full) and fields without a column are counted by string.
 * Plain data, no Ink.
 */
import type { EventRow, ResourceRef } from '../model/types.js';
import { EMPTY_ID, ON_ROW_ID, type RowColumns, type ScalarKey, type ValueColumn } from '../store/columns.js';
import type { EventStore } from '../store/eventStore.js';
import { derivedColumns, fullColumn, timeColumn } from './derivedColumns.js';

export type TopField = 'user' | 'ip' | 'key' | 'name' | 'source' | 'error' | 'region' | 'account' | 'agent' | 'resource' | 'identity';

export interface TopFieldSpec {
  field: TopField;
  /** The column header and Tab label. */
  label: string;
  /** The query field a value filters by (query/fields.ts). */
  queryField: string;
}

/** In the order Tab cycles through them. */
export const TOP_FIELDS: readonly TopFieldSpec[] = [
  { field: 'user', label: 'User', queryField: 'user' },
  { field: 'ip', label: 'Source IP', queryField: 'ip' },
  { field: 'key', label: 'Access key', queryField: 'key' },
  { field: 'name', label: 'Event name', queryField: 'name' },
  { field: 'source', label: 'Event source', queryField: 'source' },
  { field: 'error', label: 'Error code', queryField: 'error' },
  { field: 'region', label: 'Region', queryField: 'region' },
  { field: 'account', label: 'Account', queryField: 'account' },
  { field: 'agent', label: 'User agent', queryField: 'agent' },
  { field: 'resource', label: 'Resource', queryField: 'resource' },
  { field: 'identity', label: 'Identity type', queryField: 'identity' },
];

export function topFieldSpec(field: TopField): TopFieldSpec {
  return TOP_FIELDS.find((spec) => spec.field === field)!;
}

export interface TopValue {
  value: string;
  count: number;
  /** Oldest and newest event time (epoch ms); NaN when no row had a time. */
  first: number;
  last: number;
}

export interface TopResult {
  field: TopField;
  /** The most frequent values, most first (ties: the value that sorts first). */
  values: TopValue[];
  /** Rows looked at. */
  rows: number;
  /** Rows with no value for the field. */
  empty: number;
  /** Distinct values seen. */
  distinct: number;
}

/** Counts, and first/last times, for one kind of key. */
class Tally<K> {
  readonly entries = new Map<K, TopValue>();
  add(key: K, value: string, time: number): void {
    const entry = this.entries.get(key);
    if (entry) {
      entry.count++;
      if (time < entry.first) entry.first = time;
      if (time > entry.last) entry.last = time;
    } else {
      // A row without a time (NaN) must not become the first or last time.
      const timed = time === time;
      this.entries.set(key, { value, count: 1, first: timed ? time : Infinity, last: timed ? time : -Infinity });
    }
  }
}

/** Counting by a column's value ids, in typed arrays. */
class IdCounts {
  readonly counts: Int32Array;
  readonly first: Float64Array;
  readonly last: Float64Array;
  constructor(size: number) {
    this.counts = new Int32Array(size);
    this.first = new Float64Array(size).fill(Infinity);
    this.last = new Float64Array(size).fill(-Infinity);
  }
  /** A copy with room for `size` ids. */
  grown(size: number): IdCounts {
    const next = new IdCounts(size);
    next.counts.set(this.counts);
    next.first.set(this.first);
    next.last.set(this.last);
    return next;
  }
  add(id: number, time: number): void {
    this.counts[id]!++;
    // NaN compares false both ways, so a row without a time leaves first/last alone.
    if (time < this.first[id]!) this.first[id] = time;
    if (time > this.last[id]!) this.last[id] = time;
  }
}

/** Whether a ranks above b: more events first, then the value that sorts first. */
function above(countA: number, valueA: string, countB: number, valueB: string): boolean {
  return countA > countB || (countA === countB && valueA < valueB);
}

/**
 * The best `limit` values offered, kept sorted: a value is compared with the
 * current last one and only the few that rank above it are inserted, so a
 * field with 100k distinct values costs 100k number comparisons, not a sort.
 */
class Best {
  readonly values: TopValue[] = [];
  distinct = 0;
  constructor(private readonly limit: number) {}
  offer(value: string, count: number, first: number, last: number): void {
    if (count === 0 || value === '') return;
    this.distinct++;
    const values = this.values;
    if (values.length >= this.limit) {
      const worst = values[values.length - 1]!;
      if (!above(count, value, worst.count, worst.value)) return;
      values.pop();
    }
    let at = values.length;
    while (at > 0 && above(count, value, values[at - 1]!.count, values[at - 1]!.value)) at--;
    values.splice(at, 0, { value, count, first: first === Infinity ? NaN : first, last: last === -Infinity ? NaN : last });
  }
}

function merge(into: Map<string, TopValue>, value: string, count: number, first: number, last: number): void {
  if (count === 0 || value === '') return;
  const entry = into.get(value);
  if (!entry) {
    into.set(value, { value, count, first, last });
    return;
  }
  entry.count += count;
  if (first < entry.first) entry.first = first;
  if (last > entry.last) entry.last = last;
}

function finish(field: TopField, merged: Map<string, TopValue>, rows: number, empty: number, limit: number): TopResult {
  const best = new Best(limit);
  for (const v of merged.values()) best.offer(v.value, v.count, v.first, v.last);
  return { field, values: best.values, rows, empty, distinct: best.distinct };
}

/** A dictionary-encoded column, whichever keeps it (the store's, or derivedColumns.ts). */
interface IdColumn {
  readonly values: readonly string[];
  readonly rows: { readonly ids: ArrayLike<number>; readonly length: number };
  read(row: EventRow): string;
}

function scalarColumnOf(columns: RowColumns, key: ScalarKey, store: EventStore): IdColumn {
  const column: ValueColumn = columns.scalars[key];
  // A column that kept only part of its values (mostly distinct ones) is counted from a full dictionary of our own.
  if (column.overflowed || column.gaveUp) return fullColumn(store, key);
  return { values: column.values, rows: column.rows, read: (row) => row[key] };
}

function columnsFor(store: EventStore, field: TopField): IdColumn[] {
  const columns = store.columns();
  const scalarColumn = (c: RowColumns, key: ScalarKey): IdColumn => scalarColumnOf(c, key, store);
  switch (field) {
    case 'user':
      return [scalarColumn(columns, 'actor')];
    case 'ip':
      return [scalarColumn(columns, 'sourceIp')];
    case 'key':
      return [scalarColumn(columns, 'accessKey')];
    case 'name':
      return [scalarColumn(columns, 'name')];
    case 'source':
      return [scalarColumn(columns, 'source')];
    case 'error':
      return [scalarColumn(columns, 'errorCode')];
    case 'region':
      return [scalarColumn(columns, 'region')];
    case 'account':
      // The account the list shows: the recipient account, else the caller's.
      return [scalarColumn(columns, 'recipientAccount'), scalarColumn(columns, 'account')];
    case 'agent':
      return [derivedColumns(store).agent];
    case 'identity':
      return [derivedColumns(store).identity];
    case 'resource':
      return [];
  }
}

/** A resource's key: its ARN when known, else its name (what `resource:` matches and the details pivot on). */
export function resourceKey(resource: ResourceRef): string {
  return resource.arn || resource.name;
}

/**
 * Where the rows are: all of the store's rows (`order`: their seqs, and a
 * time column, so no row object is touched), or a filtered list read row by row.
 */
export interface RowSource {
  order: Int32Array | null;
  times: Float64Array;
}

/** The seqs of filtered row lists already counted once: Tab through the fields reads them, not the rows. */
const seqsOf = new WeakMap<readonly EventRow[], Int32Array>();

/**
 * The rows as seqs (store.order() for the unfiltered list, else made once per
 * filtered list and cached) and the store's derived time column; order is
 * null when a row is not in the store's columns (yet). Also the timeline's
 * histogram counter (timeline/histogram.ts).
 */
export function rowSource(store: EventStore, rows: readonly EventRow[]): RowSource {
  // Only the time column: the histogram counts through here too, and needs no other derived column.
  const timeCol = timeColumn(store);
  const times = timeCol.data;
  // The unfiltered list is the store's own array: its seqs are cached as a typed array (store.order()).
  if (rows === store.rows()) return { order: store.order(), times };
  const cached = seqsOf.get(rows);
  if (cached) return { order: cached, times };
  const seqs = new Int32Array(rows.length);
  const covered = timeCol.length;
  for (let i = 0; i < rows.length; i++) {
    const seq = rows[i]!.seq;
    // A row the store does not hold (yet) is read as a row.
    if (seq < 0 || seq >= covered) return { order: null, times };
    seqs[i] = seq;
  }
  seqsOf.set(rows, seqs);
  return { order: seqs, times };
}

function countColumns(rows: readonly EventRow[], source: RowSource, cols: readonly IdColumn[], field: TopField, limit: number): TopResult {
  const { order, times } = source;
  const primary = cols[0]!;
  const second = cols[1];
  const ids1 = primary.rows.ids;
  const len1 = primary.rows.length;
  const counts1 = new IdCounts(primary.values.length);
  const ids2 = second?.rows.ids;
  const len2 = second?.rows.length ?? 0;
  const counts2 = second ? new IdCounts(second.values.length) : null;
  const onRow = new Tally<string>();
  let empty = 0;
  for (let i = 0; i < rows.length; i++) {
    let seq: number;
    let time: number;
    if (order) {
      seq = order[i]!;
      time = times[seq]!;
    } else {
      const row = rows[i]!;
      seq = row.seq;
      time = row.time;
    }
    // A row the columns do not cover yet (seq past their end) is read directly.
    let id = seq >= 0 && seq < len1 ? ids1[seq]! : ON_ROW_ID;
    if (id === EMPTY_ID && ids2 && counts2) {
      id = seq >= 0 && seq < len2 ? ids2[seq]! : ON_ROW_ID;
      if (id === EMPTY_ID) empty++;
      else if (id === ON_ROW_ID) {
        const value = second!.read(rows[i]!);
        if (value === '') empty++;
        else onRow.add(value, value, time);
      } else counts2.add(id, time);
      continue;
    }
    if (id === EMPTY_ID) empty++;
    else if (id === ON_ROW_ID) {
      const row = rows[i]!;
      const value = primary.read(row) || (second ? second.read(row) : '');
      if (value === '') empty++;
      else onRow.add(value, value, time);
    } else counts1.add(id, time);
  }
  const c1 = counts1.counts;
  if (!counts2 && onRow.entries.size === 0) {
    // One column, every row in it: each value was counted under one id, so nothing needs merging.
    const best = new Best(limit);
    for (let id = 2; id < c1.length; id++) if (c1[id]! > 0) best.offer(primary.values[id]!, c1[id]!, counts1.first[id]!, counts1.last[id]!);
    return { field, values: best.values, rows: rows.length, empty, distinct: best.distinct };
  }
  const merged = new Map<string, TopValue>();
  for (let id = 2; id < c1.length; id++) if (c1[id]! > 0) merge(merged, primary.values[id]!, c1[id]!, counts1.first[id]!, counts1.last[id]!);
  if (counts2) {
    const c2 = counts2.counts;
    for (let id = 2; id < c2.length; id++) if (c2[id]! > 0) merge(merged, second!.values[id]!, c2[id]!, counts2.first[id]!, counts2.last[id]!);
  }
  for (const v of onRow.entries.values()) merge(merged, v.value, v.count, v.first, v.last);
  return finish(field, merged, rows.length, empty, limit);
}

function countResources(rows: readonly EventRow[], source: RowSource, store: EventStore, limit: number): TopResult {
  const { order, times } = source;
  // Each row's distinct resource keys by seq (derivedColumns.ts), all rows covered.
  const keys = derivedColumns(store).resources;
  const ids = keys.ids.data;
  const offsets = keys.offsets.data;
  const covered = keys.length;
  const counts = new IdCounts(keys.keys.length);
  const loose = new Tally<string>();
  let empty = 0;
  for (let i = 0; i < rows.length; i++) {
    let seq: number;
    let time: number;
    if (order) {
      seq = order[i]!;
      time = times[seq]!;
    } else {
      const row = rows[i]!;
      seq = row.seq;
      time = row.time;
    }
    if (seq < 0 || seq >= covered) {
      // Not in the store (yet): its own resources.
      const own = [...new Set(rows[i]!.resources.map(resourceKey).filter((key) => key !== ''))];
      if (own.length === 0) empty++;
      for (const key of own) loose.add(key, key, time);
      continue;
    }
    const from = offsets[seq]!;
    const to = offsets[seq + 1]!;
    if (from === to) {
      empty++;
      continue;
    }
    for (let k = from; k < to; k++) counts.add(ids[k]!, time);
  }
  const c = counts.counts;
  if (loose.entries.size === 0) {
    const best = new Best(limit);
    for (let id = 0; id < c.length; id++) if (c[id]! > 0) best.offer(keys.keys[id]!, c[id]!, counts.first[id]!, counts.last[id]!);
    return { field: 'resource', values: best.values, rows: rows.length, empty, distinct: best.distinct };
  }
  const merged = new Map<string, TopValue>();
  for (let id = 0; id < c.length; id++) if (c[id]! > 0) merge(merged, keys.keys[id]!, c[id]!, counts.first[id]!, counts.last[id]!);
  for (const v of loose.entries.values()) merge(merged, v.value, v.count, v.first, v.last);
  return finish('resource', merged, rows.length, empty, limit);
}

/**
 * The top `limit` values of `field` over `rows` (the filtered rows, any
 * order, each a row of `store`).
 */
export function topValues(store: EventStore, rows: readonly EventRow[], field: TopField, limit = 20): TopResult {
  const source = rowSource(store, rows);
  if (field === 'resource') return countResources(rows, source, store, limit);
  return countColumns(rows, source, columnsFor(store, field), field, limit);
}
