/**
 * The timeline's histogram (`h`, the strip, `scan --histogram`) over every
 * row of the store, i.e. a filter that keeps everything: counted from the
 * rows' time order (newest first) with a bucket pointer, never sorted, and,
 * with the store given, from typed arrays (seqs, the derived time column, the
 * error-code column) without reading row objects. Beside it, the obvious way:
 * sort the times, then count each row by flooring its time; and a bare loop
 * summing row.time, the floor of any count that reads row objects.
 * Goal (issue 17): <= 50 ms at 1M filtered events.
 */
import type { EventRow } from '../model/types.js';
import type { EventStore } from '../store/eventStore.js';
import { chooseBucketSize, histogram, stackFor, timeSpan } from '../timeline/index.js';
import { median, type Figure } from './table.js';

/** A loop over every row's time and nothing else: what reading row objects costs at least. */
function bareRowLoop(rows: readonly EventRow[]): number {
  let sum = 0;
  for (let i = 0; i < rows.length; i++) {
    const t = rows[i]!.time;
    if (t === t) sum += t;
  }
  return sum;
}

/** Sort the times and count by floor division: what a histogram costs without the store's order. */
function sortAndCount(rows: readonly EventRow[], sizeMs: number): number {
  const times = new Float64Array(rows.length);
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    const t = rows[i]!.time;
    if (!Number.isNaN(t)) times[n++] = t;
  }
  const sorted = times.subarray(0, n).sort();
  const counts = new Map<number, number>();
  for (let i = 0; i < sorted.length; i++) {
    const b = sorted[i]! - (sorted[i]! % sizeMs);
    counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  return counts.size;
}

export function benchHistogram(store: EventStore, label: string, runs: number, goalMs: number): Figure[] {
  const rows = store.rows();
  const span = timeSpan(rows);
  if (!span) return [];
  const figures: Figure[] = [];
  // The first column count builds the store's derived time column (shared with top values); timed once, apart.
  let started = performance.now();
  histogram(rows, { size: chooseBucketSize(span.first, span.last, 60, '1s', '1mo'), zone: 'utc', store });
  const warm = performance.now() - started;
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    started = performance.now();
    bareRowLoop(rows);
    bare.push(performance.now() - started);
  }
  figures.push({
    name: `bare loop over row.time, ${label}`,
    unit: 'ms',
    value: median(bare),
    baseline: null,
    baselineLabel: '',
    goal: null,
    runs,
    note: `${rows.length.toLocaleString('en-US')} rows; the same run's floor for counting by row objects; first column histogram ${warm.toFixed(0)} ms (builds the derived time column if top values did not)`,
  });
  // The view's first screen (about 60 buckets over the whole span), the strip's (about 200), and 1 minute buckets.
  const cases = [
    { what: '~60 buckets, errors stacked', size: chooseBucketSize(span.first, span.last, 60, '1s', '1mo'), field: 'errors' as const },
    { what: '~200 buckets (strip at 210 columns)', size: chooseBucketSize(span.first, span.last, 200, '1s', '1mo'), field: 'errors' as const },
    { what: '~60 buckets, split by event source', size: chooseBucketSize(span.first, span.last, 60, '1s', '1mo'), field: 'source' as const },
  ];
  for (const c of cases) {
    const ours: number[] = [];
    const plain: number[] = [];
    let buckets = 0;
    for (let i = 0; i < runs; i++) {
      started = performance.now();
      sortAndCount(rows, c.size.ms);
      plain.push(performance.now() - started);
      started = performance.now();
      // A field split finds its top 5 values first, as the view does when Tab selects it.
      const stack = stackFor(rows, c.field, store);
      buckets = histogram(rows, { size: c.size, zone: 'utc', stack, store }).buckets.length;
      ours.push(performance.now() - started);
    }
    figures.push({
      name: `histogram ${c.what}, ${label}`,
      unit: 'ms',
      value: median(ours),
      baseline: median(plain),
      baselineLabel: 'sort the times, count by floor',
      goal: c.field === 'errors' ? { on: 'value', kind: 'max', limit: goalMs, label: `<= ${goalMs} ms` } : null,
      runs,
      note: `${rows.length.toLocaleString('en-US')} rows, ${buckets} buckets of ${c.size.label}`,
    });
  }
  return figures;
}
