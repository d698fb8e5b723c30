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

export const SCHEMA_VERSION = 3;

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
    tt_account VARCHAR,
    tt_accesskey VARCHAR,
    tt_readonly BOOLEAN,
    tt_resources ${TT_RESOURCES_TYPE},
    tt_file VARCHAR,
    tt_index INTEGER,
    tt_seq BIGINT,
    tt_filekey DOUBLE,
    tt_record VARCHAR
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
];

/** The staging file's columns (rowValues.ts stagedLine) as read_json types; JSON fields read as JSON. */
export const STAGING_COLUMNS: Record<string, string> = {
  ...Object.fromEntries(TEXT_COLUMNS.slice(0, 18).map((c) => [c, 'VARCHAR'])),
  useridentity: USER_IDENTITY_TYPE,
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
  tt_file: 'VARCHAR',
  tt_index: 'INTEGER',
  tt_seq: 'BIGINT',
  tt_filekey: 'DOUBLE',
  tt_record: 'JSON',
};

/** read_json's columns={...} argument for STAGING_COLUMNS. */
function stagingColumnsSql(): string {
  return `{${Object.entries(STAGING_COLUMNS)
    .map(([name, type]) => `'${name}': '${type}'`)
    .join(', ')}}`;
}

/**
 * Staging -> events, one row per id by THE duplicate rule (ingest/order.ts): the copy in the file
 * first by newest delivery (tt_filekey, then path, both descending), then the first record of
 * that file. A copy already archived is replaced only when the new one comes first by that rule,
 * so an incremental archive keeps the copy a one-shot load of the whole folder keeps. No index on
 * eventid (an ART index of 10M ids costs memory and makes every commit slow): the two joins below
 * are hash joins, one pass over the archive's ids per batch.
 */
export function moveStaging(stagingFile: string): string[] {
  const file = `'${stagingFile.replace(/'/g, "''")}'`;
  return [
    `CREATE OR REPLACE TEMP TABLE winners AS
  SELECT
    ${TEXT_COLUMNS.slice(0, 18).join(', ')},
    useridentity,
    ${['requestParameters', 'responseElements', 'additionalEventData', 'serviceEventDetails']
      .map((key) => `nullif(json_extract(tt_record, '$.${key}')::VARCHAR, 'null') AS ${key.toLowerCase()}`)
      .join(',\n    ')},
    resources, tt_time, tt_name, tt_source, tt_actor, tt_principalarn, tt_usernames,
    tt_account, tt_accesskey, tt_readonly, tt_resources, tt_file, tt_index, tt_seq, tt_filekey,
    tt_record::VARCHAR AS tt_record
  FROM read_json(${file}, format = 'newline_delimited', columns = ${stagingColumnsSql()}, maximum_object_size = 1073741824)
  QUALIFY row_number() OVER (PARTITION BY eventid ORDER BY tt_filekey DESC, tt_file DESC, tt_index ASC) = 1`,
    `DELETE FROM events USING winners w
  WHERE events.eventid = w.eventid
    AND (w.tt_filekey > events.tt_filekey
      OR (w.tt_filekey = events.tt_filekey AND w.tt_file > events.tt_file)
      OR (w.tt_file = events.tt_file AND w.tt_index < events.tt_index))`,
    `INSERT INTO events SELECT * FROM winners w WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.eventid = w.eventid)`,
    `DROP TABLE winners`,
  ];
}

