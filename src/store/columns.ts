import { Float64List, grownUint32 } from '../model/growable.js';
import type { EventRow, ResourceRef } from '../model/types.js';
import { EventIds } from './eventIds.js';
import { OwnResourceLists } from './ownResources.js';

/**
 * The store's rows again as columns of small integers, one entry per row in
 * arrival order (index = row.seq), for the query engine.
 *
 * A query over a million row objects spends its time fetching scattered
 * objects from memory, not comparing values; a column of value ids is a few
 * megabytes read in order, and a field term becomes one table lookup per row
 * (the answer for each distinct value is decided once). Columns widen from 8
 * to 16 to 32 bits as their dictionaries grow, so at a million rows of a
 * typical trail they cost about 20 bytes a row.
 */

/** Id of the empty value (and empty list) in every column. */
export const EMPTY_ID = 0;
/** Id of a value the column did not keep (dictionary full, or an unshared list): read the row. */
export const ON_ROW_ID = 1;

const FIRST_ID = 2;
const INITIAL_CAPACITY = 1024;

type IdStorage = Uint8Array | Uint16Array | Uint32Array;

/** An append-only array of unsigned ids that widens its elements as larger ids arrive. */
export class IdArray {
  private data: IdStorage = new Uint8Array(INITIAL_CAPACITY);
  private max = 0xff;
  private count = 0;

  get length(): number {
    return this.count;
  }

  /**
   * The backing array; entries below `length` never change afterwards (but
   * for a row the store replaced: EventStore.rewrites), and a later push that
   * grows or widens makes a new array, so a caller may keep this one as a
   * snapshot of the first `length` ids.
   */
  get ids(): Readonly<IdStorage> {
    return this.data;
  }

  push(id: number): void {
    if (id > this.max) this.widen(id);
    if (this.count === this.data.length) this.grow(this.data.length * 2);
    this.data[this.count++] = id;
  }

  at(index: number): number {
    return this.data[index]!;
  }

  /** Writes the id of an entry already pushed (a stored row's field set again); callers snapshotting `ids` see it. */
  set(index: number, id: number): void {
    if (id > this.max) this.widen(id);
    this.data[index] = id;
  }

  private widen(id: number): void {
    const wider = id > 0xffff ? new Uint32Array(this.data.length) : new Uint16Array(this.data.length);
    wider.set(this.data.subarray(0, this.count));
    this.data = wider;
    this.max = id > 0xffff ? 0xffffffff : 0xffff;
  }

  private grow(capacity: number): void {
    const bigger = new (this.data.constructor as new (length: number) => IdStorage)(capacity);
    bigger.set(this.data.subarray(0, this.count));
    this.data = bigger;
  }
}

/**
 * A dictionary-encoded string column that gives up on values that do not
 * repeat. A column whose values are nearly all distinct (source IPs of a
 * Lambda-heavy account, say) would pay a Map entry and a hash per row and
 * save nothing; after each PROBE_APPENDS values the column looks at how many
 * were new, and past GIVE_UP_NEW_SHARE it drops its Map: later rows keep their
 * own strings (ON_ROW_ID) and queries read them from the rows. Ids given
 * before stay valid.
 */
export class ValueColumn {
  /** Distinct values by id; ids EMPTY_ID and ON_ROW_ID are not values. */
  readonly values: string[] = ['', ''];
  readonly rows = new IdArray();
  /** Whether some row's value is not in the dictionary (ON_ROW_ID). */
  overflowed = false;
  /** The dictionary gave up: values are mostly distinct. */
  gaveUp = false;
  private idOf: Map<string, number> | null = new Map<string, number>();
  /**
   * The values of the rows whose id is ON_ROW_ID, by row index: rows keep no
   * fields of their own for the columns (storedRow.ts), so the column is where
   * they live. A plain array: V8 keeps it sparse (a hash table) while few rows
   * overflow, and dense (8 bytes a row) once most do.
   */
  private onRow: string[] | null = null;
  /** The rows' own values that are dotted IPv4 addresses, as numbers (0: not one; see setOnRow). */
  private onRowIpv4: Uint32Array | null = null;
  private probed = 0;
  private added = 0;

  constructor(
    /** The row property this column mirrors, read directly for ON_ROW_ID. */
    readonly key: ScalarKey | DisplayKey,
    private readonly limit = DICTIONARY_LIMIT,
    private readonly probeAppends = PROBE_APPENDS,
  ) {}

  /**
   * Appends a row's value and returns the dictionary's copy of it, so the
   * column also interns the value (one Map lookup for both); null when the
   * dictionary is full and did not keep it (the caller may share it another
   * way); the value itself once the column gave up (nothing to share).
   */
  append(value: string, intern?: (value: string) => string): string | null {
    const shared = this.place(this.rows.length, value, intern);
    this.rows.push(this.placed);
    return shared;
  }

  /** Sets the value of the row at `index`, already appended (a kept row replaced by another copy), as append would have. */
  put(index: number, value: string, intern?: (value: string) => string): void {
    this.place(index, value, intern);
    this.rows.set(index, this.placed);
  }

  /** The id place() chose. */
  private placed = 0;
  /** The last value place() found or added in the dictionary, and its id. */
  private lastValue: string | null = null;
  private lastId = 0;

  /** Finds or adds `value`'s id (into `placed`) for the row at `index`; returns what append does. */
  private place(index: number, value: string, intern: ((value: string) => string) | undefined): string | null {
    if (value === '') {
      this.placed = EMPTY_ID;
      return '';
    }
    const idOf = this.idOf;
    if (idOf === null) {
      this.keepOnRow(index, value);
      return value;
    }
    if (++this.probed === this.probeAppends) this.probe();
    // Rows of one file mostly repeat their neighbour's value (and the worker's table made it the same string): no hash.
    if (value === this.lastValue && this.idOf !== null) {
      this.placed = this.lastId;
      return this.values[this.lastId]!;
    }
    const known = idOf.get(value);
    if (known !== undefined) {
      this.placed = known;
      this.lastValue = value;
      this.lastId = known;
      return this.values[known]!;
    }
    // Beyond the limit (unique ids, a botnet's addresses) the dictionary would cost more than the rows.
    if (idOf.size >= this.limit) {
      this.overflowed = true;
      this.keepOnRow(index, intern ? intern(value) : value);
      return null;
    }
    this.added++;
    const id = this.values.length;
    this.values.push(value);
    idOf.set(value, id);
    this.placed = id;
    this.lastValue = value;
    this.lastId = id;
    return value;
  }

  private keepOnRow(index: number, value: string): void {
    this.setOnRow(index, value);
    this.placed = ON_ROW_ID;
  }

  /**
   * Keeps `value` as row `index`'s own. A dotted IPv4 address (source IPs of a
   * busy account: near one per event) goes into `onRowIpv4` as 4 bytes
   * instead of a 32-byte string; anything else into `onRow`.
   */
  private setOnRow(index: number, value: string): void {
    const ip = ipv4Number(value);
    if (ip !== 0) {
      if (this.onRowIpv4 === null || index >= this.onRowIpv4.length) this.onRowIpv4 = grownUint32(this.onRowIpv4, index + 1);
      this.onRowIpv4[index] = ip;
      if (this.onRow !== null && this.onRow[index] !== undefined) delete this.onRow[index];
      return;
    }
    (this.onRow ??= [])[index] = value;
    if (this.onRowIpv4 !== null && index < this.onRowIpv4.length) this.onRowIpv4[index] = 0;
  }

  /** The id of `value` in the dictionary; undefined when it is not there (or the dictionary gave up). */
  find(value: string): number | undefined {
    return this.idOf?.get(value);
  }

  /** The value of the row at `index`. */
  valueAt(index: number): string {
    const id = this.rows.at(index);
    if (id !== ON_ROW_ID) return this.values[id]!;
    const own = this.onRow?.[index];
    if (own !== undefined) return own;
    const ip = this.onRowIpv4 !== null && index < this.onRowIpv4.length ? this.onRowIpv4[index]! : 0;
    return ip === 0 ? '' : ipv4Text(ip);
  }

  /** Sets the value of a row already appended (kept as that row's own, not in the dictionary). */
  overwrite(index: number, value: string): void {
    if (value === '') {
      this.rows.set(index, EMPTY_ID);
      return;
    }
    this.overflowed = true;
    this.setOnRow(index, value);
    this.rows.set(index, ON_ROW_ID);
  }

  private probe(): void {
    if (this.added > this.probeAppends * GIVE_UP_NEW_SHARE) {
      this.idOf = null;
      this.gaveUp = true;
      this.overflowed = true;
    }
    this.probed = 0;
    this.added = 0;
  }
}

/**
 * A canonical dotted IPv4 address (four decimal parts 0-255, no leading zeros)
 * as a number, which ipv4Text turns back into the same text; 0 for anything
 * else, and for 0.0.0.0 (kept as text: 0 means "not an address").
 */
export function ipv4Number(value: string): number {
  const length = value.length;
  if (length < 7 || length > 15) return 0;
  let ip = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= length; i++) {
    const c = i === length ? 46 : value.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || parts === 4) return 0;
      ip = ip * 256 + part;
      parts++;
      part = 0;
      digits = 0;
      continue;
    }
    if (c < 48 || c > 57 || (digits === 1 && part === 0)) return 0;
    part = part * 10 + (c - 48);
    if (part > 255) return 0;
    digits++;
  }
  return parts === 4 ? ip : 0;
}

export function ipv4Text(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 0xff}.${(ip >>> 8) & 0xff}.${ip & 0xff}`;
}

/** Non-empty values a column looks at before it judges again whether its dictionary pays. */
export const PROBE_APPENDS = 1 << 15;
/** A column whose last PROBE_APPENDS values were new more often than this gives its dictionary up. */
export const GIVE_UP_NEW_SHARE = 0.5;

/**
 * A column of the store's shared (frozen, deduplicated) lists, by identity.
 * A list the store did not share gets ON_ROW_ID.
 */
export class ListColumn<T> {
  readonly lists: (readonly T[])[] = [[], []];
  readonly rows = new IdArray();
  /** Whether some row's list is not in the dictionary (ON_ROW_ID). */
  overflowed = false;
  private readonly idOf = new Map<readonly T[], number>();

  constructor(
    readonly key: ListKey,
    private readonly limit = DICTIONARY_LIMIT,
    /** The lists of the rows whose id is ON_ROW_ID, by row index. */
    private readonly onRow: OwnLists<T> = new PlainOwnLists<T>(),
  ) {}

  append(list: readonly T[], shared: boolean): void {
    const id = this.idFor(list, shared);
    if (id === ON_ROW_ID) this.onRow.set(this.rows.length, list);
    this.rows.push(id);
  }

  /** Sets the list of the row at `index`, already appended, as append would have. */
  put(index: number, list: readonly T[], shared: boolean): void {
    const id = this.idFor(list, shared);
    if (id === ON_ROW_ID) this.onRow.set(index, list);
    this.rows.set(index, id);
  }

  /** The list of the row at `index`. */
  listAt(index: number): readonly T[] {
    const id = this.rows.at(index);
    return id === ON_ROW_ID ? this.onRow.at(index) : this.lists[id]!;
  }

  /** Sets the list of a row already appended (kept as that row's own). */
  overwrite(index: number, list: readonly T[]): void {
    if (list.length === 0) {
      this.rows.set(index, EMPTY_ID);
      return;
    }
    this.overflowed = true;
    this.onRow.set(index, list);
    this.rows.set(index, ON_ROW_ID);
  }

  private idFor(list: readonly T[], shared: boolean): number {
    if (list.length === 0) return EMPTY_ID;
    const known = shared ? this.idOf.get(list) : undefined;
    if (known !== undefined) return known;
    if (!shared || this.idOf.size >= this.limit) {
      this.overflowed = true;
      return ON_ROW_ID;
    }
    const id = this.lists.length;
    this.lists.push(list);
    this.idOf.set(list, id);
    return id;
  }
}

/** Where a ListColumn keeps the lists of its rows that are not in its dictionary. */
export interface OwnLists<T> {
  set(index: number, list: readonly T[]): void;
  /** The list set for `index` (equal to it, not necessarily the same array); empty when none. */
  at(index: number): readonly T[];
}

/** Each row's own list as it came, in a plain array (V8 keeps it sparse while few rows have one). */
class PlainOwnLists<T> implements OwnLists<T> {
  private lists: (readonly T[])[] | null = null;

  set(index: number, list: readonly T[]): void {
    (this.lists ??= [])[index] = list;
  }

  at(index: number): readonly T[] {
    return this.lists?.[index] ?? EMPTY_LIST;
  }
}

const EMPTY_LIST: readonly never[] = Object.freeze([]);

/** Per column, past this many distinct values new ones stay on their rows. */
export const DICTIONARY_LIMIT = 1 << 18;

/** The string fields the query language reads. */
export const SCALAR_KEYS = [
  'name',
  'source',
  'region',
  'actor',
  'principalArn',
  'account',
  'recipientAccount',
  'accessKey',
  'sourceIp',
  'errorCode',
  'eventType',
  'category',
] as const;

export type ScalarKey = (typeof SCALAR_KEYS)[number];

/** Text fields the store keeps in columns that queries do not read (see RowColumns.display). */
export const DISPLAY_KEYS = ['identityType', 'userAgent', 'errorMessage'] as const;
export type DisplayKey = (typeof DISPLAY_KEYS)[number];
export type ListKey = 'userNames' | 'resources';

/** readOnly as a column: */
export const READ_ONLY_NULL = 0;
export const READ_ONLY_FALSE = 1;
export const READ_ONLY_TRUE = 2;

export class RowColumns {
  readonly scalars: { readonly [K in ScalarKey]: ValueColumn };
  readonly userNames: ListColumn<string>;
  readonly resources: ListColumn<ResourceRef>;
  readonly readOnly = new IdArray();
  /** eventTime as epoch ms (NaN when it did not parse): a number in a row field would be a 16-byte box of its own. */
  readonly times = new Float64List();
  /** Event ids as bytes (eventIds.ts): a string per row would be 56 bytes and an object to collect. */
  readonly ids = new EventIds();
  /** Text fields only the display reads: columns too, so rows need not hold them (storedRow.ts). */
  readonly display: { readonly [K in DisplayKey]: ValueColumn };

  /**
   * `dictionaryLimit`: distinct values (or lists) each column keeps; `probeAppends`: values a column
   * looks at before judging whether its dictionary pays (ValueColumn). Tests lower both to reach the
   * row fallbacks.
   */
  constructor(dictionaryLimit = DICTIONARY_LIMIT, probeAppends = PROBE_APPENDS) {
    const scalars = {} as Record<ScalarKey, ValueColumn>;
    for (const key of SCALAR_KEYS) scalars[key] = new ValueColumn(key, dictionaryLimit, probeAppends);
    this.scalars = scalars;
    const display = {} as Record<DisplayKey, ValueColumn>;
    for (const key of DISPLAY_KEYS) display[key] = new ValueColumn(key, dictionaryLimit, probeAppends);
    this.display = display;
    this.userNames = new ListColumn<string>('userNames', dictionaryLimit);
    this.resources = new ListColumn<ResourceRef>('resources', dictionaryLimit, new OwnResourceLists());
  }

  /**
   * Appends the row at index row.seq (rows must come in seq order, each once);
   * `intern` shares the values a full dictionary does not keep. The columns
   * are where a stored row's fields live from then on (storedRow.ts).
   */
  append(row: EventRow, sharedNames: boolean, sharedResources: boolean, intern: (value: string) => string): void {
    // Spelt out, not a loop over the keys: a property read by a key that changes each time is a
    // dictionary lookup on the row and on the columns (a tenth of the main thread's appends).
    const s = this.scalars;
    s.name.append(row.name, intern);
    s.source.append(row.source, intern);
    s.region.append(row.region, intern);
    s.actor.append(row.actor, intern);
    s.principalArn.append(row.principalArn, intern);
    s.account.append(row.account, intern);
    s.recipientAccount.append(row.recipientAccount, intern);
    s.accessKey.append(row.accessKey, intern);
    s.sourceIp.append(row.sourceIp, intern);
    s.errorCode.append(row.errorCode, intern);
    s.eventType.append(row.eventType, intern);
    s.category.append(row.category, intern);
    const d = this.display;
    d.identityType.append(row.identityType, intern);
    d.userAgent.append(row.userAgent, intern);
    d.errorMessage.append(row.errorMessage, intern);
    this.userNames.append(row.userNames, sharedNames);
    this.resources.append(row.resources, sharedResources);
    this.readOnly.push(readOnlyId(row.readOnly));
    this.times.push(row.time);
    this.ids.push(row.id);
  }

  /** Writes `row`'s fields over the entries of the row at `seq` (the store replaced a kept copy with an earlier one in file order). */
  replace(seq: number, row: EventRow, sharedNames: boolean, sharedResources: boolean, intern: (value: string) => string): void {
    const s = this.scalars;
    for (const key of SCALAR_KEYS) s[key].put(seq, row[key], intern);
    const d = this.display;
    for (const key of DISPLAY_KEYS) d[key].put(seq, row[key], intern);
    this.userNames.put(seq, row.userNames, sharedNames);
    this.resources.put(seq, row.resources, sharedResources);
    this.readOnly.set(seq, readOnlyId(row.readOnly));
    this.times.data[seq] = row.time;
    this.ids.set(seq, row.id);
  }

  get length(): number {
    return this.readOnly.length;
  }
}

export function readOnlyId(value: boolean | null): number {
  return value === null ? READ_ONLY_NULL : value ? READ_ONLY_TRUE : READ_ONLY_FALSE;
}
