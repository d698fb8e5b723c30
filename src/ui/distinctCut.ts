/**
 * Cutting a column of values so that values which differ still read differently. Cut from the end,
 * IAM Identity Center users of different permission sets all read `SSO/AdanAlvarez`, and three
 * assumed-role ARNs all read `arn:aws:sts::012345678901:assumed-role/CodeDepl…`: the part that tells
 * them apart (a role's hash, its name's last character) is at the end.
 */
import { displayWidth, ellipsis, truncate } from '../term/width.js';
import { truncateStart } from './pathText.js';

/**
 * Shortens `text` to at most `width` columns by cutting its middle (`SSO/Admin…d47002b/alice`): a
 * third of the room for its start (what kind of value), the rest for its end (which one).
 */
export function truncateMiddle(text: string, width: number): string {
  if (truncate(text, width) === text) return text;
  const mark = ellipsis();
  const room = width - mark.length;
  if (room < 2) return truncate(text, width);
  const headCut = truncate(text, Math.floor(room / 3) + mark.length);
  const head = headCut.endsWith(mark) ? headCut.slice(0, -mark.length) : headCut;
  return head + truncateStart(text, width - displayWidth(head));
}

/** One value of a column: what it shows when there is room for it, and its whole text. */
export interface CutValue {
  /** The text to show, cut from its end if need be (already sanitised; may be a short form). */
  shown: string;
  /** The whole value (already sanitised), cut in its middle where cutting `shown` would match another value. */
  whole: string;
}

/** Indexes of the texts that equal another's while their values differ. */
function colliding(texts: readonly string[], values: readonly CutValue[]): Set<number> {
  const wholesByText = new Map<string, Set<string>>();
  for (const [i, text] of texts.entries()) {
    const wholes = wholesByText.get(text) ?? new Set<string>();
    wholes.add(values[i]!.whole);
    wholesByText.set(text, wholes);
  }
  const out = new Set<number>();
  for (const [i, text] of texts.entries()) if ((wholesByText.get(text)?.size ?? 0) > 1) out.add(i);
  return out;
}

/**
 * Each value fitted to `width` columns: `shown` cut from its end, except where that makes values that
 * differ read the same: those are cut in their middle from `whole` instead, and where even that
 * matches (hashes that differ in one character), cut from their start.
 */
export function distinctCuts(values: readonly CutValue[], width: number, options: { commonPrefixFirst?: boolean } = {}): string[] {
  const texts = values.map((v) => truncate(v.shown, width));
  type Fallback = (same: ReadonlySet<number>) => void;
  const each = (cut: (text: string) => string): Fallback => (same) => {
    for (const i of same) texts[i] = cut(values[i]!.whole);
  };
  const fallbacks: Fallback[] = [each((text) => truncateMiddle(text, width)), each((text) => truncateStart(text, width))];
  if (options.commonPrefixFirst) fallbacks.unshift((same) => dropCommonPrefix(texts, values, same, width));
  for (const fallback of fallbacks) {
    const same = colliding(texts, values);
    if (same.size === 0) break;
    fallback(same);
  }
  return texts;
}

/**
 * Each group of values that read the same loses the words its members share at their start
 * (`stratus-red-team-ec2-get…` and `stratus-red-team-get-usr…` read `…ec2-get…`, `…get-usr…` in a
 * legend cut to 9 cells), cut at the last separator inside it so no word is split.
 */
function dropCommonPrefix(texts: string[], values: readonly CutValue[], same: ReadonlySet<number>, width: number): void {
  const groups = new Map<string, number[]>();
  for (const i of same) groups.set(texts[i]!, [...(groups.get(texts[i]!) ?? []), i]);
  const mark = ellipsis();
  for (const members of groups.values()) {
    const wholes = members.map((i) => values[i]!.whole);
    let shared = 0;
    const limit = Math.min(wholes[0]!.length, SHARED_LIMIT);
    while (shared < limit && wholes.every((w) => w[shared] === wholes[0]![shared])) shared++;
    // None shared, or more than any screen shows (a hostile megabyte value): the middle cut follows.
    if (shared === 0 || shared === SHARED_LIMIT) continue;
    const cutAt = Math.max(...SEPARATORS.map((sep) => wholes[0]!.lastIndexOf(sep, shared - 1))) + 1;
    if (cutAt <= 0 || wholes.some((w) => w.length <= cutAt)) continue;
    for (const i of members) texts[i] = truncate(mark + values[i]!.whole.slice(cutAt), width);
  }
}

/** The longest shared start looked for: a log value can be megabytes. */
const SHARED_LIMIT = 4096;

/** Where a shared start may be cut: after one of these, never inside a word. */
const SEPARATORS = ['-', '_', '/', '.', ':', '@', ' '];
