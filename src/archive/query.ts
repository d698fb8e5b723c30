/**
 * Reading the archive with SQL: counts, the scan summary, pages of events
 * newest first by keyset (tt_time, eventid) so the millionth page costs what
 * the first does, and the stored records for details and export. `where` is
 * a condition from src/query/sql/ (schema 'archive') or null for everything.
 */
import { normalize } from '../model/normalize.js';
import { markLossy, RecordBatch } from '../model/recordBatch.js';
import type { BadFile, EventRow, FileShape } from '../model/types.js';
import { READ_SHAPES } from '../ingest/scanFolder.js';
import { deliveryTime, fileOrder } from '../ingest/order.js';
import type { ScanSummary } from '../commands/scanSummary.js';
import { insightSpans, insightSummaries, isInsightRow, pairInsights, type Insight, type InsightSummary } from '../model/insights.js';
import type { RateCriteria } from '../model/rate.js';
import { literal } from '../query/sql/index.js';
import { MAX_LISTED_CONFLICTS, reportedConflict, type ConflictingDuplicate } from '../store/progress.js';
import type { DuckDBMaterializedResult } from '@duckdb/node-api';
import { ERROR_LABEL_SQL } from './aggregate.js';
import type { Archive } from './db.js';
import { KEY_READING, keyRuns, keysSource, type KeyReading, type RowKey } from './keyClusters.js';

type Loose = Record<string, unknown>;

const whereOf = (where: string | null): string => (where ? `WHERE ${where}` : '');

async function rows(archive: Archive, sql: string): Promise<unknown[][]> {
  return (await archive.connection.runAndReadAll(sql)).getRows() as unknown[][];
}

export async function countEvents(archive: Archive, where: string | null): Promise<number> {
  return Number((await rows(archive, `SELECT count(*) FROM events ${whereOf(where)}`))[0]![0]);
}

/**
 * The conflicting duplicates the imports met (same eventID, different content): how many, and the
 * times of the kept copies of the first MAX_LISTED_CONFLICTS, as detect's built-in finding reads
 * them from a folder (detect/conflictFinding.ts conflictFindingOf).
 */
export async function conflictTimes(archive: Archive): Promise<{ count: number; keptTimes: number[] }> {
  const [[count]] = (await rows(archive, 'SELECT count(*) FROM conflicts')) as [[unknown]];
  const listed = await rows(
    archive,
    `SELECT e.tt_time FROM (SELECT eventid, found FROM conflicts ORDER BY found LIMIT ${MAX_LISTED_CONFLICTS}) c LEFT JOIN events e ON e.eventid = c.eventid ORDER BY c.found`,
  );
  return { count: Number(count), keptTimes: listed.map(([time]) => (time === null || time === undefined ? Number.NaN : Number(time))) };
}

/**
 * A position in the newest-first order of the dashboard (model/order.ts compareNewestFirst): time
 * descending, events whose time did not parse last, ties by arrival (tt_seq) ascending.
 */
export interface Cursor {
  /** Epoch ms, or null for events whose time did not parse (they come last). */
  time: number | null;
  seq: number;
}

export interface ArchivedEvent {
  row: EventRow;
  /** The original record as stored. */
  record: Loose;
  cursor: Cursor;
}

export type Order = 'newest' | 'oldest';

/** The dashboard's order, and its exact reverse (export --order oldest). */
export const ORDER_BY: Record<Order, string> = {
  newest: 'tt_time DESC NULLS LAST, tt_seq ASC',
  oldest: 'tt_time ASC NULLS FIRST, tt_seq DESC',
};

/** Rows strictly after `cursor` in ORDER_BY[order]. */
export function afterCursor(cursor: Cursor, order: Order): string {
  const seq = String(Math.round(cursor.seq));
  const time = cursor.time === null ? null : String(Math.round(cursor.time));
  if (order === 'newest') {
    if (time === null) return `(tt_time IS NULL AND tt_seq > ${seq})`;
    return `(tt_time < ${time} OR tt_time IS NULL OR (tt_time = ${time} AND tt_seq > ${seq}))`;
  }
  if (time === null) return `(tt_time IS NOT NULL OR tt_seq < ${seq})`;
  return `(tt_time > ${time} OR (tt_time = ${time} AND tt_seq < ${seq}))`;
}

interface StoredResource {
  type: string | null;
  name: string | null;
  arn: string | null;
  accountid: string | null;
}

/** A row's place in the order: the two key columns. */
type Key = { time: number | null; seq: number };

/** ORDER_BY[order] on two rows' keys (tt_seq is unique: no two rows tie). */
function compareInOrder(order: Order): (a: Cursor, b: Cursor) => number {
  const newest = (a: Cursor, b: Cursor): number => {
    if (a.time === b.time) return a.seq - b.seq;
    if (a.time === null) return 1;
    if (b.time === null) return -1;
    return b.time - a.time;
  };
  return order === 'newest' ? newest : (a, b) => newest(b, a);
}

/**
 * Where an event stands in the list of `where` in `order`, by its keys rather than a row number
 * that new imports or another query moved: how many events the list has, how many come before
 * the event, and whether the event itself is in it. One scan of the filter.
 */
export async function placeOfCursor(archive: Archive, where: string | null, cursor: Cursor, order: Order): Promise<{ total: number; before: number; present: boolean }> {
  // Strictly before in one order is strictly after in the exact reverse.
  const before = afterCursor(cursor, order === 'newest' ? 'oldest' : 'newest');
  const itself = `tt_seq = ${String(Math.round(cursor.seq))}`;
  const [[total, ahead, present]] = (await rows(
    archive,
    `SELECT count(*), count(*) FILTER (WHERE ${before}), count(*) FILTER (WHERE ${itself}) FROM events ${whereOf(where)}`,
  )) as [[unknown, unknown, unknown]];
  return { total: Number(total), before: Number(ahead), present: Number(present) > 0 };
}

/** The keys of the next `limit` rows in `order` after `cursor`: a top-N over the two narrow key columns. */
async function pageKeys(archive: Archive, where: string | null, limit: number, cursor: Cursor | undefined, order: Order): Promise<Key[]> {
  const conditions = [where ?? 'true', cursor ? afterCursor(cursor, order) : 'true'];
  return (await rows(archive, `SELECT tt_time, tt_seq FROM events WHERE ${conditions.join(' AND ')} ORDER BY ${ORDER_BY[order]} LIMIT ${Math.max(1, Math.floor(limit))}`)).map(
    ([time, seq]) => ({ time: time === null ? null : Number(time), seq: Number(seq) }),
  );
}

/**
 * One page of events in `order`, after `cursor` (from the start without one). Two queries: the
 * page's keys by top-N over the two narrow key columns (DuckDB would otherwise read every matching
 * row's stored record before sorting), then those rows' columns and records by key.
 */
export async function pageEvents(
  archive: Archive,
  where: string | null,
  limit: number,
  cursor?: Cursor,
  order: Order = 'newest',
  reading: KeyReading = KEY_READING,
): Promise<ArchivedEvent[]> {
  return eventsByKeys(archive, await pageKeys(archive, where, limit, cursor, order), order, reading);
}

/**
 * The count of the events `where` selects and their first page in `order`, with ONE evaluation of
 * `where` (a count and a top-N would evaluate it twice: on a big archive the filter is the cost).
 * The page's keys come from a top-N aggregate over the same scan; the sort key orders as ORDER_BY.
 */
export async function countAndFirstPage(
  archive: Archive,
  where: string,
  limit: number,
  order: Order = 'newest',
  reading: KeyReading = KEY_READING,
): Promise<{ total: number; page: ArchivedEvent[] }> {
  // Ascending on this key is ORDER_BY.oldest (no time first, time ascending, tt_seq descending); descending is ORDER_BY.newest.
  const sortKey = "{'known': tt_time IS NOT NULL, 'time': tt_time, 'seq': -tt_seq}";
  const top = order === 'newest' ? 'max_by' : 'min_by';
  const [[total, keysJson]] = (await archive.connection.runAndReadAll(
    `SELECT count(*), to_json(${top}({'time': tt_time, 'seq': tt_seq}, ${sortKey}, ${Math.max(1, Math.floor(limit))}))::VARCHAR FROM events WHERE ${where}`,
  )).getRows() as [[unknown, unknown]];
  const keys = (JSON.parse(String(keysJson ?? '[]')) as Key[] | null) ?? [];
  return { total: Number(total), page: await eventsByKeys(archive, keys.map((k) => ({ time: k.time === null ? null : Number(k.time), seq: Number(k.seq) })), order, reading) };
}

/**
 * The rows of `keys` (from a page query), read with their records, in `order`: by clusters of nearby
 * arrival numbers (keyClusters.ts), so keys spread over the archive read their own rows, not the
 * records of every row group between them (`alice`'s 80 events on 10M: 6.0M records read in
 * 2.4-4.9 s -> 630 in 0.15-0.45 s).
 */
async function eventsByKeys(archive: Archive, keys: readonly Key[], order: Order, reading: KeyReading): Promise<ArchivedEvent[]> {
  const events: ArchivedEvent[] = [];
  for (const run of keyRuns([...keys].sort(compareInOrder(order)), reading)) events.push(...(await eventsRead(archive, selectKeys(run, order, reading))));
  return events;
}

/**
 * Every event `where` selects, with its record, in `order`: for conditions that select a few (the
 * events that issued one key); a list of unknown length pages with eachEvent. The condition runs in a
 * subquery that reads only its own columns and tt_seq, the rows are then read by tt_seq. In one query,
 * a condition DuckDB cannot push into the scan (a function of a column) made it read the records of
 * every row it tested (13 s for one key's issuing events on 10M events; 0.7 s so).
 */
export async function eventsWhere(archive: Archive, where: string, order: Order): Promise<ArchivedEvent[]> {
  return eventsSelected(archive, `tt_seq IN (SELECT tt_seq FROM events WHERE ${where})`, order);
}

/**
 * The events of these arrival numbers (tt_seq), with their records, in `order`; numbers of no event
 * are left out. By clusters of nearby numbers (keyClusters.ts), ranges of tt_seq that skip every
 * row group but their own, where one IN list of numbers far apart read the records of every row group
 * between them (3M events: 20-40 ms for four numbers, against 350-450 ms); at most KEY_READING.parts
 * parts a statement (one part a number ran out of DuckDB's memory past ~200 numbers).
 */
export async function eventsAtSeqs(archive: Archive, seqs: readonly number[], order: Order, reading: KeyReading = KEY_READING): Promise<ArchivedEvent[]> {
  const unique = [...new Set(seqs.map((seq) => Math.round(seq)))].filter(Number.isSafeInteger).sort((a, b) => a - b);
  const events: ArchivedEvent[] = [];
  for (const run of keyRuns(unique.map((seq) => ({ seq })), reading)) events.push(...(await eventsRead(archive, selectKeys(run, order, reading))));
  // Runs of arrival numbers, each in order: the whole put in order here.
  return events.sort((a, b) => compareInOrder(order)(a.cursor, b.cursor));
}

/** The columns an ArchivedEvent is made of (archivedEvent reads them in this order). */
const EVENT_COLUMNS =
  'eventid, tt_time, tt_seq, tt_record, tt_file, tt_index, tt_name, tt_source, tt_actor, to_json(tt_usernames)::VARCHAR, tt_accesskey, tt_readonly, to_json(tt_resources)::VARCHAR, tt_lossy';

const selectEvents = (where: string, order: Order, from = 'events'): string => `SELECT ${EVENT_COLUMNS} FROM ${from} WHERE ${where} ORDER BY ${ORDER_BY[order]}`;

/** The statement reading the rows of `keys` with their records, in `order` (keyClusters.ts). */
function selectKeys(keys: readonly RowKey[], order: Order, reading: KeyReading): string {
  const { from, where } = keysSource(keys, reading);
  return selectEvents(where, order, from);
}

async function eventsRead(archive: Archive, sql: string): Promise<ArchivedEvent[]> {
  return ((await archive.connection.runAndReadAll(sql)).getRows() as unknown[][]).map(archivedEvent);
}

async function eventsSelected(archive: Archive, where: string, order: Order): Promise<ArchivedEvent[]> {
  return eventsRead(archive, selectEvents(where, order));
}

/** One row of EVENT_COLUMNS as an event: its record parsed, the row made from it as the folder makes it, then the stored columns. */
function archivedEvent([id, time, seq, text, file, index, name, source, actor, userNames, accessKey, readOnly, resources, lossy]: unknown[]): ArchivedEvent {
  const record = parseRecord(String(text));
  const row = normalize(record, new RecordBatch(String(file)), Number(index), String(id));
  if (lossy === true) markLossy(row.batch, row.recordIndex);
  // What the reader made of the file (a lookup-events element's outer fields included) is what was stored.
  row.id = String(id);
  row.time = time === null ? Number.NaN : Number(time);
  row.name = String(name ?? '');
  row.source = String(source ?? '');
  row.actor = String(actor ?? '');
  row.userNames = JSON.parse(String(userNames ?? '[]')) as string[];
  row.accessKey = String(accessKey ?? '');
  row.readOnly = readOnly === null ? null : Boolean(readOnly);
  row.resources = (JSON.parse(String(resources ?? '[]')) as StoredResource[]).map((r) => ({
    type: r.type ?? '',
    name: r.name ?? '',
    arn: r.arn ?? '',
    accountId: r.accountid ?? '',
  }));
  return { row, record, cursor: { time: time === null ? null : Number(time), seq: Number(seq) } };
}

/**
 * A result's events `size` at a time, each slice converted only when asked for: DuckDB's values to
 * JS, the records parsed and normalized (20-30 µs an event), so a page of a big statement holds
 * the main thread for its own events only, not the statement's.
 */
function* eventSlices(result: DuckDBMaterializedResult, size: number): Generator<ArchivedEvent[]> {
  let slice: ArchivedEvent[] = [];
  for (let c = 0; c < result.chunkCount; c++) {
    const chunk = result.getChunk(c);
    for (let r = 0; r < chunk.rowCount; r++) {
      slice.push(archivedEvent(chunk.getRowValues(r) as unknown[]));
      if (slice.length === size) {
        yield slice;
        slice = [];
      }
    }
  }
  if (slice.length > 0) yield slice;
}

function parseRecord(text: string): Loose {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : {};
  } catch {
    return {};
  }
}

/** Keys a key query of eachEvent finds: a top-N costs about one scan of the filter's columns whatever its N. */
const KEYS_PER_SCAN = 100_000;

/**
 * Events a statement of eachEvent reads, whatever the page: a statement costs about 10-15 ms before
 * its first row (1M events), so pages of 500 read 500 at a time spent 25% more CPU and 20-50% more
 * time than export's 5,000 (the --db download, against export --db, on 253k events).
 */
export const EVENTS_PER_STATEMENT = 5_000;

/**
 * Every matching event in `order`, page by page (export). The keys come KEYS_PER_SCAN at a time,
 * then the rows EVENTS_PER_STATEMENT at a time, handed out `pageSize` at a time: a key query per
 * page scanned the filter's columns again each time (60 scans for the 300k AssumeRole events of the
 * 10M-event bench archive; CPU 30 -> 26 s). Fetching the next statement's rows while this one is
 * written saved ~10% more, for ~250 MB more resident: not kept. A page is converted when asked for
 * (eventSlices), so a small page holds the main thread for its own events only.
 * `keysPerScan`: KEYS_PER_SCAN, smaller in the tests.
 */
export async function* eachEvent(
  archive: Archive,
  where: string | null,
  order: Order = 'newest',
  pageSize = EVENTS_PER_STATEMENT,
  keysPerScan = KEYS_PER_SCAN,
  reading: KeyReading = KEY_READING,
): AsyncGenerator<ArchivedEvent[]> {
  const size = Math.max(1, Math.floor(pageSize));
  const keysAtOnce = Math.max(size, Math.floor(keysPerScan));
  const perStatement = Math.min(keysAtOnce, Math.max(size, EVENTS_PER_STATEMENT));
  let cursor: Cursor | undefined;
  for (;;) {
    const keys = await pageKeys(archive, where, keysAtOnce, cursor, order);
    for (let at = 0; at < keys.length; at += perStatement) {
      // Runs of keys consecutive in the order (keyClusters.ts), so the statements' rows follow one another.
      for (const run of keyRuns(keys.slice(at, at + perStatement), reading)) {
        // run, not runAndReadAll: the rows stay DuckDB's until eventSlices reads a page of them.
        yield* eventSlices(await archive.connection.run(selectKeys(run, order, reading)), size);
      }
    }
    if (keys.length < keysAtOnce) return;
    cursor = keys[keys.length - 1]!;
  }
}

/** The summary's top-N lists (scanSummary.ts): each a column, shown '(none)' when empty, or with empty values left out. */
const TOP_LISTS = [
  { key: 'names', value: "CASE WHEN coalesce(tt_name, '') = '' THEN '(none)' ELSE tt_name END" },
  { key: 'actors', value: "CASE WHEN coalesce(tt_actor, '') = '' THEN '(none)' ELSE tt_actor END" },
  // A failed console sign-in has no errorCode: its errorMessage stands in (model/failure.ts errorLabel), as in scan on a folder.
  { key: 'errors', value: ERROR_LABEL_SQL },
] as const;

interface MatchedSummary {
  unique: number;
  insights: number;
  /** Insights records by INSIGHT_SQL (type or category): when 0, no Insights pass is needed. */
  insightRecords: number;
  badTime: number;
  first: unknown;
  last: unknown;
  top: Record<(typeof TOP_LISTS)[number]['key'], { name: string; count: number }[]>;
}

/**
 * The counts, time span and top lists of the events `where` selects, in ONE pass over the archive
 * (GROUPING SETS): the filter is evaluated once, not once per list, which on a 10M-event archive is
 * most of what scan --db costs. Each list keeps its `limit` most frequent values, ties by value.
 */
async function summarizeMatches(archive: Archive, where: string | null, limits: Record<(typeof TOP_LISTS)[number]['key'], number>): Promise<MatchedSummary> {
  const values = TOP_LISTS.map((list, k) => `${list.value} AS v${k}`).join(', ');
  const sets = ['()', ...TOP_LISTS.map((_, k) => `(v${k})`)].join(', ');
  // GROUPING(v0, v1, ...) has bit (n-1-k) clear only in list k's set; the () set has every bit set.
  const setOf = `GROUPING(${TOP_LISTS.map((_, k) => `v${k}`).join(', ')})`;
  const valueOf = `coalesce(${TOP_LISTS.map((_, k) => `v${k}`).join(', ')})`;
  const grouped = (await rows(
    archive,
    `SELECT ${setOf} AS g, ${valueOf} AS v, count(*) AS n, ` +
      `count(*) FILTER (WHERE eventtype = 'AwsCloudTrailInsight'), count(*) FILTER (WHERE ${INSIGHT_SQL}), count(*) FILTER (WHERE tt_time IS NULL), min(tt_time), max(tt_time) ` +
      `FROM (SELECT ${values}, eventtype, eventcategory, tt_time FROM events ${whereOf(where)}) ` +
      `GROUP BY GROUPING SETS (${sets}) ` +
      `QUALIFY g = ${(1 << TOP_LISTS.length) - 1} OR (v IS NOT NULL AND row_number() OVER (PARTITION BY g ORDER BY n DESC, v) <= CASE g ${TOP_LISTS.map((list, k) => `WHEN ${((1 << TOP_LISTS.length) - 1) ^ (1 << (TOP_LISTS.length - 1 - k))} THEN ${Math.max(1, Math.floor(limits[list.key]))}`).join(' ')} END) ` +
      'ORDER BY g, n DESC, v',
  )) as [unknown, unknown, unknown, unknown, unknown, unknown, unknown, unknown][];
  const all = (1 << TOP_LISTS.length) - 1;
  const whole = grouped.find((r) => Number(r[0]) === all);
  const top = Object.fromEntries(
    TOP_LISTS.map((list, k) => [
      list.key,
      grouped.filter((r) => Number(r[0]) === (all ^ (1 << (TOP_LISTS.length - 1 - k)))).map(([, v, n]) => ({ name: String(v), count: Number(n) })),
    ]),
  ) as MatchedSummary['top'];
  // No row matched: the () set still has its one row, but be safe against an empty result.
  const [, , unique, insights, insightRecords, badTime, first, last] = whole ?? [all, null, 0, 0, 0, 0, null, null];
  return { unique: Number(unique), insights: Number(insights), insightRecords: Number(insightRecords), badTime: Number(badTime), first, last, top };
}

/** An Insights record, as SQL: what CloudTrail writes on every one (a record elsewhere that carries insightDetails is not looked for: that would read every stored record). */
const INSIGHT_SQL = "(eventtype = 'AwsCloudTrailInsight' OR eventcategory = 'Insight')";

/** The calls an Insight counts (model/rate.ts matchesRate), as SQL. */
export function rateSql(criteria: RateCriteria, from: number, to: number): string {
  // coalesce: a call written before eventCategory existed has it NULL, and NOT (false OR NULL) would drop it.
  const parts = [`NOT coalesce(${INSIGHT_SQL}, false)`, `coalesce(tt_name, '') = ${literal(criteria.eventName)}`, `coalesce(tt_source, '') = ${literal(criteria.eventSource)}`];
  if (Number.isFinite(from)) parts.push(`tt_time >= ${Math.floor(from)}`);
  else parts.push('false'); // no start known: nothing is counted in memory either (the span starts at +Infinity)
  if (Number.isFinite(to)) parts.push(`tt_time < ${Math.ceil(to)}`);
  else parts.push('tt_time IS NOT NULL');
  if (criteria.region) parts.push(`coalesce(awsregion, '') = ${literal(criteria.region)}`);
  if (criteria.account) parts.push(`coalesce(nullif(recipientaccountid, ''), tt_account, '') = ${literal(criteria.account)}`);
  if (criteria.errorOnly) {
    parts.push(`coalesce(errorcode, '') <> ''`);
    if (criteria.errorCode) parts.push(`errorcode = ${literal(criteria.errorCode)}`);
  }
  return parts.map((p) => `coalesce(${p}, false)`).join(' AND ');
}

/** The Insights (Start/End pairs) among the events `where` selects, newest first, as the folder pairs them. */
export async function archiveInsightList(archive: Archive, where: string | null): Promise<Insight[]> {
  // INSIGHT_SQL as two disjoint conditions DuckDB pushes into the scan (an equality first): with the OR,
  // every row's columns were read to test it (11.7 s on 10M events, 0.8 s so).
  const branches = [`eventtype = 'AwsCloudTrailInsight'`, `eventcategory = 'Insight' AND eventtype IS DISTINCT FROM 'AwsCloudTrailInsight'`];
  const events: ArchivedEvent[] = [];
  for (const branch of branches) events.push(...(await eventsSelected(archive, where ? `${branch} AND (${where})` : branch, 'newest')));
  // pairInsights reads the rows in the store's order: newest first (no time last), ties by arrival.
  events.sort((a, b) => (b.cursor.time ?? -Infinity) - (a.cursor.time ?? -Infinity) || a.cursor.seq - b.cursor.seq);
  return pairInsights(events.filter((event) => isInsightRow(event.row)).map((event) => event.row));
}

/** Insights Start/End pairs among the events `where` selects, each with the calls behind its span in the whole archive (as scan does on a folder). */
export async function archiveInsights(archive: Archive, where: string | null): Promise<InsightSummary[]> {
  const insights = await archiveInsightList(archive, where);
  const spans = insightSpans(insights);
  const counts: number[] = [];
  for (const span of spans) {
    const [[n]] = (await archive.connection.runAndReadAll(`SELECT count(*) FROM events WHERE ${rateSql(span.criteria, span.from, span.to)}`)).getRows() as [[unknown]];
    counts.push(Number(n));
  }
  return insightSummaries(insights, counts);
}

/**
 * The imported files as scan counts them: counts by shape in SQL, and only the files scan lists
 * (skipped, bad, partly read) read into JS, in the order scan applies them (ingest/order.ts: file
 * order, oldest delivery first). An archive of a big trail has tens of thousands of files: reading
 * every path to count them cost a quarter of scan --db's CPU.
 */
async function importedFiles(archive: Archive): Promise<Pick<ScanSummary['files'], 'byShape' | 'read' | 'digests' | 'skipped' | 'bad'> & { recordsRead: number }> {
  // Files by shape, as scan counts them: not the listing's problems (listingProblems.ts), which are no file read.
  const byShape: Partial<Record<FileShape, number>> = {};
  let read = 0;
  let digests = 0;
  let recordsRead = 0;
  for (const [shapeValue, count, records] of await rows(archive, 'SELECT shape, count(*), coalesce(sum(records), 0) FROM imported_files WHERE size IS NOT NULL GROUP BY shape')) {
    const shape = String(shapeValue) as FileShape;
    byShape[shape] = Number(count);
    recordsRead += Number(records);
    if (READ_SHAPES.has(shape)) read += Number(count);
    if (shape === 'digest') digests += Number(count);
  }
  const listed = fileOrder(
    (await rows(archive, "SELECT path, shape, reason, mtime_ms FROM imported_files WHERE shape <> 'digest' AND (shape IN ('not-cloudtrail', 'bad') OR coalesce(reason, '') <> '')")).map((r) => ({
      r,
      path: String(r[0]),
      key: deliveryTime(String(r[0]), Number(r[3])),
    })),
  ).map((f) => f.r);
  const skipped: { path: string; reason: string }[] = [];
  const bad: { path: string; reason: string }[] = [];
  for (const [path, shape, reasonValue] of listed) {
    const reason = String(reasonValue ?? '');
    if (shape === 'not-cloudtrail') skipped.push({ path: String(path), reason });
    else if (shape === 'bad') bad.push({ path: String(path), reason });
    else bad.push({ path: String(path), reason: `partly read: ${reason}` });
  }
  return { byShape, read, digests, recordsRead, skipped, bad };
}

/** The conflicting duplicates the imports met: how many, and the first MAX_LISTED_CONFLICTS in the order found. */
async function archiveConflicts(archive: Archive): Promise<{ count: number; listed: ConflictingDuplicate[] }> {
  const [[count]] = (await rows(archive, 'SELECT count(*) FROM conflicts')) as [[unknown]];
  const listed = await rows(archive, `SELECT eventid, kept_file, file FROM conflicts ORDER BY found LIMIT ${MAX_LISTED_CONFLICTS}`);
  // The archive keeps fingerprints, not rows: which field differs is not known ('' as headless scan says).
  return { count: Number(count), listed: listed.map(([eventID, keptFile, file]) => ({ eventID: String(eventID), keptFile: String(keptFile), file: String(file), field: '' })) };
}

/** What the --db dashboard's `b` lists, as scan --db does: bad (or partly read) and skipped files in its order, and the conflicting duplicates. */
export interface ArchiveProblems {
  bad: BadFile[];
  skipped: BadFile[];
  conflicts: ConflictingDuplicate[];
  conflictCount: number;
}

export async function archiveProblemFiles(archive: Archive): Promise<ArchiveProblems> {
  const { bad, skipped } = await importedFiles(archive);
  const conflicts = await archiveConflicts(archive);
  return { bad, skipped, conflicts: conflicts.listed, conflictCount: conflicts.count };
}

/** The scan summary (commands/scanSummary.ts) of the archive, or of the events `where` selects. */
export async function summarizeArchive(archive: Archive, where: string | null, options: { folder?: string; filter?: string | null; top?: number } = {}): Promise<ScanSummary> {
  const top = options.top ?? 10;
  const { byShape, read, digests, recordsRead, skipped, bad } = await importedFiles(archive);
  const [[total]] = (await rows(archive, 'SELECT count(*) FROM events')) as [[unknown]];
  const matched = await summarizeMatches(archive, where, { names: top, actors: top, errors: Math.max(top, 50) });
  // As scan counts them: every conflicting copy the imports met, whatever the filter; the first MAX_LISTED_CONFLICTS listed.
  const conflicts = await archiveConflicts(archive);
  const iso = (value: unknown): string | null => (value === null || value === undefined ? null : new Date(Number(value)).toISOString());
  // The archive keeps one row per event: how many copies of the matching events were read is not known.
  const eventsRead = where ? null : recordsRead;
  return {
    folder: options.folder ?? '',
    filter: options.filter ?? null,
    files: { read, digests, skipped, bad, byShape },
    events: {
      read: eventsRead,
      unique: matched.unique,
      duplicates: eventsRead === null ? null : Math.max(0, eventsRead - matched.unique),
      total: Number(total),
      insights: matched.insights,
      badTime: matched.badTime,
      conflicts: conflicts.count,
    },
    // The imports record which copy was kept, not which field differs: no `field` (store/progress.ts ReportedConflict).
    conflictingDuplicates: conflicts.listed.map(reportedConflict),
    time: { first: iso(matched.first), last: iso(matched.last) },
    topEventNames: matched.top.names,
    topActors: matched.top.actors,
    errorsByCode: matched.top.errors.map(({ name, count }) => ({ code: name, count })),
    insights: matched.insightRecords > 0 ? await archiveInsights(archive, where) : [],
  };
}
