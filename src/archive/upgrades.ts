/**
 * How an archive an older trailtop wrote becomes one of this schema (SCHEMA_VERSION): the steps
 * from each older version to the next, run by db.ts when it opens an archive for writing.
 */
import { archiveInexactLeavesSql } from '../query/sql/schema.js';
import { duckdbType, fromRecordSql, LATER_COLUMNS, WEB_ID_FEDERATION } from './laterColumns.js';
import { ID_HASH_SQL, SCHEMA_VERSION, USER_IDENTITY_TYPE, USERS_SQL } from './schema.js';

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

const IDENTITY_9 = 'tt_useridentity9';

/**
 * The columns of AWS's table the archive lacked (schema 9, laterColumns.ts), added and filled from
 * each row's record as an import fills them; each UPDATE of a new column rewrites only the rows
 * whose record names its key (a substring test, no parse: JSON.stringify writes such a key as it
 * is), the others keep NULL, as a fresh import gives them. webIdFederationData goes into
 * useridentity.sessioncontext where there is one (the record's webIdFederationData is an object
 * only under an object sessionContext).
 *
 * Not by `ADD COLUMN useridentity.sessioncontext.webidfederationdata`: DuckDB 1.5 cannot replay that
 * from its log (an internal error that leaves the file unopenable), and an upgrade killed between
 * its commit and the checkpoint that follows would leave it there. So the struct is made again as
 * a new column that then takes useridentity's place (useridentity then comes last in the table,
 * where a fresh archive has it after eventcategory: names are what SQL reads). Two transactions, as
 * DuckDB refuses an ALTER of a table in the transaction that altered and updated it; the first can
 * run again (IF NOT EXISTS, UPDATEs that recompute), should the upgrade stop between them.
 */
const LATER_COLUMNS_STEPS: readonly (readonly string[])[] = [
  [
    ...LATER_COLUMNS.map((c) => `ALTER TABLE events ADD COLUMN IF NOT EXISTS ${c.name} ${duckdbType(c.type)}`),
    `ALTER TABLE events ADD COLUMN IF NOT EXISTS ${IDENTITY_9} ${USER_IDENTITY_TYPE}`,
    ...LATER_COLUMNS.map((c) => `UPDATE events SET ${c.name} = ${fromRecordSql(c.type, [c.key])} WHERE contains(tt_record, '"${c.key}"')`),
    `UPDATE events SET ${IDENTITY_9} = CAST(CASE WHEN useridentity.sessioncontext IS NULL THEN useridentity ` +
      `ELSE struct_update(useridentity, sessioncontext := struct_update(useridentity.sessioncontext, ${WEB_ID_FEDERATION.name} := ` +
      `CASE WHEN contains(tt_record, '"${WEB_ID_FEDERATION.key}"') THEN ${fromRecordSql(WEB_ID_FEDERATION.type, ['userIdentity', 'sessionContext', WEB_ID_FEDERATION.key])} END)) END ` +
      `AS ${USER_IDENTITY_TYPE})`,
  ],
  ['ALTER TABLE events DROP COLUMN useridentity', `ALTER TABLE events RENAME COLUMN ${IDENTITY_9} TO useridentity`],
];

/**
 * Steps from each older schema an older trailtop wrote to the next one (key: the older version), as
 * transactions (one, but where an ALTER must follow an UPDATE: DuckDB refuses a second ALTER of a
 * table in the transaction that altered and updated it); opening for writing runs them in order up
 * to SCHEMA_VERSION, each version's number written in its last transaction (db.ts).
 */
export const UPGRADES: Record<string, readonly (readonly string[])[]> = {
  '4': [['ALTER TABLE events ADD COLUMN tt_users VARCHAR', `UPDATE events SET tt_users = ${USERS_SQL}`]],
  '5': [['ALTER TABLE events ADD COLUMN tt_idhash UBIGINT', `UPDATE events SET tt_idhash = ${ID_HASH_SQL}`]],
  '6': [
    [
      `CREATE OR REPLACE TEMP TABLE reread AS ${REREAD_FILES}`,
      'DELETE FROM imported_files WHERE path IN (SELECT tt_file FROM reread)',
      'DELETE FROM events WHERE tt_file IN (SELECT tt_file FROM reread)',
      'DROP TABLE temp.reread',
    ],
  ],
  // tt_inexact (schema 8): computed from each row's columns and record, as an import computes it (inexactLeaves.ts).
  '7': [['ALTER TABLE events ADD COLUMN tt_inexact VARCHAR', `UPDATE events SET tt_inexact = ${archiveInexactLeavesSql()}`]],
  '8': LATER_COLUMNS_STEPS,
};

/** The upgrade to one schema version: its statements, transaction by transaction. */
export interface UpgradeStep {
  version: number;
  transactions: readonly (readonly string[])[];
}

/**
 * The upgrades from schema `from` to SCHEMA_VERSION, one per version in order, or null when one is
 * not known (too old, or newer than this trailtop).
 */
export function upgradePath(from: string): UpgradeStep[] | null {
  if (!/^\d+$/.test(from) || Number(from) >= SCHEMA_VERSION) return null;
  const path: UpgradeStep[] = [];
  for (let version = Number(from); version < SCHEMA_VERSION; version++) {
    const transactions = UPGRADES[String(version)];
    if (!transactions) return null;
    path.push({ version: version + 1, transactions });
  }
  return path;
}

