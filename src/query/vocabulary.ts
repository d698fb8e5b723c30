import { createRequire } from 'node:module';
import type Fuse from 'fuse.js';
import type { IFuseOptions } from 'fuse.js';
import type { EventRow } from '../model/types.js';
import { FUZZY_FIELDS } from './fields.js';

/**
 * How far a fuzzy word may be from a value. Tuned on the real datasets:
 * `assumrole` -> AssumeRole*, `getobjct` -> GetObject*, `acessdenied` ->
 * AccessDenied*, while `putbucketpolcy` stops at Put/GetBucketPolicy and
 * `deletetrail` does not drift to UpdateTrail (0.28 lets it).
 */
export const FUZZY_THRESHOLD = 0.22;

/** Shorter words only match as substrings: two or three letters fuzzily match nearly everything. */
export const FUZZY_MIN_LENGTH = 4;

/** Longer words are substring-only: fuse.js time grows with the pattern, and nobody misspells a 60-letter word. */
export const FUZZY_MAX_LENGTH = 48;

/**
 * Per field: beyond this many distinct values new ones are not added (object
 * keys, session names, instance ids). fuse.js time grows with the vocabulary
 * and a new word is searched on every keystroke: about 5k values keep that
 * near 10-30 ms, while 40k took 100-300 ms on a busy 2-core machine.
 */
const FIELD_VALUE_LIMIT = 5_000;

/** Values longer than this are ids or paths, not words anyone misspells. */
const VALUE_LENGTH_LIMIT = 160;

const WORD_CACHE_LIMIT = 256;

const FUSE_OPTIONS: IFuseOptions<string> = {
  threshold: FUZZY_THRESHOLD,
  ignoreLocation: true,
  includeScore: true,
  isCaseSensitive: false,
  shouldSort: false,
};

/**
 * fuse.js, loaded when the first value is indexed: the headless commands
 * compile queries through this module but index values only for plain
 * words. Its CommonJS build, so the load stays synchronous.
 */
let fuseClass: typeof Fuse | null = null;
function newFuse(values: string[]): Fuse<string> {
  fuseClass ??= createRequire(import.meta.url)('fuse.js') as typeof Fuse;
  return new fuseClass(values, FUSE_OPTIONS);
}

/** One value a fuzzy word means. `entry` indexes Vocabulary.value/fieldOf. */
export interface FuzzyHit {
  entry: number;
  score: number;
}

interface CachedSearch {
  upTo: number;
  hits: FuzzyHit[];
}

export interface RowLog {
  log(): readonly EventRow[];
  /** Seqs of rows written over since they were added (EventStore.rewritten): their new values are learnt too. */
  rewritten?(): readonly number[];
}

/**
 * The distinct values of the fields plain words look in (FUZZY_FIELDS), kept
 * in arrival order and append-only, so a compiled query can catch up on
 * values added after it was compiled by searching only the new ones.
 */
export class Vocabulary {
  private readonly values: string[] = [];
  private readonly fields: number[] = [];
  private readonly known: Set<string>[] = FUZZY_FIELDS.map(() => new Set<string>());
  private fuseIndex: Fuse<string> | null = null;
  private readonly cache = new Map<string, CachedSearch>();
  private cursor = 0;
  /** How many of the store's rewritten() entries were learnt. */
  private rewriteCursor = 0;
  private readonly adders = FUZZY_FIELDS.map((_, k) => (value: string): boolean => {
    this.addValue(k, value);
    return false;
  });

  /** Distinct (field, value) entries so far; grows as rows arrive. */
  get count(): number {
    return this.values.length;
  }

  value(entry: number): string {
    return this.values[entry]!;
  }

  /** Index into FUZZY_FIELDS of the field the entry came from. */
  fieldOf(entry: number): number {
    return this.fields[entry]!;
  }

  /** Reads the store's arrival log from where the last update stopped. */
  update(store: RowLog): void {
    const log = store.log();
    const rewritten = store.rewritten?.() ?? [];
    if (this.rewriteCursor < rewritten.length) {
      // Rows before the cursor that were replaced: values no longer in the store stay (a word may match nothing).
      const replaced: EventRow[] = [];
      for (let k = this.rewriteCursor; k < rewritten.length; k++) if (rewritten[k]! < this.cursor) replaced.push(log[rewritten[k]!]!);
      this.addRows(replaced);
      this.rewriteCursor = rewritten.length;
    }
    if (this.cursor >= log.length) return;
    this.addRows(log, this.cursor);
    this.cursor = log.length;
  }

  addRows(rows: readonly EventRow[], from = 0): void {
    const open: number[] = [];
    for (let k = 0; k < FUZZY_FIELDS.length; k++) if (this.known[k]!.size < FIELD_VALUE_LIMIT) open.push(k);
    if (open.length === 0) return;
    for (let i = from; i < rows.length; i++) {
      const row = rows[i]!;
      for (const k of open) FUZZY_FIELDS[k]!.fuzzyValue!(row, this.adders[k]!);
    }
  }

  /** Adds values of one fuzzy field by name (an archive's distinct values), under the same limits as rows' values. */
  addFieldValues(fieldName: string, values: Iterable<string>): void {
    const k = FUZZY_FIELDS.findIndex((f) => f.name === fieldName);
    if (k < 0) return;
    for (const value of values) this.addValue(k, value);
  }

  /** Entries at index >= `from` that fuse.js says the (lowercase) word means. */
  search(word: string, from = 0): FuzzyHit[] {
    if (from === 0) return this.searchAll(word).slice();
    if (from >= this.values.length) return [];
    return this.searchSlice(word, from);
  }

  private searchAll(word: string): FuzzyHit[] {
    let cached = this.cache.get(word);
    if (!cached) {
      const hits = this.fuse().search(word).map((r) => ({ entry: r.refIndex, score: r.score ?? 0 }));
      cached = { upTo: this.values.length, hits };
      if (this.cache.size >= WORD_CACHE_LIMIT) this.cache.clear();
      this.cache.set(word, cached);
    } else if (cached.upTo < this.values.length) {
      cached.hits.push(...this.searchSlice(word, cached.upTo));
      cached.upTo = this.values.length;
    }
    return cached.hits;
  }

  private searchSlice(word: string, from: number): FuzzyHit[] {
    const slice = newFuse(this.values.slice(from));
    return slice.search(word).map((r) => ({ entry: from + r.refIndex, score: r.score ?? 0 }));
  }

  private addValue(field: number, value: string): void {
    if (value === '' || value.length > VALUE_LENGTH_LIMIT) return;
    const known = this.known[field]!;
    if (known.size >= FIELD_VALUE_LIMIT || known.has(value)) return;
    known.add(value);
    this.values.push(value);
    this.fields.push(field);
    this.fuse().add(value);
  }

  private fuse(): Fuse<string> {
    this.fuseIndex ??= newFuse([]);
    return this.fuseIndex;
  }
}
