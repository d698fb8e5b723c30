/**
 * One read row (and its original record) as the archive's column values.
 * Athena-table columns come from the record, as CloudTrail wrote it (wrong
 * types turned to text the way model/actor.ts `text` does); `tt_*` columns
 * from the row normalize() made, so the archive answers like the store.
 */
import { objectOf, text } from '../model/actor.js';
import { rowFingerprint } from '../model/contentCheck.js';
import { isLossy } from '../model/recordBatch.js';
import { stringifyJson } from '../model/stringify.js';
import type { EventRow } from '../model/types.js';
import { TEXT_COLUMNS } from './schema.js';
import { inexactLeaves } from './inexactLeaves.js';
import { columnValue, LATER_COLUMNS, WEB_ID_FEDERATION } from './laterColumns.js';
import type { TableField } from '../query/sql/cloudtrailTable.js';

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
        [WEB_ID_FEDERATION.name]: columnValue(WEB_ID_FEDERATION.type, context[WEB_ID_FEDERATION.key]),
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
 * JSON text DuckDB accepts: JSON.stringify writes a lone surrogate (text no UTF-8 can hold, which a
 * log can carry as `\ud800`) as its escape, and DuckDB's JSON reader fails the whole statement on
 * one, so each becomes U+FFFD, as a UTF-8 encoder would make it. The scan goes escape by escape,
 * so an escaped backslash before `ud800` is left alone.
 */
export function wellFormedJson(json: string): string {
  if (!json.includes('\\ud') && !json.includes('\\uD')) return json;
  return json.replace(/\\(?:u(d[89a-f][0-9a-f]{2})|[^])/gi, (escape: string, surrogate: string | undefined) => (surrogate ? '\\ufffd' : escape));
}

/**
 * A record value as the Athena table's JSON text column: absent or JSON null is NULL, anything else
 * its JSON text (stringifyJson: a log may nest a value deeper than JSON.stringify can recurse).
 */
function jsonText(value: unknown): string | null {
  return value === undefined || value === null ? null : wellFormedJson(stringifyJson(value));
}

/**
 * A later column's staging field (schema.ts STAGING_FIELDS) from its value (laterColumns.ts
 * columnValue): a text leaf as a text field, a struct as JSON to cast, a JSON text column as the
 * record's JSON (DuckDB writes it again).
 */
function laterField(column: TableField, value: unknown): string {
  if (column.type.kind === 'string') return textField(value as string | null);
  return jsonField(jsonText(value));
}

/** Where LATER_COLUMNS' text columns and struct columns are in its list, by name. */
const LATER_OF_KIND = (kind: 'string' | 'struct'): (readonly [string, number])[] =>
  LATER_COLUMNS.flatMap((column, k) => (column.type.kind === kind ? [[column.name, k] as const] : []));
const LATER_TEXTS = LATER_OF_KIND('string');
const LATER_STRUCTS = LATER_OF_KIND('struct');

/** The later text columns' values by name (`later`: LATER_COLUMNS' values, in order), for tt_inexact. */
function laterTexts(later: readonly unknown[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [name, k] of LATER_TEXTS) out[name] = later[k] as string | null;
  return out;
}

/** The later struct columns' values by name, for tt_inexact. */
function laterStructs(later: readonly unknown[]): Record<string, Loose | null> {
  const out: Record<string, Loose | null> = {};
  for (const [name, k] of LATER_STRUCTS) out[name] = later[k] as Loose | null;
  return out;
}

/** The staging file's NULL (schema.ts stagedRows reads it as nullstr): no encoded value is ever exactly this. */
export const STAGED_NULL = '\\N';

/**
 * Characters a text field cannot carry as it is: tab and line breaks split the line, other controls
 * and backslashes would be ambiguous; surrogates go as JSON, which makes a lone one U+FFFD (wellFormedJson).
 */
const NEEDS_JSON = /[\u0000-\u001f\\\ud800-\udfff]/;

/**
 * A text value as a staging field: as it is when it can be, else its JSON string (which starts with
 * `"`, so a plain value starting with `"` is written as JSON too), and NULL as STAGED_NULL. A value
 * starting with U+FEFF goes as JSON too: at the start of the file DuckDB's CSV reader takes it for a
 * byte-order mark and drops it (the first line's eventID lost its first character). DuckDB decodes
 * the field with schema.ts textFieldSql.
 */
export function textField(value: string | null): string {
  if (value === null) return STAGED_NULL;
  const first = value.charCodeAt(0);
  return first === 34 || first === 0xfeff || NEEDS_JSON.test(value) ? wellFormedJson(JSON.stringify(value)) : value;
}

/** JSON text as a staging field: JSON.stringify writes no tab, line break or raw control, so it goes as it is. */
const jsonField = (json: string | null): string => json ?? STAGED_NULL;

const numberField = (value: number | null): string => (value === null ? STAGED_NULL : String(value));

/** The text columns staged from a row after its eventid (the first), in TEXT_COLUMNS order. */
type StagedText = Exclude<(typeof TEXT_COLUMNS)[number], 'eventid'>;
const STAGED_TEXT = TEXT_COLUMNS.filter((column): column is StagedText => column !== 'eventid');

/**
 * One event as a line of a staging file: tab-separated fields in STAGING_FIELDS order (schema.ts),
 * the record's JSON last. DuckDB reads a batch of them with one read_csv, with no JSON to parse
 * but the few fields that hold some (a JSON-lines staging file cost the worker ~2 KB more an event
 * in key names and escaped JSON, and DuckDB a JSON parse of every line). Everything is computed
 * here (on a worker); the file's path, its delivery key and the row's arrival number come from the
 * batch's file table (by `fileOrdinal`), not repeated on every line.
 */
export function stagedLine(row: EventRow, record: Loose, fileOrdinal: number, position: number): string {
  const timeText = text(record.eventTime) || row.batch.extra(row.recordIndex)?.timeRaw || '';
  // TEXT_COLUMNS but eventid, by name: tt_inexact compares the ones a path can read with the record.
  // Typed by the names, so a column left out or misspelt fails to compile rather than staging NULL.
  const columns: Record<StagedText, string | null> = {
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
  };
  const identity = identityObject(record.userIdentity);
  const later = LATER_COLUMNS.map((column) => columnValue(column.type, record[column.key]));
  const fields: string[] = [
    textField(row.id),
    ...STAGED_TEXT.map((column) => textField(columns[column])),
    jsonField(jsonText(identity)),
    jsonField(jsonText(record.requestParameters)),
    jsonField(jsonText(record.responseElements)),
    jsonField(jsonText(record.additionalEventData)),
    jsonField(jsonText(record.serviceEventDetails)),
    jsonField(jsonText(resourcesList(record.resources))),
    ...LATER_COLUMNS.map((column, k) => laterField(column, later[k])),
    numberField(Number.isNaN(row.time) ? null : Math.round(row.time)),
    textField(row.name),
    textField(row.source),
    textField(row.actor),
    textField(row.principalArn),
    wellFormedJson(JSON.stringify(row.userNames)),
    textField(row.account),
    textField(row.accessKey),
    row.readOnly === null ? STAGED_NULL : String(row.readOnly),
    wellFormedJson(JSON.stringify(row.resources.map((r) => ({ type: r.type, name: r.name, arn: r.arn, accountid: r.accountId })))),
    String(row.recordIndex),
    String(fileOrdinal),
    String(position),
    String(rowFingerprint(row)),
    textField(inexactLeaves(record, { ...columns, ...laterTexts(later) }, { useridentity: identity, ...laterStructs(later) })),
    String(isLossy(row)),
    wellFormedJson(stringifyJson(record)),
  ];
  return fields.join('\t');
}
