/**
 * Tab in the --db histogram: each bucket's events split by a field's top
 * values (the values `T` counts, the folder dashboard's split: its top 5
 * over the whole list, then Other), as one GROUP BY on bucket and part.
 */
import { literal } from '../query/sql/dialect.js';
import type { StackField } from '../timeline/histogram.js';
import type { Archive } from './db.js';

/** The field's value per event, as the in-memory split reads it (timeline/histogram.ts stackValue). */
const PART_COLUMN: Readonly<Record<Exclude<StackField, 'errors'>, string>> = { source: 'tt_source', user: 'tt_actor', region: 'awsregion' };

/**
 * Per bucket of `sizeMs` (UTC-aligned, from `from` to `to` exclusive, oldest first, as archiveHistogram
 * gives them), the events of each of `values` (by exact value, as the folder's split counts them) and
 * then of every other value (the last part, Other): `values.length + 1` counts a bucket.
 */
export async function archiveHistogramParts(archive: Archive, where: string | null, field: Exclude<StackField, 'errors'>, values: readonly string[], sizeMs: number, from: number, to: number): Promise<number[][]> {
  const size = Math.max(1, Math.floor(sizeMs));
  const lo = Math.floor(from / size) * size;
  const other = values.length;
  const part = values.length === 0 ? '0' : `CASE ${PART_COLUMN[field]} ${values.map((value, i) => `WHEN ${literal(value)} THEN ${i}`).join(' ')} ELSE ${other} END`;
  const conditions = [where ?? 'true', `tt_time >= ${lo}`, `tt_time < ${Math.ceil(to)}`];
  const found = (await archive.connection.runAndReadAll(
    `SELECT (tt_time // ${size}) * ${size} AS b, ${part} AS p, count(*) FROM events WHERE ${conditions.join(' AND ')} GROUP BY b, p`,
  )).getRows() as unknown[][];
  const buckets = Math.max(0, Math.ceil((to - lo) / size));
  const out = Array.from({ length: buckets }, () => new Array<number>(other + 1).fill(0));
  for (const [b, p, n] of found) {
    const row = out[Math.round((Number(b) - lo) / size)];
    if (row) row[Number(p)] = Number(n);
  }
  return out;
}
