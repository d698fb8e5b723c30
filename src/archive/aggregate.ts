/**
 * The dashboard's summaries over an archive, as SQL: top values of a field
 * (`T`, the same TopResult investigate/topValues.ts makes in memory, from the
 * same fields) and the event count per time bucket with errors (`h`). One
 * GROUP BY each, whatever the archive's size.
 */
import type { TopField, TopResult } from '../investigate/topValues.js';
import { schemaFor } from '../query/sql/index.js';
import { dialectNamed } from '../query/sql/dialect.js';
import type { Archive } from './db.js';

/**
 * Each field's value(s) per event as `v`, and `f` true on the first (or only) value of each event, so
 * the events are counted in the same pass as the values: as the in-memory top values read them (a
 * list for resources; an event without any gives one empty value).
 */
const TOP_VALUE_SQL: Record<TopField, string> = {
  user: 'tt_actor AS v, true AS f',
  ip: 'sourceipaddress AS v, true AS f',
  key: 'tt_accesskey AS v, true AS f',
  name: 'tt_name AS v, true AS f',
  source: 'tt_source AS v, true AS f',
  error: 'errorcode AS v, true AS f',
  region: 'awsregion AS v, true AS f',
  // The account the list shows: the recipient account, else the caller's.
  account: "coalesce(nullif(recipientaccountid, ''), tt_account) AS v, true AS f",
  agent: 'useragent AS v, true AS f',
  identity: 'useridentity.type AS v, true AS f',
  // A resource's key: its ARN when known, else its name (investigate/topValues.ts resourceKey). Two unnests zip.
  resource:
    "unnest(CASE WHEN len(tt_resources) = 0 THEN [NULL] ELSE list_transform(tt_resources, lambda r: coalesce(nullif(r.arn, ''), r.name)) END) AS v, " +
    'unnest(CASE WHEN len(tt_resources) = 0 THEN [true] ELSE list_transform(range(len(tt_resources)), lambda i: i = 0) END) AS f',
};

const whereOf = (where: string | null): string => (where ? `WHERE ${where}` : '');

/**
 * The `limit` most frequent values of `field` among the events `where` selects. One pass over the
 * archive: the events, the empty values and the distinct count are window sums over the groups
 * (each a query of its own would evaluate `where` again, and on a big archive `where` is the cost).
 */
export async function archiveTopValues(archive: Archive, field: TopField, where: string | null, limit = 200): Promise<TopResult> {
  const values = `SELECT ${TOP_VALUE_SQL[field]}, tt_time AS t FROM events ${whereOf(where)}`;
  const grouped = `SELECT nullif(v, '') AS v, count(*) AS n, count(*) FILTER (WHERE f) AS events, min(t) AS first, max(t) AS last FROM (${values}) GROUP BY 1`;
  const found = (await archive.connection.runAndReadAll(
    `SELECT v, n, first, last, sum(events) OVER () AS rows, coalesce(sum(n) FILTER (WHERE v IS NULL) OVER (), 0) AS empty, count(v) OVER () AS distinct ` +
      `FROM (${grouped}) ORDER BY v IS NULL, n DESC, v LIMIT ${Math.max(1, Math.floor(limit)) + 1}`,
  )).getRows() as unknown[][];
  const time = (value: unknown): number => (value === null || value === undefined ? Number.NaN : Number(value));
  const [rows, empty, distinct] = found[0] ? [found[0][4], found[0][5], found[0][6]] : [0, 0, 0];
  return {
    field,
    values: found
      .filter(([v]) => v !== null)
      .slice(0, Math.max(1, Math.floor(limit)))
      .map(([v, n, first, last]) => ({ value: String(v), count: Number(n), first: time(first), last: time(last) })),
    rows: Number(rows),
    // Resources: an event without any counts once as empty (as in memory).
    empty: Number(empty),
    distinct: Number(distinct),
  };
}

export interface TimeBounds {
  first: number;
  last: number;
}

/** Oldest and newest event time among the events `where` selects; null when none has a time. */
export async function archiveTimeBounds(archive: Archive, where: string | null): Promise<TimeBounds | null> {
  const [[first, last]] = (await archive.connection.runAndReadAll(`SELECT min(tt_time), max(tt_time) FROM events ${whereOf(where)}`)).getRows() as [[unknown, unknown]];
  if (first === null || last === null) return null;
  return { first: Number(first), last: Number(last) };
}

export interface ArchiveBucket {
  /** Start of the bucket, epoch ms (UTC-aligned: start = k * sizeMs). */
  start: number;
  count: number;
  /** Failed events (an errorCode, or a failed console sign-in: model/failure.ts). */
  errors: number;
}

/**
 * Events per bucket of `sizeMs` (UTC-aligned) from `from` to `to` (exclusive), empty buckets included,
 * oldest first. Events whose time did not parse are in no bucket.
 */
export async function archiveHistogram(archive: Archive, where: string | null, sizeMs: number, from: number, to: number): Promise<ArchiveBucket[]> {
  const size = Math.max(1, Math.floor(sizeMs));
  const lo = Math.floor(from / size) * size;
  const conditions = [where ?? 'true', `tt_time >= ${lo}`, `tt_time < ${Math.ceil(to)}`];
  const failed = `(coalesce(errorcode, '') <> '' OR coalesce(${schemaFor(dialectNamed('duckdb'), 'archive').failedWithoutCode()}, false))`;
  const found = (await archive.connection.runAndReadAll(
    `SELECT (tt_time // ${size}) * ${size} AS b, count(*), count(*) FILTER (WHERE ${failed}) FROM events WHERE ${conditions.join(' AND ')} GROUP BY b`,
  )).getRows() as unknown[][];
  const byStart = new Map(found.map(([b, n, e]) => [Number(b), { count: Number(n), errors: Number(e) }]));
  const out: ArchiveBucket[] = [];
  for (let start = lo; start < to; start += size) {
    const hit = byStart.get(start);
    out.push({ start, count: hit?.count ?? 0, errors: hit?.errors ?? 0 });
  }
  return out;
}
