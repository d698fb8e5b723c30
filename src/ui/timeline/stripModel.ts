/**
 * The sparkline strip under the header, as plain data: one cell per time
 * bucket over the list's span, its height from the bucket's count. No Ink.
 */
import type { EventRow } from '../../model/types.js';
import type { EventStore } from '../../store/eventStore.js';
import { bucketsBetween, chooseBucketSize, floorBucket, histogram, prevBucket, timeSpan, type Bucket, type BucketSize, type Histogram, type TimelineZone } from '../../timeline/index.js';
import { own } from '../../term/glyphs.js';

/** Terminals shorter than this get no strip (the list needs the line more). */
export const STRIP_MIN_ROWS = 16;

/** Lines the strip takes on a terminal this tall. */
export function stripHeight(termRows: number): number {
  return termRows >= STRIP_MIN_ROWS ? 1 : 0;
}

/** Eight heights, lowest first. */
export const BLOCK_LEVELS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;
export const ASCII_LEVELS = ['_', '.', ':', '-', '=', '+', '*', '#'] as const;

export interface StripCell {
  glyph: string;
  /** The bucket holds at least one error (drawn in the error colour; as `!` without colour). */
  error: boolean;
  /** The list cursor's event is in this bucket (reverse video; without colour the glyph is `┃`). */
  cursor: boolean;
}

export interface StripModel {
  size: BucketSize;
  /** Text before the cells: the bucket size. */
  prefix: string;
  cells: StripCell[];
  /** Text after the cells: the largest bucket's count. */
  suffix: string;
  /** First and last bucket shown (epoch ms starts). */
  from: number;
  buckets: Bucket[];
}

export interface StripOptions {
  width: number;
  zone: TimelineZone;
  /** Time of the list cursor's event (NaN/undefined: none). */
  cursorTime?: number;
  ascii: boolean;
  /** Colour off: error buckets are drawn as `!`. */
  plain: boolean;
}

function compact(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(n >= 10_000_000 ? 0 : 1)}M`;
  if (n >= 10_000) return `${Math.round(n / 1000)}k`;
  return String(n);
}

/** The counted part of the strip: depends on the rows, the width and the zone, not on the cursor. */
export interface StripCounts {
  size: BucketSize;
  histogram: Histogram;
  /** The span is longer than the cells in months: events before the first cell are not drawn. */
  older: boolean;
}

const SUFFIX_WIDTH = 6;
const PREFIX_WIDTH = 4;

/**
 * Counts for the strip over newest-first rows: the smallest bucket (1 s up
 * to a day, and on to a week or a month when the span needs it, so the whole
 * span shows) that fits the cells available; a span longer than the cells in
 * months shows its newest stretch (`older`). One pass over the rows; the cursor moving
 * does not count again.
 */
export function stripCounts(rows: readonly EventRow[], width: number, zone: TimelineZone, store?: EventStore): StripCounts | null {
  const span = timeSpan(rows);
  if (!span) return null;
  const cellsWidth = Math.max(1, width - PREFIX_WIDTH - SUFFIX_WIDTH);
  const size = chooseBucketSize(span.first, span.last, cellsWidth, '1s', '1mo');
  const total = bucketsBetween(span.first, span.last, size, zone, cellsWidth + 1);
  let from = floorBucket(span.first, size, zone);
  const count = Math.min(total, cellsWidth);
  if (total > cellsWidth) {
    from = floorBucket(span.last, size, zone);
    for (let i = 1; i < count; i++) from = prevBucket(from, size, zone);
  }
  return { size, histogram: histogram(rows, { size, zone, from, count, store }), older: total > cellsWidth };
}

/** The strip's cells from its counts and the cursor's time. */
export function stripCells(counts: StripCounts, options: StripOptions): StripModel {
  const { size, histogram: h } = counts;
  const levels = options.ascii ? ASCII_LEVELS : BLOCK_LEVELS;
  const cursorTime = options.cursorTime;
  const cursorBucket = cursorTime !== undefined && Number.isFinite(cursorTime) ? floorBucket(cursorTime, size, options.zone) : NaN;
  const cells = h.buckets.map((b): StripCell => {
    const error = b.errors > 0;
    let glyph = ' ';
    if (b.count > 0) glyph = levels[Math.min(levels.length - 1, Math.max(0, Math.ceil((b.count / h.max) * levels.length) - 1))]!;
    const cursor = b.start === cursorBucket;
    if (options.plain) {
      // No escape codes at all without colour: the cursor's bucket is a bar glyph instead of reverse video.
      if (cursor) glyph = options.ascii ? '|' : own('┃');
      else if (error) glyph = '!';
    }
    return { glyph, error, cursor };
  });
  return {
    size,
    // A strip that starts after the first event says so, or a quiet stretch would read as no events at all.
    prefix: size.label.padEnd(PREFIX_WIDTH - 1) + (counts.older ? (options.ascii ? '<' : own('‹')) : ' '),
    cells,
    suffix: ` ${compact(h.max)}`.slice(0, SUFFIX_WIDTH),
    from: h.buckets[0]?.start ?? NaN,
    buckets: h.buckets,
  };
}

/** Counts and cells in one call (tests, one-off drawing). */
export function stripModel(rows: readonly EventRow[], options: StripOptions): StripModel | null {
  const counts = stripCounts(rows, options.width, options.zone);
  return counts ? stripCells(counts, options) : null;
}
