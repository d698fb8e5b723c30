/**
 * Which values of a dictionary differ only in case. A `field:value` term
 * matches any case (query/fold.ts), so top values count `TrailDiscoverInstanceId`
 * and `...ID` as one value, or the pivot from either lists events of both.
 *
 * Kept per dictionary (an append-only values array) and extended as it
 * grows, so counting asks the fold of each distinct value once, not per
 * count. Most values are their own fold (addresses, ids, lowercase names):
 * they get no Map entry of their own, only the values with a letter to fold
 * do, and a folded value is found among the dictionary's own values through
 * its lookup. Plain data, no Ink.
 */
import { Int32List } from '../model/growable.js';
import { foldCase } from '../query/fold.js';

/** A dictionary's exact lookup: the id of `value`, or undefined when it holds none. */
export type FindValue = (value: string) => number | undefined;

/** True when `value` is certainly its own fold: ASCII with no capital letter. */
function plainLower(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c > 127) return false;
  }
  return true;
}

export class FoldGroups {
  /** groupOf.data[id]: the id of the first value of id's group (itself when no earlier value folds alike). */
  readonly groupOf = new Int32List();
  /** Ids that belong to another id's group: none in most dictionaries, so counting can skip merging. */
  readonly members: number[] = [];
  /** Folds of the values that are not their own fold, with their group. */
  private readonly byFold = new Map<string, number>();

  /** Groups the values from `first` on (ids below `first` are not values: the column's EMPTY and ON_ROW ids). */
  constructor(private readonly first = 0) {}

  /** Values grouped so far. */
  get length(): number {
    return this.groupOf.length;
  }

  extend(values: readonly string[], find: FindValue): void {
    this.extendTo(values, find, values.length);
  }

  /** Groups the values up to `end` (a dictionary of a million values takes half a second: a slice at a time). */
  extendTo(values: readonly string[], find: FindValue, end: number): void {
    for (let id = this.groupOf.length; id < end; id++) {
      const group = id < this.first ? id : this.groupFor(values[id]!, id, find);
      this.groupOf.push(group);
      if (group !== id) this.members.push(id);
    }
  }

  private groupFor(value: string, id: number, find: FindValue): number {
    const folded = plainLower(value) ? value : foldCase(value);
    // Its own fold: in the group of an earlier value that folds to it, if any.
    if (folded === value) return this.byFold.get(value) ?? id;
    let group = this.byFold.get(folded);
    if (group === undefined) {
      // The first of its fold with a letter to fold: an earlier value spelt as the fold leads the group.
      const plain = find(folded);
      group = plain !== undefined && plain < id ? this.groupOf.data[plain]! : id;
      this.byFold.set(folded, group);
    }
    return group;
  }
}

const byDictionary = new WeakMap<readonly string[], FoldGroups>();

/** The fold groups of a dictionary's `values` as far as they are made (none yet: made empty). */
export function foldGroupsSoFar(values: readonly string[], first = 0): FoldGroups {
  let groups = byDictionary.get(values);
  if (!groups) {
    groups = new FoldGroups(first);
    byDictionary.set(values, groups);
  }
  return groups;
}

/** The fold groups of a dictionary's `values`, brought up to date. */
export function foldGroups(values: readonly string[], find: FindValue, first = 0): FoldGroups {
  const groups = foldGroupsSoFar(values, first);
  groups.extend(values, find);
  return groups;
}
