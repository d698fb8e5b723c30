/**
 * How an archive an older trailtop wrote becomes one of this schema (SCHEMA_VERSION): the steps
 * from each older version to the next, run by db.ts when it opens an archive for writing.
 */
import { schema8InexactLeavesSql, schema9InexactLeavesSql } from '../query/sql/schema.js';
import { fromRecordSql, LATER_COLUMNS, WEB_ID_FEDERATION } from './laterColumns.js';
import { EVENTS_COLUMNS, ID_HASH_SQL, SCHEMA_VERSION, USER_IDENTITY_TYPE, USERS_SQL } from './schema.js';

/**
 * Rows an older trailtop archived from values this one reads otherwise (schema 7): an eventTime number
 * past what a Date holds (normalize.ts parseEventTime now gives no time; the old row crashed
 * `scan --db`), and a record with a lone surrogate, which it stored as the escape JSON.stringify
 * writes (`\ud800`; DuckDB's JSON functions refuse it, so every deep filter failed). Their files are
 * read again: the rows go and the files are forgotten, and the import that follows the upgrade
 * brings them back as a fresh import would. `contains` may also match the text `\ud...` after an
 * escaped backslash: such a file is only read again.
 */
const REREAD_FILES = `SELECT DISTINCT tt_file FROM events WHERE abs(tt_time) > 8640000000000000 OR contains(tt_record, '\\ud')`;

/**
 * Files schema 8 archived without the mark of a copy rebuilt from CSV columns (tt_lossy, schema 9),
 * read again so their rows get it: the CSV exports (a Lake CSV's eventjson rows are exact, but the
 * row does not say which), and the files whose copies lost to theirs as conflicting duplicates
 * (under schema 9 a full record wins over a lossy copy, and neither conflicts). A full copy that lost
 * with the same fingerprint left no trace: its event stays as the CSV's copy, now marked lossy.
 */
const CSV_FILES = `SELECT path FROM imported_files WHERE shape IN ('lake-csv', 'athena-csv', 'console-csv')`;
const LOSSY_REREAD = `${CSV_FILES} UNION SELECT file FROM conflicts WHERE kept_file IN (${CSV_FILES})`;

/**
 * The columns of AWS's table the archive lacked (schema 9, laterColumns.ts), filled from each row's
 * record as an import fills them (a record that does not name a column's key, a substring test with
 * no parse, keeps NULL there: JSON.stringify writes such a key as it is), and webIdFederationData in
 * useridentity.sessioncontext where there is one (the record's webIdFederationData is an object only
 * under an object sessionContext).
 *
 * `events` is made again rather than altered: `ADD COLUMN useridentity.sessioncontext.x` is one
 * DuckDB 1.5 cannot replay from its log (an internal error that leaves the file unopenable, should
 * the upgrade be killed between its commit and the checkpoint after it), and UPDATEs of new columns
 * held every updated value in memory (1.1 GB at commit for 100k events). One INSERT writes the rows
 * as an import does, in their order, with the layout a fresh archive has, and tt_inexact as an
 * import writes it: the old value, which the older leaves still hold, and the entries of the new
 * columns' leaves (query/sql/schema.ts schema9InexactLeavesSql), computed over the row just made.
 */
const LATER_COLUMNS_STEPS: readonly string[] = [
  `CREATE TABLE events9 (${EVENTS_COLUMNS})`,
  `INSERT INTO events9 BY NAME SELECT * EXCLUDE (tt_inexact), ${schema9InexactLeavesSql('tt_inexact')} AS tt_inexact FROM (SELECT * EXCLUDE (useridentity),
    CAST(CASE WHEN useridentity.sessioncontext IS NULL THEN useridentity
      ELSE struct_update(useridentity, sessioncontext := struct_update(useridentity.sessioncontext, ${WEB_ID_FEDERATION.name} :=
        CASE WHEN contains(tt_record, '"${WEB_ID_FEDERATION.key}"') THEN ${fromRecordSql(WEB_ID_FEDERATION.type, ['userIdentity', 'sessionContext', WEB_ID_FEDERATION.key])} END)) END
      AS ${USER_IDENTITY_TYPE}) AS useridentity,
    ${LATER_COLUMNS.map((c) => `CASE WHEN contains(tt_record, '"${c.key}"') THEN ${fromRecordSql(c.type, [c.key])} END AS ${c.name}`).join(',\n    ')},
    false AS tt_lossy
  FROM events)`,
  'DROP TABLE events',
  'ALTER TABLE events9 RENAME TO events',
];

/**
 * Steps from each older schema an older trailtop wrote to the next one (key: the older version);
 * opening for writing runs them in order up to SCHEMA_VERSION, one transaction per version (db.ts:
 * DuckDB refuses a second ALTER of a table in the transaction that altered and updated it).
 */
export const UPGRADES: Record<string, readonly string[]> = {
  '4': ['ALTER TABLE events ADD COLUMN tt_users VARCHAR', `UPDATE events SET tt_users = ${USERS_SQL}`],
  '5': ['ALTER TABLE events ADD COLUMN tt_idhash UBIGINT', `UPDATE events SET tt_idhash = ${ID_HASH_SQL}`],
  '6': [
    `CREATE OR REPLACE TEMP TABLE reread AS ${REREAD_FILES}`,
    'DELETE FROM imported_files WHERE path IN (SELECT tt_file FROM reread)',
    'DELETE FROM events WHERE tt_file IN (SELECT tt_file FROM reread)',
    'DROP TABLE temp.reread',
  ],
  // tt_inexact (schema 8): computed from each row's columns and record, as an import computes it (inexactLeaves.ts),
  // for the leaves schema 8 has (the '8' step adds those of the columns schema 9 adds).
  '7': ['ALTER TABLE events ADD COLUMN tt_inexact VARCHAR', `UPDATE events SET tt_inexact = ${schema8InexactLeavesSql()}`],
  // Schema 9: the columns AWS's table gained (LATER_COLUMNS_STEPS) and tt_lossy (LOSSY_REREAD: the files
  // to read again go first, from the table as it was, which then is made again with every row's tt_lossy false).
  '8': [
    `CREATE OR REPLACE TEMP TABLE reread AS ${LOSSY_REREAD}`,
    'DELETE FROM conflicts WHERE kept_file IN (SELECT path FROM reread) OR file IN (SELECT path FROM reread)',
    'DELETE FROM imported_files WHERE path IN (SELECT path FROM reread)',
    'DELETE FROM events WHERE tt_file IN (SELECT path FROM reread)',
    'DROP TABLE temp.reread',
    ...LATER_COLUMNS_STEPS,
  ],
  // Schema 10: the losing copy's fingerprint beside each conflict (movedConflicts.ts); those listed before have none.
  '9': ['ALTER TABLE conflicts ADD COLUMN fingerprint UINTEGER'],
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

