/**
 * One read row (and its original record) as the archive's column values.
 * Athena-table columns come from the record, as CloudTrail wrote it (wrong
 * types turned to text the way model/actor.ts `text` does); `tt_*` columns
 * from the row normalize() made, so the archive answers like the store.
 */
import { objectOf, text } from '../model/actor.js';
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

/**
 * One event as a line of the staging file (JSON lines), keyed by the events table's columns: DuckDB
 * reads a batch of them with read_json, typed by STAGING_COLUMNS (schema.ts), far faster than
 * appending value by value from JavaScript. The JSON fields (requestParameters ...) are taken from
 * tt_record there, so they are not written twice.
 */
export function stagedLine(row: EventRow, record: Loose, file: string, seq: number, fileKey: number): string {
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
    tt_file: file,
    tt_index: row.recordIndex,
    tt_seq: seq,
    tt_filekey: fileKey,
    tt_record: record,
  });
}
