import { displayWidth, truncate } from '../term/width.js';
import { own } from '../term/glyphs.js';

/**
 * Hard-wraps already-sanitised text into lines at most `width` cells wide
 * (wide characters count two), keeping at most `maxLines` (the last one ends in …).
 */
export function wrapText(text: string, width: number, maxLines = Number.POSITIVE_INFINITY): string[] {
  const w = Math.max(1, width);
  if (displayWidth(text) <= w) return [text];
  const lines: string[] = [];
  let line = '';
  let used = 0;
  for (const ch of text) {
    const cw = displayWidth(ch);
    if (used + cw > w) {
      lines.push(line);
      line = '';
      used = 0;
      if (lines.length >= maxLines) break;
    }
    line += ch;
    used += cw;
  }
  if (lines.length < maxLines && line) lines.push(line);
  else if (lines.length >= maxLines) lines[maxLines - 1] = truncate(`${lines[maxLines - 1]!}${own('…')}`, w);
  return lines;
}

/**
 * Word-wraps already-sanitised text into lines at most `width` cells wide; a word longer than that
 * is hard-wrapped. At most `maxLines` are kept (the last one then ends in …).
 */
export function wrapWords(text: string, width: number, maxLines = Number.POSITIVE_INFINITY): string[] {
  // Only the first maxLines are shown, so a bounded prefix is all that is wrapped: a log value can be 50 MB.
  const room = Number.isFinite(maxLines) ? (maxLines + 1) * Math.max(1, width) * 4 : Number.POSITIVE_INFINITY;
  const cut = text.length > room;
  let end = cut ? room : text.length;
  if (cut && /[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
  const lines = wordLines(cut ? text.slice(0, end) : text, width);
  if (lines.length <= maxLines && !cut) return lines;
  const kept = lines.slice(0, Math.max(1, maxLines));
  // One ellipsis: a full line is cut by truncate to make room for it, a shorter one takes it as it is.
  kept[kept.length - 1] = truncate(`${kept[kept.length - 1]!}${own('…')}`, Math.max(1, width));
  return kept;
}

function wordLines(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (displayWidth(next) <= w) {
      line = next;
      continue;
    }
    if (line) lines.push(line);
    const parts = wrapText(word, w);
    line = parts.pop() ?? '';
    lines.push(...parts);
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * Key hints (`a x · b y · c z`) in lines at most `width` cells wide, broken
 * at the separators so no hint is split; a hint wider than a line is wrapped by words.
 */
export function wrapHints(text: string, width: number, separator = own(' · ')): string[] {
  const lines: string[] = [];
  let line = '';
  for (const hint of text.split(separator)) {
    const next = line ? `${line}${separator}${hint}` : hint;
    if (displayWidth(next) <= width) {
      line = next;
      continue;
    }
    if (line) lines.push(line);
    const pieces = wrapWords(hint, width);
    line = pieces.pop() ?? '';
    lines.push(...pieces);
  }
  if (line) lines.push(line);
  return lines;
}
