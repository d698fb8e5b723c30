/**
 * Terminal column widths, measured per grapheme cluster the way Ink's
 * string-width measures them, so columns we pad line up with what Ink draws:
 *  - clusters with nothing visible (controls, format characters, combining
 *    marks on their own) take 0 columns;
 *  - emoji clusters (RGI emoji, ZWJ sequences of 2+ pictographs, keycaps) take 2,
 *    or 2 per emoji and skin-tone modifier in a sequence: terminals disagree
 *    there, and a row that is cut early is better than one that wraps;
 *  - otherwise the East Asian Width of the cluster's first visible code point
 *    (Wide/Fullwidth 2, else 1), plus trailing spacing marks and halfwidth or
 *    fullwidth forms inside the cluster.
 * Text is expected to be sanitised already (no escape sequences).
 */
import { isWideCodePoint } from './eastAsianWide.js';
import { own, symbolsInAscii } from './glyphs.js';

// Made on first use: building them costs tens of ms at start-up, and most runs of the headless commands measure nothing.
let segmenterMade: Intl.Segmenter | null = null;
const segmenter = (): Intl.Segmenter => (segmenterMade ??= new Intl.Segmenter());

const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/;
// One negated class without quantifier: cheap, and no backtracking on clusters with many marks.
const VISIBLE = /[^\p{Default_Ignorable_Code_Point}\p{Control}\p{Format}\p{Nonspacing_Mark}\p{Enclosing_Mark}\p{Surrogate}]/u;
const SPACING_MARK = /\p{Spacing_Mark}/u;
// The `v` flag (for the RGI_Emoji property of strings) is ES2024; built at run time so the ES2022 target accepts it.
let rgiEmoji: RegExp | null = null;
const rgiEmojiPattern = (): RegExp => (rgiEmoji ??= new RegExp('^\\p{RGI_Emoji}$', 'v'));
const KEYCAP = /^[\d#*]\u20e3$/;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/gu;

/** Real emoji clusters are short; longer clusters are not measured as emoji (guards hostile input). */
const MAX_EMOJI_CLUSTER = 50;

function isEmojiCluster(segment: string): boolean {
  if (rgiEmojiPattern().test(segment)) return true;
  if (segment.length > MAX_EMOJI_CLUSTER) return false;
  if (KEYCAP.test(segment)) return true;
  if (segment.includes('\u200d')) {
    const pictographs = segment.match(PICTOGRAPHIC);
    return pictographs !== null && pictographs.length >= 2;
  }
  return false;
}

function codePointWidth(cp: number): number {
  return isWideCodePoint(cp) ? 2 : 1;
}

const isLeadingJamo = (cp: number): boolean => (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0xa960 && cp <= 0xa97c);
const isVowelJamo = (cp: number): boolean => (cp >= 0x1160 && cp <= 0x11a7) || (cp >= 0xd7b0 && cp <= 0xd7c6);
const isTrailingJamo = (cp: number): boolean => (cp >= 0x11a8 && cp <= 0x11ff) || (cp >= 0xd7cb && cp <= 0xd7fb);
const isJamo = (cp: number): boolean => isLeadingJamo(cp) || isVowelJamo(cp) || isTrailingJamo(cp);

/**
 * Clusters that start with conjoining Hangul jamo: each leading+vowel(+trailing)
 * run forms one syllable block of 2 columns; unmatched jamo and anything after
 * them add their own widths (string-width's rule, which matches the terminals).
 * Returns undefined when the cluster does not start with a jamo.
 */
function hangulClusterWidth(visible: string): number | undefined {
  const first = visible.codePointAt(0) ?? 0;
  if (!isJamo(first)) return undefined;
  const cps: number[] = [];
  for (const ch of visible) if (VISIBLE.test(ch)) cps.push(ch.codePointAt(0) ?? 0);
  let width = 0;
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i]!;
    if (!isJamo(cp)) {
      for (let j = i; j < cps.length; j++) width += codePointWidth(cps[j]!);
      return width;
    }
    if (isLeadingJamo(cp) && i + 1 < cps.length && isVowelJamo(cps[i + 1]!)) {
      width += 2;
      i += i + 2 < cps.length && isTrailingJamo(cps[i + 2]!) ? 2 : 1;
      continue;
    }
    width += codePointWidth(cp);
  }
  return width;
}

const EMOJI_PART = /[\p{Extended_Pictographic}\u{1f3fb}-\u{1f3ff}]/gu;

/**
 * An emoji cluster's width when in doubt: terminals differ on sequences. tmux
 * 3.3 draws 👍🏽 (thumbs up + skin tone) as 4 columns where string-width and
 * most terminals say 2, and older terminals draw a ZWJ family as its members
 * side by side. A row measured at 2 then wraps and pushes the header off the
 * screen, so such clusters count 2 columns per emoji and modifier in them:
 * cut early rather than overflow. A lone emoji (or one with a presentation
 * selector, or a keycap or flag) is 2, as everywhere.
 */
function emojiClusterWidth(segment: string): number {
  const parts = segment.match(EMOJI_PART);
  return Math.max(2, 2 * (parts?.length ?? 0));
}

/** Columns taken by one grapheme cluster. */
export function graphemeWidth(segment: string): number {
  const start = segment.search(VISIBLE);
  if (start === -1) return 0;
  if (isEmojiCluster(segment)) return emojiClusterWidth(segment);
  const visible = start === 0 ? segment : segment.slice(start);
  const hangul = hangulClusterWidth(visible);
  if (hangul !== undefined) return hangul;
  let width = codePointWidth(visible.codePointAt(0) ?? 0);
  let first = true;
  for (const ch of visible) {
    if (first) {
      first = false;
      continue;
    }
    if (SPACING_MARK.test(ch) || (ch >= '\uff00' && ch <= '\uffef')) width += codePointWidth(ch.codePointAt(0) ?? 0);
  }
  return width;
}

const NON_ASCII = /[^\u0020-\u007e]+/g;

/**
 * Code points that can join a neighbour into one grapheme cluster: marks
 * (Extend, SpacingMark), format characters (ZWJ, prepended Cf, tags),
 * regional indicators, conjoining Hangul jamo, CR, emoji skin-tone modifiers,
 * and the few Prepend and SpacingMark letters outside those categories
 * (a test checks this against Intl.Segmenter for every BMP and SMP code point).
 * Text without any of them is one cluster per code point, which we can
 * measure without the segmenter (it costs about 1.5 us a cluster on Node 20).
 */
export const MAY_JOIN = /[\p{M}\p{Cf}\r\u0d4e\u0e33\u0eb3\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff\uff9e\uff9f\u{111c2}\u{111c3}\u{113d1}\u{1193f}\u{11941}\u{11a84}-\u{11a89}\u{11d46}\u{11f02}\u{1f1e6}-\u{1f1ff}\u{1f3fb}-\u{1f3ff}]/u;

/**
 * Calls `visit(index, length, width)` for each grapheme cluster in order
 * until it returns false. Intl.Segmenter costs about 1.4 us a cluster, so only
 * the stretches around non-ASCII text are segmented: a printable ASCII
 * character is its own cluster unless a neighbour joins it (a combining mark
 * after it, a prepend mark before it), and those neighbours are non-ASCII, so
 * each non-ASCII run is segmented together with one ASCII character on each side.
 */
function scanClusters(text: string, visit: (index: number, length: number, width: number) => boolean): void {
  const len = text.length;
  if (!MAY_JOIN.test(text)) {
    for (let i = 0; i < len; ) {
      const code = text.charCodeAt(i);
      if (code >= 0x20 && code < 0x7f) {
        if (!visit(i, 1, 1)) return;
        i += 1;
        continue;
      }
      const cp = text.codePointAt(i) ?? code;
      const length = cp > 0xffff ? 2 : 1;
      if (!visit(i, length, codePointClusterWidth(cp))) return;
      i += length;
    }
    return;
  }
  let pos = 0;
  while (pos < len) {
    NON_ASCII.lastIndex = pos;
    const island = NON_ASCII.exec(text);
    const islandStart = island ? island.index : len;
    const asciiEnd = island && islandStart > pos ? islandStart - 1 : islandStart;
    for (let i = pos; i < asciiEnd; i++) if (!visit(i, 1, 1)) return;
    if (!island) return;
    let end = islandStart + island[0].length;
    // Runs separated by two ASCII characters or fewer would share a neighbour: segment them together.
    for (;;) {
      NON_ASCII.lastIndex = end;
      const next = NON_ASCII.exec(text);
      if (!next || next.index - end > 2) break;
      end = next.index + next[0].length;
    }
    const sliceEnd = Math.min(len, end + 1);
    for (const { segment, index } of segmenter().segment(text.slice(asciiEnd, sliceEnd))) {
      const cp = segment.codePointAt(0) ?? 0;
      const w = segment.length === (cp > 0xffff ? 2 : 1) ? codePointClusterWidth(cp) : graphemeWidth(segment);
      if (!visit(asciiEnd + index, segment.length, w)) return;
    }
    pos = sliceEnd;
  }
}

/** Widths of lone code points seen so far: the regex tests cost about 2 us, and logs reuse few characters. */
const singleWidths = new Map<number, number>();
const SINGLE_CACHE_LIMIT = 20_000;

/** Width of a code point that is a cluster on its own. */
function codePointClusterWidth(cp: number): number {
  let width = singleWidths.get(cp);
  if (width === undefined) {
    width = graphemeWidth(String.fromCodePoint(cp));
    if (singleWidths.size >= SINGLE_CACHE_LIMIT) singleWidths.clear();
    singleWidths.set(cp, width);
  }
  return width;
}

/** Terminal columns needed to show `text`. */
export function displayWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let width = 0;
  scanClusters(text, (_index, _length, w) => {
    width += w;
    return true;
  });
  return width;
}

export const ELLIPSIS = '…';

/** The mark a cut ends with: `…`, or `...` where the terminal cannot draw it (glyphs.ts own). */
export function ellipsis(): string {
  return own(ELLIPSIS);
}

/**
 * Beyond this many UTF-16 units past the target width, truncate looks only at
 * a prefix: a hostile 50 MB field must not be segmented whole to show 40 columns.
 */
const PREFIX_SLACK = 4096;

/**
 * Shortens `text` to at most `width` columns, ending with `…` when anything
 * was cut. Never splits a grapheme cluster or a wide character; the result
 * can be one column short when a wide character did not fit (pad it).
 */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width && PRINTABLE_ASCII.test(text)) return text;
  if (symbolsInAscii()) return truncateWith(text, width, '...');
  // width + 1 printable ASCII characters certainly overflow, and none of them joins a neighbour.
  if (text.length > width && PRINTABLE_ASCII.test(text.slice(0, width + 1))) {
    return width === 1 ? ELLIPSIS : text.slice(0, width - 1) + ELLIPSIS;
  }

  let source = text;
  let cutOff = false;
  const limit = width * 4 + PREFIX_SLACK;
  if (text.length > limit) {
    let end = limit;
    const last = text.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end -= 1; // keep a surrogate pair whole
    source = text.slice(0, end);
    cutOff = true;
  }

  let used = 0;
  let fitsWithEllipsis = 0; // end index of the longest prefix that fits in width - 1
  let overflowed = false;
  scanClusters(source, (index, length, w) => {
    if (used + w > width) {
      overflowed = true;
      return false;
    }
    used += w;
    if (used <= width - 1) fitsWithEllipsis = index + length;
    return true;
  });
  return overflowed || cutOff ? source.slice(0, fitsWithEllipsis) + ELLIPSIS : source;
}

/**
 * truncate with a mark wider than one column (`...` on a terminal that cannot draw `…`): as much of the
 * text as leaves room for it; a column too narrow for the mark shows as many of its dots as fit.
 */
function truncateWith(text: string, width: number, mark: string): string {
  // A hostile 50 MB field is looked at only as far as any terminal could show of it.
  const source = text.slice(0, width * 4 + PREFIX_SLACK);
  if (source.length === text.length && displayWidth(source) <= width) return text;
  if (width <= mark.length) return mark.slice(0, width);
  let kept = 0;
  let used = 0;
  scanClusters(source, (index, length, w) => {
    if (used + w > width - mark.length) return false;
    used += w;
    kept = index + length;
    return true;
  });
  return text.slice(0, kept) + mark;
}

/** Pads `text` with spaces on the right up to `width` columns (never cuts). */
export function padEnd(text: string, width: number): string {
  const missing = width - displayWidth(text);
  return missing > 0 ? text + ' '.repeat(missing) : text;
}

/** Pads on the left, for right-aligned numbers. */
export function padStart(text: string, width: number): string {
  const missing = width - displayWidth(text);
  return missing > 0 ? ' '.repeat(missing) + text : text;
}

/** Exactly `width` columns: truncated with an ellipsis, then padded. For table cells. */
export function fit(text: string, width: number): string {
  return padEnd(truncate(text, width), width);
}
