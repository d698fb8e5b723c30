import type { ResourceRef } from '../model/types.js';
import type { RowColumns, ScalarKey } from '../store/columns.js';
import { anyTest, resourcesTest, scalarTest, userNamesTest, type ColumnContext, type SeqTest } from './columnTests.js';
import { resourcesOnRowText, scalarOnRowText, type RowTextSearch } from './onRowText.js';

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
  return names.join('\n').toLowerCase();
}

function resourcesText(resources: readonly ResourceRef[]): string {
  const parts: string[] = [];
  for (const resource of resources) {
    parts.push(resource.name);
    if (resource.arn !== resource.name) parts.push(resource.arn);
  }
  return parts.join('\n').toLowerCase();
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
    if (value.charCodeAt(k) > 127) return value.toLowerCase().includes(word);
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
 * Whether a row's search parts contain the lowercase `word` (which has no
 * line break) or hold a value it is `meant` to stand for, by column: once
 * per distinct value or list, from cached lowercase copies.
 */
export function wordTest(context: ColumnContext, word: string, meant: MeantValues = NOTHING_MEANT): SeqTest {
  const cache = lowerCaseOf(context.columns);
  const tests: SeqTest[] = SEARCH_SCALARS.map((key) => {
    const values = context.columns.scalars[key].values;
    let lower = cache.scalars.get(key);
    if (!lower) {
      lower = [];
      cache.scalars.set(key, lower);
    }
    const lowered = lower;
    const set = meant.scalars[key];
    const contains = (value: string, id: number | undefined): boolean =>
      value !== '' && (id === undefined ? includesFolded(value, word) : cached(lowered, id, () => value.toLowerCase()).includes(word));
    const visit = (value: string, id?: number): boolean => contains(value, id) || (set !== undefined && set.has(value));
    return scalarTest(context, key, visit, onRowByText(context, scalarOnRowText(context.columns, key), word, context.columns.scalars[key].overflowed, (seq) => visit(context.log[seq]![key]), set !== undefined));
  });
  const names = meant.userNames;
  const resourceNames = meant.resourceNames;
  tests.push(
    userNamesTest(context, listWordDecider(word, cache.userNames, namesText, namesContain, names && ((list) => list.some((name) => names.has(name))))),
    (() => {
      const meantResource = resourceNames && ((list: readonly ResourceRef[]) => list.some((resource) => resourceNames.has(resource.name)));
      const decide = listWordDecider(word, cache.resources, resourcesText, resourcesContain, meantResource);
      const byText = onRowByText(context, resourcesOnRowText(context.columns), word, context.columns.resources.overflowed, (seq) => decide(context.log[seq]!.resources), meantResource !== undefined);
      return resourcesTest(context, decide, byText);
    })(),
  );
  return anyTest(tests);
}

/** Below this many scanned rows, reading the rows is cheaper than building or searching the on-row text. */
const ON_ROW_TEXT_MIN_ROWS = 16_384;

/**
 * For a column that keeps values on the rows: one search of its on-row text
 * (query/onRowText.ts) decides all of them; rows added after binding, and
 * rows whose value may be a fuzzy word's meaning (`alsoMeant`), are read.
 */
function onRowByText(
  context: ColumnContext,
  text: RowTextSearch,
  word: string,
  overflowed: boolean,
  readRow: (seq: number) => boolean,
  alsoMeant: boolean,
): ((seq: number) => boolean) | undefined {
  if (!overflowed || context.scanRows < ON_ROW_TEXT_MIN_ROWS || alsoMeant || word === '') return undefined;
  const end = context.log.length;
  const hits = new Uint8Array(end);
  text.search(context.log, end, word, hits);
  return (seq) => (seq < end ? hits[seq] === 1 : readRow(seq));
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
