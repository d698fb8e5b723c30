/**
 * The DuckDB archive's tables. `events` has the columns of AWS's Athena
 * CloudTrail table (lowercase names, `useridentity` struct, `resources` list
 * of structs, JSON fields as JSON text, eventtime as text), so SQL written
 * for Athena (schema 'cloudtrail') runs here too (the columns AWS's DDL gained
 * after this layout was first made came with schema 9, laterColumns.ts); plus `tt_*` columns that
 * hold what trailtop's normalize() made of the record (actor label, user
 * names, resources with names, epoch time) and the original record as JSON,
 * so the query language means exactly what it means in memory (schema
 * 'archive' of src/query/sql/).
 *
 * `eventid` is the row's id as the store keys it (eventID, or the lookup
 * element's EventId, or `content:<hash>`): the archive keeps one row per id.
 */
import { duckdbType, jsonTextSql, LATER_COLUMNS, WEB_ID_FEDERATION } from './laterColumns.js';

export const SCHEMA_VERSION = 10;

/**
 * tt_users (schema 5): every non-empty value `user:` tests (tt_actor,
 * tt_principalarn, tt_usernames) in one text, lowercased by DuckDB as the
 * query compiler's lower() would, each escaped (`\` -> `\\`, newline -> `\n`)
 * so none holds a line break, one per line between line breaks, NULL when
 * there is none. `user:X` then reads one plain text column: reading the
 * tt_usernames list was ~70% of `error:AccessDenied user:X`'s SQL CPU
 * (1M high-card archive: 56 -> 17 ms). query/sql/schema.ts loweredValues
 * writes the tests against it.
 */
export const USERS_SQL =
  `nullif(chr(10) || array_to_string(list_distinct(list_filter(list_transform(list_concat([tt_actor, tt_principalarn], coalesce(tt_usernames, [])), ` +
  `lambda u: replace(replace(lower(u), '\\', '\\\\'), chr(10), '\\n')), lambda u: u IS NOT NULL AND u <> '')), chr(10)) || chr(10), chr(10) || chr(10))`;

/**
 * tt_idhash (schema 6): 64 bits of the MD5 of eventid (stable across DuckDB versions, unlike hash()).
 * Finding the archived copies of a batch's IDs (copies.ts) scans this 8-byte column instead of every
 * eventid string, which grew an incremental import's SQL ~40 ms CPU per million archived events
 * (the hash column's scan: ~17).
 */
export const ID_HASH_SQL = 'md5_number_upper(eventid)';

export const USER_IDENTITY_TYPE =
  'STRUCT(type VARCHAR, principalid VARCHAR, arn VARCHAR, accountid VARCHAR, invokedby VARCHAR, accesskeyid VARCHAR, username VARCHAR, ' +
  'onbehalfof STRUCT(userid VARCHAR, identitystorearn VARCHAR), ' +
  'sessioncontext STRUCT(attributes STRUCT(mfaauthenticated VARCHAR, creationdate VARCHAR), ' +
  'sessionissuer STRUCT(type VARCHAR, principalid VARCHAR, arn VARCHAR, accountid VARCHAR, username VARCHAR), sourceidentity VARCHAR, ec2roledelivery VARCHAR, ' +
  // Since schema 9 (laterColumns.ts), typed as AWS's DDL types it.
  `${WEB_ID_FEDERATION.name} ${duckdbType(WEB_ID_FEDERATION.type)}))`;

export const RESOURCES_TYPE = 'STRUCT(arn VARCHAR, accountid VARCHAR, type VARCHAR)[]';
export const TT_RESOURCES_TYPE = 'STRUCT(type VARCHAR, name VARCHAR, arn VARCHAR, accountid VARCHAR)[]';

/** The Athena table's plain text columns, first in events and in the staging line, in this order. */
export const TEXT_COLUMNS = [
  'eventid',
  'eventversion',
  'eventtime',
  'eventsource',
  'eventname',
  'awsregion',
  'sourceipaddress',
  'useragent',
  'errorcode',
  'errormessage',
  'requestid',
  'eventtype',
  'apiversion',
  'readonly',
  'recipientaccountid',
  'sharedeventid',
  'vpcendpointid',
  'eventcategory',
] as const;

/** `events`' columns, for its CREATE TABLE (and the schema 9 upgrade's, upgrades.ts, which makes the table again). */
export const EVENTS_COLUMNS = `
    ${TEXT_COLUMNS.map((c) => `${c} VARCHAR`).join(',\n    ')},
    useridentity ${USER_IDENTITY_TYPE},
    requestparameters VARCHAR,
    responseelements VARCHAR,
    additionaleventdata VARCHAR,
    serviceeventdetails VARCHAR,
    resources ${RESOURCES_TYPE},
    tt_time BIGINT,
    tt_name VARCHAR,
    tt_source VARCHAR,
    tt_actor VARCHAR,
    tt_principalarn VARCHAR,
    tt_usernames VARCHAR[],
    tt_users VARCHAR,
    tt_account VARCHAR,
    tt_accesskey VARCHAR,
    tt_readonly BOOLEAN,
    tt_resources ${TT_RESOURCES_TYPE},
    tt_file VARCHAR,
    tt_index INTEGER,
    tt_seq BIGINT,
    tt_filekey DOUBLE,
    tt_fingerprint UINTEGER,
    tt_record VARCHAR,
    tt_idhash UBIGINT,
    tt_inexact VARCHAR,
    tt_lossy BOOLEAN,
    ${LATER_COLUMNS.map((c) => `${c.name} ${duckdbType(c.type)}`).join(',\n    ')}
  `;

export const CREATE_TABLES = [
  `CREATE TABLE IF NOT EXISTS archive_meta (key VARCHAR PRIMARY KEY, value VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS events (${EVENTS_COLUMNS})`,
  `CREATE TABLE IF NOT EXISTS imported_files (
    path VARCHAR PRIMARY KEY,
    size BIGINT,
    mtime_ms DOUBLE,
    shape VARCHAR,
    reason VARCHAR,
    records BIGINT,
    imported_at TIMESTAMP
  )`,
  // Conflicting duplicates found by the imports (same eventID, different content; issue 20), in the order found.
  `CREATE TABLE IF NOT EXISTS conflicts (
    found BIGINT,
    eventid VARCHAR,
    kept_file VARCHAR,
    file VARCHAR,
    -- The losing copy's content (tt_fingerprint; schema 10): a file moved brings that copy back (movedConflicts.ts).
    fingerprint UINTEGER
  )`,
];

/**
 * How a staging field becomes its column: text decoded (rowValues.ts textField), JSON text as it is,
 * JSON text as DuckDB writes it (laterColumns.ts jsonTextSql), JSON cast to a type, or read as a number.
 */
type StagedKind = { kind: 'text' } | { kind: 'json' } | { kind: 'duckdbJson' } | { kind: 'cast'; type: string } | { kind: 'number'; type: string };

const TEXT: StagedKind = { kind: 'text' };
const JSON_TEXT: StagedKind = { kind: 'json' };

/** The staging file's fields (rowValues.ts stagedLine), in line order; tt_record is the last. */
export const STAGING_FIELDS: readonly (readonly [string, StagedKind])[] = [
  ...TEXT_COLUMNS.map((c) => [c, TEXT] as const),
  ['useridentity', { kind: 'cast', type: USER_IDENTITY_TYPE }],
  ['requestparameters', JSON_TEXT],
  ['responseelements', JSON_TEXT],
  ['additionaleventdata', JSON_TEXT],
  ['serviceeventdetails', JSON_TEXT],
  ['resources', { kind: 'cast', type: RESOURCES_TYPE }],
  ...LATER_COLUMNS.map((c): readonly [string, StagedKind] => [
    c.name,
    c.type.kind === 'string' ? TEXT : c.type.kind === 'json' ? { kind: 'duckdbJson' } : { kind: 'cast', type: duckdbType(c.type) },
  ]),
  ['tt_time', { kind: 'number', type: 'BIGINT' }],
  ['tt_name', TEXT],
  ['tt_source', TEXT],
  ['tt_actor', TEXT],
  ['tt_principalarn', TEXT],
  ['tt_usernames', { kind: 'cast', type: 'VARCHAR[]' }],
  ['tt_account', TEXT],
  ['tt_accesskey', TEXT],
  ['tt_readonly', { kind: 'number', type: 'BOOLEAN' }],
  ['tt_resources', { kind: 'cast', type: TT_RESOURCES_TYPE }],
  ['tt_index', { kind: 'number', type: 'INTEGER' }],
  ['tt_fileord', { kind: 'number', type: 'INTEGER' }],
  ['tt_pos', { kind: 'number', type: 'BIGINT' }],
  ['tt_fingerprint', { kind: 'number', type: 'UINTEGER' }],
  ['tt_inexact', TEXT],
  ['tt_lossy', { kind: 'number', type: 'BOOLEAN' }],
  ['tt_record', JSON_TEXT],
];

/** Fields only the staging has (where a row's file and arrival number come from), not columns of events. */
const STAGING_ONLY = new Set(['tt_fileord', 'tt_pos']);

/** A text field's value: a JSON string when it starts with `"` (rowValues.ts textField), else the text itself. */
const textFieldSql = (column: string): string => `CASE WHEN starts_with(s.${column}, '"') THEN json_extract_string(s.${column}, '$') ELSE s.${column} END`;

function stagedValueSql(column: string, kind: StagedKind): string {
  switch (kind.kind) {
    case 'text':
      return textFieldSql(column);
    case 'cast':
      return `CAST(CAST(s.${column} AS JSON) AS ${kind.type})`;
    case 'duckdbJson':
      return jsonTextSql(`json_extract(s.${column}, '$')`);
    default:
      return `s.${column}`;
  }
}

/** read_csv's columns={...} argument: every field as read (text and JSON as VARCHAR, numbers typed). */
function stagingColumnsSql(): string {
  return `{${STAGING_FIELDS.map(([name, kind]) => `'${name}': '${kind.kind === 'number' ? kind.type : 'VARCHAR'}'`).join(', ')}}`;
}

/**
 * The files of the batch being moved in (one row each, read or not): what
 * imported_files keeps, and for the staged rows their path, delivery key and
 * first arrival number (tt_seq = seqbase + the row's place in its file).
 */
export const CREATE_BATCH_FILES = `CREATE OR REPLACE TEMP TABLE batch_files (
    fileord INTEGER, path VARCHAR, size BIGINT, mtime_ms DOUBLE, shape VARCHAR, reason VARCHAR, records BIGINT, filekey DOUBLE, seqbase BIGINT)`;

const sqlText = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** Bytes a staging line may have by default (DuckDB's own default); read buffers are LINE_BUFFER_FACTOR times the longest line. */
const DEFAULT_LINE_BYTES = 2 * 1024 * 1024;
const LINE_BUFFER_FACTOR = 16;

/** What the rows of one file of a batch take from it (import.ts BatchFile). */
export interface StagedFile {
  /** The file's place in the run (tt_fileord of its staging lines). */
  ordinal: number;
  path: string;
  /** Its delivery key (ingest/order.ts deliveryTime). */
  key: number;
  /** tt_seq of its first row. */
  seqBase: number;
}

/** `[a, NULL, c]::TYPE[]`: the batch's files' values by ordinal - lo (files of other batches leave gaps). */
function byOrdinal(files: readonly StagedFile[], lo: number, hi: number, value: (file: StagedFile) => string, type: string): string {
  const slots: string[] = new Array<string>(hi - lo + 1).fill('NULL');
  for (const file of files) slots[file.ordinal - lo] = value(file);
  return `[${slots.join(', ')}]::${type}[]`;
}

const sqlNumber = (value: number): string => {
  if (!Number.isFinite(value)) throw new Error(`archive staging: ${value} is not a number SQL can hold`);
  return String(value);
};

/**
 * A batch's staging file as the rows of `events` (every copy; duplicates
 * are settled after, see copies.ts): one read_csv of tab-separated lines
 * (rowValues.ts stagedLine; no quoting, NULL written as \N), each row's
 * file path, key and arrival number looked up by its file's ordinal in
 * lists written into the statement. Not a join with batch_files: DuckDB
 * estimates a file scan at a handful of rows, so it built the join's hash
 * table on the staged rows, holding the whole batch in memory (a
 * 100k-event batch: 1,149 -> 443 MB resident, see commit 4522aab).
 * `longestLine` bounds the file's line length in bytes.
 */
export function stagedRows(stagingFile: string, longestLine: number, files: readonly StagedFile[]): string {
  if (files.length === 0) throw new Error('archive staging: a batch with rows has files');
  const decoded = STAGING_FIELDS.map(([name, kind]) => `${stagedValueSql(name, kind)} AS ${name}`).join(',\n      ');
  const columns = STAGING_FIELDS.filter(([name]) => !STAGING_ONLY.has(name))
    .map(([name]) => name)
    .join(', ');
  const lineBytes = Math.max(DEFAULT_LINE_BYTES, longestLine + 64);
  let lo = files[0]!.ordinal;
  let hi = lo;
  for (const file of files) {
    lo = Math.min(lo, file.ordinal);
    hi = Math.max(hi, file.ordinal);
  }
  const slot = `tt_fileord - ${lo} + 1`;
  const paths = byOrdinal(files, lo, hi, (f) => sqlText(f.path), 'VARCHAR');
  const keys = byOrdinal(files, lo, hi, (f) => sqlNumber(f.key), 'DOUBLE');
  const bases = byOrdinal(files, lo, hi, (f) => sqlNumber(f.seqBase), 'BIGINT');
  return `SELECT ${columns},
    ${USERS_SQL} AS tt_users, ${ID_HASH_SQL} AS tt_idhash,
    coalesce(list_extract(${paths}, ${slot}), error('archive staging: a row of a file not in the batch')) AS tt_file,
    list_extract(${bases}, ${slot}) + tt_pos AS tt_seq, list_extract(${keys}, ${slot}) AS tt_filekey
  FROM (SELECT ${decoded}
    FROM read_csv(${sqlText(stagingFile)}, header = false, delim = '\t', quote = '', escape = '', new_line = '\\n', nullstr = '\\N',
      auto_detect = false, columns = ${stagingColumnsSql()}, max_line_size = ${lineBytes}, buffer_size = ${lineBytes * LINE_BUFFER_FACTOR}) s)`;
}

/** A batch's staging file straight into `events` (every row; duplicates are settled after, see copies.ts). */
export function insertStaged(stagingFile: string, longestLine: number, files: readonly StagedFile[]): string {
  return `INSERT INTO events BY NAME ${stagedRows(stagingFile, longestLine, files)}`;
}

/**
 * The distinct IDs (and their tt_idhash) of the rows from arrival number `firstSeq` on: the batch
 * just added (copies.ts findCopies).
 */
export function freshIds(firstSeq: number): string {
  if (!Number.isSafeInteger(firstSeq)) throw new Error(`archive: bad arrival number ${firstSeq}`);
  return `CREATE OR REPLACE TEMP TABLE fresh AS SELECT DISTINCT eventid, tt_idhash FROM events WHERE tt_seq >= ${firstSeq}`;
}

/** Arrival numbers of every row whose tt_idhash is one of the fresh IDs' (a scan of one 8-byte column), in order. */
export const CANDIDATE_SEQS = 'SELECT tt_seq FROM events WHERE tt_idhash IN (SELECT tt_idhash FROM fresh) ORDER BY tt_seq';

/**
 * The rows in the given arrival-number ranges (which hold every candidate), with what the duplicate
 * rule reads. Constant ranges, not a join with the candidates: DuckDB skips the row groups outside
 * them by their zone maps and reads the wide columns only for the rows inside (3M-event archive:
 * 10 ms, against 70-100 ms for a join, which scans every row's eventid).
 */
export function nearbyRows(ranges: readonly (readonly [number, number])[]): string {
  if (ranges.length === 0) throw new Error('archive: a batch with rows has candidates');
  for (const [lo, hi] of ranges) if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi)) throw new Error(`archive: bad arrival range ${lo}..${hi}`);
  return `CREATE OR REPLACE TEMP TABLE nearby AS SELECT eventid, tt_file, tt_filekey, tt_index, tt_seq, tt_fingerprint, tt_lossy FROM events
  WHERE ${ranges.map(([lo, hi]) => `tt_seq BETWEEN ${lo} AND ${hi}`).join(' OR ')}`;
}

/**
 * Every copy of each fresh ID, ranked by THE duplicate rule (ingest/order.ts
 * fileOrder, model/order.ts compareCopies): a full record before a copy
 * rebuilt from CSV columns (tt_lossy), then the file delivered first (tt_filekey), then the smaller path,
 * then the first record of that file (tt_index), then the copy archived
 * first (tt_seq); place 1 is the copy kept. first_seq is the smallest
 * arrival number of the ID: the kept copy takes it, as the dashboard's
 * store numbers a row by the copy it saw first, so equal times sort alike
 * in both. Paths compare by code point here and by UTF-16 unit in
 * JavaScript: two paths of one delivery time that differ only by a
 * character past U+FFFF against one in U+E000-U+FFFF would rank apart. Read
 * from `nearby`, which holds every row of those IDs (copies.ts findCopies):
 * no index on eventid (an ART index of 10M ids costs memory and makes every
 * commit slow), and no scan of every archived eventid either.
 */
export const COPIES = `CREATE OR REPLACE TEMP TABLE copies AS
  WITH every AS (
    SELECT eventid, tt_file, tt_filekey, tt_index, tt_seq, tt_fingerprint, tt_lossy, count(*) OVER (PARTITION BY eventid) AS copies
    FROM nearby WHERE eventid IN (SELECT eventid FROM fresh))
  SELECT eventid, tt_file, tt_filekey, tt_index, tt_seq, tt_fingerprint, tt_lossy,
    row_number() OVER w AS place,
    first_value(tt_file) OVER w AS kept_file,
    first_value(tt_fingerprint) OVER w AS kept_fingerprint,
    min(tt_seq) OVER (PARTITION BY eventid) AS first_seq
  FROM every WHERE copies > 1
  WINDOW w AS (PARTITION BY eventid ORDER BY tt_lossy IS TRUE, tt_filekey, tt_file, tt_index, tt_seq)`;

/**
 * Copies that lose to the kept one with other content (model/contentCheck.ts
 * rowFingerprint, as scan compares): conflicting duplicates (issue 20),
 * numbered on from the archive's last, in file order. A copy rebuilt from CSV
 * columns lacks fields the record has: it never conflicts (and when it loses,
 * the kept copy is a full one or lossy too). A file read again (its mtime
 * changed) brings its losing copies back: one already listed is not listed twice.
 */
export const RECORD_CONFLICTS = `INSERT INTO conflicts
  SELECT (SELECT coalesce(max(found), 0) FROM conflicts) + row_number() OVER (ORDER BY tt_filekey, tt_file, tt_index, tt_seq), eventid, kept_file, tt_file, tt_fingerprint
  FROM copies WHERE place > 1 AND tt_lossy IS NOT TRUE AND tt_fingerprint IS DISTINCT FROM kept_fingerprint
    AND NOT EXISTS (SELECT 1 FROM conflicts k WHERE k.eventid = copies.eventid AND k.file = copies.tt_file)`;

/** The copies that lose go; the one kept takes its ID's first arrival number (see copies.ts). */
export const DELETE_LOSERS = 'DELETE FROM events WHERE tt_seq IN (SELECT tt_seq FROM copies WHERE place > 1)';
export const RENUMBER_KEPT = `UPDATE events SET tt_seq = c.first_seq FROM copies c
  WHERE c.place = 1 AND c.first_seq < c.tt_seq AND events.tt_seq = c.tt_seq`;
export const DROP_COPIES = ['DROP TABLE IF EXISTS temp.copies', 'DROP TABLE IF EXISTS temp.nearby', 'DROP TABLE IF EXISTS temp.fresh'];

export const RECORD_BATCH_FILES = `INSERT OR REPLACE INTO imported_files
  SELECT path, size, mtime_ms, shape, reason, records, current_timestamp::TIMESTAMP FROM batch_files`;
