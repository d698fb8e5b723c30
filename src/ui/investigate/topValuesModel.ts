/**
 * The top values view's lines as plain text: count, share bar, value and
 * first/last time, fitted to the width. No Ink, so tests read it directly.
 */
import type { TopResult, TopValue } from '../../investigate/topValues.js';
import { foldCase } from '../../query/fold.js';
import { sanitize } from '../../term/sanitize.js';
import { displayWidth, fit, padStart, truncate } from '../../term/width.js';
import { eventCount, formatMinute, timesSpanYears, type TimeZoneMode } from '../format.js';
import { shortPrincipal } from '../columns.js';
import { shareBar } from '../shareBar.js';
import { distinctCuts } from '../distinctCut.js';
import { own } from '../../term/glyphs.js';

const BAR = 10;

/**
 * A count's share of the events: a value one event in 4,000 holds is `<0.1%`, never `0.0%` (as though it
 * were not there), and one all but a few hold is `>99%`, never `100%` (as though every event had it).
 */
export function percent(count: number, total: number): string {
  if (total <= 0) return '';
  const p = (count / total) * 100;
  if (p > 0 && p < 0.05) return '<0.1%';
  if (p >= 99.5 && count < total) return '>99%';
  return `${p >= 10 || p === 0 ? p.toFixed(0) : p.toFixed(1)}%`;
}


export interface TopLayout {
  header: string;
  lines: string[];
}

/** Header and one line per value: `  1,234  41%  ████▏░░░░░  value  first  last` (`ascii`: `####+.....`). */
export function topLines(result: TopResult, zone: TimeZoneMode, width: number, ascii = false): TopLayout {
  const total = result.rows;
  const countWidth = Math.max(5, ...result.values.map((v) => v.count.toLocaleString('en-US').length));
  // Times as `MM-DD HH:MM` below 120 columns, with the year above or when the values' times span years; none below 70.
  const withYear = width >= 120 || timesSpanYears(result.values.flatMap((v) => [v.first, v.last]), zone);
  const timeWidth = width < 70 ? 0 : withYear ? 16 : 11;
  const fixedWithoutBar = 2 + countWidth + 2 + 5 + 2 + (timeWidth ? 2 * (timeWidth + 2) : 0);
  // Values that would be cut (role session names differ at their end) take the bar's room first: the share
  // is still said as a number.
  const longest = Math.max(0, ...result.values.map((v) => displayWidth(sanitize(v.value))));
  const bar = longest > width - fixedWithoutBar - BAR - 2 ? 0 : BAR;
  const valueWidth = Math.max(8, width - fixedWithoutBar - (bar ? bar + 2 : 0));
  const barText = (v: TopValue): string => (bar ? `${shareBar(total > 0 ? v.count / total : 0, BAR, ascii)}  ` : '');
  // A user too long for its cell is shown as the list's User column shows it then (`SSO/alice`, `Role/session`):
  // cut from the end, every IAM Identity Center user read `AWSReservedSSO_Administrat…` at 80 columns.
  const shownText = (v: TopValue): string => {
    const text = sanitize(v.value);
    return result.field === 'user' && displayWidth(text) > valueWidth ? sanitize(shortPrincipal(v.value)) : text;
  };
  // Where two values would read the same cut (SSO/AdanAlvarez of two permission sets), they are cut in
  // their middle instead, the SSO prefix shortened as the User column does.
  const wholeText = (v: TopValue): string => sanitize(result.field === 'user' ? v.value.replace(/^AWSReservedSSO_/, 'SSO/') : v.value);
  const valueTexts = distinctCuts(result.values.map((v) => ({ shown: shownText(v), whole: wholeText(v) })), valueWidth);
  const line = (v: TopValue, i: number): string => {
    const times = timeWidth ? `  ${fit(formatMinute(v.first, zone, withYear), timeWidth)}  ${fit(formatMinute(v.last, zone, withYear), timeWidth)}` : '';
    return `${padStart(v.count.toLocaleString('en-US'), countWidth)}  ${padStart(percent(v.count, total), 5)}  ${barText(v)}${fit(valueTexts[i]!, valueWidth)}${times}`;
  };
  const header = `${padStart('Count', countWidth)}  ${padStart('Share', 5)}  ${bar ? `${fit('', BAR)}  ` : ''}${fit('Value', valueWidth)}${timeWidth ? `  ${fit('First', timeWidth)}  ${fit('Last', timeWidth)}` : ''}`;
  return { header: truncate(header, width - 2), lines: result.values.map((v, i) => truncate(line(v, i), width - 2)) };
}

/**
 * Under the values when they do not all fit: how many are above and below the window
 * (`  ↑ 2 above · ↓ 5 more (j/k)`), else empty. Without it 15 of 20 lines looked like all of them.
 */
export function moreValuesLine(from: number, shown: number, total: number): string {
  const below = total - from - shown;
  if (from <= 0 && below <= 0) return '';
  const parts = [from > 0 ? `${own('↑')} ${from} above` : '', below > 0 ? `${own('↓')} ${below} more` : ''].filter(Boolean);
  return `  ${parts.join(own(' · '))} (j/k)`;
}

/** `12 distinct · 3,400 events · 120 without a value`. */
export function topSummary(result: TopResult): string {
  const parts = [`${result.distinct.toLocaleString('en-US')} distinct`, eventCount(result.rows)];
  if (result.empty > 0) parts.push(`${result.empty.toLocaleString('en-US')} without a value`);
  if (result.distinct > result.values.length) parts.push(`top ${result.values.length} shown`);
  return parts.join(own(' · '));
}

/**
 * The line to select once the values are counted again (events arrived, an import ended, the help closed):
 * the one holding the value selected before, which the recount can move up or down the ranking, so that
 * Enter, =, +, - and p act on the value the reader chose rather than on whatever took its place. A value
 * gone from the list (excluded, out of the top) leaves the line where it was, as drawn; `before` null
 * (the view just opened) or of another field, the line is `index`.
 */
export function followTopSelection(before: { result: TopResult; index: number } | null, after: TopResult, index: number): number {
  const at = Math.max(0, Math.min(index, after.values.length - 1));
  if (!before || before.result.field !== after.field) return at;
  const chosen = before.result.values[Math.min(before.index, before.result.values.length - 1)];
  if (!chosen) return at;
  // Values differing only in case are one line, shown in their most frequent spelling, which can change.
  const found = after.values.findIndex((v) => foldCase(v.value) === foldCase(chosen.value));
  return found >= 0 ? found : at;
}
