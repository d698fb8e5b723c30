/**
 * Top values: for the rows of the current filter, the most frequent values
 * of one field with their count and first and last time. The answer to the
 * first question of every incident ("who, from where, with which key").
 *
 * Each count is what its pivot lists: Enter on a value filters by
 * `queryField:value`, so a value is counted as that term matches. Values
 * that differ only in case are one value (terms match any case), shown in
 * their most frequent spelling; a row counts once per value even when it
 * holds the value twice (caller and recipient account, two resources).
 *
 * Fields the store keeps as columns (store/columns.ts) are counted by value
 * id: one typed-array increment per row, the strings are touched only once
 * per distinct value at the end. Values a column did not keep (its
 * dictionary was full) and fields without a column are counted by string.
 * Plain data, no Ink.
 */
import type { EventRow } from '../model/types.js';
import { foldCase } from '../query/fold.js';
import { runSliced, SLICE_ROWS, type Sliced } from '../query/sliced.js';
import { EMPTY_ID, ON_ROW_ID, type ScalarKey, type ValueColumn } from '../store/columns.js';
import type { EventStore } from '../store/eventStore.js';
import { derivedSoFar, fullColumnSoFar, resourceName, timeColumn, type DerivedColumn, type LogColumn, type ResourceNames } from './derivedColumns.js';
import { foldGroups, foldGroupsSoFar, type FindValue, type FoldGroups } from './foldGroups.js';

export { resourceName };

export type TopField = 'user' | 'ip' | 'key' | 'name' | 'source' | 'error' | 'region' | 'account' | 'agent' | 'resource' | 'identity';

export interface TopFieldSpec {
  field: TopField;
  /** The column header and Tab label. */
  label: string;
  /** The query field a value filters by (query/fields.ts): it matches exactly the rows counted under the value. */
  queryField: string;
}

/** In the order Tab cycles through them. */
export const TOP_FIELDS: readonly TopFieldSpec[] = [
  // Counted by the actor label (the list's User column): user: would also match its role sessions and ARN.
  { field: 'user', label: 'User', queryField: 'actor' },
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
  /** Beside values: the id each was offered with (offerIds), -1 when none. */
  readonly ids: number[] = [];
  distinct = 0;
  constructor(private readonly limit: number) {}
  offer(value: string, count: number, first: number, last: number, id = -1): void {
    if (count === 0 || value === '') return;
    this.distinct++;
    const values = this.values;
    if (values.length >= this.limit) {
      const worst = values[values.length - 1]!;
      if (!above(count, value, worst.count, worst.value)) return;
      values.pop();
      this.ids.pop();
    }
    let at = values.length;
    while (at > 0 && above(count, value, values[at - 1]!.count, values[at - 1]!.value)) at--;
    values.splice(at, 0, { value, count, first: first === Infinity ? NaN : first, last: last === -Infinity ? NaN : last });
    this.ids.splice(at, 0, id);
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

/**
 * The best values of `merged` (counts by exact spelling) with the spellings of one value in any case
 * counted together: each row gave a value at most one spelling, so the counts add up. The value is
 * shown in its most counted spelling (ties: the one that sorts first).
 */
function finish(field: TopField, merged: Map<string, TopValue>, rows: number, empty: number, limit: number): TopResult {
  const groups = new Map<string, TopValue & { shownCount: number }>();
  for (const v of merged.values()) {
    const folded = foldCase(v.value);
    const group = groups.get(folded);
    if (!group) {
      groups.set(folded, { ...v, shownCount: v.count });
      continue;
    }
    if (above(v.count, v.value, group.shownCount, group.value)) {
      group.value = v.value;
      group.shownCount = v.count;
    }
    group.count += v.count;
    if (v.first < group.first) group.first = v.first;
    if (v.last > group.last) group.last = v.last;
  }
  const best = new Best(limit);
  for (const v of groups.values()) best.offer(v.value, v.count, v.first, v.last);
  return { field, values: best.values, rows, empty, distinct: best.distinct };
}

/**
 * The best values of one dictionary's counts (no value outside it), with the ids of one fold group
 * counted as one value, shown in its most counted spelling. Merging touches only the dictionary's
 * group members (none in most dictionaries), so this stays number work, not string work.
 *
 * A big dictionary's counts are by id alone (an Int32Array): their first and last times are found
 * afterwards, for the values shown only, by `eachId` going over the rows again (each id of each row,
 * with the row's time). Kept per id while counting, they were two Float64Arrays the dictionary's size
 * made at every count (15 MB for the 930k source IPs of 1M events, at each Tab to the field), written
 * at random for every row. A small dictionary's (IdCounts) are kept while counting: one pass is less.
 */
function offerIds(
  field: TopField,
  values: readonly string[],
  counts: IdCounts | Int32Array,
  groups: FoldGroups,
  from: number,
  rows: number,
  empty: number,
  limit: number,
  eachId: (visit: (id: number, time: number) => void) => void,
): TopResult {
  const timed = counts instanceof IdCounts ? counts : null;
  const c = timed ? timed.counts : (counts as Int32Array);
  const groupOf = groups.groupOf.data;
  // The spelling each merged group shows, chosen on the spellings' own counts before they are added up.
  const shown = new Map<number, number>();
  for (const id of groups.members) {
    if (id >= c.length || c[id] === 0) continue;
    const group = groupOf[id]!;
    const current = shown.get(group) ?? group;
    if (above(c[id]!, values[id]!, c[current]!, values[current]!)) shown.set(group, id);
  }
  for (const id of groups.members) {
    if (id >= c.length || c[id] === 0) continue;
    const group = groupOf[id]!;
    c[group]! += c[id]!;
    if (timed) {
      if (timed.first[id]! < timed.first[group]!) timed.first[group] = timed.first[id]!;
      if (timed.last[id]! > timed.last[group]!) timed.last[group] = timed.last[id]!;
    }
    c[id] = 0;
  }
  const best = new Best(limit);
  for (let id = from; id < c.length; id++) {
    if (c[id]! > 0) best.offer(values[shown.get(id) ?? id]!, c[id]!, timed ? timed.first[id]! : Infinity, timed ? timed.last[id]! : -Infinity, id);
  }
  const found = best.values;
  if (timed || found.length === 0) return { field, values: found, rows, empty, distinct: best.distinct };
  // The counts are spent: reused to mark each shown group's ids with its place (plus one).
  c.fill(0);
  best.ids.forEach((group, place) => (c[group] = place + 1));
  for (const id of groups.members) if (id < c.length && c[groupOf[id]!]! > 0) c[id] = c[groupOf[id]!]!;
  const first = new Float64Array(found.length).fill(Infinity);
  const last = new Float64Array(found.length).fill(-Infinity);
  eachId((id, time) => {
    const place = c[id]! - 1;
    if (place < 0) return;
    // NaN compares false both ways, so a row without a time leaves first/last alone.
    if (time < first[place]!) first[place] = time;
    if (time > last[place]!) last[place] = time;
  });
  found.forEach((value, place) => {
    value.first = first[place] === Infinity ? NaN : first[place]!;
    value.last = last[place] === -Infinity ? NaN : last[place]!;
  });
  return { field, values: found, rows, empty, distinct: best.distinct };
}

/** A dictionary-encoded column, whichever keeps it (the store's, or derivedColumns.ts). */
interface IdColumn {
  readonly values: readonly string[];
  readonly rows: { readonly ids: ArrayLike<number>; readonly length: number };
  read(row: EventRow): string;
  find: FindValue;
}

/** Ids below this are not values (store/columns.ts EMPTY_ID, ON_ROW_ID). */
const FIRST_VALUE_ID = 2;

/**
 * Dictionaries up to this size keep each value's first and last time while counting (1 MB of
 * Float64Arrays); bigger ones find them afterwards for the values shown (offerIds).
 */
const TIMES_PER_ID = 65_536;

function columnOf(column: DerivedColumn): IdColumn {
  return { values: column.values, rows: column.rows, read: column.read, find: (value) => column.find(value) };
}

/**
 * One piece of what counting a field builds once per store: a derived column
 * over the log, or a dictionary's case groups. The first count of a field at
 * 1M high-cardinality events builds a million (a full source-IP dictionary and
 * its groups: seconds), so it is built a slice at a time (prepareTopValues).
 */
interface Piece {
  /** Entries still to read: rows of the log, or values of a dictionary. */
  behind(): number;
  /** Reads at most `max` of them. */
  step(max: number): void;
}

function logPiece(column: LogColumn, log: readonly EventRow[]): Piece {
  return { behind: () => log.length - column.length, step: (max) => column.extendTo(log, Math.min(log.length, column.length + max)) };
}

function groupsPiece(column: IdColumn): Piece {
  const groups = foldGroupsSoFar(column.values, FIRST_VALUE_ID);
  const values = column.values;
  return { behind: () => values.length - groups.length, step: (max) => groups.extendTo(values, column.find, Math.min(values.length, groups.length + max)) };
}

/** What a field's count reads (its columns, or each row's resource names), and what must be built for it first, in order. */
interface Plan {
  columns: IdColumn[];
  resources: ResourceNames | null;
  pieces: Piece[];
}

/** The plan as the store stands (rows arrive, a store column gives up on its dictionary, a rewrite makes the derived columns anew). */
function planFor(store: EventStore, field: TopField): Plan {
  const log = store.log();
  const derived = derivedSoFar(store);
  // Every count reads the times (the timeline's histogram keeps them built: rarely any work).
  const pieces: Piece[] = [logPiece(derived.times, log)];
  const columns: IdColumn[] = [];
  const fromDerived = (column: DerivedColumn): void => {
    pieces.push(logPiece(column, log));
    columns.push(columnOf(column));
  };
  const scalar = (key: ScalarKey): void => {
    const column: ValueColumn = store.columns().scalars[key];
    // A column that kept only part of its values (mostly distinct ones) is counted from a full dictionary of our own.
    if (column.overflowed || column.gaveUp) return fromDerived(fullColumnSoFar(store, key));
    columns.push({ values: column.values, rows: column.rows, read: (row) => row[key], find: (value) => column.find(value) });
  };
  switch (field) {
    case 'user':
      scalar('actor');
      break;
    case 'ip':
      scalar('sourceIp');
      break;
    case 'key':
      scalar('accessKey');
      break;
    case 'name':
      scalar('name');
      break;
    case 'source':
      scalar('source');
      break;
    case 'error':
      // As error: matches (query/fields.ts): a failed sign-in counts under its errorMessage, as the Error code column shows it.
      fromDerived(derived.error);
      break;
    case 'region':
      scalar('region');
      break;
    case 'account':
      // Both the recipient and the caller's account, as account: matches either: a cross-account
      // event counts under each of the two (the list shows the recipient).
      scalar('recipientAccount');
      scalar('account');
      break;
    case 'agent':
      fromDerived(derived.agent);
      break;
    case 'identity':
      fromDerived(derived.identity);
      break;
    case 'resource':
      // Their case groups are made with them.
      pieces.push(logPiece(derived.resources, log));
      return { columns, resources: derived.resources, pieces };
  }
  // One column is counted with its case groups (countColumn); two (account) are folded value by value.
  if (columns.length === 1) pieces.push(groupsPiece(columns[0]!));
  return { columns, resources: null, pieces };
}

/**
 * Entries (rows, dictionary values) that counting `field` must build first:
 * 0 once built, a batch's worth as rows arrive, a million at 1M the first time.
 */
export function topValuesBacklog(store: EventStore, field: TopField): number {
  let behind = 0;
  for (const piece of planFor(store, field).pieces) behind += piece.behind();
  return behind;
}

/**
 * Builds what counting `field` needs, a slice at a time (sliced.ts): paced
 * (runPaced), the keys go on meanwhile; stopped between slices, what is built
 * stays, and the next build (or count) goes on from there. The counts are the
 * same whatever was built when: a row a column does not cover is read as a row.
 */
export function* prepareTopValues(store: EventStore, field: TopField): Sliced<void> {
  for (;;) {
    const piece = planFor(store, field).pieces.find((p) => p.behind() > 0);
    if (!piece) return;
    piece.step(SLICE_ROWS);
    yield;
  }
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

/** One column's values, one per row. */
function countColumn(rows: readonly EventRow[], source: RowSource, column: IdColumn, field: TopField, limit: number): TopResult {
  const { order, times } = source;
  const ids = column.rows.ids;
  const covered = column.rows.length;
  const timed = column.values.length <= TIMES_PER_ID ? new IdCounts(column.values.length) : null;
  const counts = timed ? timed.counts : new Int32Array(column.values.length);
  let empty = 0;
  for (let i = 0; i < rows.length; i++) {
    const seq = order ? order[i]! : rows[i]!.seq;
    // A row the columns do not cover yet (seq past their end), or whose value they do not keep, is read as a row.
    const id = seq >= 0 && seq < covered ? ids[seq]! : ON_ROW_ID;
    if (id === ON_ROW_ID) return countColumnAndRows(rows, source, column, field, limit);
    if (id === EMPTY_ID) empty++;
    else if (timed) timed.add(id, order ? times[seq]! : rows[i]!.time);
    else counts[id]!++;
  }
  // Every row in the dictionary: counted by id, with its case groups (kept per dictionary).
  const groups = foldGroups(column.values, column.find, FIRST_VALUE_ID);
  return offerIds(field, column.values, timed ?? counts, groups, FIRST_VALUE_ID, rows.length, empty, limit, (visit) => {
    for (let i = 0; i < rows.length; i++) {
      const seq = order ? order[i]! : rows[i]!.seq;
      visit(ids[seq]!, order ? times[seq]! : rows[i]!.time);
    }
  });
}

/** countColumn when some rows keep their own value: those counted by string, the rest by id, merged by value. */
function countColumnAndRows(rows: readonly EventRow[], source: RowSource, column: IdColumn, field: TopField, limit: number): TopResult {
  const { order, times } = source;
  const ids = column.rows.ids;
  const covered = column.rows.length;
  const counts = new IdCounts(column.values.length);
  const onRow = new Tally<string>();
  let empty = 0;
  for (let i = 0; i < rows.length; i++) {
    const seq = order ? order[i]! : rows[i]!.seq;
    const time = order ? times[seq]! : rows[i]!.time;
    const id = seq >= 0 && seq < covered ? ids[seq]! : ON_ROW_ID;
    if (id === EMPTY_ID) empty++;
    else if (id === ON_ROW_ID) {
      const value = column.read(rows[i]!);
      if (value === '') empty++;
      else onRow.add(value, value, time);
    } else counts.add(id, time);
  }
  const merged = new Map<string, TopValue>();
  const c = counts.counts;
  for (let id = FIRST_VALUE_ID; id < c.length; id++) if (c[id]! > 0) merge(merged, column.values[id]!, c[id]!, counts.first[id]!, counts.last[id]!);
  for (const v of onRow.entries.values()) merge(merged, v.value, v.count, v.first, v.last);
  return finish(field, merged, rows.length, empty, limit);
}

/**
 * Two columns' values per row, each counted (account: the recipient and the caller's): a row whose
 * two values are one value in any case counts once, under the spelling that sorts first.
 */
function countTwoColumns(rows: readonly EventRow[], source: RowSource, first: IdColumn, second: IdColumn, field: TopField, limit: number): TopResult {
  const { order, times } = source;
  const columns = [first, second] as const;
  const counts = columns.map((column) => new IdCounts(column.values.length));
  const onRow = new Tally<string>();
  let empty = 0;
  const ids = [0, 0];
  const texts = ['', ''];
  for (let i = 0; i < rows.length; i++) {
    const seq = order ? order[i]! : rows[i]!.seq;
    const time = order ? times[seq]! : rows[i]!.time;
    for (let k = 0; k < 2; k++) {
      const column = columns[k]!;
      const id = seq >= 0 && seq < column.rows.length ? column.rows.ids[seq]! : ON_ROW_ID;
      ids[k] = id;
      texts[k] = id === EMPTY_ID ? '' : id === ON_ROW_ID ? column.read(rows[i]!) : column.values[id]!;
    }
    let [a, b] = texts as [string, string];
    if (a === '' && b === '') {
      empty++;
      continue;
    }
    // One value twice (the usual: caller and recipient are the same account): counted once.
    if (a !== '' && b !== '' && (a === b || foldCase(a) === foldCase(b))) {
      if (b < a) a = '';
      else b = '';
    }
    for (let k = 0; k < 2; k++) {
      const text = k === 0 ? a : b;
      if (text === '') continue;
      if (ids[k] === ON_ROW_ID) onRow.add(text, text, time);
      else counts[k]!.add(ids[k]!, time);
    }
  }
  const merged = new Map<string, TopValue>();
  for (let k = 0; k < 2; k++) {
    const c = counts[k]!;
    for (let id = FIRST_VALUE_ID; id < c.counts.length; id++) if (c.counts[id]! > 0) merge(merged, columns[k]!.values[id]!, c.counts[id]!, c.first[id]!, c.last[id]!);
  }
  for (const v of onRow.entries.values()) merge(merged, v.value, v.count, v.first, v.last);
  return finish(field, merged, rows.length, empty, limit);
}

/** A row's resource names, once per name in any case (the one that sorts first). */
function ownResourceNames(row: EventRow): string[] {
  const byFold = new Map<string, string>();
  for (const resource of row.resources) {
    const name = resourceName(resource);
    if (name === '') continue;
    const folded = foldCase(name);
    const known = byFold.get(folded);
    if (known === undefined || name < known) byFold.set(folded, name);
  }
  return [...byFold.values()];
}

function countResources(rows: readonly EventRow[], source: RowSource, names: ResourceNames, limit: number): TopResult {
  const { order, times } = source;
  // Each row's resource names by seq, once per name in any case (derivedColumns.ts).
  const ids = names.ids.data;
  const offsets = names.offsets.data;
  const covered = names.length;
  const timed = names.names.length <= TIMES_PER_ID ? new IdCounts(names.names.length) : null;
  const counts = timed ? timed.counts : new Int32Array(names.names.length);
  let empty = 0;
  for (let i = 0; i < rows.length; i++) {
    const seq = order ? order[i]! : rows[i]!.seq;
    // Not in the store (yet): read with its own resources.
    if (seq < 0 || seq >= covered) return countResourcesAndRows(rows, source, names, limit);
    const from = offsets[seq]!;
    const to = offsets[seq + 1]!;
    if (from === to) empty++;
    else if (timed) {
      const time = order ? times[seq]! : rows[i]!.time;
      for (let k = from; k < to; k++) timed.add(ids[k]!, time);
    } else for (let k = from; k < to; k++) counts[ids[k]!]!++;
  }
  return offerIds('resource', names.names, timed ?? counts, names.groups, 0, rows.length, empty, limit, (visit) => {
    for (let i = 0; i < rows.length; i++) {
      const seq = order ? order[i]! : rows[i]!.seq;
      const time = order ? times[seq]! : rows[i]!.time;
      for (let k = offsets[seq]!, to = offsets[seq + 1]!; k < to; k++) visit(ids[k]!, time);
    }
  });
}

/** countResources when some rows are not in the store's names yet: theirs counted by string, merged by value. */
function countResourcesAndRows(rows: readonly EventRow[], source: RowSource, names: ResourceNames, limit: number): TopResult {
  const { order, times } = source;
  const ids = names.ids.data;
  const offsets = names.offsets.data;
  const covered = names.length;
  const counts = new IdCounts(names.names.length);
  const loose = new Tally<string>();
  let empty = 0;
  for (let i = 0; i < rows.length; i++) {
    const seq = order ? order[i]! : rows[i]!.seq;
    const time = order ? times[seq]! : rows[i]!.time;
    if (seq < 0 || seq >= covered) {
      const own = ownResourceNames(rows[i]!);
      if (own.length === 0) empty++;
      for (const name of own) loose.add(name, name, time);
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
  const merged = new Map<string, TopValue>();
  const c = counts.counts;
  for (let id = 0; id < c.length; id++) if (c[id]! > 0) merge(merged, names.names[id]!, c[id]!, counts.first[id]!, counts.last[id]!);
  for (const v of loose.entries.values()) merge(merged, v.value, v.count, v.first, v.last);
  return finish('resource', merged, rows.length, empty, limit);
}

/** How many values `T` lists, on both dashboards (the README's "the 20 most frequent values"). */
export const TOP_SHOWN = 20;

/**
 * The top `limit` values of `field` over `rows` (the filtered rows, any
 * order, each a row of `store`).
 */
export function topValues(store: EventStore, rows: readonly EventRow[], field: TopField, limit = TOP_SHOWN): TopResult {
  // Whatever is left to build, at once (a dashboard builds the bulk of it first: prepareTopValues).
  runSliced(prepareTopValues(store, field));
  const plan = planFor(store, field);
  const source = rowSource(store, rows);
  if (plan.resources) return countResources(rows, source, plan.resources, limit);
  const [first, second] = plan.columns;
  if (second) return countTwoColumns(rows, source, first!, second, field, limit);
  return countColumn(rows, source, first!, field, limit);
}
