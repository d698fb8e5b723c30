import type { RecordBatch } from '../model/recordBatch.js';
import type { EventRow } from '../model/types.js';
import { DISPLAY_KEYS, READ_ONLY_NULL, READ_ONLY_TRUE, readOnlyId, SCALAR_KEYS, type RowColumns } from './columns.js';

/**
 * The rows a store keeps: objects with only what is not in its columns.
 *
 * A plain EventRow has 24 fields, 8 bytes each on this 64-bit V8 (no pointer
 * compression): 208 bytes a row before any of its strings. The store already
 * keeps every text field, list, readOnly, the time and the event id (as bytes) in its columns
 * (columns.ts), so a stored row holds only its batch, record index and
 * seq (48 bytes; a time in a field would add a 16-byte number box), and reads the rest from the columns through accessors on
 * its prototype: code that reads `row.region` is unchanged, and a field set
 * again (a replaced copy) is written to the column.
 *
 * One class per store, made by storedRowClass: the accessors close over that
 * store's columns, so a row needs no pointer to them.
 */
export type StoredRowClass = new (row: EventRow, seq: number) => EventRow;

export function storedRowClass(columns: RowColumns): StoredRowClass {
  class StoredRow {
    batch: RecordBatch;
    recordIndex: number;
    seq: number;

    constructor(row: EventRow, seq: number) {
      this.batch = row.batch;
      this.recordIndex = row.recordIndex;
      this.seq = seq;
    }
  }
  const proto = StoredRow.prototype;
  for (const column of [...SCALAR_KEYS.map((key) => columns.scalars[key]), ...DISPLAY_KEYS.map((key) => columns.display[key])]) {
    Object.defineProperty(proto, column.key, {
      get(this: StoredRow): string {
        return column.valueAt(this.seq);
      },
      set(this: StoredRow, value: string): void {
        column.overwrite(this.seq, value);
      },
      enumerable: true,
    });
  }
  for (const column of [columns.userNames, columns.resources]) {
    Object.defineProperty(proto, column.key, {
      get(this: StoredRow) {
        return column.listAt(this.seq);
      },
      set(this: StoredRow, value: never[]): void {
        column.overwrite(this.seq, value);
      },
      enumerable: true,
    });
  }
  const ids = columns.ids;
  Object.defineProperty(proto, 'id', {
    get(this: StoredRow): string {
      return ids.at(this.seq);
    },
    set(this: StoredRow, value: string): void {
      ids.set(this.seq, value);
    },
    enumerable: true,
  });
  const times = columns.times;
  Object.defineProperty(proto, 'time', {
    get(this: StoredRow): number {
      return times.data[this.seq]!;
    },
    set(this: StoredRow, value: number): void {
      times.data[this.seq] = value;
    },
    enumerable: true,
  });
  const readOnly = columns.readOnly;
  Object.defineProperty(proto, 'readOnly', {
    get(this: StoredRow): boolean | null {
      const id = readOnly.at(this.seq);
      return id === READ_ONLY_NULL ? null : id === READ_ONLY_TRUE;
    },
    set(this: StoredRow, value: boolean | null): void {
      readOnly.set(this.seq, readOnlyId(value));
    },
    enumerable: true,
  });
  return StoredRow as unknown as StoredRowClass;
}
