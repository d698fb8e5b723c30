/**
 * One read row (and its original record) as the archive's column values.
 * Athena-table columns come from the record, as CloudTrail wrote it (wrong
 * types turned to text the way model/actor.ts `text` does); `tt_*` columns
 * from the row normalize() made, so the archive answers like the store.
 */
import { objectOf, text } from '../model/actor.js';
import type { EventRow } from '../model/types.js';
import type { TextColumn } from './schema.js';

type Loose = Record<string, unknown>;

export interface StagedRow {
  text: Record<TextColumn, string | null>;
  useridentity: string | null;
  resources: string | null;
  usernames: string;
  ttResources: string;
  time: bigint | null;
  readOnly: boolean | null;
  index: number;
}

const orNull = (value: string): string | null => (value === '' ? null : value);

/** JSON text of a field, or null when it is missing or null (Athena's table holds JSON text there). */
function jsonText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  try {
    return JSON.stringify(value);
  } catch {
    return null;
  }
}

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

/** userIdentity as the Athena table's struct, JSON text for from_json. */
export function identityJson(value: unknown): string | null {
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
  return JSON.stringify(out);
}

function resourcesJson(value: unknown): string | null {
  if (!Array.isArray(value)) return null;
  const out: Loose[] = [];
  for (const item of value) {
    const entry = objectOf(item);
    if (!entry) continue;
    out.push({ arn: orNull(text(entry.ARN) || text(entry.ARNPrefix)), accountid: orNull(text(entry.accountId)), type: orNull(text(entry.type)) });
  }
  return JSON.stringify(out);
}

export function stagedRow(row: EventRow, record: Loose, file: string): StagedRow {
  const timeText = text(record.eventTime) || row.batch.extra(row.recordIndex)?.timeRaw || '';
  const values: Record<TextColumn, string | null> = {
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
    requestparameters: jsonText(record.requestParameters),
    responseelements: jsonText(record.responseElements),
    additionaleventdata: jsonText(record.additionalEventData),
    serviceeventdetails: jsonText(record.serviceEventDetails),
    tt_name: row.name,
    tt_source: row.source,
    tt_actor: row.actor,
    tt_principalarn: row.principalArn,
    tt_account: row.account,
    tt_accesskey: row.accessKey,
    tt_file: file,
    tt_record: jsonText(record) ?? '{}',
  };
  return {
    text: values,
    useridentity: identityJson(record.userIdentity),
    resources: resourcesJson(record.resources),
    usernames: JSON.stringify(row.userNames),
    ttResources: JSON.stringify(row.resources.map((r) => ({ type: r.type, name: r.name, arn: r.arn, accountid: r.accountId }))),
    time: Number.isNaN(row.time) ? null : BigInt(Math.round(row.time)),
    readOnly: row.readOnly,
    index: row.recordIndex,
  };
}
