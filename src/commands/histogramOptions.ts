/**
 * scan's --histogram and --bucket options: their table, help text and check, apart from the
 * histogram itself (scanHistogram.ts reads a folder into a store), so that scan's argument
 * parsing and `scan --db` load none of the folder reader.
 */
import { sanitize } from '../term/sanitize.js';
import { BUCKET_SIZES, bucketSizeLabels, parseBucketSize, type BucketSize } from '../timeline/buckets.js';
import { UsageError } from './usageError.js';

/** The options scan takes for this (merged into scan's option table). */
export const HISTOGRAM_OPTIONS = {
  histogram: { type: 'boolean' },
  bucket: { type: 'string' },
} as const;

export const HISTOGRAM_USAGE = `  --histogram   print events per time bucket (UTC) instead of the summary,
                empty buckets included; with --json: [{"start", "count", "errors"}]
  --bucket B    bucket size for --histogram (default: about 60 buckets):
                ${BUCKET_SIZES.map((size) => size.label).join(' ')}`;

/** A --bucket value, checked before any file is read. */
export function checkBucketOption(histogramFlag: boolean | undefined, bucket: string | undefined): BucketSize | null {
  if (bucket === undefined) return null;
  if (!histogramFlag) throw new UsageError('--bucket goes with --histogram');
  const size = parseBucketSize(bucket);
  if (!size) throw new UsageError(`--bucket ${sanitize(bucket)}: not a bucket size (${bucketSizeLabels()})`);
  return size;
}
