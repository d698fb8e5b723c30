/**
 * Lowercase text of the values a column keeps on the rows (ON_ROW_ID: a
 * dictionary that gave up on near-unique values, or a full one), packed in
 * chunk strings, for plain-word search at real-world cardinality. Reading a
 * million row objects one by one for a word costs pointer chasing per row;
 * one indexOf over a few megabytes of text finds every row that holds the
 * word. Built on the first word query and extended as rows arrive; the
 * chunks cost about the text's length plus 8 bytes a row.
 */
import { Int32List } from '../model/growable.js';
import type { EventRow, ResourceRef } from '../model/types.js';
import { ON_ROW_ID, type RowColumns, type ScalarKey } from '../store/columns.js';
import { foldCase } from './fold.js';
import { runSliced, SLICE_IDS, SLICE_ROWS, slicedRange, type Sliced } from './sliced.js';

/**
 * What wordColumns searches: every row of log[0, end) whose on-row text holds
 * `word` marked in `hits` (by seq). `rewritten`: seqs of rows the store wrote
 * over since they were added (EventStore.rewritten); text made from their
 * old values is not trusted, they are read again.
 */
export interface RowTextSearch {
  search(log: readonly EventRow[], end: number, word: string, hits: Uint8Array, rewritten?: readonly number[]): void;
  /** search() a slice at a time: the text built for SLICE_ROWS rows, or one chunk searched, between yields. */
  searchSliced(log: readonly EventRow[], end: number, word: string, hits: Uint8Array, rewritten?: readonly number[]): Sliced<void>;
  /**
   * Marks the rows of log[0, end) that keep their own value and, `holds` says
   * reading the row, hold one of `values` (the values a fuzzy word means; of
   * the resources, their names). Only rows whose text holds a value's
   * lowercase form are read, so a word that means one object name reads a
   * row or two rather than every row. `values` must pass valuesSearchable.
   */
  searchValuesSliced(
    log: readonly EventRow[],
    end: number,
    values: ReadonlySet<string>,
    holds: (seq: number) => boolean,
    hits: Uint8Array,
    rewritten?: readonly number[],
  ): Sliced<void>;
}

/** Past this many values, searching the text once per value costs about what reading the rows does. */
const VALUES_SEARCH_LIMIT = 16;

/** Whether searchValuesSliced can find `values`: a few, each non-empty and without a line break (the text's separator). */
export function valuesSearchable(values: ReadonlySet<string>): boolean {
  if (values.size > VALUES_SEARCH_LIMIT) return false;
  for (const value of values) if (value === '' || foldCase(value).includes('\n')) return false;
  return true;
}

/**
 * Marks hits[seq] for the rows of [0, end) that `holds` says hold one of
 * `values`, reading only those whose entry in `text` holds a value's
 * lowercase form (every entry holds its row's values lowercased whole).
 */
function* markHolding(text: ChunkedText, values: ReadonlySet<string>, end: number, holds: (seq: number) => boolean, hits: Uint8Array): Sliced<void> {
  const candidates = new Uint8Array(end);
  let found = false;
  for (const value of values) {
    yield;
    found = (yield* text.search(foldCase(value), candidates)) || found;
  }
  if (!found) return;
  // A row read costs about what READ_COST id checks do: a slice is SLICE_IDS of either.
  let spent = 0;
  for (let seq = 0; seq < end; seq++) {
    if (candidates[seq] === 1) {
      if (holds(seq)) hits[seq] = 1;
      spent += READ_COST;
    }
    if (++spent >= SLICE_IDS) {
      spent = 0;
      yield;
    }
  }
}

const READ_COST = SLICE_IDS / SLICE_ROWS;

/**
 * Runs `search` over text built from rows before `builtTo`, then answers the
 * rows among them the store has written over since from their values now
 * (`holds`), keeping what other columns marked for them.
 */
function* correctingRewrites(
  rewritten: readonly number[] | undefined,
  builtTo: number,
  hits: Uint8Array,
  search: () => Sliced<unknown>,
  holds: (seq: number) => boolean,
): Sliced<void> {
  const stale = rewritten === undefined ? [] : rewritten.filter((seq) => seq < builtTo);
  if (stale.length === 0) {
    yield* search();
    return;
  }
  const before = stale.map((seq) => hits[seq]!);
  yield* search();
  stale.forEach((seq, k) => {
    hits[seq] = before[k]! | (holds(seq) ? 1 : 0);
  });
}

const CHUNK_ENTRIES = 8192;
/** Entries per block of a chunk that a trigram filter describes: small enough that a rare word's trigrams are missing from most blocks. */
const BLOCK_ENTRIES = 256;
const BLOCKS_PER_CHUNK = CHUNK_ENTRIES / BLOCK_ENTRIES;
/** Bits of a block's trigram filter: 1 KB a block, 4 bytes an entry; about half set for a block of S3 object ARNs. */
const FILTER_BITS = 8192;
const FILTER_WORDS = FILTER_BITS / 32;
const FILTER_SHIFT = 32 - Math.log2(FILTER_BITS);

interface Chunk {
  /** The entries' lowercase text, each followed by '\n' (a searched word never holds one). */
  text: string;
  /** Where each entry starts in text. */
  starts: Int32Array;
  /** The tag of each entry (what search marks). */
  tags: Int32Array;
  /**
   * Per block of BLOCK_ENTRIES entries, a bit for each trigram (by hash) in its
   * text: a word with a trigram whose bit is clear is not in the block. Null
   * for the unfinished chunk, which is searched whole.
   */
  filters: Uint32Array | null;
}

/**
 * Lowercase entries (without a line break between values) packed into chunk
 * strings, each tagged by a number search() marks. A word of three or more
 * letters searches only the blocks whose trigram filter holds all its
 * trigrams: a misspelt or rare word (most typed words, on their last letters)
 * skips nearly all the text, which indexOf would otherwise read whole.
 */
class ChunkedText {
  private readonly chunks: Chunk[] = [];
  private parts: string[] = [];
  private partTags: number[] = [];
  private tail: Chunk | null = null;

  add(text: string, tag: number): void {
    this.parts.push(text);
    this.partTags.push(tag);
    if (this.parts.length === CHUNK_ENTRIES) this.chunks.push(this.seal(true));
  }

  /** Marks hits[tag] for every entry holding `word`; whether any did. Yields after each chunk. */
  *search(word: string, hits: Uint8Array): Sliced<boolean> {
    let found = false;
    const probes = trigramProbes(word);
    // Chunks sealed between slices (another view's search building further) are searched too: the
    // entries of the unfinished chunk this search began with may be in them. Entries past the
    // caller's rows mark tags past `hits`, which a typed array ignores.
    for (let k = 0; k < this.chunks.length; k++) {
      if (k > 0) yield;
      const chunk = this.chunks[k]!;
      found = (probes === null ? searchRange(chunk, 0, chunk.starts.length, word, hits) : searchFiltered(chunk, probes, word, hits)) || found;
    }
    // The unfinished chunk: made into a string for this search, kept until more entries arrive.
    if (this.parts.length > 0) {
      const tail = this.seal(false);
      found = searchRange(tail, 0, tail.starts.length, word, hits) || found;
    }
    return found;
  }

  private seal(full: boolean): Chunk {
    if (!full && this.tail !== null && this.tail.tags.length === this.parts.length) return this.tail;
    const starts = new Int32Array(this.parts.length);
    let at = 0;
    for (let k = 0; k < this.parts.length; k++) {
      starts[k] = at;
      at += this.parts[k]!.length + 1;
    }
    // An empty last part gives the closing '\n' in one flat string (a concatenation would be a pair to flatten).
    this.parts.push('');
    const text = this.parts.join('\n');
    this.parts.pop();
    const chunk: Chunk = { text, starts, tags: Int32Array.from(this.partTags), filters: full ? blockFilters(text, starts) : null };
    if (full) {
      this.parts = [];
      this.partTags = [];
      this.tail = null;
    } else {
      this.tail = chunk;
    }
    return chunk;
  }
}

/** The filter bit of the trigram (a, b, c). */
function trigramBit(a: number, b: number, c: number): number {
  let h = Math.imul(Math.imul(a, 0x9e3779b1) + b, 0x85ebca77) + c;
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return (h ^ (h >>> 13)) >>> FILTER_SHIFT;
}

/** The trigram filters of a full chunk's blocks (trigrams across an entry's end hold a '\n', which no word has: left out). */
function blockFilters(text: string, starts: Int32Array): Uint32Array {
  const filters = new Uint32Array(BLOCKS_PER_CHUNK * FILTER_WORDS);
  for (let block = 0; block < BLOCKS_PER_CHUNK; block++) {
    const from = starts[block * BLOCK_ENTRIES]!;
    const to = block + 1 < BLOCKS_PER_CHUNK ? starts[(block + 1) * BLOCK_ENTRIES]! : text.length;
    const base = block * FILTER_WORDS;
    let a = 10;
    let b = 10;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      if (a !== 10 && b !== 10 && c !== 10) {
        const bit = trigramBit(a, b, c);
        filters[base + (bit >>> 5)]! |= 1 << (bit & 31);
      }
      a = b;
      b = c;
    }
  }
  return filters;
}

/** A word's trigram bits as (filter word, mask) pairs; null for a word too short to have one. */
function trigramProbes(word: string): Int32Array | null {
  if (word.length < 3) return null;
  const probes = new Int32Array(2 * (word.length - 2));
  for (let i = 0; i + 2 < word.length; i++) {
    const bit = trigramBit(word.charCodeAt(i), word.charCodeAt(i + 1), word.charCodeAt(i + 2));
    probes[2 * i] = bit >>> 5;
    probes[2 * i + 1] = 1 << (bit & 31);
  }
  return probes;
}

/** searchRange over the runs of blocks whose filters hold every probe. */
function searchFiltered(chunk: Chunk, probes: Int32Array, word: string, hits: Uint8Array): boolean {
  const filters = chunk.filters!;
  let found = false;
  let runStart = -1;
  for (let block = 0; block <= BLOCKS_PER_CHUNK; block++) {
    let candidate = block < BLOCKS_PER_CHUNK;
    if (candidate) {
      const base = block * FILTER_WORDS;
      for (let p = 0; p < probes.length; p += 2) {
        if ((filters[base + probes[p]!]! & probes[p + 1]!) === 0) {
          candidate = false;
          break;
        }
      }
    }
    if (candidate) {
      if (runStart < 0) runStart = block;
    } else if (runStart >= 0) {
      found = searchRange(chunk, runStart * BLOCK_ENTRIES, block * BLOCK_ENTRIES, word, hits) || found;
      runStart = -1;
    }
  }
  return found;
}

/** Marks the tags of the entries [first, end) of `chunk` that hold `word`; whether any did. */
function searchRange(chunk: Chunk, first: number, end: number, word: string, hits: Uint8Array): boolean {
  const { starts, tags } = chunk;
  const offset = starts[first]!;
  // A slice of a flat string shares its characters: indexOf then stops at the range's end.
  const text = first === 0 && end === starts.length ? chunk.text : chunk.text.slice(offset, end < starts.length ? starts[end]! : chunk.text.length);
  let from = 0;
  let found = false;
  for (;;) {
    const at = text.indexOf(word, from);
    if (at < 0) return found;
    // The entry holding `at`: the last start at or before it.
    const position = at + offset;
    let lo = first;
    let hi = end - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= position) lo = mid;
      else hi = mid - 1;
    }
    hits[tags[lo]!] = 1;
    found = true;
    // On to the next entry: one hit per entry is enough.
    if (lo + 1 >= end) return found;
    from = starts[lo + 1]! - offset;
  }
}

/** The on-row text of a scalar column: one entry per row that keeps its own value. */
export class OnRowText implements RowTextSearch {
  private readonly text = new ChunkedText();
  /** Rows below this seq have been looked at. */
  builtTo = 0;

  constructor(
    private readonly ids: () => ArrayLike<number>,
    private readonly lower: (row: EventRow) => string,
  ) {}

  search(log: readonly EventRow[], end: number, word: string, hits: Uint8Array, rewritten?: readonly number[]): void {
    runSliced(this.searchSliced(log, end, word, hits, rewritten));
  }

  *searchSliced(log: readonly EventRow[], end: number, word: string, hits: Uint8Array, rewritten?: readonly number[]): Sliced<void> {
    const built = Math.min(this.builtTo, end);
    yield* this.extend(log, end);
    const ids = this.ids();
    yield* correctingRewrites(rewritten, built, hits, () => this.text.search(word, hits), (seq) => ids[seq] === ON_ROW_ID && this.lower(log[seq]!).includes(word));
  }

  *searchValuesSliced(
    log: readonly EventRow[],
    end: number,
    values: ReadonlySet<string>,
    holds: (seq: number) => boolean,
    hits: Uint8Array,
    rewritten?: readonly number[],
  ): Sliced<void> {
    yield* valuesSearch(this, () => this.extend(log, end), this.ids, holds, hits, rewritten, end, (onRowHolds) => markHolding(this.text, values, end, onRowHolds, hits));
  }

  private extend(log: readonly EventRow[], end: number): Sliced<void> {
    return extendSliced(this, end, (from, to) => {
      const ids = this.ids();
      for (let seq = from; seq < to; seq++) if (ids[seq] === ON_ROW_ID) this.text.add(this.lower(log[seq]!), seq);
    });
  }
}

/**
 * searchValuesSliced of either on-row text: `extend` builds it up to `end`, `search` marks the rows
 * holding a value among those built, told which rows keep their own value and hold one (`holds`),
 * which also answers the rows the store has written over since they were built.
 */
function* valuesSearch(
  text: { builtTo: number },
  extend: () => Sliced<void>,
  ids: () => ArrayLike<number>,
  holds: (seq: number) => boolean,
  hits: Uint8Array,
  rewritten: readonly number[] | undefined,
  end: number,
  search: (onRowHolds: (seq: number) => boolean) => Sliced<void>,
): Sliced<void> {
  const built = Math.min(text.builtTo, end);
  yield* extend();
  const idsNow = ids();
  const onRowHolds = (seq: number): boolean => idsNow[seq] === ON_ROW_ID && holds(seq);
  yield* correctingRewrites(rewritten, built, hits, () => search(onRowHolds), onRowHolds);
}

/**
 * Extends a text to `end` by SLICE_ROWS rows at a time. `builtTo` is read
 * again at each slice: another view's search may have built further between
 * them (the texts are shared by every query over the columns).
 */
function* extendSliced(text: { builtTo: number }, end: number, build: (from: number, to: number) => void): Sliced<void> {
  let first = true;
  while (text.builtTo < end) {
    if (!first) yield;
    first = false;
    const from = text.builtTo;
    const to = Math.min(end, from + SLICE_ROWS);
    build(from, to);
    text.builtTo = to;
  }
}

/**
 * The on-row text of the resources column. A list the store did not share
 * whole still repeats resource by resource: every S3 data event names its
 * own object and a bucket named by thousands of rows, and a table that gave
 * up on lists keeps each row's [KMS key] or [DynamoDB table] as its own. So
 * a resource whose ARN repeats (by type, while its type's resources mostly
 * do) is written once, as a shared entry, and its rows point at it; only
 * the rest (the objects) is each row's own text. On a million S3-heavy rows
 * that is a quarter of the text a row-by-row copy made, and a quarter of the
 * search.
 */
export class ResourcesOnRowText implements RowTextSearch {
  private readonly own = new ChunkedText();
  private readonly shared = new ChunkedText();
  /** Per shared entry: the name of its resource (a repeat of its ARN must name the same). */
  private readonly sharedNames: string[] = [];
  /** Which shared entries each row points at: pairs (seq, entry), in seq order. */
  private readonly pairSeqs = new Int32List();
  private readonly pairEntries = new Int32List();
  private readonly byType = new Map<string, SharedByKey>();
  /** Rows below this seq have been looked at. */
  builtTo = 0;
  private readonly ownParts: string[] = [];

  constructor(private readonly ids: () => ArrayLike<number>) {}

  search(log: readonly EventRow[], end: number, word: string, hits: Uint8Array, rewritten?: readonly number[]): void {
    runSliced(this.searchSliced(log, end, word, hits, rewritten));
  }

  *searchValuesSliced(
    log: readonly EventRow[],
    end: number,
    names: ReadonlySet<string>,
    holds: (seq: number) => boolean,
    hits: Uint8Array,
    rewritten?: readonly number[],
  ): Sliced<void> {
    const extend = (): Sliced<void> => extendSliced(this, end, (from, to) => this.extend(log, from, to));
    yield* valuesSearch(this, extend, this.ids, holds, hits, rewritten, end, (onRowHolds) => this.searchNames(names, end, onRowHolds, hits));
  }

  /** searchValuesSliced over the text built: a shared entry is its resource's name exactly (sharedEntry), the own text is searched. */
  private *searchNames(names: ReadonlySet<string>, end: number, holds: (seq: number) => boolean, hits: Uint8Array): Sliced<void> {
    const entries = this.sharedNames.length;
    const entryHits = new Uint8Array(entries);
    let named = false;
    yield* slicedRange(0, entries, SLICE_IDS, (from, to) => {
      for (let entry = from; entry < to; entry++) {
        if (names.has(this.sharedNames[entry]!)) {
          entryHits[entry] = 1;
          named = true;
        }
      }
    });
    if (named) yield* this.markPointing(entryHits, hits);
    yield* markHolding(this.own, names, end, holds, hits);
  }

  *searchSliced(log: readonly EventRow[], end: number, word: string, hits: Uint8Array, rewritten?: readonly number[]): Sliced<void> {
    const built = Math.min(this.builtTo, end);
    yield* extendSliced(this, end, (from, to) => this.extend(log, from, to));
    const ids = this.ids();
    yield* correctingRewrites(
      rewritten,
      built,
      hits,
      () => this.searchBuilt(word, hits),
      (seq) => ids[seq] === ON_ROW_ID && log[seq]!.resources.some((resource) => resourceLower(resource).includes(word)),
    );
  }

  private *searchBuilt(word: string, hits: Uint8Array): Sliced<void> {
    yield* this.own.search(word, hits);
    const entries = this.sharedNames.length;
    if (entries === 0) return;
    const entryHits = new Uint8Array(entries);
    if (!(yield* this.shared.search(word, entryHits))) return;
    yield* this.markPointing(entryHits, hits);
  }

  /** Marks the rows that point at a shared entry marked in `entryHits`. */
  private markPointing(entryHits: Uint8Array, hits: Uint8Array): Sliced<void> {
    // Pairs added between slices (another view building further) point past `entryHits` or `hits`: a typed array ignores those.
    return slicedRange(0, this.pairSeqs.length, SLICE_IDS, (from, to) => {
      const seqs = this.pairSeqs.data;
      const pointed = this.pairEntries.data;
      for (let k = from; k < to; k++) if (entryHits[pointed[k]!] === 1) hits[seqs[k]!] = 1;
    });
  }

  /** Adds the rows [from, to) to the text. */
  private extend(log: readonly EventRow[], from: number, to: number): void {
    const ids = this.ids();
    const parts = this.ownParts;
    for (let seq = from; seq < to; seq++) {
      if (ids[seq] !== ON_ROW_ID) continue;
      const resources = log[seq]!.resources;
      for (let k = 0; k < resources.length; k++) {
        const resource = resources[k]!;
        if (resource.name === '' && resource.arn === '') continue;
        const entry = this.sharedEntry(resource);
        if (entry >= 0) {
          this.pairSeqs.push(seq);
          this.pairEntries.push(entry);
        } else {
          parts.push(resourceLower(resource));
        }
      }
      if (parts.length > 0) {
        this.own.add(parts.length === 1 ? parts[0]! : parts.join('\n'), seq);
        parts.length = 0;
      }
    }
  }

  /** The shared entry of `resource` (made when its type's resources repeat), or -1: it goes into its row's own text. */
  private sharedEntry(resource: ResourceRef): number {
    let table = this.byType.get(resource.type);
    if (table === undefined) {
      // Crafted logs could name endless types: past this many, resources of new types are each row's own.
      if (this.byType.size >= MAX_SHARED_TYPES) return -1;
      table = new SharedByKey();
      this.byType.set(resource.type, table);
    }
    const key = resource.arn !== '' ? resource.arn : resource.name;
    const known = table.lookUp(key);
    if (known === GAVE_UP) return -1;
    if (known !== undefined) return this.sharedNames[known] === resource.name ? known : -1;
    if (this.sharedNames.length >= MAX_SHARED_ENTRIES) return -1;
    const entry = this.sharedNames.length;
    this.sharedNames.push(resource.name);
    this.shared.add(resourceLower(resource), entry);
    table.add(key, entry);
    return entry;
  }
}

const MAX_SHARED_TYPES = 1024;
const MAX_SHARED_ENTRIES = 1 << 17;
/** Lookups a type's table judges itself over; past half of them new, its resources mostly do not repeat. */
const SHARED_PROBE = 4096;
const GAVE_UP = -1;

/** Shared entries of one resource type by key, dropped when the type's keys mostly do not repeat (S3 objects). */
class SharedByKey {
  private entries: Map<string, number> | null = new Map();
  private lookups = 0;
  private added = 0;

  /** The key's entry; undefined when new; GAVE_UP once the table was dropped. */
  lookUp(key: string): number | undefined {
    if (this.entries === null) return GAVE_UP;
    if (++this.lookups === SHARED_PROBE) {
      const giveUp = this.added * 2 > SHARED_PROBE;
      this.lookups = 0;
      this.added = 0;
      if (giveUp) {
        this.entries = null;
        return GAVE_UP;
      }
    }
    return this.entries.get(key);
  }

  add(key: string, entry: number): void {
    this.added++;
    this.entries?.set(key, entry);
  }
}

/**
 * The lowercase search text of one resource (its name, and its ARN when it
 * differs: model/searchText.ts anyResourcePart). A name that ends its ARN
 * (an S3 object, a KMS key) is not written twice: every word in it is in
 * the ARN too. Compared lowercase, so a context-sensitive mapping (final
 * sigma) cannot make the name hold a word its ARN does not.
 */
export function resourceLower(resource: ResourceRef): string {
  const name = foldCase(resource.name);
  if (resource.arn === resource.name || resource.arn === '') return name;
  const arn = foldCase(resource.arn);
  return name === '' || arn.endsWith(name) ? arn : `${name}\n${arn}`;
}

interface Texts {
  scalars: Map<ScalarKey, OnRowText>;
  resources: ResourcesOnRowText;
}

const texts = new WeakMap<RowColumns, Texts>();

function textsOf(columns: RowColumns): Texts {
  let t = texts.get(columns);
  if (!t) {
    t = { scalars: new Map(), resources: new ResourcesOnRowText(() => columns.resources.rows.ids) };
    texts.set(columns, t);
  }
  return t;
}

/** The on-row text of one scalar column of `columns`. */
export function scalarOnRowText(columns: RowColumns, key: ScalarKey): OnRowText {
  const t = textsOf(columns);
  let text = t.scalars.get(key);
  if (!text) {
    const column = columns.scalars[key];
    text = new OnRowText(() => column.rows.ids, (row) => foldCase(row[key]));
    t.scalars.set(key, text);
  }
  return text;
}

/** The on-row text of the resources column (lists not shared: unique S3 object ARNs, say). */
export function resourcesOnRowText(columns: RowColumns): ResourcesOnRowText {
  return textsOf(columns).resources;
}
