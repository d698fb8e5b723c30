import type { ResourceRef } from '../model/types.js';
import type { RowColumns, ScalarKey } from '../store/columns.js';
import { anyTest, resourcesTest, scalarTest, userNamesTest, type ColumnContext, type SeqTest } from './columnTests.js';

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
      value !== '' && (id === undefined ? value.toLowerCase() : cached(lowered, id, () => value.toLowerCase())).includes(word);
    return scalarTest(context, key, (value, id) => contains(value, id) || (set !== undefined && set.has(value)));
  });
  const names = meant.userNames;
  const resourceNames = meant.resourceNames;
  tests.push(
    userNamesTest(context, listWordDecider(word, cache.userNames, namesText, names && ((list) => list.some((name) => names.has(name))))),
    resourcesTest(
      context,
      listWordDecider(word, cache.resources, resourcesText, resourceNames && ((list) => list.some((resource) => resourceNames.has(resource.name)))),
    ),
  );
  return anyTest(tests);
}

/**
 * Decides a list (by its dictionary id, or undefined when read from a row):
 * the word in its cached lowercase text, or a value the word is meant to stand for.
 */
function listWordDecider<T>(
  word: string,
  cache: LowerCopies,
  text: (list: readonly T[]) => string,
  meant: ((list: readonly T[]) => boolean) | undefined,
): (list: readonly T[], id?: number) => boolean {
  return (list, id) =>
    list.length > 0 &&
    ((id === undefined ? text(list) : cached(cache, id, () => text(list))).includes(word) || (meant !== undefined && meant(list)));
}
