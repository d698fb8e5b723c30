/**
 * `trailtop scan DIR --histogram [--bucket 5m] [--json]`: events per time
 * bucket, empty buckets included. Its own module so scan's summary can change
 * without touching it: it reads the folder into a store and counts from the
 * store's time order (newest first), filtered by the scan's query.
 */
import { isoUtc } from '../model/insights.js';
import { loadFolder } from '../ingest/scanFolder.js';
import type { DetectionSession } from '../detect/session.js';
import { openFolder } from '../ingest/open.js';
import type { EventRow } from '../model/types.js';
import type { CompiledQuery } from '../query/index.js';
import { EventStore } from '../store/eventStore.js';
import { sanitize } from '../term/sanitize.js';
import { warnRuleStops } from './ruleStops.js';
import {
  BUCKET_SIZES,
  bucketsBetween,
  bucketSizeLabels,
  chooseBucketSize,
  histogram,
  parseBucketSize,
  timeSpan,
  type BucketSize,
  untimedCount,
  type Histogram,
} from '../timeline/index.js';
import { UsageError } from './args.js';

export { checkBucketOption, HISTOGRAM_OPTIONS, HISTOGRAM_USAGE } from './histogramOptions.js';

/** More buckets than this is refused (a 1 s bucket over a year): pick a larger --bucket. */
export const MAX_HISTOGRAM_BUCKETS = 100_000;
/** Buckets the default size aims at. */
const DEFAULT_BUCKETS = 60;

export interface HistogramEntry {
  start: string;
  count: number;
  errors: number;
}

/** The histogram of the rows (newest first) that the query keeps: all their span, UTC. */
export function histogramOf(rows: readonly EventRow[], size: BucketSize | null, store?: EventStore): Histogram {
  const span = timeSpan(rows);
  const chosen = size ?? (span ? chooseBucketSize(span.first, span.last, DEFAULT_BUCKETS, '1s', '1mo') : chooseBucketSize(0, 0, 1));
  if (span) {
    const n = bucketsBetween(span.first, span.last, chosen, 'utc', MAX_HISTOGRAM_BUCKETS + 1);
    if (n > MAX_HISTOGRAM_BUCKETS) {
      throw new UsageError(`--bucket ${chosen.label} makes more than ${MAX_HISTOGRAM_BUCKETS.toLocaleString('en-US')} buckets over these events; choose a larger one`, false);
    }
  }
  return histogram(rows, { size: chosen, zone: 'utc', maxBuckets: MAX_HISTOGRAM_BUCKETS, store });
}

export function histogramEntries(h: Histogram): HistogramEntry[] {
  // Buckets start on whole seconds: `2024-03-05T14:00:00Z`, as the text form and the CSV export write times.
  return h.buckets.map((b) => ({ start: isoUtc(b.start), count: b.count, errors: b.errors }));
}

/**
 * The text form: one line per bucket with a bar of `#` (errors as `!`) scaled to the largest bucket.
 * `untimed` events matched but are in no bucket: said, as the dashboard's histogram title says them,
 * or the total reads as all that matched (robustness: 16 events charted of 20).
 */
export function formatHistogram(h: Histogram, barWidth = 40, untimed = 0): string {
  if (h.buckets.length === 0) return 'No events with a readable time.\n';
  const total = h.buckets.reduce((sum, b) => sum + b.count, 0);
  const errors = h.buckets.reduce((sum, b) => sum + b.errors, 0);
  const countWidth = Math.max(5, String(h.max).length);
  const errorWidth = Math.max(6, String(Math.max(0, ...h.buckets.map((b) => b.errors))).length);
  const lines = [
    `Bucket ${h.size.label} (UTC), ${h.buckets.length} bucket${h.buckets.length === 1 ? '' : 's'}, ${total} event${total === 1 ? '' : 's'}${untimed > 0 ? ` (+${untimed} without a readable time)` : ''}, ${errors} with an error`,
    `${'start'.padEnd(20)}  ${'count'.padStart(countWidth)}  ${'errors'.padStart(errorWidth)}`,
  ];
  for (const b of h.buckets) {
    const width = h.max > 0 ? Math.round((b.count / h.max) * barWidth) : 0;
    const errorCells = b.count > 0 ? Math.round((b.errors / b.count) * width) : 0;
    const bar = `${'#'.repeat(width - errorCells)}${'!'.repeat(errorCells)}`;
    lines.push(`${new Date(b.start).toISOString().slice(0, 19)}Z  ${String(b.count).padStart(countWidth)}  ${String(b.errors).padStart(errorWidth)}  ${bar}`.trimEnd());
  }
  return `${lines.join('\n')}\n`;
}

/** Reads `dir`, counts the matching events per bucket and returns the text to print (bad files go to stderr). */
export async function scanHistogram(
  dir: string,
  query: CompiledQuery | null,
  size: BucketSize | null,
  json: boolean,
  session?: DetectionSession | null,
): Promise<string> {
  // A rule: term in the query reads the findings: the rules run on each record as it is read, on the
  // parse workers, whose watchdog stops a regex a crafted value holds (a rule test on this thread could hang for good).
  const detection = session?.detection;
  let store: EventStore;
  if (detection) {
    const folder = openFolder(dir, { watch: false, detection });
    await folder.ready;
    await folder.close();
    store = folder.store;
  } else {
    store = new EventStore();
    await loadFolder(dir, store);
  }
  for (const bad of store.progress.badFiles) process.stderr.write(`trailtop: bad file ${sanitize(bad.path)}: ${sanitize(bad.reason)}\n`);
  warnRuleStops(store.progress.ruleStops);
  // The store's time order, newest first; filtering keeps it.
  const all = store.rows();
  const rows = query ? all.filter((row) => query.test(row)) : all;
  const h = histogramOf(rows, size, store);
  return json ? `${JSON.stringify(histogramEntries(h), null, 2)}\n` : formatHistogram(h, 40, untimedCount(rows));
}
