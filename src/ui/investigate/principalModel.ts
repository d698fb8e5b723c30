/** The principal summary view's lines, as plain text with the term each selectable line pivots on. */
import type { PrincipalSummary } from '../../investigate/principal.js';
import { termText, type PivotTerm } from '../../investigate/pivot.js';
import { sanitize } from '../../term/sanitize.js';
import { displayWidth, fit, padStart, truncate } from '../../term/width.js';
import { formatMinute, formatTime, timesSpanYears, type TimeZoneMode } from '../format.js';
import { own } from '../../term/glyphs.js';
import { truncateMiddle } from '../distinctCut.js';

export interface SummaryLine {
  text: string;
  heading: boolean;
  pivot: PivotTerm | null;
}

/**
 * Full time from 120 columns up; `MM-DD HH:MM` below, so the first – last span fits 80 columns
 * (`YYYY-MM-DD HH:MM` when the principal's events span years).
 */
function when(time: number, zone: TimeZoneMode, short = false, withYear = false): string {
  if (!Number.isFinite(time)) return own('—');
  return short ? formatMinute(time, zone, withYear) : formatTime({ time, timeRaw: '' }, zone);
}

const n = (value: number): string => value.toLocaleString('en-US');

/**
 * A value column's width: `usual` (every section's, so counts line up) unless a value is wider,
 * then as wide as the widest value, up to `room`.
 */
function valueWidth(values: readonly string[], usual: number, room: number): number {
  const longest = Math.max(0, ...values.map(displayWidth));
  return longest <= usual ? usual : Math.max(usual, Math.min(longest, room));
}

export function summaryLines(summary: PrincipalSummary, zone: TimeZoneMode, width: number): SummaryLine[] {
  const inner = Math.max(20, width - 3);
  const short = width < 120;
  const withYear = timesSpanYears([summary.first, summary.last], zone);
  const lines: SummaryLine[] = [];
  const heading = (text: string): void => {
    lines.push({ text: truncate(`${own('─')} ${text}`, inner), heading: true, pivot: null });
  };
  const line = (text: string, pivot: PivotTerm | null): void => {
    lines.push({ text: truncate(text, inner), heading: false, pivot });
  };
  line(`${n(summary.events)} event${summary.events === 1 ? '' : 's'}, ${n(summary.errors)} with an error`, null);
  line(`first seen ${when(summary.first, zone)}   last seen ${when(summary.last, zone)}`, null);
  // Ten cells more for the two years of a short first – last span.
  const nameWidth = Math.max(16, Math.min(44, inner - 40 - (short && withYear ? 10 : 0)));
  heading(`APIs called (${n(summary.apiCount)}${summary.apiCount > summary.apis.length ? `, top ${summary.apis.length}` : ''}): ok, errors, most frequent error`);
  const apiName = (api: PrincipalSummary['apis'][number]): string => sanitize(`${api.source.replace(/\.amazonaws\.com$/, '')} ${api.name}`);
  // The counts and the widest error code are what an API line holds besides its name (no times).
  const apiTail = 1 + 8 + 1 + 7 + Math.max(0, ...summary.apis.map((api) => (api.topError ? 2 + displayWidth(sanitize(api.topError)) : 0)));
  const apiWidth = valueWidth(summary.apis.map(apiName), nameWidth, inner - apiTail);
  for (const api of summary.apis) {
    line(`${fit(apiName(api), apiWidth)} ${padStart(n(api.ok), 8)} ${padStart(n(api.errors), 7)}  ${sanitize(api.topError)}`, { field: 'name', value: api.name });
  }
  const spanWidth = 3 + 2 * displayWidth(when(summary.first, zone, short, withYear));
  for (const section of summary.sections) {
    if (section.values.length === 0) continue;
    // As the APIs heading does: 31 source IPs of which the top 15 are listed is not 31 lines.
    heading(`${section.title} (${n(section.distinct)}${section.distinct > section.values.length ? `, top ${section.values.length}` : ''})`);
    const texts = section.values.map((value) => sanitize(value.value));
    // Values that would be cut (role ARNs, user agents) take the first – last times' room: Enter on the
    // line still lists its events with their times. Short values keep the times.
    const withTimes = valueWidth(texts, nameWidth, inner - 1 - 8 - 2 - spanWidth);
    const longest = Math.max(0, ...texts.map(displayWidth));
    const times = longest <= withTimes;
    const width = times ? withTimes : valueWidth(texts, nameWidth, inner - 1 - 8);
    section.values.forEach((value, i) => {
      const span = times ? `  ${when(value.first, zone, short, withYear)} ${own('–')} ${when(value.last, zone, short, withYear)}` : '';
      line(`${fit(texts[i]!, width)} ${padStart(n(value.count), 8)}${span}`, { field: section.field, value: value.value });
    });
  }
  return lines;
}

/** The title: `Summary of user:alice`. */
export function summaryTitle(summary: PrincipalSummary): string {
  return `Summary of ${sanitize(termText(summary.term))}`;
}

/**
 * The view's first line in `width` columns: the title and its keys, the keys dropped first (the footer says
 * them too), and a title too long even alone cut in its middle: cut at its end, an IAM Identity Center user
 * lost the person (`…38ed609eee440095/AdanAlvar…`), the part that says who.
 */
export function summaryHeading(title: string, width: number): string {
  const full = `${title} ${own('·')} Enter its events with the line ${own('·')} =/+/- pivot ${own('·')} Esc back`;
  if (displayWidth(full) <= width) return full;
  return displayWidth(title) <= width ? title : truncateMiddle(title, width);
}
