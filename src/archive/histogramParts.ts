/**
 * Tab in the --db histogram: each bucket's events split by a field's top
 * values (the values `T` counts, the folder dashboard's split: its top 5
 * over the whole list, then Other), as one GROUP BY on bucket and part.
 */
import { literal } from '../query/sql/dialect.js';
import type { StackField } from '../timeline/histogram.js';
import type { Archive } from './db.js';
import { foldGrains, grainSql, gridBounds, type BucketGrid } from './histogramGrain.js';

/** The field's value per event, as the in-memory split reads it (timeline/histogram.ts stackValue). */
const PART_COLUMN: Readonly<Record<Exclude<StackField, 'errors'>, string>> = { source: 'tt_source', user: 'tt_actor', region: 'awsregion' };

/**
 * Per bucket of the grid (from the one holding `from` through the one holding `to - 1`, oldest first, as
 * archiveHistogram gives them), the events of each of `values` (by exact value, as the folder's split
 * counts them) and then of every other value (the last part, Other): `values.length + 1` counts a bucket.
 */
export async function archiveHistogramParts(archive: Archive, where: string | null, field: Exclude<StackField, 'errors'>, values: readonly string[], grid: BucketGrid, from: number, to: number): Promise<number[][]> {
  const bounds = gridBounds(grid, from, to);
  const { grain, where: inBounds } = grainSql(grid, bounds);
  const other = values.length;
  const part = values.length === 0 ? '0' : `CASE ${PART_COLUMN[field]} ${values.map((value, i) => `WHEN ${literal(value)} THEN ${i}`).join(' ')} ELSE ${other} END`;
  const conditions = [where ?? 'true', ...inBounds];
  const found = (await archive.connection.runAndReadAll(
    `SELECT ${grain} AS g, ${part} AS p, count(*) FROM events WHERE ${conditions.join(' AND ')} GROUP BY g, p ORDER BY g`,
  )).getRows() as unknown[][];
  const out = Array.from({ length: bounds.length - 1 }, () => new Array<number>(other + 1).fill(0));
  foldGrains(grid, bounds, found, (i, [, p, n]) => {
    out[i]![Number(p)]! += Number(n);
  });
  return out;
}
