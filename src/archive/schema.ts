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

export const SCHEMA_VERSION = 2;

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
    ${TEXT_COLUMNS.slice(0, 18).map((c) => `${c} VARCHAR${c === 'eventid' ? ' PRIMARY KEY' : ''}`).join(',\n    ')},
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

/** Staging rows: every text column plus JSON text for the nested ones; a temp table, gone with the connection. */
export const CREATE_STAGING = `CREATE TEMP TABLE IF NOT EXISTS staging (
  ${TEXT_COLUMNS.map((c) => `${c} VARCHAR`).join(', ')},
  useridentity_json VARCHAR,
  resources_json VARCHAR,
  tt_usernames_json VARCHAR,
  tt_resources_json VARCHAR,
  tt_time BIGINT,
  tt_readonly BOOLEAN,
  tt_index INTEGER,
  tt_seq BIGINT,
  tt_filekey DOUBLE
)`;

/** Columns of events after eventid, for the update of a copy that wins over the archived one. */
const UPDATED = [
  ...TEXT_COLUMNS.slice(1, 18),
  'useridentity',
  'requestparameters',
  'responseelements',
  'additionaleventdata',
  'serviceeventdetails',
  'resources',
  'tt_time',
  'tt_name',
  'tt_source',
  'tt_actor',
  'tt_principalarn',
  'tt_usernames',
  'tt_account',
  'tt_accesskey',
  'tt_readonly',
  'tt_resources',
  'tt_file',
  'tt_index',
  'tt_seq',
  'tt_filekey',
  'tt_record',
];

/**
 * Staging -> events, one row per id by THE duplicate rule (ingest/order.ts): the copy in the file
 * first by newest delivery (tt_filekey, then path, both descending), then the first record of
 * that file. A copy already archived is replaced only when the new one comes first by that rule,
 * so an incremental archive keeps the copy a one-shot load of the whole folder keeps.
 */
export const MOVE_STAGING = `INSERT INTO events
  SELECT
    ${TEXT_COLUMNS.slice(0, 18).join(', ')},
    from_json(useridentity_json, '${JSON.stringify(structShape(USER_IDENTITY_TYPE))}'),
    requestparameters, responseelements, additionaleventdata, serviceeventdetails,
    from_json(resources_json, '[{"arn":"VARCHAR","accountid":"VARCHAR","type":"VARCHAR"}]'),
    tt_time, tt_name, tt_source, tt_actor, tt_principalarn,
    from_json(tt_usernames_json, '["VARCHAR"]'),
    tt_account, tt_accesskey, tt_readonly,
    from_json(tt_resources_json, '[{"type":"VARCHAR","name":"VARCHAR","arn":"VARCHAR","accountid":"VARCHAR"}]'),
    tt_file, tt_index, tt_seq, tt_filekey, tt_record
  FROM staging
  QUALIFY row_number() OVER (PARTITION BY eventid ORDER BY tt_filekey DESC, tt_file DESC, tt_index ASC) = 1
  ON CONFLICT (eventid) DO UPDATE SET ${UPDATED.map((c) => `${c} = excluded.${c}`).join(', ')}
  WHERE excluded.tt_filekey > events.tt_filekey
    OR (excluded.tt_filekey = events.tt_filekey AND excluded.tt_file > events.tt_file)
    OR (excluded.tt_file = events.tt_file AND excluded.tt_index < events.tt_index)`;

/** The json_structure-style shape from_json wants, from a STRUCT(...) type text. */
function structShape(type: string): unknown {
  const parse = (text: string, at: number): [unknown, number] => {
    if (text.startsWith('STRUCT(', at)) {
      const out: Record<string, unknown> = {};
      let k = at + 7;
      while (text[k] !== ')') {
        const space = text.indexOf(' ', k);
        const name = text.slice(k, space);
        const [value, next] = parse(text, space + 1);
        out[name] = value;
        k = next;
        if (text[k] === ',') k += 2;
      }
      return [out, k + 1];
    }
    const end = text.slice(at).search(/[,)]/);
    return [text.slice(at, at + end), at + end];
  };
  return parse(type, 0)[0];
}
