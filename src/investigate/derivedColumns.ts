/**
 * Columns the store does not keep but the investigation views count by:
 * user agent, identity type, error label, event times, each row's resource names, and full
 * dictionaries of store columns that gave up on theirs. Built
 * once per store from its arrival log (store.log(), append-only) and extended
 * as rows arrive, so counting them is one typed-array step per row, like the
 * store's own columns (store/columns.ts).
 */
import { errorLabel } from '../model/failure.js';
import { Int32List } from '../model/growable.js';
import type { EventRow, ResourceRef } from '../model/types.js';
import { FoldGroups } from './foldGroups.js';
import { DICTIONARY_LIMIT, EMPTY_ID, IdArray, ON_ROW_ID, type ScalarKey } from '../store/columns.js';
import type { EventStore } from '../store/eventStore.js';

/**
 * A column by seq over the store's arrival log, extended as rows arrive: a slice at a time when
 * it has far to go (a million rows the first time a field is counted), so the keys go on.
 */
export interface LogColumn {
  /** Rows covered: log[0, length). */
  readonly length: number;
  /** Covers the log up to `end` (at most log.length). */
  extendTo(log: readonly EventRow[], end: number): void;
}

/** A dictionary-encoded string column over a row property; values past the limit stay on the rows (ON_ROW_ID). */
export class DerivedColumn implements LogColumn {
  readonly values: string[] = ['', ''];
  readonly rows = new IdArray();
  private readonly idOf = new Map<string, number>();
  constructor(
    readonly read: (row: EventRow) => string,
    private readonly limit = DICTIONARY_LIMIT,
  ) {}

  /** The id of `value`, undefined when the dictionary does not hold it. */
  find(value: string): number | undefined {
    return this.idOf.get(value);
  }

  get length(): number {
    return this.rows.length;
  }

  extend(log: readonly EventRow[]): void {
    this.extendTo(log, log.length);
  }

  extendTo(log: readonly EventRow[], end: number): void {
    for (let seq = this.rows.length; seq < end; seq++) {
      const value = this.read(log[seq]!);
      if (value === '') {
        this.rows.push(EMPTY_ID);
        continue;
      }
      let id = this.idOf.get(value);
      if (id === undefined) {
        if (this.idOf.size >= this.limit) {
          this.rows.push(ON_ROW_ID);
          continue;
        }
        id = this.values.length;
        this.values.push(value);
        this.idOf.set(value, id);
      }
      this.rows.push(id);
    }
  }
}

/** Event times by seq (epoch ms, NaN when unparsed), so counting every row needs no row objects. */
export class TimeColumn implements LogColumn {
  data = new Float64Array(1024);
  length = 0;
  extend(log: readonly EventRow[]): void {
    this.extendTo(log, log.length);
  }

  extendTo(log: readonly EventRow[], end: number): void {
    if (end <= this.length) return;
    if (end > this.data.length) {
      const bigger = new Float64Array(Math.max(end, this.data.length * 2));
      bigger.set(this.data.subarray(0, this.length));
      this.data = bigger;
    }
    for (let seq = this.length; seq < end; seq++) this.data[seq] = log[seq]!.time;
    this.length = end;
  }
}

/**
 * What top values count a resource by: its name (the list's Resource column), else its ARN. A name
 * is what `resource:` matches with nothing more: an ARN term also reaches the ARN prefixes that
 * cover it (query/pattern.ts), which a count by ARN would not include.
 */
export function resourceName(resource: ResourceRef): string {
  return resource.name || resource.arn;
}

/**
 * Each row's resources as ids of the names top values count them by (resourceName), one per name that
 * differs in more than case, by seq, in one flat array: row `seq` has
 * ids[offsets[seq] .. offsets[seq + 1]). About 8 bytes a row plus 4 a
 * resource, whatever the store's list column kept.
 */
export class ResourceNames implements LogColumn {
  readonly names: string[] = [];
  readonly ids = new Int32List();
  /** offsets.data[seq] is where row seq's ids start; one more entry than rows. */
  readonly offsets = new Int32List();
  /** Names that differ only in case: one resource to a `resource:` term, so once per row. */
  readonly groups = new FoldGroups();
  private readonly idOf = new Map<string, number>();
  private readonly find = (name: string): number | undefined => this.idOf.get(name);

  constructor() {
    this.offsets.push(0);
  }

  /** Rows covered. */
  get length(): number {
    return this.offsets.length - 1;
  }

  extend(log: readonly EventRow[]): void {
    this.extendTo(log, log.length);
  }

  extendTo(log: readonly EventRow[], end: number): void {
    const groupOf = (id: number): number => this.groups.groupOf.data[id]!;
    for (let seq = this.length; seq < end; seq++) {
      const resources = log[seq]!.resources;
      const start = this.ids.length;
      for (let r = 0; r < resources.length; r++) {
        const name = resourceName(resources[r]!);
        if (name === '') continue;
        let id = this.idOf.get(name);
        if (id === undefined) {
          id = this.names.length;
          this.names.push(name);
          this.idOf.set(name, id);
          this.groups.extend(this.names, this.find);
        }
        // A resource named twice in one event (in any case) counts once for that event, under the
        // spelling that sorts first, as the archive's SQL credits it (archive/aggregate.ts).
        let seen = false;
        for (let k = start; k < this.ids.length; k++) {
          const other = this.ids.data[k]!;
          if (groupOf(other) !== groupOf(id)) continue;
          seen = true;
          if (name < this.names[other]!) this.ids.data[k] = id;
        }
        if (!seen) this.ids.push(id);
      }
      this.offsets.push(this.ids.length);
    }
  }
}

/**
 * Past this many distinct values even a column built for counting keeps the
 * rest on the rows: a Map entry costs about 80 bytes, so this caps one at
 * roughly 300 MB.
 */
export const FULL_LIMIT = 4_000_000;

export interface Derived {
  /** store.rewrites when these were made. */
  rewrites: number;
  /** Full dictionaries of store columns that gave up on theirs (mostly distinct values), made when first counted. */
  full: Map<ScalarKey, DerivedColumn>;
  times: TimeColumn;
  agent: DerivedColumn;
  identity: DerivedColumn;
  /** What the Error code column shows (model/failure.ts errorLabel): a failed sign-in has no errorCode, but its errorMessage. */
  error: DerivedColumn;
  resources: ResourceNames;
}

const byStore = new WeakMap<EventStore, Derived>();

/**
 * The store's derived columns as far as they are built: whoever counts by one
 * brings it up to date first (topValues.ts prepareTopValues, a slice at a time),
 * so a field counted never builds another's column.
 */
export function derivedSoFar(store: EventStore): Derived {
  let derived = byStore.get(store);
  // A row replaced by an earlier copy (EventStore.rewrites, rare): the columns are made again.
  if (!derived || derived.rewrites !== store.rewrites) {
    derived = { rewrites: store.rewrites, full: new Map(), times: new TimeColumn(), agent: new DerivedColumn((row) => row.userAgent), identity: new DerivedColumn((row) => row.identityType), error: new DerivedColumn(errorLabel), resources: new ResourceNames() };
    byStore.set(store, derived);
  }
  return derived;
}

/**
 * Only the time column, brought up to date: counting by time (the timeline's
 * histogram, which is always drawn) then builds no other derived column (the
 * resource keys of a high-cardinality trail cost memory).
 */
export function timeColumn(store: EventStore): TimeColumn {
  const derived = derivedSoFar(store);
  derived.times.extend(store.log());
  return derived.times;
}

/**
 * A full dictionary column for a store column that gave up on its own (a
 * source IP per Lambda call), as far as it is built (made empty when first
 * asked for): counting its top values by row strings costs a hash per row
 * every time; this costs one pass, once, then typed-array steps. Made only
 * when that field's top values are asked for.
 */
export function fullColumnSoFar(store: EventStore, key: ScalarKey): DerivedColumn {
  const derived = derivedSoFar(store);
  let column = derived.full.get(key);
  if (!column) {
    column = new DerivedColumn((row) => row[key], FULL_LIMIT);
    derived.full.set(key, column);
  }
  return column;
}
