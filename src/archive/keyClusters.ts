/**
 * Reading rows of the archive by their keys (tt_time, tt_seq) without reading the records of the rows
 * between them. DuckDB takes `tt_seq IN (...)` as a hint to skip row groups, not as a filter: the scan
 * hands every row of the row groups it keeps (and of the time range) to a join, with its record. For a
 * page of keys spread over the archive (a rare word's 80 events over 10M rows) that read the records of
 * most row groups: 2.3-5 s for 80 rows. So the keys are cut into clusters where arrival numbers
 * (tt_seq) lie far apart, each cluster a range of tt_seq, which the scan does filter by (an OR of ranges
 * too); the clusters near one another are one part (one scan), parts far apart are joined by UNION ALL.
 * Adjacent keys (a broad query's page) stay one cluster and one scan, as before.
 */

/** A row's keys. `time`: epoch ms, null when its time did not parse, undefined when not known (read by arrival alone). */
export interface RowKey {
  time?: number | null;
  seq: number;
}

export interface KeyReading {
  /**
   * Keys further apart than this in arrival are in separate clusters (ranges of tt_seq): the rows
   * between two keys of a cluster are read with their records (~0.5-0.8 µs a row on the 10M bench
   * archive), and a range more costs about a pass over the scanned rows' tt_seq.
   */
  gap: number;
  /**
   * Clusters less than this apart are read by one scan (an OR of their ranges): a part costs about a
   * scan of a row group's tt_seq (1-10 ms on the 10M archive), so clusters in one row group (DuckDB's
   * are 122,880 rows) are better one part; clusters far apart, separate parts skip the row groups between.
   */
  reach: number;
  /** The most ranges in one part: each is tested on every row the part scans. */
  ranges: number;
  /**
   * The most parts in one statement: each holds ~5-6 MB of DuckDB's memory while the statement runs
   * (a block of each column read, per thread). At the dashboard's 200 MB cap, which its other
   * connections share (findings, a download), export's statements of 64 parts ran out of memory on
   * the 10M archive (48 ran); at 100 MB, 16 did (8 ran). More parts are read by several statements,
   * each of keys consecutive in the order (`alice`'s 20 parts: 3 statements, no slower than one).
   */
  parts: number;
}

export const KEY_READING: KeyReading = { gap: 4096, reach: 122_880, ranges: 16, parts: 8 };

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

/** The clusters of `keys` gathered into parts, each one scan: clusters within `reach` of the last, at most `ranges` of them. */
export function keyParts(keys: readonly RowKey[], reading: Pick<KeyReading, 'gap' | 'reach' | 'ranges'>): RowKey[][][] {
  const parts: RowKey[][][] = [];
  for (const cluster of keyClusters(keys, reading.gap)) {
    const part = parts[parts.length - 1];
    const last = part?.[part.length - 1];
    if (part && last && seqOf(cluster[0]!) - seqOf(last[last.length - 1]!) <= reading.reach && part.length < Math.max(1, reading.ranges)) part.push(cluster);
    else parts.push([cluster]);
  }
  return parts;
}

/**
 * `keys` (in the order they are wanted) cut into runs of consecutive keys, each of at most
 * `reading.parts` parts: read one statement a run and joined in run order, they keep that order.
 */
export function keyRuns(keys: readonly RowKey[], reading: KeyReading): RowKey[][] {
  if (keys.length === 0) return [];
  if (keys.length === 1 || keyParts(keys, reading).length <= Math.max(1, reading.parts)) return [[...keys]];
  const half = Math.ceil(keys.length / 2);
  return [...keyRuns(keys.slice(0, half), reading), ...keyRuns(keys.slice(half), reading)];
}

/**
 * One part's rows: its time range when the times are known (zone maps on tt_time), its clusters'
 * ranges of tt_seq (a filter the scan applies), then the exact list.
 */
function partCondition(part: readonly RowKey[][]): string {
  const keys = part.flat();
  const conditions: string[] = [];
  if (keys.every((key) => key.time !== undefined)) {
    const times = keys.filter((key) => key.time !== null).map((key) => key.time!);
    const range: string[] = [];
    if (times.length > 0) range.push(`tt_time BETWEEN ${Math.min(...times)} AND ${Math.max(...times)}`);
    if (times.length < keys.length) range.push('tt_time IS NULL');
    conditions.push(`(${range.join(' OR ')})`);
  }
  const ranges = part.map((cluster) => `tt_seq BETWEEN ${seqOf(cluster[0]!)} AND ${seqOf(cluster[cluster.length - 1]!)}`);
  conditions.push(ranges.length === 1 ? ranges[0]! : `(${ranges.join(' OR ')})`, `tt_seq IN (${keys.map(seqOf).join(', ')})`);
  return conditions.join(' AND ');
}

/** Where to read the rows of `keys` from: the table and a condition for one part, a UNION ALL of the parts for more. */
export function keysSource(keys: readonly RowKey[], reading: Pick<KeyReading, 'gap' | 'reach' | 'ranges'>): { from: string; where: string } {
  const parts = keyParts(keys, reading);
  if (parts.length <= 1) return { from: 'events', where: parts.length === 1 ? partCondition(parts[0]!) : 'false' };
  return { from: `(${parts.map((part) => `SELECT * FROM events WHERE ${partCondition(part)}`).join(' UNION ALL ')})`, where: 'true' };
}
