import type { ResourceRef } from '../model/types.js';
import { ON_ROW_ID, type RowColumns, type ScalarKey } from '../store/columns.js';
import { anyTest, resourcesTest, scalarTest, userNamesTest, withDense, type ColumnContext, type SeqTest } from './columnTests.js';
import { resourcesOnRowText, scalarOnRowText, valuesSearchable, type RowTextSearch } from './onRowText.js';
import { foldCase } from './fold.js';
import { lookupField, type TextField } from './fields.js';
import { offColumnsTest } from './offColumns.js';
import { runSliced, SLICE_IDS, SLICE_ROWS, slicedRange, slicedValue, type Sliced } from './sliced.js';

/** The scalar fields of the search parts (model/searchText.ts anySearchPart). */
export const SEARCH_SCALARS = ['name', 'source', 'actor', 'errorCode', 'region', 'sourceIp', 'accessKey'] as const;
export type SearchScalar = (typeof SEARCH_SCALARS)[number];

/** Values a fuzzy word stands for, per search part; a part without a set matches by substring only. */
export interface MeantValues {
  readonly scalars: Partial<Record<SearchScalar, ReadonlySet<string>>>;
  readonly userNames?: ReadonlySet<string>;
  readonly resourceNames?: ReadonlySet<string>;
}

const NOTHING_MEANT: MeantValues = { scalars: {} };

/**
 * Lowercase copies of column values and lists, made on first use and kept
 * for later queries: every keystroke's word is searched in the same few
 * thousand distinct values, and lowercasing them is most of that search.
 */
interface LowerCase {
  readonly scalars: Map<ScalarKey, LowerCopies>;
  readonly userNames: LowerCopies;
  readonly resources: LowerCopies;
}

/** By dictionary id; null for an id not lowercased yet (ids are decided in row order, not id order). */
type LowerCopies = (string | null)[];

const lowerCases = new WeakMap<RowColumns, LowerCase>();

function lowerCaseOf(columns: RowColumns): LowerCase {
  let cache = lowerCases.get(columns);
  if (!cache) {
    cache = { scalars: new Map(), userNames: [], resources: [] };
    lowerCases.set(columns, cache);
  }
  return cache;
}

function cached(cache: LowerCopies, id: number, make: () => string): string {
  let text = cache[id];
  if (text === undefined || text === null) {
    text = make();
    // Kept dense (ids not lowercased yet hold null), so the array stays a fast one.
    while (cache.length < id) cache.push(null);
    cache[id] = text;
  }
  return text;
}

/** A list's values lowercased on one line each, so a word (without a line break) is found in one includes(). */
function namesText(names: readonly string[]): string {
  return foldCase(names.join('\n'));
}

function resourcesText(resources: readonly ResourceRef[]): string {
  const parts: string[] = [];
  for (const resource of resources) {
    parts.push(resource.name);
    if (resource.arn !== resource.name) parts.push(resource.arn);
  }
  return foldCase(parts.join('\n'));
}

/**
 * value.toLowerCase().includes(word) without making the lowercase copy when
 * `value` is ASCII (then lowercasing only maps A-Z); other values take the
 * copy, so the answer is the same for every string. Values read from rows
 * (a column that gave its dictionary up: IPs, unique S3 object ARNs) are
 * tested by every query, and the copies were most of that cost.
 */
export function includesFolded(value: string, word: string): boolean {
  const n = value.length;
  const m = word.length;
  for (let k = 0; k < n; k++) {
    if (value.charCodeAt(k) > 127) return foldCase(value).includes(word);
  }
  if (m === 0) return true;
  const first = word.charCodeAt(0);
  outer: for (let i = 0; i + m <= n; i++) {
    let c = value.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== first) continue;
    for (let j = 1; j < m; j++) {
      let d = value.charCodeAt(i + j);
      if (d >= 65 && d <= 90) d += 32;
      if (d !== word.charCodeAt(j)) continue outer;
    }
    return true;
  }
  return false;
}

/** Whether a list's text (resourcesText / namesText) would contain `word`, part by part: the parts are joined by a line break, which `word` never holds. */
function resourcesContain(resources: readonly ResourceRef[], word: string): boolean {
  for (const resource of resources) {
    if (includesFolded(resource.name, word)) return true;
    if (resource.arn !== resource.name && includesFolded(resource.arn, word)) return true;
  }
  return false;
}

function namesContain(names: readonly string[], word: string): boolean {
  for (const name of names) if (includesFolded(name, word)) return true;
  return false;
}

/**
 * One search part of a word test by column: a scalar column or a list
 * column, its values decided by dictionary id, and the rows that keep their
 * own value (ON_ROW_ID) decided apart.
 */
interface WordPart {
  /** The column's ids by seq (the backing array at binding). */
  readonly ids: ArrayLike<number>;
  /** Its dictionary's size at binding. */
  readonly size: number;
  readonly overflowed: boolean;
  decide(id: number): boolean;
  /** Marks hits[seq] for each row of log[0, end) that keeps its own value and holds the word: by the on-row text, or read row by row. */
  markOnRow(end: number, hits: Uint8Array): Sliced<void>;
  /** The part as a test by seq (columnTests.ts), deciding values as rows ask. */
  test(): Sliced<SeqTest>;
}

/**
 * Whether a row's search parts contain the lowercase `word` (which has no
 * line break) or hold a value it is `meant` to stand for, by column: once
 * per distinct value or list, from cached lowercase copies.
 */
export function wordTest(context: ColumnContext, word: string, meant: MeantValues = NOTHING_MEANT): SeqTest {
  return runSliced(wordTestSliced(context, word, meant));
}

/**
 * wordTest a slice at a time (sliced.ts): at a million rows its on-row text
 * is built and searched, and rows whose value a fuzzy word may mean are
 * read one by one, which took most of a second in one go.
 */
export function* wordTestSliced(context: ColumnContext, word: string, meant: MeantValues = NOTHING_MEANT): Sliced<SeqTest> {
  const parts = wordParts(context, word, meant);
  let test = yield* denseWordTest(context, parts);
  if (test === null) {
    const tests: SeqTest[] = [];
    for (const part of parts) tests.push(yield* part.test());
    test = anyTest(tests);
  }
  // A failed sign-in's error label is its errorMessage (searchText.ts), in no search column.
  const failedSignIns = offColumnsTest(context, ERROR_FIELD, ERROR_FIELD.offColumns!, (value) => includesFolded(value, word));
  return failedSignIns ? anyTest([test, failedSignIns]) : test;
}

const ERROR_FIELD = lookupField('error') as TextField;

function wordParts(context: ColumnContext, word: string, meant: MeantValues): WordPart[] {
  const { columns, log } = context;
  const cache = lowerCaseOf(columns);
  const byText = byTextSearch(context, word);
  const parts: WordPart[] = SEARCH_SCALARS.map((key) => {
    const column = columns.scalars[key];
    const values = column.values;
    let lower = cache.scalars.get(key);
    if (!lower) {
      lower = [];
      cache.scalars.set(key, lower);
    }
    const lowered = lower;
    const set = meant.scalars[key];
    const contains = (value: string, id: number | undefined): boolean =>
      value !== '' && (id === undefined ? includesFolded(value, word) : cached(lowered, id, () => foldCase(value)).includes(word));
    const visit = (value: string, id?: number): boolean => contains(value, id) || (set !== undefined && set.has(value));
    const readRow = (seq: number): boolean => visit(log[seq]![key]);
    const text = byText(scalarOnRowText(columns, key));
    // Per row asked, a row whose value may be a fuzzy word's meaning is read: the text's hits are only the word's.
    const textTest = set === undefined ? text : undefined;
    return {
      ids: column.rows.ids,
      size: values.length,
      overflowed: column.overflowed,
      decide: (id) => visit(values[id]!, id),
      markOnRow: (set === undefined ? text?.mark : text?.markMeaning(set, (seq) => set.has(log[seq]![key]))) ?? readOnRow(column.rows.ids, readRow),
      test: function* () {
        const onRow = column.overflowed && textTest ? yield* textTest.test(readRow) : undefined;
        return scalarTest(context, key, visit, onRow);
      },
    };
  });
  const names = meant.userNames;
  const decideNames = listWordDecider(word, cache.userNames, namesText, namesContain, names && ((list) => list.some((name) => names.has(name))));
  const userNames = columns.userNames;
  const nameLists = userNames.lists;
  parts.push({
    ids: userNames.rows.ids,
    size: nameLists.length,
    overflowed: userNames.overflowed,
    decide: (id) => decideNames(nameLists[id]!, id),
    markOnRow: readOnRow(userNames.rows.ids, (seq) => decideNames(log[seq]!.userNames)),
    test: () => slicedValue(userNamesTest(context, decideNames)),
  });
  const resourceNames = meant.resourceNames;
  const meantResource = resourceNames && ((list: readonly ResourceRef[]) => list.some((resource) => resourceNames.has(resource.name)));
  const decideResources = listWordDecider(word, cache.resources, resourcesText, resourcesContain, meantResource);
  const resources = columns.resources;
  const resourceLists = resources.lists;
  const readResources = (seq: number): boolean => decideResources(log[seq]!.resources);
  const resourceText = byText(resourcesOnRowText(columns));
  const resourceTextTest = meantResource === undefined ? resourceText : undefined;
  parts.push({
    ids: resources.rows.ids,
    size: resourceLists.length,
    overflowed: resources.overflowed,
    decide: (id) => decideResources(resourceLists[id]!, id),
    markOnRow:
      (resourceNames === undefined ? resourceText?.mark : resourceText?.markMeaning(resourceNames, (seq) => meantResource!(log[seq]!.resources))) ??
      readOnRow(resources.rows.ids, readResources),
    test: function* () {
      const onRow = resources.overflowed && resourceTextTest ? yield* resourceTextTest.test(readResources) : undefined;
      return resourcesTest(context, decideResources, onRow);
    },
  });
  return parts;
}

/** Marks the rows that keep their own value and `read` says hold the word, SLICE_ROWS rows a slice. */
function readOnRow(ids: ArrayLike<number>, read: (seq: number) => boolean): (end: number, hits: Uint8Array) => Sliced<void> {
  return (end, hits) =>
    slicedRange(0, end, SLICE_ROWS, (from, to) => {
      for (let seq = from; seq < to; seq++) if (ids[seq] === ON_ROW_ID && read(seq)) hits[seq] = 1;
    });
}

/** Below this many scanned rows, reading the rows is cheaper than building or searching the on-row text. */
const ON_ROW_TEXT_MIN_ROWS = 16_384;

interface ByText {
  /** Marks the rows of log[0, end) whose on-row text holds the word. */
  mark(end: number, hits: Uint8Array): Sliced<void>;
  /**
   * mark, and the rows that hold one of the `values` a fuzzy word means
   * (`holds` reads a row; only rows whose text holds a value are read);
   * undefined when the values cannot be searched so (onRowText.ts valuesSearchable): rows are read.
   */
  markMeaning(values: ReadonlySet<string>, holds: (seq: number) => boolean): ((end: number, hits: Uint8Array) => Sliced<void>) | undefined;
  /** The on-row rows as a test by seq: one search decides those bound; rows added later are read. */
  test(readRow: (seq: number) => boolean): Sliced<(seq: number) => boolean>;
}

/**
 * For a column that keeps values on the rows: one search of its on-row text
 * (query/onRowText.ts) decides all of them, when the scan is large enough
 * to pay for it (undefined otherwise: rows are read).
 */
function byTextSearch(context: ColumnContext, word: string): (text: RowTextSearch) => ByText | undefined {
  if (context.scanRows < ON_ROW_TEXT_MIN_ROWS || word === '') return () => undefined;
  const log = context.log;
  return (text) => ({
    mark: (end, hits) => text.searchSliced(log, end, word, hits, context.rewritten),
    markMeaning: (values, holds) =>
      valuesSearchable(values)
        ? function* (end, hits) {
            yield* text.searchSliced(log, end, word, hits, context.rewritten);
            yield* text.searchValuesSliced(log, end, values, holds, hits, context.rewritten);
          }
        : undefined,
    test: function* (readRow) {
      const end = log.length;
      const hits = new Uint8Array(end);
      yield* text.searchSliced(log, end, word, hits, context.rewritten);
      return (seq: number) => (seq < end ? hits[seq] === 1 : readRow(seq));
    },
  });
}

/** Rows per distinct value below which deciding every value up front costs more than it saves (as columnTests' dictionaryTest). */
const DENSE_ROWS_PER_VALUE = 4;

/**
 * The word's answer for every row bound, as one byte per row, made column by
 * column in tight loops over the id arrays; null when the scan is too small
 * against the log or the dictionaries for that to pay. A word test by parts
 * costs each row a call per part and a read of each part's id array in the
 * scan's (newest-first) order; at a million rows that was most of a word
 * query once the on-row text was searched quickly. Rows added after binding
 * go to the parts' tests.
 */
function* denseWordTest(context: ColumnContext, parts: readonly WordPart[]): Sliced<SeqTest | null> {
  const end = context.log.length;
  if (context.scanRows < ON_ROW_TEXT_MIN_ROWS || context.scanRows * 2 < end) return null;
  for (const part of parts) if (part.size * DENSE_ROWS_PER_VALUE > context.scanRows) return null;
  const hits = new Uint8Array(end);
  for (const part of parts) {
    const answers = new Uint8Array(part.size);
    let passing = false;
    // Deciding a value lowercases it the first time (cached for later words): as costly as reading a row.
    yield* slicedRange(0, part.size, SLICE_ROWS, (from, to) => {
      for (let id = from; id < to; id++) {
        if (id !== ON_ROW_ID && part.decide(id)) {
          answers[id] = 1;
          passing = true;
        }
      }
    });
    if (passing) yield* slicedRange(0, end, SLICE_IDS, (from, to) => markByIds(part.ids, answers, from, to, hits));
    if (part.overflowed) yield* part.markOnRow(end, hits);
  }
  let late: SeqTest | null = null;
  return withDense(
    (seq) => (seq < end ? hits[seq] === 1 : (late ??= anyTest(parts.map((part) => runSliced(part.test()))))(seq)),
    // Rows may arrive while the test is bound a slice at a time: a scan that began before them asks for fewer.
    (upTo) => (upTo === end ? hits : upTo < end ? hits.subarray(0, upTo) : null),
  );
}

/** hits[seq] |= answers[ids[seq]] for seq in [from, to) (answers[ON_ROW_ID] is 0: those rows are marked apart). */
function markByIds(ids: ArrayLike<number>, answers: Uint8Array, from: number, to: number, hits: Uint8Array): void {
  for (let seq = from; seq < to; seq++) hits[seq]! |= answers[ids[seq]!]!;
}

/**
 * Decides a list (by its dictionary id, or undefined when read from a row):
 * the word in its cached lowercase text, or a value the word is meant to stand for.
 */
function listWordDecider<T>(
  word: string,
  cache: LowerCopies,
  text: (list: readonly T[]) => string,
  contains: (list: readonly T[], word: string) => boolean,
  meant: ((list: readonly T[]) => boolean) | undefined,
): (list: readonly T[], id?: number) => boolean {
  return (list, id) =>
    list.length > 0 &&
    ((id === undefined ? contains(list, word) : cached(cache, id, () => text(list)).includes(word)) || (meant !== undefined && meant(list)));
}
