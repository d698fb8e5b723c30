/**
 * The histogram view as plain data: which buckets are on screen, where the
 * cursor and the selected span are, the text of each line, and the query a
 * span becomes. No Ink; HistogramView draws what this returns.
 *
 * The cursor is a bucket start (a time), so zooming, live data and a change
 * of zone keep it on the same moment; `cursorRow` is its distance from the
 * top of the window, kept while moving as the event list keeps its offset.
 */
import type { EventRow } from '../../model/types.js';
import type { EventStore } from '../../store/eventStore.js';
import { lookupField } from '../../query/fields.js';
import { joinConjuncts, topLevelConjuncts } from '../../query/conjuncts.js';
import { sanitize } from '../../term/sanitize.js';
import { displayWidth } from '../../term/width.js';
import { shortPrincipal } from '../columns.js';
import { distinctCuts } from '../distinctCut.js';
import { formatCount } from '../format.js';
import { own } from '../../term/glyphs.js';
import {
  BUCKET_SIZES,
  bucketsBetween,
  firstOlderThan,
  floorBucket,
  histogram,
  histogramOpeningSize,
  nextBucket,
  prevBucket,
  readableEnd,
  STACK_FIELDS,
  timeSpan,
  type Bucket,
  type BucketSize,
  type Histogram,
  type StackField,
  type StackSpec,
  type TimelineZone,
} from '../../timeline/index.js';

export interface HistogramViewState {
  /** Index into BUCKET_SIZES. */
  sizeIndex: number;
  /** Start of the cursor's bucket; NaN until there are events. */
  cursor: number;
  /** The cursor's distance from the top of the window. */
  cursorRow: number;
  /** A time in the bucket where the selected span began (`v`), or null. */
  anchor: number | null;
  stack: StackField;
  /** The bucket size was chosen with +/- rather than fitted to the events' span (opened anew, it is kept: keptViews.ts). */
  zoomed?: boolean;
}

/**
 * What the histogram's title says of the events it charts, in forms from long to short: an event
 * whose time did not parse is in no bucket, and the list still counts it, so the title says how
 * many (`319 events (+1 without a readable time)`); none are said only as the count, or nothing.
 */
export function chartedForms(charted: number, untimed: number): string[] {
  const events = `${formatCount(charted)} event${charted === 1 ? '' : 's'}`;
  if (untimed <= 0) return [events];
  const note = `+${formatCount(untimed)} without a readable time`;
  return [`${events} (${note})`, note];
}

/** Lines the view spends outside the bars: title, legend, and the line about the cursor or span. */
export const HISTOGRAM_CHROME = 3;

export function histogramBodyRows(height: number): number {
  return Math.max(1, height - HISTOGRAM_CHROME);
}

/**
 * The first state: the whole span on one screen when a size up to a month allows, cursor on the list cursor's
 * bucket. `chosen`: what the reader chose in the histogram before (its split, and its size if zoomed), kept.
 */
export function initialHistogramState(
  rows: readonly EventRow[],
  zone: TimelineZone,
  bodyRows: number,
  cursorTime?: number,
  chosen?: Pick<HistogramViewState, 'sizeIndex' | 'stack' | 'zoomed'>,
): HistogramViewState {
  const kept = { stack: chosen?.stack ?? 'errors', ...(chosen?.zoomed ? { zoomed: true } : {}) };
  const zoomedTo = chosen?.zoomed ? BUCKET_SIZES[chosen.sizeIndex] : undefined;
  const span = timeSpan(rows);
  if (!span) return { sizeIndex: zoomedTo ? BUCKET_SIZES.indexOf(zoomedTo) : BUCKET_SIZES.findIndex((s) => s.label === '1h'), cursor: NaN, cursorRow: 0, anchor: null, ...kept };
  const size = zoomedTo ?? histogramOpeningSize(span.first, span.last, bodyRows);
  const at = cursorTime !== undefined && Number.isFinite(cursorTime) ? Math.min(span.last, Math.max(span.first, cursorTime)) : span.last;
  const cursor = floorBucket(at, size, zone);
  const before = bucketsBetween(span.first, at, size, zone, bodyRows) - 1;
  return { sizeIndex: BUCKET_SIZES.indexOf(size), cursor, cursorRow: Math.max(0, Math.min(bodyRows - 1, before)), anchor: null, ...kept };
}

/** The state with its cursor (and span start) on a bucket of the current size inside the events' span, as drawn. */
export function clampToEvents(state: HistogramViewState, rows: readonly EventRow[], zone: TimelineZone): HistogramViewState {
  const span = timeSpan(rows);
  if (!span || Number.isNaN(state.cursor)) return state;
  const size = sizeOf(state);
  const first = floorBucket(span.first, size, zone);
  const last = floorBucket(span.last, size, zone);
  const clamp = (t: number): number => Math.max(first, Math.min(last, floorBucket(t, size, zone)));
  const cursor = clamp(state.cursor);
  const anchor = state.anchor === null ? null : clamp(state.anchor);
  return cursor === state.cursor && anchor === state.anchor ? state : { ...state, cursor, anchor };
}

function sizeOf(state: HistogramViewState): BucketSize {
  return BUCKET_SIZES[state.sizeIndex]!;
}

/** The cursor moved by `steps` buckets (negative: earlier), kept inside the events' span. */
export function moveCursor(state: HistogramViewState, rows: readonly EventRow[], zone: TimelineZone, steps: number, bodyRows: number): HistogramViewState {
  const span = timeSpan(rows);
  if (!span || Number.isNaN(state.cursor)) return state;
  const size = sizeOf(state);
  const first = floorBucket(span.first, size, zone);
  const last = floorBucket(span.last, size, zone);
  let cursor = Math.max(first, Math.min(last, floorBucket(state.cursor, size, zone)));
  let moved = 0;
  if (steps > 0) {
    while (moved < steps && cursor < last) {
      cursor = nextBucket(cursor, size, zone);
      moved++;
    }
  } else {
    while (moved < -steps && cursor > first) {
      cursor = prevBucket(cursor, size, zone);
      moved++;
    }
  }
  const row = state.cursorRow + (steps > 0 ? moved : -moved);
  return { ...state, cursor, cursorRow: Math.max(0, Math.min(bodyRows - 1, row)) };
}

/** To the first or last bucket with events. */
export function cursorToEnd(state: HistogramViewState, rows: readonly EventRow[], zone: TimelineZone, end: 'first' | 'last', bodyRows: number): HistogramViewState {
  const span = timeSpan(rows);
  if (!span) return state;
  const cursor = floorBucket(end === 'first' ? span.first : span.last, sizeOf(state), zone);
  return { ...state, cursor, cursorRow: end === 'first' ? 0 : bodyRows - 1 };
}

/**
 * One size step smaller (in) or larger (out); the cursor stays on the same moment and screen row: zooming in,
 * on the first smaller bucket inside the old one that has events (with `rows`; without, its first). Zooming in
 * on a span (`v`) keeps the time it covers: its later end goes to the last smaller bucket of its old bucket
 * (it went to the first, and a span of 06:00-18:00 in 3 h buckets became 06:00-16:00 in 1 h ones, so Enter
 * listed fewer events than were chosen); out, the span grows to the larger buckets holding its ends.
 */
export function zoom(state: HistogramViewState, zone: TimelineZone, direction: 'in' | 'out', rows?: readonly Pick<EventRow, 'time'>[]): HistogramViewState {
  const sizeIndex = Math.max(0, Math.min(BUCKET_SIZES.length - 1, state.sizeIndex + (direction === 'in' ? -1 : 1)));
  if (sizeIndex === state.sizeIndex || Number.isNaN(state.cursor)) return { ...state, sizeIndex, zoomed: true };
  const size = BUCKET_SIZES[sizeIndex]!;
  const floored = floorBucket(state.cursor, size, zone);
  // Zooming in, the bucket holding the old one's start can begin before it (a month's first week starts on
  // the Monday before the 1st): the first smaller bucket inside the old one is the one that was selected.
  const cursor = direction === 'in' && floored < state.cursor ? nextBucket(floored, size, zone) : floored;
  const zoomed = { ...state, sizeIndex, zoomed: true, cursor };
  if (direction === 'out') return zoomed;
  if (state.anchor === null) {
    // The first smaller bucket with events, not the old one's empty start: a week zoomed to days landed on its
    // Monday, and on down to 1 h the burst of the old bucket left the screen, every line on it 0.
    // From the first smaller bucket inside the old one: never one that began before it (a week that runs into
    // the month from the one before).
    const first = rows ? oldestAtOrAfter(rows, cursor) : NaN;
    const oldEnd = nextBucket(floorBucket(state.cursor, sizeOf(state), zone), sizeOf(state), zone);
    return first < oldEnd ? { ...zoomed, cursor: floorBucket(first, size, zone) } : zoomed;
  }
  const old = sizeOf(state);
  const anchor = floorBucket(state.anchor, old, zone);
  const cursorFirst = floorBucket(state.cursor, old, zone);
  // The last smaller bucket inside an old bucket: the one holding the old bucket's last millisecond.
  const lastInside = (start: number): number => floorBucket(nextBucket(start, old, zone) - 1, size, zone);
  if (anchor >= cursorFirst) return { ...zoomed, anchor: lastInside(anchor) };
  return { ...zoomed, cursor: lastInside(cursorFirst) };
}

/** The time of the oldest of newest-first rows at or after `t`; NaN when none is. */
function oldestAtOrAfter(rows: readonly Pick<EventRow, 'time'>[], t: number): number {
  const i = firstOlderThan(rows, t, readableEnd(rows)) - 1;
  return i >= 0 ? rows[i]!.time : NaN;
}

export function toggleSpan(state: HistogramViewState): HistogramViewState {
  return { ...state, anchor: state.anchor === null && !Number.isNaN(state.cursor) ? state.cursor : null };
}

export function cycleStack(state: HistogramViewState, step = 1): HistogramViewState {
  const i = STACK_FIELDS.indexOf(state.stack);
  return { ...state, stack: STACK_FIELDS[(i + step + STACK_FIELDS.length) % STACK_FIELDS.length]! };
}

/** The selected span [start, end) (the cursor's bucket alone without `v`); null without events. */
export function selectedSpan(state: HistogramViewState, zone: TimelineZone): { start: number; end: number } | null {
  if (Number.isNaN(state.cursor)) return null;
  const size = sizeOf(state);
  const a = floorBucket(state.anchor ?? state.cursor, size, zone);
  const b = floorBucket(state.cursor, size, zone);
  const start = Math.min(a, b);
  return { start, end: nextBucket(Math.max(a, b), size, zone) };
}

export interface HistogramWindow {
  /** The visible buckets, oldest at the top. */
  histogram: Histogram;
  /** Index of the cursor's bucket among them. */
  cursorIndex: number;
  size: BucketSize;
}

/**
 * The buckets on screen: `bodyRows` of them around the cursor, never
 * starting before the first event's bucket, and not leaving blank lines after
 * the last one while there are earlier buckets to show.
 */
export function histogramWindow(rows: readonly EventRow[], state: HistogramViewState, zone: TimelineZone, bodyRows: number, stack: StackSpec, store?: EventStore): HistogramWindow | null {
  const span = timeSpan(rows);
  if (!span || Number.isNaN(state.cursor)) return null;
  const size = sizeOf(state);
  const first = floorBucket(span.first, size, zone);
  const last = floorBucket(span.last, size, zone);
  const cursor = Math.max(first, Math.min(last, floorBucket(state.cursor, size, zone)));
  let top = cursor;
  let above = 0;
  // cursorRow was kept for the height the view had; a smaller terminal must still show the cursor.
  const row = Math.min(state.cursorRow, bodyRows - 1);
  while (above < row && top > first) {
    top = prevBucket(top, size, zone);
    above++;
  }
  // Fill the screen: pull the window up when the last bucket leaves lines empty below.
  const shown = bucketsBetween(top, last, size, zone, bodyRows);
  for (let missing = bodyRows - shown; missing > 0 && top > first; missing--) {
    top = prevBucket(top, size, zone);
    above++;
  }
  const count = Math.min(bodyRows, bucketsBetween(top, last, size, zone, bodyRows));
  const h = histogram(rows, { size, zone, from: top, count, stack, store });
  return { histogram: h, cursorIndex: above, size };
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

interface Wall {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

function wall(t: number, zone: TimelineZone): Wall {
  const d = new Date(t);
  if (zone === 'utc') return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds() };
  return { y: d.getFullYear(), mo: d.getMonth() + 1, d: d.getDate(), h: d.getHours(), mi: d.getMinutes(), s: d.getSeconds() };
}

export interface AxisFormat {
  /** Width of every label. */
  width: number;
  label(start: number, previous: number | null): string;
}

/**
 * Labels of the time axis in the zone: the time of day at the bucket's
 * precision, with the date in front whenever it differs from the line above
 * (and on the first line), with the year when the span crosses one.
 */
export function axisFormat(size: BucketSize, zone: TimelineZone, withYear: boolean): AxisFormat {
  const dateText = (w: Wall): string => (withYear ? `${w.y}-${pad2(w.mo)}-${pad2(w.d)}` : `${pad2(w.mo)}-${pad2(w.d)}`);
  const dateWidth = withYear ? 10 : 5;
  if (size.unit === 'month') return { width: 7, label: (start) => { const w = wall(start, zone); return `${w.y}-${pad2(w.mo)}`; } };
  if (size.unit !== 'fixed') return { width: 10, label: (start) => { const w = wall(start, zone); return `${w.y}-${pad2(w.mo)}-${pad2(w.d)}`; } };
  const seconds = size.ms < 60_000;
  const timeWidth = seconds ? 8 : 5;
  return {
    width: dateWidth + 1 + timeWidth,
    label(start, previous) {
      const w = wall(start, zone);
      const time = seconds ? `${pad2(w.h)}:${pad2(w.mi)}:${pad2(w.s)}` : `${pad2(w.h)}:${pad2(w.mi)}`;
      const p = previous === null ? null : wall(previous, zone);
      const newDate = !p || p.d !== w.d || p.mo !== w.mo || p.y !== w.y;
      return `${newDate ? dateText(w) : ' '.repeat(dateWidth)} ${time}`;
    },
  };
}

/** Whether newest-first rows' readable times fall in more than one year of the zone. */
export function spanCrossesYear(rows: readonly EventRow[], zone: TimelineZone): boolean {
  const span = timeSpan(rows);
  return span !== null && yearsDiffer(span.first, span.last, zone);
}

/** Whether two instants fall in different years of the zone. */
export function yearsDiffer(a: number, b: number, zone: TimelineZone): boolean {
  return wall(a, zone).y !== wall(b, zone).y;
}

/** A bar of `length` cells split among the parts in proportion (largest remainders; a part with events gets a cell when there is room). */
export function splitBar(parts: readonly number[], total: number, length: number): number[] {
  const out = parts.map(() => 0);
  if (total <= 0 || length <= 0) return out;
  const exact = parts.map((p) => (p / total) * length);
  let used = 0;
  exact.forEach((x, i) => {
    out[i] = Math.floor(x);
    used += out[i]!;
  });
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x), p: parts[i]! })).sort((a, b) => (out[a.i] === 0 && a.p > 0 ? -1 : 0) - (out[b.i] === 0 && b.p > 0 ? -1 : 0) || b.r - a.r);
  for (const { i } of order) {
    if (used >= length) break;
    if (parts[i]! > 0 && exact[i]! > out[i]!) {
      out[i]!++;
      used++;
    }
  }
  return out;
}

/** How many cells a bucket's bar gets: in proportion to the largest visible bucket, at least one for any event. */
export function barLength(count: number, max: number, room: number): number {
  if (count <= 0 || max <= 0 || room <= 0) return 0;
  return Math.max(1, Math.round((count / max) * room));
}

/**
 * `from:… to:…` for the span, replacing the query's own top-level from:/to:
 * terms (found by the query tokenizer, so quoted text, OR chains and groups
 * are left alone); the rest of the query stays as typed, explicit ANDs too
 * (`name:A AND name:B` is not `name:A name:B`). Time terms
 * intersect, and the span lies inside the range the list already shows, so
 * what remains of an older range changes nothing.
 */
export function spanQuery(queryText: string, start: number, end: number): string {
  const conjuncts = topLevelConjuncts(queryText);
  const kept = conjuncts
    ? joinConjuncts(
        conjuncts.filter(({ term }) => {
          const name = term && term.field !== null && !term.negated ? lookupField(term.field)?.name : undefined;
          return name !== 'from' && name !== 'to';
        }),
      )
    : queryText.trim();
  return [kept, `from:${isoTerm(start)}`, `to:${isoTerm(end - 1)}`].filter(Boolean).join(' ');
}

/** An instant as the query writes it: `2024-03-05T14:00:00Z`; `to:` with whole seconds covers the second, so `…:59.999` becomes `…:59Z`. */
function isoTerm(t: number): string {
  const iso = new Date(t).toISOString();
  return iso.endsWith('.000Z') || iso.endsWith('.999Z') ? `${iso.slice(0, 19)}Z` : iso;
}

/**
 * What Enter says instead of listing the selected bucket (or `v` span) when it holds no event, on both
 * dashboards: a list of nothing is only Esc'd out of, so the histogram stays. A followed folder or archive
 * may fill the bucket later; until its count says so, Enter stays. null: there are events, list them.
 */
export function nothingToList(events: number, spanned: boolean): string | null {
  if (events > 0) return null;
  return spanned ? 'No events in this span' : 'No events in this bucket';
}

/** `03-05 14:05–14:10` (dates when they differ, years when those do) for the line under the bars. */
export function spanText(start: number, end: number, size: BucketSize, zone: TimelineZone): string {
  const a = wall(start, zone);
  const b = wall(end, zone);
  const sameYear = a.y === b.y;
  const date = (w: Wall): string => (sameYear ? `${pad2(w.mo)}-${pad2(w.d)}` : `${w.y}-${pad2(w.mo)}-${pad2(w.d)}`);
  const time = (w: Wall): string => (size.ms < 60_000 ? `${pad2(w.h)}:${pad2(w.mi)}:${pad2(w.s)}` : `${pad2(w.h)}:${pad2(w.mi)}`);
  if (size.unit !== 'fixed') {
    // Whole days: name the last day inside the span, not the midnight that ends it.
    const last = wall(end - 1, zone);
    const lastText = a.y === last.y ? `${pad2(last.mo)}-${pad2(last.d)}` : `${last.y}-${pad2(last.mo)}-${pad2(last.d)}`;
    const first = `${a.y}-${pad2(a.mo)}-${pad2(a.d)}`;
    return a.y === last.y && a.mo === last.mo && a.d === last.d ? first : `${first}${own('–')}${lastText}`;
  }
  const sameDay = sameYear && a.mo === b.mo && a.d === b.d;
  return sameDay ? `${date(a)} ${time(a)}${own('–')}${time(b)}` : `${date(a)} ${time(a)}${own('–')}${date(b)} ${time(b)}`;
}

/**
 * Part names made safe and short for the legend and the footer. A user too long for them is shown as the
 * list's User column shows it then (`SSO/alice`, `Role/session`): cut from the end, five IAM Identity
 * Center users were five `AWSReserv…` in the legend at 80 columns.
 */
export function partLabel(name: string, max = 24): string {
  return partLabels([name], max)[0]!;
}

/**
 * The parts' labels side by side (the legend, the bucket's line): as partLabel, but names that would read
 * the same cut (four `stratus-r…` roles in an 80-column legend) lose their shared start instead (`…ec2-get…`).
 */
export function partLabels(names: readonly string[], max = 24): string[] {
  const values = names.map((name) => {
    const clean = sanitize(name.replace(/\.amazonaws\.com$/, ''));
    return { shown: displayWidth(clean) <= max ? clean : sanitize(shortPrincipal(name)), whole: clean };
  });
  return distinctCuts(values, max, { commonPrefixFirst: true });
}

export type { Bucket };
