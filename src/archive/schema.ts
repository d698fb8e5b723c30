/**
 * The DuckDB archive's tables. `events` has the columns of AWS's Athena
 * CloudTrail table (lowercase names, `useridentity` struct, `resources` list
 * of structs, JSON fields as JSON text, eventtime as text), so SQL written
 * for Athena (schema 'cloudtrail') runs here too, plus `tt_*` columns that
 * hold what trailtop's normalize() made of the record (actor label, user
 * names, resources with names, epoch time) and the original record as JSON,
 * so the query language means exactly what it means in memory (schema
 * 'archive' of src/query/sql/).
 *
 * `eventid` is the row's id as the store keys it (eventID, or the lookup
 * element's EventId, or `content:<hash>`): the archive keeps one row per id.
 */

export const SCHEMA_VERSION = 6;

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

/**
 * Steps from each older schema an older trailtop wrote to the next one (key: the older version);
 * opening for writing runs them in order up to SCHEMA_VERSION, one transaction per version (db.ts:
 * DuckDB refuses a second ALTER of a table in the transaction that altered and updated it).
 */
export const UPGRADES: Record<string, readonly string[]> = {
  '4': ['ALTER TABLE events ADD COLUMN tt_users VARCHAR', `UPDATE events SET tt_users = ${USERS_SQL}`],
  '5': ['ALTER TABLE events ADD COLUMN tt_idhash UBIGINT', `UPDATE events SET tt_idhash = ${ID_HASH_SQL}`],
};

/**
 * The upgrades from schema `from` to SCHEMA_VERSION, one per version in order (each its version and
 * steps), or null when one is not known (too old, or newer than this trailtop).
 */
export function upgradePath(from: string): { version: number; steps: readonly string[] }[] | null {
  if (!/^\d+$/.test(from) || Number(from) >= SCHEMA_VERSION) return null;
  const path: { version: number; steps: readonly string[] }[] = [];
  for (let version = Number(from); version < SCHEMA_VERSION; version++) {
    const steps = UPGRADES[String(version)];
    if (!steps) return null;
    path.push({ version: version + 1, steps });
  }
  return path;
}

export const USER_IDENTITY_TYPE =
  'STRUCT(type VARCHAR, principalid VARCHAR, arn VARCHAR, accountid VARCHAR, invokedby VARCHAR, accesskeyid VARCHAR, username VARCHAR, ' +
  'onbehalfof STRUCT(userid VARCHAR, identitystorearn VARCHAR), ' +
  'sessioncontext STRUCT(attributes STRUCT(mfaauthenticated VARCHAR, creationdate VARCHAR), ' +
  'sessionissuer STRUCT(type VARCHAR, principalid VARCHAR, arn VARCHAR, accountid VARCHAR, username VARCHAR), sourceidentity VARCHAR, ec2roledelivery VARCHAR))';

export const RESOURCES_TYPE = 'STRUCT(arn VARCHAR, accountid VARCHAR, type VARCHAR)[]';
export const TT_RESOURCES_TYPE = 'STRUCT(type VARCHAR, name VARCHAR, arn VARCHAR, accountid VARCHAR)[]';

/** Plain text columns, in staging and events order. */
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
  'requestparameters',
  'responseelements',
  'additionaleventdata',
  'serviceeventdetails',
  'tt_name',
  'tt_source',
  'tt_actor',
  'tt_principalarn',
  'tt_account',
  'tt_accesskey',
  'tt_file',
  'tt_record',
] as const;

export type TextColumn = (typeof TEXT_COLUMNS)[number];

export const CREATE_TABLES = [
  `CREATE TABLE IF NOT EXISTS archive_meta (key VARCHAR PRIMARY KEY, value VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS events (
    ${TEXT_COLUMNS.slice(0, 18).map((c) => `${c} VARCHAR`).join(',\n    ')},
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
    tt_idhash UBIGINT
  )`,
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
    file VARCHAR
  )`,
];

/** The staging file's columns (rowValues.ts stagedLine) as read_json types: JSON fields and the record arrive as text. */
export const STAGING_COLUMNS: Record<string, string> = {
  ...Object.fromEntries(TEXT_COLUMNS.slice(0, 18).map((c) => [c, 'VARCHAR'])),
  useridentity: USER_IDENTITY_TYPE,
  requestparameters: 'VARCHAR',
  responseelements: 'VARCHAR',
  additionaleventdata: 'VARCHAR',
  serviceeventdetails: 'VARCHAR',
  resources: RESOURCES_TYPE,
  tt_time: 'BIGINT',
  tt_name: 'VARCHAR',
  tt_source: 'VARCHAR',
  tt_actor: 'VARCHAR',
  tt_principalarn: 'VARCHAR',
  tt_usernames: 'VARCHAR[]',
  tt_account: 'VARCHAR',
  tt_accesskey: 'VARCHAR',
  tt_readonly: 'BOOLEAN',
  tt_resources: TT_RESOURCES_TYPE,
  tt_index: 'INTEGER',
  tt_fileord: 'INTEGER',
  tt_pos: 'BIGINT',
  tt_fingerprint: 'UINTEGER',
};

/**
 * The files of the batch being moved in (one row each, read or not): what
 * imported_files keeps, and for the staged rows their path, delivery key and
 * first arrival number (tt_seq = seqbase + the row's place in its file).
 */
export const CREATE_BATCH_FILES = `CREATE OR REPLACE TEMP TABLE batch_files (
    fileord INTEGER, path VARCHAR, size BIGINT, mtime_ms DOUBLE, shape VARCHAR, reason VARCHAR, records BIGINT, filekey DOUBLE, seqbase BIGINT)`;

/** read_json's columns={...} argument for STAGING_COLUMNS. */
function stagingColumnsSql(): string {
  return `{${Object.entries(STAGING_COLUMNS)
    .map(([name, type]) => `'${name}': '${type}'`)
    .join(', ')}}`;
}

const sqlText = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** Bytes a record file's line may have by default (DuckDB's own default); read buffers are RECORD_BUFFER_FACTOR times the longest line. */
const DEFAULT_LINE_BYTES = 2 * 1024 * 1024;
const RECORD_BUFFER_FACTOR = 16;

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
 * A batch's staging files as the rows of `events` (every copy; duplicates
 * are settled after, see copies.ts): the JSON lines of columns side by side
 * with the record file's lines (rowValues.ts recordLine, read as one CSV
 * field each, so no JSON unescaping), and each row's file path, key and
 * arrival number looked up by its file's ordinal in lists written into the
 * statement. Not a join with batch_files: DuckDB estimates read_json at a
 * handful of rows, so it built the join's hash table on the staged rows,
 * holding the whole batch in memory (a 100k-event batch: 1,149 -> 443 MB
 * resident, see the commit). The two files are written line for line
 * together; a line out of step fails the statement (and the batch) rather
 * than pair an event with another's record. `longestRecord` bounds the
 * record file's line length in bytes.
 */
export function stagedRows(stagingFile: string, recordFile: string, longestRecord: number, files: readonly StagedFile[]): string {
  if (files.length === 0) throw new Error('archive staging: a batch with rows has files');
  const columns = `${TEXT_COLUMNS.slice(0, 18).join(', ')}, useridentity, requestparameters, responseelements, additionaleventdata, serviceeventdetails, resources,
    tt_time, tt_name, tt_source, tt_actor, tt_principalarn, tt_usernames, tt_account, tt_accesskey, tt_readonly, tt_resources`;
  const lineBytes = Math.max(DEFAULT_LINE_BYTES, longestRecord + 64);
  let lo = files[0]!.ordinal;
  let hi = lo;
  for (const file of files) {
    lo = Math.min(lo, file.ordinal);
    hi = Math.max(hi, file.ordinal);
  }
  const slot = `s.tt_fileord - ${lo} + 1`;
  const paths = byOrdinal(files, lo, hi, (f) => sqlText(f.path), 'VARCHAR');
  const keys = byOrdinal(files, lo, hi, (f) => sqlNumber(f.key), 'DOUBLE');
  const bases = byOrdinal(files, lo, hi, (f) => sqlNumber(f.seqBase), 'BIGINT');
  return `SELECT ${columns},
    ${USERS_SQL} AS tt_users, ${ID_HASH_SQL} AS tt_idhash,
    coalesce(list_extract(${paths}, ${slot}), error('archive staging: a row of a file not in the batch')) AS tt_file,
    s.tt_index, list_extract(${bases}, ${slot}) + s.tt_pos AS tt_seq, list_extract(${keys}, ${slot}) AS tt_filekey, s.tt_fingerprint,
    CASE WHEN r.fileord = s.tt_fileord AND r.pos = s.tt_pos THEN r.record ELSE error('archive staging: the record file is out of step') END AS tt_record
  FROM read_json(${sqlText(stagingFile)}, format = 'newline_delimited', columns = ${stagingColumnsSql()}, maximum_object_size = 1073741824) s
  POSITIONAL JOIN read_csv(${sqlText(recordFile)}, header = false, delim = '\t', quote = '', escape = '', new_line = '\\n', auto_detect = false,
    columns = {'fileord': 'INTEGER', 'pos': 'BIGINT', 'record': 'VARCHAR'}, max_line_size = ${lineBytes}, buffer_size = ${lineBytes * RECORD_BUFFER_FACTOR}) r`;
}

/** A batch's staging files straight into `events` (every row; duplicates are settled after, see copies.ts). */
export function insertStaged(stagingFile: string, recordFile: string, longestRecord: number, files: readonly StagedFile[]): string {
  return `INSERT INTO events BY NAME ${stagedRows(stagingFile, recordFile, longestRecord, files)}`;
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
  return `CREATE OR REPLACE TEMP TABLE nearby AS SELECT eventid, tt_file, tt_filekey, tt_index, tt_seq, tt_fingerprint FROM events
  WHERE ${ranges.map(([lo, hi]) => `tt_seq BETWEEN ${lo} AND ${hi}`).join(' OR ')}`;
}

/**
 * Every copy of each fresh ID, ranked by THE duplicate rule (ingest/order.ts
 * fileOrder): the file delivered first (tt_filekey), then the smaller path,
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
    SELECT eventid, tt_file, tt_filekey, tt_index, tt_seq, tt_fingerprint, count(*) OVER (PARTITION BY eventid) AS copies
    FROM nearby WHERE eventid IN (SELECT eventid FROM fresh))
  SELECT eventid, tt_file, tt_filekey, tt_index, tt_seq, tt_fingerprint,
    row_number() OVER w AS place,
    first_value(tt_file) OVER w AS kept_file,
    first_value(tt_fingerprint) OVER w AS kept_fingerprint,
    min(tt_seq) OVER (PARTITION BY eventid) AS first_seq
  FROM every WHERE copies > 1
  WINDOW w AS (PARTITION BY eventid ORDER BY tt_filekey, tt_file, tt_index, tt_seq)`;

/**
 * Copies that lose to the kept one with other content (model/contentCheck.ts
 * rowFingerprint, as scan compares): conflicting duplicates (issue 20),
 * numbered on from the archive's last, in file order.
 */
export const RECORD_CONFLICTS = `INSERT INTO conflicts
  SELECT (SELECT coalesce(max(found), 0) FROM conflicts) + row_number() OVER (ORDER BY tt_filekey, tt_file, tt_index, tt_seq), eventid, kept_file, tt_file
  FROM copies WHERE place > 1 AND tt_fingerprint IS DISTINCT FROM kept_fingerprint`;

/** The copies that lose go; the one kept takes its ID's first arrival number (see copies.ts). */
export const DELETE_LOSERS = 'DELETE FROM events WHERE tt_seq IN (SELECT tt_seq FROM copies WHERE place > 1)';
export const RENUMBER_KEPT = `UPDATE events SET tt_seq = c.first_seq FROM copies c
  WHERE c.place = 1 AND c.first_seq < c.tt_seq AND events.tt_seq = c.tt_seq`;
export const DROP_COPIES = ['DROP TABLE IF EXISTS temp.copies', 'DROP TABLE IF EXISTS temp.nearby', 'DROP TABLE IF EXISTS temp.fresh'];

export const RECORD_BATCH_FILES = `INSERT OR REPLACE INTO imported_files
  SELECT path, size, mtime_ms, shape, reason, records, current_timestamp::TIMESTAMP FROM batch_files`;
