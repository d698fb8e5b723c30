/**
 * One read row (and its original record) as the archive's column values.
 * Athena-table columns come from the record, as CloudTrail wrote it (wrong
 * types turned to text the way model/actor.ts `text` does); `tt_*` columns
 * from the row normalize() made, so the archive answers like the store.
 */
import { objectOf, text } from '../model/actor.js';
import { rowFingerprint } from '../model/contentCheck.js';
import type { EventRow } from '../model/types.js';

type Loose = Record<string, unknown>;

const orNull = (value: string): string | null => (value === '' ? null : value);

function pick(object: Loose | null, keys: readonly [string, string][]): Loose | null {
  if (!object) return null;
  const out: Loose = {};
  for (const [from, to] of keys) {
    const value = text(object[from]);
    out[to] = value === '' ? null : value;
  }
  return out;
}

const IDENTITY_KEYS: [string, string][] = [
  ['type', 'type'],
  ['principalId', 'principalid'],
  ['arn', 'arn'],
  ['accountId', 'accountid'],
  ['invokedBy', 'invokedby'],
  ['accessKeyId', 'accesskeyid'],
  ['userName', 'username'],
];
const ISSUER_KEYS: [string, string][] = [
  ['type', 'type'],
  ['principalId', 'principalid'],
  ['arn', 'arn'],
  ['accountId', 'accountid'],
  ['userName', 'username'],
];

/** userIdentity as the Athena table's struct (every leaf text or null). */
export function identityObject(value: unknown): Loose | null {
  const identity = objectOf(value);
  if (!identity) return null;
  const out = pick(identity, IDENTITY_KEYS)!;
  out.onbehalfof = pick(objectOf(identity.onBehalfOf), [
    ['userId', 'userid'],
    ['identityStoreArn', 'identitystorearn'],
  ]);
  const context = objectOf(identity.sessionContext);
  out.sessioncontext = context
    ? {
        attributes: pick(objectOf(context.attributes), [
          ['mfaAuthenticated', 'mfaauthenticated'],
          ['creationDate', 'creationdate'],
        ]),
        sessionissuer: pick(objectOf(context.sessionIssuer), ISSUER_KEYS),
        sourceidentity: orNull(text(context.sourceIdentity)),
        ec2roledelivery: orNull(text(context.ec2RoleDelivery)),
      }
    : null;
  return out;
}

function resourcesList(value: unknown): Loose[] | null {
  if (!Array.isArray(value)) return null;
  const out: Loose[] = [];
  for (const item of value) {
    const entry = objectOf(item);
    if (!entry) continue;
    out.push({ arn: orNull(text(entry.ARN) || text(entry.ARNPrefix)), accountid: orNull(text(entry.accountId)), type: orNull(text(entry.type)) });
  }
  return out;
}

/** A record value as the Athena table's JSON text column: absent or JSON null is NULL, anything else its JSON text. */
function jsonText(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/**
 * One event as a line of a staging file (JSON lines), keyed by STAGING_COLUMNS
 * (schema.ts): DuckDB reads a batch of them with read_json, far faster than
 * appending value by value from JavaScript. Everything is computed here (on
 * a worker), so DuckDB only reads text: the JSON fields are JSON text in
 * strings, not JSON it would parse again; the record goes to its own file
 * (recordLine). The file's path, its
 * delivery key and the row's arrival number come from the batch's file table
 * (by `fileOrdinal`), not repeated on every line.
 */
export function stagedLine(row: EventRow, record: Loose, fileOrdinal: number, position: number): string {
  const timeText = text(record.eventTime) || row.batch.extra(row.recordIndex)?.timeRaw || '';
  return JSON.stringify({
    eventid: row.id,
    eventversion: orNull(text(record.eventVersion)),
    eventtime: orNull(timeText),
    eventsource: orNull(text(record.eventSource)),
    eventname: orNull(text(record.eventName)),
    awsregion: orNull(row.region),
    sourceipaddress: orNull(row.sourceIp),
    useragent: orNull(row.userAgent),
    errorcode: orNull(row.errorCode),
    errormessage: orNull(row.errorMessage),
    requestid: orNull(row.batch.requestId(row.recordIndex)),
    eventtype: orNull(row.eventType),
    apiversion: orNull(text(record.apiVersion)),
    readonly: orNull(text(record.readOnly)),
    recipientaccountid: orNull(row.recipientAccount),
    sharedeventid: orNull(row.batch.extra(row.recordIndex)?.sharedEventId ?? ''),
    vpcendpointid: orNull(text(record.vpcEndpointId)),
    eventcategory: orNull(row.category),
    useridentity: identityObject(record.userIdentity),
    requestparameters: jsonText(record.requestParameters),
    responseelements: jsonText(record.responseElements),
    additionaleventdata: jsonText(record.additionalEventData),
    serviceeventdetails: jsonText(record.serviceEventDetails),
    resources: resourcesList(record.resources),
    tt_time: Number.isNaN(row.time) ? null : Math.round(row.time),
    tt_name: row.name,
    tt_source: row.source,
    tt_actor: row.actor,
    tt_principalarn: row.principalArn,
    tt_usernames: row.userNames,
    tt_account: row.account,
    tt_accesskey: row.accessKey,
    tt_readonly: row.readOnly,
    tt_resources: row.resources.map((r) => ({ type: r.type, name: r.name, arn: r.arn, accountid: r.accountId })),
    tt_index: row.recordIndex,
    tt_fileord: fileOrdinal,
    tt_pos: position,
    tt_fingerprint: rowFingerprint(row),
  });
}

/**
 * The record's line of the batch's record file (schema.ts stagedRows):
 * `fileOrdinal TAB position TAB record JSON`. JSON.stringify escapes every
 * control character, so the JSON has no tab or line break of its own and
 * DuckDB reads it as a plain CSV field, with no unescaping: carried inside
 * the JSON line as a string, the record cost more to escape and to read
 * back than the rest of the line.
 */
export function recordLine(record: Loose, fileOrdinal: number, position: number): string {
  return `${fileOrdinal}\t${position}\t${JSON.stringify(record)}`;
}
