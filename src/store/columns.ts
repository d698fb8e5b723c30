import type { EventRow, ResourceRef } from '../model/types.js';

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
   * The backing array; entries below `length` never change afterwards, and a
   * later push that grows or widens makes a new array, so a caller may keep
   * this one as a snapshot of the first `length` ids.
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

/** A dictionary-encoded string column. */
export class ValueColumn {
  /** Distinct values by id; ids EMPTY_ID and ON_ROW_ID are not values. */
  readonly values: string[] = ['', ''];
  readonly rows = new IdArray();
  private readonly idOf = new Map<string, number>();

  constructor(
    /** The row property this column mirrors, read directly for ON_ROW_ID. */
    readonly key: ScalarKey,
    private readonly limit = DICTIONARY_LIMIT,
  ) {}

  append(value: string): void {
    this.rows.push(this.idFor(value));
  }

  private idFor(value: string): number {
    if (value === '') return EMPTY_ID;
    const known = this.idOf.get(value);
    if (known !== undefined) return known;
    // Beyond the limit (unique ids, a botnet's addresses) the dictionary would cost more than the rows.
    if (this.idOf.size >= this.limit) return ON_ROW_ID;
    const id = this.values.length;
    this.values.push(value);
    this.idOf.set(value, id);
    return id;
  }
}

/**
 * A column of the store's shared (frozen, deduplicated) lists, by identity.
 * A list the store did not share gets ON_ROW_ID.
 */
export class ListColumn<T> {
  readonly lists: (readonly T[])[] = [[], []];
  readonly rows = new IdArray();
  private readonly idOf = new Map<readonly T[], number>();

  constructor(
    readonly key: ListKey,
    private readonly limit = DICTIONARY_LIMIT,
  ) {}

  append(list: readonly T[], shared: boolean): void {
    this.rows.push(this.idFor(list, shared));
  }

  private idFor(list: readonly T[], shared: boolean): number {
    if (list.length === 0) return EMPTY_ID;
    if (!shared) return ON_ROW_ID;
    const known = this.idOf.get(list);
    if (known !== undefined) return known;
    if (this.idOf.size >= this.limit) return ON_ROW_ID;
    const id = this.lists.length;
    this.lists.push(list);
    this.idOf.set(list, id);
    return id;
  }
}

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

  /** `dictionaryLimit`: distinct values (or lists) each column keeps; tests lower it to reach the row fallbacks. */
  constructor(dictionaryLimit = DICTIONARY_LIMIT) {
    const scalars = {} as Record<ScalarKey, ValueColumn>;
    for (const key of SCALAR_KEYS) scalars[key] = new ValueColumn(key, dictionaryLimit);
    this.scalars = scalars;
    this.userNames = new ListColumn<string>('userNames', dictionaryLimit);
    this.resources = new ListColumn<ResourceRef>('resources', dictionaryLimit);
  }

  /** Appends the row at index row.seq: rows must come in seq order, each once. */
  append(row: EventRow, sharedNames: boolean, sharedResources: boolean): void {
    const s = this.scalars;
    s.name.append(row.name);
    s.source.append(row.source);
    s.region.append(row.region);
    s.actor.append(row.actor);
    s.principalArn.append(row.principalArn);
    s.account.append(row.account);
    s.recipientAccount.append(row.recipientAccount);
    s.accessKey.append(row.accessKey);
    s.sourceIp.append(row.sourceIp);
    s.errorCode.append(row.errorCode);
    s.eventType.append(row.eventType);
    s.category.append(row.category);
    this.userNames.append(row.userNames, sharedNames);
    this.resources.append(row.resources, sharedResources);
    this.readOnly.push(row.readOnly === null ? READ_ONLY_NULL : row.readOnly ? READ_ONLY_TRUE : READ_ONLY_FALSE);
  }

  get length(): number {
    return this.readOnly.length;
  }
}
