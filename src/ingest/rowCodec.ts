import type { EventRow, InsightDetails, ResourceRef } from '../model/types.js';

/**
 * Rows packed for the trip from a worker to the main thread.
 *
 * Structured clone copies every string of every row, and the main thread then
 * pays twice per string: once to rebuild it, once to hash it for interning.
 * Within one batch most values repeat (a few event names, sources, regions,
 * principals), so the worker sends each distinct value once in a table and
 * the rows as numbers pointing into it. The main thread interns each distinct
 * value once per batch and builds the rows as compact literals.
 */
export interface PackedRows {
  count: number;
  file: string;
  /** Distinct values of the repeating string columns. */
  table: string[];
  /** count x REPEATING.length indexes into table. */
  columns: Int32Array;
  /** Values that are (nearly) always distinct: id and requestId, in row order. */
  ids: string[];
  requestIds: string[];
  /** Search texts, each distinct one once; textIndex per row. */
  texts: string[];
  textIndex: Int32Array;
  times: Float64Array;
  refIndex: Int32Array;
  /** 0 null, 1 false, 2 true. */
  readOnly: Int8Array;
  /** Per row an index into nameLists / resourceLists; -1 for none. */
  nameListIndex: Int32Array;
  nameLists: string[][];
  resourceListIndex: Int32Array;
  resourceLists: ResourceRef[][];
  /** Rare: [row, details] pairs. */
  insights: [number, InsightDetails][];
}

const REPEATING = [
  'timeRaw',
  'name',
  'source',
  'region',
  'actor',
  'identityType',
  'principalArn',
  'account',
  'recipientAccount',
  'accessKey',
  'sourceIp',
  'userAgent',
  'errorCode',
  'errorMessage',
  'eventType',
  'category',
  'sharedEventId',
] as const satisfies readonly (keyof EventRow)[];

const WIDTH = REPEATING.length;

class Table<T> {
  readonly values: T[] = [];
  private readonly index = new Map<string, number>();

  add(key: string, value: T): number {
    const known = this.index.get(key);
    if (known !== undefined) return known;
    const position = this.values.length;
    this.values.push(value);
    this.index.set(key, position);
    return position;
  }
}

/** Packs rows that all come from one file (as one read produces them). */
export function packRows(rows: readonly EventRow[]): PackedRows {
  const count = rows.length;
  const strings = new Table<string>();
  const texts = new Table<string>();
  const nameLists = new Table<string[]>();
  const resourceLists = new Table<ResourceRef[]>();
  const columns = new Int32Array(count * WIDTH);
  const textIndex = new Int32Array(count);
  const times = new Float64Array(count);
  const refIndex = new Int32Array(count);
  const readOnly = new Int8Array(count);
  const nameListIndex = new Int32Array(count);
  const resourceListIndex = new Int32Array(count);
  const ids = new Array<string>(count);
  const requestIds = new Array<string>(count);
  const insights: [number, InsightDetails][] = [];
  // Neighbouring rows of a file mostly repeat a column's value: compare with the last one before hashing.
  const lastValue = new Array<string | null>(WIDTH).fill(null);
  const lastIndex = new Int32Array(WIDTH);
  for (let r = 0; r < count; r++) {
    const row = rows[r]!;
    const base = r * WIDTH;
    for (let c = 0; c < WIDTH; c++) {
      const value = row[REPEATING[c]!];
      if (value !== lastValue[c]) {
        lastValue[c] = value;
        lastIndex[c] = strings.add(value, value);
      }
      columns[base + c] = lastIndex[c]!;
    }
    ids[r] = row.id;
    requestIds[r] = row.requestId;
    textIndex[r] = texts.add(row.text, row.text);
    times[r] = row.time;
    refIndex[r] = row.ref.index;
    readOnly[r] = row.readOnly === null ? 0 : row.readOnly ? 2 : 1;
    nameListIndex[r] = row.userNames.length === 0 ? -1 : nameLists.add(row.userNames.join('\u0000'), row.userNames);
    resourceListIndex[r] =
      row.resources.length === 0 ? -1 : resourceLists.add(JSON.stringify(row.resources), row.resources);
    if (row.insight) insights.push([r, row.insight]);
  }
  return {
    count,
    file: count > 0 ? rows[0]!.ref.file : '',
    table: strings.values,
    columns,
    ids,
    requestIds,
    texts: texts.values,
    textIndex,
    times,
    refIndex,
    readOnly,
    nameListIndex,
    nameLists: nameLists.values,
    resourceListIndex,
    resourceLists: resourceLists.values,
    insights,
  };
}

/** The typed arrays of a batch, to transfer instead of copy. */
export function transferables(packed: PackedRows): ArrayBuffer[] {
  return [
    packed.columns,
    packed.textIndex,
    packed.times,
    packed.refIndex,
    packed.readOnly,
    packed.nameListIndex,
    packed.resourceListIndex,
  ].map((array) => array.buffer as ArrayBuffer);
}

/** Rebuilds the rows; `intern` is applied once per distinct repeating value. */
export function unpackRows(packed: PackedRows, intern: (value: string) => string): EventRow[] {
  const table = packed.table.map(intern);
  const file = intern(packed.file);
  const { columns, texts, textIndex, times, refIndex, readOnly, nameListIndex, resourceListIndex } = packed;
  const insights = new Map(packed.insights);
  const rows = new Array<EventRow>(packed.count);
  for (let r = 0; r < packed.count; r++) {
    const b = r * WIDTH;
    const names = nameListIndex[r]!;
    const resources = resourceListIndex[r]!;
    const flag = readOnly[r]!;
    rows[r] = {
      id: packed.ids[r]!,
      time: times[r]!,
      timeRaw: table[columns[b]!]!,
      name: table[columns[b + 1]!]!,
      source: table[columns[b + 2]!]!,
      region: table[columns[b + 3]!]!,
      actor: table[columns[b + 4]!]!,
      identityType: table[columns[b + 5]!]!,
      principalArn: table[columns[b + 6]!]!,
      userNames: names < 0 ? [] : packed.nameLists[names]!,
      account: table[columns[b + 7]!]!,
      recipientAccount: table[columns[b + 8]!]!,
      accessKey: table[columns[b + 9]!]!,
      sourceIp: table[columns[b + 10]!]!,
      userAgent: table[columns[b + 11]!]!,
      errorCode: table[columns[b + 12]!]!,
      errorMessage: table[columns[b + 13]!]!,
      readOnly: flag === 0 ? null : flag === 2,
      eventType: table[columns[b + 14]!]!,
      category: table[columns[b + 15]!]!,
      requestId: packed.requestIds[r]!,
      sharedEventId: table[columns[b + 16]!]!,
      resources: resources < 0 ? [] : packed.resourceLists[resources]!,
      insight: insights.get(r) ?? null,
      ref: { file, index: refIndex[r]! },
      text: texts[textIndex[r]!]!,
      seq: -1,
    };
  }
  return rows;
}
