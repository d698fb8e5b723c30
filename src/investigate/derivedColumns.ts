/**
 * Columns the store does not keep but the investigation views count by:
 * user agent, identity type, event times, each row's resource keys, and full
 * dictionaries of store columns that gave up on theirs. Built
 * once per store from its arrival log (store.log(), append-only) and extended
 * as rows arrive, so counting them is one typed-array step per row, like the
 * store's own columns (store/columns.ts).
 */
import { Int32List } from '../model/growable.js';
import type { EventRow, ResourceRef } from '../model/types.js';
import { DICTIONARY_LIMIT, EMPTY_ID, IdArray, ON_ROW_ID, type ScalarKey } from '../store/columns.js';
import type { EventStore } from '../store/eventStore.js';

/** A dictionary-encoded string column over a row property; values past the limit stay on the rows (ON_ROW_ID). */
export class DerivedColumn {
  readonly values: string[] = ['', ''];
  readonly rows = new IdArray();
  private readonly idOf = new Map<string, number>();
  constructor(
    readonly read: (row: EventRow) => string,
    private readonly limit = DICTIONARY_LIMIT,
  ) {}

  extend(log: readonly EventRow[]): void {
    for (let seq = this.rows.length; seq < log.length; seq++) {
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
export class TimeColumn {
  data = new Float64Array(1024);
  length = 0;
  extend(log: readonly EventRow[]): void {
    if (log.length > this.data.length) {
      const bigger = new Float64Array(Math.max(log.length, this.data.length * 2));
      bigger.set(this.data.subarray(0, this.length));
      this.data = bigger;
    }
    for (let seq = this.length; seq < log.length; seq++) this.data[seq] = log[seq]!.time;
    this.length = log.length;
  }
}

/**
 * Each row's distinct resource keys (ARN, else name) as ids, by seq, in one
 * flat array: row `seq` has ids[offsets[seq] .. offsets[seq + 1]). About 8
 * bytes a row plus 4 a resource, whatever the store's list column kept.
 */
export class ResourceKeys {
  readonly keys: string[] = [];
  readonly ids = new Int32List();
  /** offsets.data[seq] is where row seq's ids start; one more entry than rows. */
  readonly offsets = new Int32List();
  private readonly idOf = new Map<string, number>();

  constructor() {
    this.offsets.push(0);
  }

  /** Rows covered. */
  get length(): number {
    return this.offsets.length - 1;
  }

  extend(log: readonly EventRow[]): void {
    for (let seq = this.length; seq < log.length; seq++) {
      const resources = log[seq]!.resources;
      const start = this.ids.length;
      for (let r = 0; r < resources.length; r++) {
        const resource = resources[r]!;
        const key = resource.arn || resource.name;
        if (key === '') continue;
        let id = this.idOf.get(key);
        if (id === undefined) {
          id = this.keys.length;
          this.keys.push(key);
          this.idOf.set(key, id);
        }
        // A resource named twice in one event counts once for that event.
        let seen = false;
        for (let k = start; k < this.ids.length; k++) if (this.ids.data[k] === id) seen = true;
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
  resources: ResourceKeys;
}

const byStore = new WeakMap<EventStore, Derived>();

/** The store's derived columns as they are (each catches up with the rows when brought up to date). */
function derivedOf(store: EventStore): Derived {
  let derived = byStore.get(store);
  // A row replaced by an earlier copy (EventStore.rewrites, rare): the columns are made again.
  if (!derived || derived.rewrites !== store.rewrites) {
    derived = { rewrites: store.rewrites, full: new Map(), times: new TimeColumn(), agent: new DerivedColumn((row) => row.userAgent), identity: new DerivedColumn((row) => row.identityType), resources: new ResourceKeys() };
    byStore.set(store, derived);
  }
  return derived;
}

/**
 * Only the time column, brought up to date: counting by time (the timeline's
 * histogram, which is always drawn) then builds no other derived column (the
 * resource keys of a high-cardinality trail cost memory); they catch up when
 * derivedColumns is called.
 */
export function timeColumn(store: EventStore): TimeColumn {
  const derived = derivedOf(store);
  derived.times.extend(store.log());
  return derived.times;
}

/** The derived columns of a store, brought up to date with its rows. */
export function derivedColumns(store: EventStore): Derived {
  const derived = derivedOf(store);
  const log = store.log();
  derived.times.extend(log);
  derived.agent.extend(log);
  derived.identity.extend(log);
  derived.resources.extend(log);
  for (const column of derived.full.values()) column.extend(log);
  return derived;
}

/**
 * A full dictionary column for a store column that gave up on its own (a
 * source IP per Lambda call): counting its top values by row strings costs a
 * hash per row every time; this costs one pass, once, then typed-array steps.
 * Made only when that field's top values are asked for.
 */
export function fullColumn(store: EventStore, key: ScalarKey): DerivedColumn {
  const derived = derivedColumns(store);
  let column = derived.full.get(key);
  if (!column) {
    column = new DerivedColumn((row) => row[key], FULL_LIMIT);
    column.extend(store.log());
    derived.full.set(key, column);
  }
  return column;
}
