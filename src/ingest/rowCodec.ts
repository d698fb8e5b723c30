import { RecordBatch, type PackedBatch } from '../model/recordBatch.js';
import { ROW_TEXT_FIELDS, type EventRow, type ResourceRef } from '../model/types.js';

/**
 * Rows packed for the trip from a worker to the main thread.
 *
 * Structured clone copies every string and object of every row, and the main
 * thread then pays again to rebuild them and to hash them for interning.
 * Within one batch most values repeat (a few event names, sources, regions,
 * principals, resource names), so the worker sends each distinct value once
 * in a table and the rows as numbers pointing into it; the main thread
 * interns each distinct value once per batch and builds the rows as compact
 * literals. Event ids, nearly always distinct, travel as plain strings:
 * hashing them in the worker would cost the busy side more than it saves.
 * What rows keep in their RecordBatch (request IDs as bytes, rare fields)
 * travels as that batch's packed range.
 *
 * Profiled at a million events: packing cost the workers 9 µs a row while it
 * also deduplicated search texts and keyed lists with JSON.stringify, and
 * transferring seven small typed arrays per file cost more than copying them;
 * hence one Int32Array, copied, and lists flattened into it.
 */
export interface PackedRows {
  count: number;
  /** The rows' RecordBatch over their range of record indexes; its file is the rows' file. */
  batch: PackedBatch;
  /** Distinct values of the repeating string columns and of user names and resource fields. */
  table: string[];
  /** Per row ROW_INTS numbers (see the layout below), then the flattened name and resource lists. */
  ints: Int32Array;
  times: Float64Array;
  ids: string[];
}

const REPEATING = ROW_TEXT_FIELDS;

const WIDTH = REPEATING.length;
// One frozen empty list for rows without names or resources (the store keeps its own shared ones).
const NO_STRINGS = Object.freeze([]) as unknown as string[];
const NO_RESOURCES = Object.freeze([]) as unknown as ResourceRef[];
// Row layout in `ints`: WIDTH table indexes, then ref index, readOnly (0 null, 1 false, 2 true),
// offset of the row's user names in the list area and their count, offset of its resources and their count.
const REF = WIDTH;
const READ_ONLY = WIDTH + 1;
const NAMES_AT = WIDTH + 2;
const NAMES_COUNT = WIDTH + 3;
const RESOURCES_AT = WIDTH + 4;
const RESOURCES_COUNT = WIDTH + 5;
const ROW_INTS = WIDTH + 6;

class Table {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();

  add(value: string): number {
    const known = this.index.get(value);
    if (known !== undefined) return known;
    const position = this.values.length;
    this.values.push(value);
    this.index.set(value, position);
    return position;
  }
}

/** Packs rows that all come from one read of one file, so they share one RecordBatch. */
export function packRows(rows: readonly EventRow[]): PackedRows {
  const count = rows.length;
  const table = new Table();
  let listInts = 0;
  for (const row of rows) listInts += row.userNames.length + row.resources.length * 4;
  const ints = new Int32Array(count * ROW_INTS + listInts);
  const times = new Float64Array(count);
  const ids = new Array<string>(count);
  const batch = count > 0 ? rows[0]!.batch : new RecordBatch('');
  let firstIndex = Number.POSITIVE_INFINITY;
  let maxIndex = -1;
  // Neighbouring rows of a file mostly repeat a column's value: compare with the last one before hashing.
  const lastValue = new Array<string | null>(WIDTH).fill(null);
  const lastIndex = new Int32Array(WIDTH);
  let list = count * ROW_INTS;
  for (let r = 0; r < count; r++) {
    const row = rows[r]!;
    const base = r * ROW_INTS;
    for (let c = 0; c < WIDTH; c++) {
      const value = row[REPEATING[c]!];
      if (value !== lastValue[c]) {
        lastValue[c] = value;
        lastIndex[c] = table.add(value);
      }
      ints[base + c] = lastIndex[c]!;
    }
    if (row.batch !== batch) throw new Error('packRows: rows of different reads');
    ints[base + REF] = row.recordIndex;
    if (row.recordIndex < firstIndex) firstIndex = row.recordIndex;
    if (row.recordIndex > maxIndex) maxIndex = row.recordIndex;
    ints[base + READ_ONLY] = row.readOnly === null ? 0 : row.readOnly ? 2 : 1;
    ints[base + NAMES_AT] = list;
    ints[base + NAMES_COUNT] = row.userNames.length;
    for (const name of row.userNames) ints[list++] = table.add(name);
    ints[base + RESOURCES_AT] = list;
    ints[base + RESOURCES_COUNT] = row.resources.length;
    for (const resource of row.resources) {
      ints[list++] = table.add(resource.type);
      ints[list++] = table.add(resource.name);
      ints[list++] = table.add(resource.arn);
      ints[list++] = table.add(resource.accountId);
    }
    times[r] = row.time;
    ids[r] = row.id;
  }
  const packed = batch.pack(count > 0 ? firstIndex : 0, maxIndex + 1);
  return { count, batch: packed, table: table.values, ints, times, ids };
}

/** A map key for ints[start, end) (TypedArray.join is several times slower). */
function intsKey(ints: Int32Array, start: number, end: number): string {
  let key = '';
  for (let k = start; k < end; k++) key += `${ints[k]!},`;
  return key;
}

/** Rebuilds the rows; `intern` is applied once per distinct table value. */
export function unpackRows(packed: PackedRows, intern: (value: string) => string): EventRow[] {
  const table = packed.table.map(intern);
  const batch = RecordBatch.unpack(packed.batch, intern(packed.batch.file));
  const { ints, times, ids } = packed;
  const rows = new Array<EventRow>(packed.count);
  // Rows of a batch that name the same users or resources get one list: fewer short-lived
  // objects on the main thread, which otherwise grew its heap by a quarter at a million rows.
  const nameLists = new Map<string, string[]>();
  const resourceLists = new Map<string, ResourceRef[]>();
  for (let r = 0; r < packed.count; r++) {
    const b = r * ROW_INTS;
    const flag = ints[b + READ_ONLY]!;
    const namesAt = ints[b + NAMES_AT]!;
    const namesEnd = namesAt + ints[b + NAMES_COUNT]!;
    let userNames: string[] = NO_STRINGS;
    if (namesEnd > namesAt) {
      const key = intsKey(ints, namesAt, namesEnd);
      const known = nameLists.get(key);
      if (known) {
        userNames = known;
      } else {
        // Sized up front: a list grown by push() keeps room for 17 entries (152 bytes) however few it holds.
        userNames = new Array<string>(namesEnd - namesAt);
        for (let k = namesAt; k < namesEnd; k++) userNames[k - namesAt] = table[ints[k]!]!;
        nameLists.set(key, userNames);
      }
    }
    const resourcesAt = ints[b + RESOURCES_AT]!;
    const resourcesEnd = resourcesAt + 4 * ints[b + RESOURCES_COUNT]!;
    let resources: ResourceRef[] = NO_RESOURCES;
    if (resourcesEnd > resourcesAt) {
      const key = intsKey(ints, resourcesAt, resourcesEnd);
      const known = resourceLists.get(key);
      if (known) {
        resources = known;
      } else {
        resources = new Array<ResourceRef>((resourcesEnd - resourcesAt) / 4);
        for (let k = resourcesAt; k < resourcesEnd; k += 4) {
          const arn = table[ints[k + 2]!]!;
          resources[(k - resourcesAt) / 4] = { type: table[ints[k]!]!, name: nameWithin(table[ints[k + 1]!]!, arn), arn, accountId: table[ints[k + 3]!]! };
        }
        resourceLists.set(key, resources);
      }
    }
    rows[r] = {
      id: ids[r]!,
      time: times[r]!,
      name: table[ints[b]!]!,
      source: table[ints[b + 1]!]!,
      region: table[ints[b + 2]!]!,
      actor: table[ints[b + 3]!]!,
      identityType: table[ints[b + 4]!]!,
      principalArn: table[ints[b + 5]!]!,
      userNames,
      account: table[ints[b + 6]!]!,
      recipientAccount: table[ints[b + 7]!]!,
      accessKey: table[ints[b + 8]!]!,
      sourceIp: table[ints[b + 9]!]!,
      userAgent: table[ints[b + 10]!]!,
      errorCode: table[ints[b + 11]!]!,
      errorMessage: table[ints[b + 12]!]!,
      readOnly: flag === 0 ? null : flag === 2,
      eventType: table[ints[b + 13]!]!,
      category: table[ints[b + 14]!]!,
      resources,
      batch,
      recordIndex: ints[b + REF]!,
      seq: -1,
    };
  }
  return rows;
}

/**
 * A resource name that ends its ARN (an S3 object's bucket/key, a role's name)
 * as a slice of the ARN: V8 keeps a slice of 13 or more characters as a
 * 32-byte pointer into the ARN instead of a copy. The worker's names were such
 * slices, but the trip here copied them; on a trail of S3 data events every
 * row has one of these, each never repeating.
 */
function nameWithin(name: string, arn: string): string {
  if (name.length < 13 || name.length >= arn.length || !arn.endsWith(name)) return name;
  return arn.slice(arn.length - name.length);
}
