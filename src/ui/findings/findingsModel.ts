/**
 * What the findings view, the header and the details panel show of the
 * detection results, as plain text: the component only lays it out. Rule
 * titles, descriptions, tags and references come from rule files (possibly
 * someone else's): every string passes through the sanitiser here.
 */
import type { Finding, LevelCounts } from '../../detect/findings.js';
import { LEVELS, type Level, type Rule, type SkippedRule } from '../../detect/rule.js';
import { sanitize, sanitizeMultiline } from '../../term/sanitize.js';
import { fit, padStart, truncate } from '../../term/width.js';
import type { DetailLine } from '../detailModel.js';
import type { BadFile } from '../../model/types.js';
import { formatCount, formatDatedMinute, formatMinute, type TimeZoneMode } from '../format.js';
import { shortenToFit } from '../shortenToFit.js';
import { wrapWords } from '../wrap.js';
import { own } from '../../term/glyphs.js';

const SHORT: Record<Level, string> = { critical: 'crit', high: 'high', medium: 'med', low: 'low', informational: 'info' };

export function levelLabel(level: Level): string {
  return SHORT[level];
}

/** Levels that call for attention first (drawn in the error colour). */
export function isSevere(level: Level): boolean {
  return level === 'critical' || level === 'high';
}

/** The header's findings count by level, highest first: "⚑ 2 high 3 med 1 low (!)"; '' when nothing fired. */
export function findingsHeaderText(counts: LevelCounts): string {
  return findingsHeaderForms(counts)[0] ?? '';
}

/**
 * The header's findings count in forms from long to short, for a narrow terminal:
 * "⚑ 2 high 3 med 1 low (!)", "⚑ 2 high 3 med 1 low", "⚑ 2h 3m 1l", "⚑ 6"; none when nothing fired.
 */
export function findingsHeaderForms(counts: LevelCounts): string[] {
  const levels = LEVELS.slice()
    .reverse()
    .filter((level) => counts[level] > 0);
  if (levels.length === 0) return [];
  const named = levels.map((level) => `${formatCount(counts[level])} ${SHORT[level]}`).join(' ');
  const lettered = levels.map((level) => `${formatCount(counts[level])}${SHORT[level][0]}`).join(' ');
  const total = levels.reduce((n, level) => n + counts[level], 0);
  return [`${own('⚑')} ${named} (!)`, `${own('⚑')} ${named}`, `${own('⚑')} ${lettered}`, `${own('⚑')} ${formatCount(total)}`];
}

/**
 * How a time column is drawn: `dated` (2024-11-24 23:59), `short` (11-24 23:59, or dated when the
 * findings span years), or left out.
 */
export type TimeForm = 'dated' | 'short' | 'none';

/** Column widths of the findings list at a terminal width. */
export interface FindingsLayout {
  count: number;
  first: TimeForm;
  last: TimeForm;
  /** Whether a short time keeps its year (the findings' times span years). */
  withYear: boolean;
  tags: number;
  title: number;
}

const LEVEL_W = 5;
const COUNT_W = 7;
const DATED_W = 16;
const SHORT_W = 11;
/** The title's room the times give way to: most built-in titles whole, the rest recognisable. */
const TITLE_ROOM = 36;
/** Below this the title would not be recognisable: the last time goes too. */
const TITLE_MIN = 16;

function timeWidth(form: TimeForm, withYear: boolean): number {
  if (form === 'none') return 0;
  return (form === 'dated' || withYear ? DATED_W : SHORT_W) + 2;
}

/**
 * The columns at a terminal width, for findings of these counts. The times give way to the title one step at a time: the first
 * time, then the last, in their short form; then the first goes. The last (newest) hit stays, since
 * the list is in that order, unless the title would be left too little room to read.
 */
export function findingsLayout(width: number, withYear = false, counts: readonly number[] = []): FindingsLayout {
  // As wide as the widest count: a busy rule on a 10M archive fires on 8,506,590 events.
  const countWidth = Math.max(COUNT_W, ...counts.map((count) => formatCount(count).length));
  const fixed = 2 + LEVEL_W + 1 + countWidth + 2;
  const times = { first: 'dated' as TimeForm, last: 'dated' as TimeForm };
  const titleRoom = (t: typeof times): number => width - fixed - timeWidth(t.first, withYear) - timeWidth(t.last, withYear);
  shortenToFit(
    times,
    [
      (t) => (t.first = 'short'),
      (t) => (t.last = 'short'),
      (t) => (t.first = 'none'),
      (t) => (t.last = titleRoom(t) < TITLE_MIN ? 'none' : t.last),
    ],
    (t) => titleRoom(t) >= TITLE_ROOM,
  );
  const rest = Math.max(10, titleRoom(times));
  const tags = width >= 120 ? Math.min(36, Math.floor(rest / 3)) : 0;
  return { count: countWidth, ...times, withYear, tags, title: Math.max(8, rest - (tags > 0 ? tags + 2 : 0)) };
}

function timeText(time: number, form: TimeForm, withYear: boolean, zone: TimeZoneMode): string {
  if (time !== time) return '-';
  return form === 'dated' ? formatDatedMinute({ time, timeRaw: '' }, zone) : formatMinute(time, zone, withYear);
}

function timeCell(text: string, form: TimeForm, withYear: boolean): string {
  return form === 'none' ? '' : `${fit(text, timeWidth(form, withYear) - 2)}  `;
}

/** ATT&CK tags shortened for a list: `attack.t1562.008` -> `T1562.008`, tactics left out. */
export function attackTechniques(tags: readonly string[]): string[] {
  return tags.filter((t) => /^attack\.t\d{4}/i.test(t)).map((t) => t.slice('attack.'.length).toUpperCase());
}

export function findingsHeaderLine(layout: FindingsLayout): string {
  const times = timeCell('FIRST', layout.first, layout.withYear) + timeCell('LAST', layout.last, layout.withYear);
  const tags = layout.tags > 0 ? `  ${fit('ATT&CK', layout.tags)}` : '';
  return `  ${fit('LEVEL', LEVEL_W)} ${padStart('EVENTS', layout.count)}  ${times}${fit('RULE', layout.title)}${tags}`;
}

export function findingRowLine(finding: Finding, layout: FindingsLayout, zone: TimeZoneMode, selected: boolean): string {
  const { rule } = finding;
  const { first, last, withYear } = layout;
  const times = timeCell(timeText(finding.first, first, withYear, zone), first, withYear) + timeCell(timeText(finding.last, last, withYear, zone), last, withYear);
  const tags = layout.tags > 0 ? `  ${fit(sanitize(attackTechniques(rule.tags).join(' ')), layout.tags)}` : '';
  return `${selected ? own('›') : ' '} ${fit(SHORT[rule.level], LEVEL_W)} ${padStart(formatCount(finding.count), layout.count)}  ${times}${fit(sanitize(rule.title), layout.title)}${tags}`;
}

export interface TextLine {
  text: string;
  tone: 'normal' | 'heading' | 'muted' | 'link';
}

/** The selected rule, below the list: title, level and tags, description, references, where it came from. */
export function ruleLines(rule: Rule, width: number): TextLine[] {
  const out: TextLine[] = [{ text: truncate(sanitize(rule.title), width), tone: 'heading' }];
  const meta = [`level ${rule.level}`, rule.status ? `status ${sanitize(rule.status)}` : '', `id ${sanitize(rule.id)}`].filter(Boolean).join(own(' · '));
  out.push({ text: truncate(meta, width), tone: 'muted' });
  if (rule.tags.length > 0) out.push(...wrapWords(`tags ${sanitize(rule.tags.join(' '))}`, width).map((text) => ({ text, tone: 'muted' as const })));
  // YAML block text keeps its line breaks; paragraphs are separated by blank lines and rewrapped to the width.
  for (const paragraph of sanitizeMultiline(rule.description).split(/\n\s*\n/)) {
    const text = paragraph.replace(/\s+/g, ' ').trim();
    if (text === '') continue;
    out.push(...wrapWords(text, width).map((line) => ({ text: line, tone: 'normal' as const })));
  }
  if (rule.falsepositives.length > 0) {
    out.push(...wrapWords(`false positives: ${sanitize(rule.falsepositives.join('; '))}`, width).map((text) => ({ text, tone: 'muted' as const })));
  }
  for (const reference of rule.references) out.push({ text: truncate(sanitize(reference), width), tone: 'link' });
  const origin = rule.origin === 'builtin' ? 'built-in pack' : sanitize(rule.path);
  out.push({ text: truncate(`from ${origin}${rule.author ? ` ${own('·')} by ${sanitize(rule.author)}` : ''}`, width), tone: 'muted' });
  return out;
}

/** One line on the rules the watchdog stopped part way (their counts miss what was read after), for the view's foot. */
export function stoppedSummary(stops: readonly BadFile[]): string {
  if (stops.length === 0) return '';
  return sanitize(`! ${stops.length} rule${stops.length === 1 ? '' : 's'} stopped, findings incomplete: ${stops[0]!.reason}${stops.length > 1 ? own(', …') : ''} (b)`);
}

/** One line on the rules that do not run, for the view's foot. */
export function skippedSummary(skipped: readonly SkippedRule[]): string {
  if (skipped.length === 0) return '';
  const first = skipped[0]!;
  const name = first.path.split(/[\\/]/).pop() ?? first.path;
  return sanitize(`${skipped.length} rule${skipped.length === 1 ? '' : 's'} not run: ${name} (${first.reason})${skipped.length > 1 ? own(', …') : ''}`);
}

/** The details panel's section for an event that fired rules: each rule's level, title, description and references. */
export function findingDetailLines(rules: readonly Rule[]): DetailLine[] {
  if (rules.length === 0) return [];
  const lines: DetailLine[] = [{ label: '', value: `Detections (${rules.length})`, tone: 'heading', link: null }];
  for (const rule of rules) {
    lines.push({ label: SHORT[rule.level], value: rule.title, tone: isSevere(rule.level) ? 'error' : 'normal', link: null });
    if (rule.description) lines.push({ label: '', value: rule.description.replace(/\s+/g, ' ').trim(), tone: 'normal', link: null });
    const techniques = attackTechniques(rule.tags);
    if (techniques.length > 0) lines.push({ label: 'ATT&CK', value: techniques.join(' '), tone: 'muted', link: null });
    for (const reference of rule.references) lines.push({ label: 'reference', value: reference, tone: 'muted', link: null });
    lines.push({ label: 'rule', value: `rule:${rule.id}`, tone: 'muted', link: null });
  }
  return lines;
}
