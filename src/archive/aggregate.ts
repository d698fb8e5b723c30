/**
 * The dashboard's summaries over an archive, as SQL: top values of a field
 * (`T`, the same TopResult investigate/topValues.ts makes in memory, from the
 * same fields, counted the same way) and the event count per time bucket with errors (`h`). One
 * GROUP BY each, whatever the archive's size.
 */
import type { TopField, TopResult } from '../investigate/topValues.js';
import { schemaFor } from '../query/sql/index.js';
import { errorLabelSql } from '../query/sql/schema.js';
import { dialectNamed, literal } from '../query/sql/dialect.js';
import { FINAL_SIGMA, SIGMA } from '../query/fold.js';
import type { Archive } from './db.js';
import { foldGrains, grainSql, gridBounds, type BucketGrid } from './histogramGrain.js';

/**
 * Each field's value per event as SQL: one value, or a list of values the event counts once each
 * (`list`), as the in-memory top values read them (investigate/topValues.ts). A list reads the
 * columns `project` names first (va, vb, vn): DuckDB does not share a subexpression across a CASE's
 * branches, and projected once they made resource T 1.5-2x faster than written out in each.
 */
const ARCHIVE = schemaFor(dialectNamed('duckdb'), 'archive');

/** What the Error code column shows of an event (schema.ts errorLabelSql). */
export const ERROR_LABEL_SQL = errorLabelSql(ARCHIVE.failedWithoutCode(), ARCHIVE.failedLabel());

const TOP_VALUE_SQL: Record<TopField, { one: string } | { project: string; list: string }> = {
  user: { one: 'tt_actor' },
  ip: { one: 'sourceipaddress' },
  key: { one: 'tt_accesskey' },
  name: { one: 'tt_name' },
  source: { one: 'tt_source' },
  error: { one: ERROR_LABEL_SQL },
  region: { one: 'awsregion' },
  // The recipient and the caller's account, as account: matches either.
  account: { project: "coalesce(recipientaccountid, '') AS va, coalesce(tt_account, '') AS vb", list: oncePerFoldOfTwo('va', 'vb') },
  agent: { one: 'useragent' },
  identity: { one: 'useridentity.type' },
  // A resource's name, else its ARN (investigate/derivedColumns.ts resourceName). Most events name two
  // resources or fewer (an S3 object and its bucket): they need no lambda, which costs more than the count.
  resource: {
    project: `coalesce(len(tt_resources), 0) AS vn, ${resourceAt(1)} AS va, ${resourceAt(2)} AS vb, tt_resources`,
    list:
      `CASE WHEN vn = 0 THEN []::VARCHAR[] WHEN vn <= 2 THEN ${oncePerFoldOfTwo('va', 'vb')} ` +
      `ELSE ${oncePerFold("list_transform(tt_resources, lambda r: coalesce(nullif(r.name, ''), r.arn))")} END`,
  },
};

/** The name of resource `k` (from 1), else its ARN; '' for neither. */
function resourceAt(k: number): string {
  return `coalesce(nullif(tt_resources[${k}].name, ''), tt_resources[${k}].arn, '')`;
}

/** Two values (never NULL; '' for none) as oncePerFold lists them, without a lambda. */
function oncePerFoldOfTwo(a: string, b: string): string {
  return (
    `CASE WHEN ${a} = '' THEN (CASE WHEN ${b} = '' THEN []::VARCHAR[] ELSE [${b}] END) ` +
    `WHEN ${b} = '' OR ${a} = ${b} THEN [${a}] WHEN ${fold(a)} = ${fold(b)} THEN [least(${a}, ${b})] ELSE [${a}, ${b}] END`
  );
}

/** `x` folded as query/fold.ts foldCase folds it (SQL's lower() keeps the final sigma). */
function fold(x: string): string {
  return `replace(lower(${x}), ${literal(FINAL_SIGMA)}, ${literal(SIGMA)})`;
}

/** The non-empty values of list `l`, each value once in any case: a spelling is kept when no other in the list folds alike and sorts first. */
function oncePerFold(l: string): string {
  const values = `list_filter(${l}, lambda x: coalesce(x, '') <> '')`;
  return `list_distinct(list_filter(${values}, lambda x: NOT coalesce(list_bool_or(list_transform(${values}, lambda y: ${fold('y')} = ${fold('x')} AND y < x)), false)))`;
}

const whereOf = (where: string | null): string => (where ? `WHERE ${where}` : '');

/**
 * The `limit` most frequent values of `field` among the events `where` selects: values that differ
 * only in case are one, shown in their most frequent spelling (as in memory: a term matches any
 * case, so that is what its pivot lists). One pass over the archive: the events, the empty values
 * and the distinct count are window sums over the groups (each a query of its own would evaluate
 * `where` again, and on a big archive `where` is the cost). `f` marks each event's first (or only)
 * value, so the events are counted in the same pass; an event without any value gives one empty value.
 */
export async function archiveTopValues(archive: Archive, field: TopField, where: string | null, limit = 200): Promise<TopResult> {
  const source = TOP_VALUE_SQL[field];
  const values =
    'one' in source
      ? `SELECT ${source.one} AS v, true AS f, tt_time AS t FROM events ${whereOf(where)}`
      : // A list holds each value once, so the event's first value is the one equal to its head (no lambda).
        'SELECT v, v IS NOT DISTINCT FROM h AS f, t FROM (SELECT unnest(l) AS v, l[1] AS h, t FROM (' +
        `SELECT CASE WHEN coalesce(len(l), 0) = 0 THEN [NULL] ELSE l END AS l, t FROM (SELECT ${source.list} AS l, t FROM (` +
        `SELECT ${source.project}, tt_time AS t FROM events ${whereOf(where)}))))`;
  const spellings = `SELECT nullif(v, '') AS v, count(*) AS n, count(*) FILTER (WHERE f) AS events, min(t) AS first, max(t) AS last FROM (${values}) GROUP BY 1`;
  const grouped =
    `SELECT first(v ORDER BY n DESC, v) AS v, sum(n) AS n, sum(events) AS events, min(first) AS first, max(last) AS last ` +
    `FROM (${spellings}) GROUP BY ${fold('v')}`;
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
    // An event without any value counts once as empty (as in memory).
    empty: Number(empty),
    distinct: Number(distinct),
  };
}

export interface TimeBounds {
  first: number;
  last: number;
  /** Events `where` selects whose time did not parse: in no bucket of the histogram, so it says how many. */
  untimed: number;
}

/** Oldest and newest event time among the events `where` selects, and how many have none; null when none has a time. */
export async function archiveTimeBounds(archive: Archive, where: string | null): Promise<TimeBounds | null> {
  const [[first, last, untimed]] = (
    await archive.connection.runAndReadAll(`SELECT min(tt_time), max(tt_time), count(*) FILTER (WHERE tt_time IS NULL) FROM events ${whereOf(where)}`)
  ).getRows() as [[unknown, unknown, unknown]];
  if (first === null || last === null) return null;
  return { first: Number(first), last: Number(last), untimed: Number(untimed) };
}

export interface ArchiveBucket {
  /** Start of the bucket, epoch ms (where the folder dashboard's histogram starts it: histogramGrain.ts). */
  start: number;
  /** Start of the next bucket (a month or a local day is not a fixed length). */
  end: number;
  count: number;
  /** Failed events (an errorCode, or a failed console sign-in: model/failure.ts). */
  errors: number;
}

/**
 * Events per bucket of the grid from the bucket holding `from` through the one holding `to - 1`, empty
 * buckets included, oldest first: the folder dashboard's buckets (histogramGrain.ts). Events whose time
 * did not parse are in no bucket.
 */
export async function archiveHistogram(archive: Archive, where: string | null, grid: BucketGrid, from: number, to: number): Promise<ArchiveBucket[]> {
  const bounds = gridBounds(grid, from, to);
  const { grain, where: inBounds } = grainSql(grid, bounds);
  const conditions = [where ?? 'true', ...inBounds];
  const failed = `(coalesce(errorcode, '') <> '' OR coalesce(${ARCHIVE.failedWithoutCode()}, false))`;
  const found = (await archive.connection.runAndReadAll(
    `SELECT ${grain} AS g, count(*), count(*) FILTER (WHERE ${failed}) FROM events WHERE ${conditions.join(' AND ')} GROUP BY g ORDER BY g`,
  )).getRows() as unknown[][];
  const out: ArchiveBucket[] = bounds.slice(0, -1).map((start, i) => ({ start, end: bounds[i + 1]!, count: 0, errors: 0 }));
  foldGrains(grid, bounds, found, (i, [, n, e]) => {
    out[i]!.count += Number(n);
    out[i]!.errors += Number(e);
  });
  return out;
}
