import { anyResourcePart, anySearchPart, anyUserName, buildSearchText } from '../model/searchText.js';
import type { EventRow, ResourceRef } from '../model/types.js';
import { matchesInside } from './pattern.js';
import { foldCase } from './fold.js';

/** Past this many distinct values a word stops remembering answers (source IPs, keys, ARNs). */
const MEMO_LIMIT = 200_000;

/**
 * Whether the row's search text (model/searchText.ts) contains the lowercase
 * word. Rows keep no search text: a word that cannot span a line break lies
 * inside one value, so each distinct (interned) value is lowercased and
 * searched once per query and its answer remembered.
 */
export function containsWord(word: string): (row: EventRow) => boolean {
  const parts = wordParts(word);
  // A word with a line break could join two values: only the built text answers that.
  if (!parts) return (row) => buildSearchText(row).includes(word);
  return (row) => anySearchPart(row, parts.visit, parts.names, parts.resources);
}

/** The per-value and per-list tests of containsWord, answers remembered; null for a word with a line break. */
export interface WordParts {
  visit(value: string): boolean;
  names(names: readonly string[]): boolean;
  resources(resources: readonly ResourceRef[]): boolean;
}

export function wordParts(word: string): WordParts | null {
  if (word.includes('\n')) return null;
  const memo = new Map<string, boolean>();
  const visit = (value: string): boolean => {
    let answer = memo.get(value);
    if (answer === undefined) {
      answer = foldCase(value).includes(word);
      if (memo.size < MEMO_LIMIT) memo.set(value, answer);
    }
    return answer;
  };
  // The store shares user-name and resource lists between rows: one answer per list.
  const lists = new Map<readonly unknown[], boolean>();
  const remembered = <T>(list: readonly T[], decide: (list: readonly T[]) => boolean): boolean => {
    let answer = lists.get(list);
    if (answer === undefined) {
      answer = decide(list);
      if (lists.size < MEMO_LIMIT && Object.isFrozen(list)) lists.set(list, answer);
    }
    return answer;
  };
  return {
    visit,
    names: (list) => remembered(list, (l) => anyUserName(l, visit)),
    resources: (list) => remembered(list, (l) => anyResourcePart(l, visit)),
  };
}

/** Lowercase runs that must appear in this order in the row's search text (a word with `*`). */
export function containsInOrder(segments: readonly string[]): (row: EventRow) => boolean {
  const runs = segments.filter((s) => s !== '');
  if (runs.length === 0) return () => true;
  if (runs.length === 1) return containsWord(runs[0]!);
  // Runs in order may fall in different values; rare enough to build the text for.
  return (row) => matchesInside(buildSearchText(row), runs);
}
