/**
 * The histogram's words, the same on both dashboards: the title, the legend's
 * entries and the line under the bars (the cursor's bucket or the span).
 * Plain text, no Ink; HistogramChart draws it.
 */
import { STACK_TITLES, type StackField, type TimelineZone, type BucketSize } from '../../timeline/index.js';
import { displayWidth } from '../../term/width.js';
import { eventCount, formatCount, zoneLabel } from '../format.js';
import { shortenToFit } from '../shortenToFit.js';
import { fitHints } from '../StatusBar.js';
import { chartedForms, partLabel, partLabels, spanText } from './histogramModel.js';

/** The histogram's keys, said after its facts in the title as far as they fit. */
const TITLE_KEYS = ['+/- zoom', 'v span', 'Enter list', 'Tab split', 'h/Esc back', '? help'];

export interface TitleFacts {
  /** The bucket size (`3h`); empty before there are buckets. */
  sizeLabel: string;
  stack: StackField;
  /** The largest bucket on screen; null when nothing is charted. */
  longest: number | null;
  zone: TimelineZone;
  /** Events in the bars, and events with no readable time (in no bar). */
  charted: number;
  untimed: number;
}

/**
 * `Histogram 3h · by errors · longest bar = 789 on screen · UTC · +/- zoom …`: bars scale to the largest
 * bucket on screen (so a quiet stretch is still readable), and the title says so with its count. Events
 * without a readable time are in no bar, though the list counts them: said next to the size, shortened
 * before it is dropped.
 */
export function histogramTitle(facts: TitleFacts, width: number): string {
  const titleWith = (charted: readonly string[]): string =>
    fitHints(
      [
        `Histogram${facts.sizeLabel ? ` ${facts.sizeLabel}` : ''}`,
        ...charted,
        `by ${STACK_TITLES[facts.stack]}`,
        ...(facts.longest !== null ? [`longest bar = ${formatCount(facts.longest)} on screen`] : []),
        zoneLabel(facts.zone),
        ...TITLE_KEYS,
      ],
      width,
    );
  const charted = facts.untimed > 0 && facts.longest !== null ? chartedForms(facts.charted, facts.untimed) : [];
  return charted.map((form) => titleWith([form])).find((text, i) => text.includes(charted[i]!)) ?? titleWith([]);
}

/** The narrowest a legend name is cut to before entries are dropped for `+N more`. */
const LEGEND_MIN_NAME = 6;
/** Legend names start at most this wide. */
const LEGEND_MAX_NAME = 24;

/** The legend's entries (each `G name  `) with names cut to `max`, as many as fit whole, and how many did not. */
function legendAt(parts: readonly string[], width: number, max: number): { items: Array<{ name: string; index: number }>; more: number } {
  const items: Array<{ name: string; index: number }> = [];
  let used = 0;
  const names = partLabels(parts, max);
  for (let i = 0; i < parts.length; i++) {
    const name = names[i]!;
    const need = 1 + 1 + displayWidth(name) + 2;
    const reserve = i < parts.length - 1 ? 8 : 0; // room for "+N more"
    if (used + need + reserve > width) return { items, more: parts.length - i };
    items.push({ name, index: i });
    used += need;
  }
  return { items, more: 0 };
}

/**
 * The legend's entries that fit the width: when not all do, the longest names give way first (every
 * name is cut to one width less, down to LEGEND_MIN_NAME), and only then are entries dropped for
 * `+N more`, so six parts still fit 80 columns.
 */
export function legendFit(parts: readonly string[], width: number): { items: Array<{ name: string; index: number }>; more: number } {
  const longest = Math.min(LEGEND_MAX_NAME, Math.max(LEGEND_MIN_NAME, ...parts.map((p) => displayWidth(partLabel(p, LEGEND_MAX_NAME)))));
  const steps = Array.from({ length: longest - LEGEND_MIN_NAME }, () => (cap: { max: number }) => {
    cap.max--;
  });
  const { max } = shortenToFit({ max: longest }, steps, (cap) => legendAt(parts, width, cap.max).more === 0);
  return legendAt(parts, width, max);
}

/** The line under the bars on the cursor's bucket: `179 events · 11-24 21:00–11-25 00:00 · success 176 · error 3`. */
export function bucketInfo(bucket: { start: number; end: number; count: number; parts: readonly number[] }, names: readonly string[], size: BucketSize, zone: TimelineZone, width: number): string {
  const labels = partLabels(names, 20);
  const parts = names
    .map((_name, i) => ({ label: labels[i]!, n: bucket.parts[i] ?? 0 }))
    .filter((p) => p.n > 0)
    .map((p) => `${p.label} ${formatCount(p.n)}`);
  return fitHints([eventCount(bucket.count), spanText(bucket.start, bucket.end, size, zone), ...parts], width);
}

/**
 * The line under the bars while a span is selected: its events, its time, then its keys as far as they fit
 * (Enter only when there are events to list: on none it stays, histogramModel nothingToList).
 */
export function spanInfo(events: number, span: { start: number; end: number }, size: BucketSize, zone: TimelineZone, width: number): string {
  return fitHints([`span: ${eventCount(events)}`, spanText(span.start, span.end, size, zone), ...(events > 0 ? ['Enter lists them'] : []), 'v/Esc drops the span'], width);
}
