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
 * For the same reason a field whose values hardly ever repeat within a batch
 * (S3 object ARNs, the source IPs of a busy account) stops being looked up:
 * RowPacker judges each field over the batches it packs, and such values go
 * into the table as they come. An S3 object's name is the tail of its ARN
 * and crosses as a length. What rows keep in their RecordBatch (request IDs
 * as bytes, rare fields) travels as that batch's packed range.
 *
 * Profiled at a million events: packing cost the workers 9 µs a row while it
 * also deduplicated search texts and keyed lists with JSON.stringify, and
 * transferring seven small typed arrays per file cost more than copying them;
 * hence one Int32Array, copied, and lists flattened into it. On the
 * high-cardinality million, hashing values that never repeat into the
 * batch's table was most of the workers' packing.
 */
export interface PackedRows {
  count: number;
  /** The rows' RecordBatch over their range of record indexes; its file is the rows' file. */
  batch: PackedBatch;
  /** The values of the repeating string columns and of user names and resource fields (distinct, but for fields that gave up). */
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
// A resource's name is a table index, or (negative) ARN_TAIL minus the length of the ARN's tail it is.
const REF = WIDTH;
const READ_ONLY = WIDTH + 1;
const NAMES_AT = WIDTH + 2;
const NAMES_COUNT = WIDTH + 3;
const RESOURCES_AT = WIDTH + 4;
const RESOURCES_COUNT = WIDTH + 5;
const ROW_INTS = WIDTH + 6;
const ARN_TAIL = -1;

// The packer's fields, each judged on its own: the row's text fields, then user names and three parts of a resource.
const NAMES_FIELD = WIDTH;
const TYPE_FIELD = WIDTH + 1;
const NAME_FIELD = WIDTH + 2;
const ARN_FIELD = WIDTH + 3;
const ACCOUNT_FIELD = WIDTH + 4;
const FIELDS = WIDTH + 5;

/** Table lookups a field makes before the packer judges again whether its values repeat within batches. */
export const PACKER_PROBE = 1 << 12;
/** A field whose lookups found a new value more often than this stops being looked up. */
const GIVE_UP_NEW_SHARE = 0.9;

/**
 * The worker's side: packs batches of rows. It keeps, across batches, only
 * its judgement of which fields repeat (see PackedRows); each batch has a
 * table of its own.
 */
export class RowPacker {
  /** Per field: lookups and new values in the current probe window; 1 once it gave up. */
  private readonly probed = new Int32Array(FIELDS);
  private readonly added = new Int32Array(FIELDS);
  private readonly raw = new Uint8Array(FIELDS);
  // Per batch:
  private values: string[] = [];
  private index = new Map<string, number>();
  /** Per field, the last value coded and its index: neighbouring rows mostly repeat a field's value. */
  private readonly lastValue: (string | null)[] = new Array<string | null>(FIELDS).fill(null);
  private readonly lastCode = new Int32Array(FIELDS);

  constructor(private readonly probe = PACKER_PROBE) {}

  /** Packs rows that all come from one read of one file, so they share one RecordBatch. */
  pack(rows: readonly EventRow[]): PackedRows {
    const count = rows.length;
    this.values = [];
    this.index = new Map<string, number>();
    this.lastValue.fill(null);
    const batch = count > 0 ? rows[0]!.batch : new RecordBatch('');
    let listInts = 0;
    for (const row of rows) listInts += row.userNames.length + row.resources.length * 4;
    const ints = new Int32Array(count * ROW_INTS + listInts);
    const times = new Float64Array(count);
    const ids = new Array<string>(count);
    let firstIndex = Number.POSITIVE_INFINITY;
    let maxIndex = -1;
    let list = count * ROW_INTS;
    for (let r = 0; r < count; r++) {
      const row = rows[r]!;
      const base = r * ROW_INTS;
      for (let c = 0; c < WIDTH; c++) ints[base + c] = this.code(c, row[REPEATING[c]!]);
      if (row.batch !== batch) throw new Error('packRows: rows of different reads');
      ints[base + REF] = row.recordIndex;
      if (row.recordIndex < firstIndex) firstIndex = row.recordIndex;
      if (row.recordIndex > maxIndex) maxIndex = row.recordIndex;
      ints[base + READ_ONLY] = row.readOnly === null ? 0 : row.readOnly ? 2 : 1;
      ints[base + NAMES_AT] = list;
      ints[base + NAMES_COUNT] = row.userNames.length;
      for (const name of row.userNames) ints[list++] = this.code(NAMES_FIELD, name);
      ints[base + RESOURCES_AT] = list;
      ints[base + RESOURCES_COUNT] = row.resources.length;
      for (const resource of row.resources) {
        const { name, arn } = resource;
        ints[list++] = this.code(TYPE_FIELD, resource.type);
        ints[list++] = name !== '' && name.length < arn.length && arn.endsWith(name) ? ARN_TAIL - name.length : this.code(NAME_FIELD, name);
        ints[list++] = this.code(ARN_FIELD, arn);
        ints[list++] = this.code(ACCOUNT_FIELD, resource.accountId);
      }
      times[r] = row.time;
      ids[r] = row.id;
    }
    const packed = batch.pack(count > 0 ? firstIndex : 0, maxIndex + 1);
    return { count, batch: packed, table: this.values, ints, times, ids };
  }

  private code(field: number, value: string): number {
    if (value === this.lastValue[field]) return this.lastCode[field]!;
    let code: number;
    if (this.raw[field] === 1) {
      code = this.values.length;
      this.values.push(value);
    } else {
      code = this.lookup(field, value);
    }
    this.lastValue[field] = value;
    this.lastCode[field] = code;
    return code;
  }

  private lookup(field: number, value: string): number {
    if (++this.probed[field]! >= this.probe) {
      if (this.added[field]! > this.probe * GIVE_UP_NEW_SHARE) this.raw[field] = 1;
      this.probed[field] = 0;
      this.added[field] = 0;
    }
    const known = this.index.get(value);
    if (known !== undefined) return known;
    this.added[field]!++;
    const code = this.values.length;
    this.values.push(value);
    this.index.set(value, code);
    return code;
  }
}

/** Packs rows on their own. */
export function packRows(rows: readonly EventRow[]): PackedRows {
  return new RowPacker().pack(rows);
}

/** Rebuilds the rows; `intern` is applied once per table value. */
export function unpackRows(packed: PackedRows, intern: (value: string) => string): EventRow[] {
  const table = packed.table.map((value) => intern(value));
  const value = (code: number): string => table[code]!;
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
        for (let k = namesAt; k < namesEnd; k++) userNames[k - namesAt] = value(ints[k]!);
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
          const arn = value(ints[k + 2]!);
          const nameCode = ints[k + 1]!;
          // A slice of 13 or more characters is a 32-byte pointer into the ARN, not a copy.
          const name = nameCode <= ARN_TAIL ? arn.slice(arn.length - (ARN_TAIL - nameCode)) : value(nameCode);
          resources[(k - resourcesAt) / 4] = { type: value(ints[k]!), name, arn, accountId: value(ints[k + 3]!) };
        }
        resourceLists.set(key, resources);
      }
    }
    rows[r] = {
      id: ids[r]!,
      time: times[r]!,
      name: value(ints[b]!),
      source: value(ints[b + 1]!),
      region: value(ints[b + 2]!),
      actor: value(ints[b + 3]!),
      identityType: value(ints[b + 4]!),
      principalArn: value(ints[b + 5]!),
      userNames,
      account: value(ints[b + 6]!),
      recipientAccount: value(ints[b + 7]!),
      accessKey: value(ints[b + 8]!),
      sourceIp: value(ints[b + 9]!),
      userAgent: value(ints[b + 10]!),
      errorCode: value(ints[b + 11]!),
      errorMessage: value(ints[b + 12]!),
      readOnly: flag === 0 ? null : flag === 2,
      eventType: value(ints[b + 13]!),
      category: value(ints[b + 14]!),
      resources,
      batch,
      recordIndex: ints[b + REF]!,
      seq: -1,
    };
  }
  return rows;
}

/** A map key for ints[start, end) (TypedArray.join is several times slower). */
function intsKey(ints: Int32Array, start: number, end: number): string {
  let key = '';
  for (let k = start; k < end; k++) key += `${ints[k]!},`;
  return key;
}
