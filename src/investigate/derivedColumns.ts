/**
 * Columns the store does not keep but the investigation views count by:
 * user agent, identity type, and each resource list's resource keys. Built
 * once per store from its arrival log (store.log(), append-only) and extended
 * as rows arrive, so counting them is one typed-array step per row, like the
 * store's own columns (store/columns.ts).
 */
import type { EventRow, ResourceRef } from '../model/types.js';
import { DICTIONARY_LIMIT, EMPTY_ID, IdArray, ON_ROW_ID, type ListColumn } from '../store/columns.js';
import type { EventStore } from '../store/eventStore.js';

/** A dictionary-encoded string column over a row property; values past the limit stay on the rows (ON_ROW_ID). */
export class DerivedColumn {
  readonly values: string[] = ['', ''];
  readonly rows = new IdArray();
  private readonly idOf = new Map<string, number>();
  constructor(readonly read: (row: EventRow) => string) {}

  extend(log: readonly EventRow[]): void {
    for (let seq = this.rows.length; seq < log.length; seq++) {
      const value = this.read(log[seq]!);
      if (value === '') {
        this.rows.push(EMPTY_ID);
        continue;
      }
      let id = this.idOf.get(value);
      if (id === undefined) {
        if (this.idOf.size >= DICTIONARY_LIMIT) {
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

/** For each of the store's shared resource lists, the ids of its distinct resource keys (ARN, else name). */
export class ResourceKeys {
  readonly keys: string[] = [];
  /** By list id (ids 0 and 1 of a ListColumn are not lists). */
  readonly ofList: Int32Array[] = [new Int32Array(0), new Int32Array(0)];
  private readonly idOf = new Map<string, number>();

  keyId(key: string): number {
    let id = this.idOf.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.keys.push(key);
      this.idOf.set(key, id);
    }
    return id;
  }

  extend(column: ListColumn<ResourceRef>): void {
    for (let id = this.ofList.length; id < column.lists.length; id++) this.ofList.push(this.idsOf(column.lists[id]!));
  }

  /** The distinct key ids of a list (a resource named twice in one event counts once). */
  idsOf(list: readonly ResourceRef[]): Int32Array {
    const ids: number[] = [];
    for (const resource of list) {
      const key = resource.arn || resource.name;
      if (key === '') continue;
      const id = this.keyId(key);
      if (!ids.includes(id)) ids.push(id);
    }
    return Int32Array.from(ids);
  }
}

export interface Derived {
  agent: DerivedColumn;
  identity: DerivedColumn;
  resources: ResourceKeys;
}

const byStore = new WeakMap<EventStore, Derived>();

/** The derived columns of a store, brought up to date with its rows. */
export function derivedColumns(store: EventStore): Derived {
  let derived = byStore.get(store);
  if (!derived) {
    derived = { agent: new DerivedColumn((row) => row.userAgent), identity: new DerivedColumn((row) => row.identityType), resources: new ResourceKeys() };
    byStore.set(store, derived);
  }
  const log = store.log();
  derived.agent.extend(log);
  derived.identity.extend(log);
  derived.resources.extend(store.columns().resources);
  return derived;
}
