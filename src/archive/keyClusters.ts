/**
 * Reading rows of the archive by their keys (tt_time, tt_seq) without reading the records of the rows
 * between them. DuckDB takes `tt_seq IN (...)` as a hint to skip row groups, not as a filter: the scan
 * hands every row of the row groups it keeps (and of the time range) to a join, with its record. For a
 * page of keys spread over the archive (a rare word's 80 events over 10M rows) that read the records of
 * most row groups: 2.3-5 s for 80 rows. So the keys are cut where arrival numbers (tt_seq) lie far apart,
 * and each cluster gets a range of tt_seq, which the scan does filter by: one part per cluster, joined
 * by UNION ALL. Adjacent keys (a broad query's page) stay one cluster and one scan, as before.
 */

/** A row's keys. `time`: epoch ms, null when its time did not parse, undefined when not known (read by arrival alone). */
export interface RowKey {
  time?: number | null;
  seq: number;
}

export interface KeyReading {
  /**
   * Keys further apart than this in arrival are read by separate parts: each part costs about a scan of
   * one row group's tt_seq (1-3 ms on the 10M bench archive), and reading the rows between two keys
   * about 0.5 µs a row, so rows beyond a few thousand cost more than a part.
   */
  gap: number;
  /**
   * The most parts in one statement: each holds ~0.75 MB of DuckDB's memory while the statement runs,
   * and at the dashboard's 200 MB cap 256 parts failed (out of memory) where 160 ran. More clusters
   * than this are read by several statements, each of keys consecutive in the order.
   */
  parts: number;
}

export const KEY_READING: KeyReading = { gap: 4096, parts: 64 };

const seqOf = (key: RowKey): number => Math.round(key.seq);

/** The keys in clusters of arrival numbers no more than `gap` apart, in arrival order. */
export function keyClusters(keys: readonly RowKey[], gap: number): RowKey[][] {
  const sorted = [...keys].sort((a, b) => seqOf(a) - seqOf(b));
  const clusters: RowKey[][] = [];
  for (const key of sorted) {
    const last = clusters[clusters.length - 1];
    if (last && seqOf(key) - seqOf(last[last.length - 1]!) <= gap) last.push(key);
    else clusters.push([key]);
  }
  return clusters;
}

/**
 * `keys` (in the order they are wanted) cut into runs of consecutive keys, each of at most
 * `reading.parts` clusters: read one statement a run and joined in run order, they keep that order.
 */
export function keyRuns(keys: readonly RowKey[], reading: KeyReading): RowKey[][] {
  if (keys.length === 0) return [];
  if (keys.length === 1 || keyClusters(keys, reading.gap).length <= Math.max(1, reading.parts)) return [[...keys]];
  const half = Math.ceil(keys.length / 2);
  return [...keyRuns(keys.slice(0, half), reading), ...keyRuns(keys.slice(half), reading)];
}

/** One cluster's rows: its time range when the times are known (zone maps on tt_time), its range of tt_seq (a filter the scan applies), then the exact list. */
function clusterCondition(cluster: readonly RowKey[]): string {
  const seqs = cluster.map(seqOf);
  const parts: string[] = [];
  if (cluster.every((key) => key.time !== undefined)) {
    const times = cluster.filter((key) => key.time !== null).map((key) => key.time!);
    const range: string[] = [];
    if (times.length > 0) range.push(`tt_time BETWEEN ${Math.min(...times)} AND ${Math.max(...times)}`);
    if (times.length < cluster.length) range.push('tt_time IS NULL');
    parts.push(`(${range.join(' OR ')})`);
  }
  parts.push(`tt_seq BETWEEN ${Math.min(...seqs)} AND ${Math.max(...seqs)}`, `tt_seq IN (${seqs.join(', ')})`);
  return parts.join(' AND ');
}

/** Where to read the rows of `keys` from: the table and a condition for one cluster, a UNION ALL of one part per cluster for more. */
export function keysSource(keys: readonly RowKey[], gap: number): { from: string; where: string } {
  const clusters = keyClusters(keys, gap);
  if (clusters.length <= 1) return { from: 'events', where: clusters.length === 1 ? clusterCondition(clusters[0]!) : 'false' };
  return { from: `(${clusters.map((cluster) => `SELECT * FROM events WHERE ${clusterCondition(cluster)}`).join(' UNION ALL ')})`, where: 'true' };
}
