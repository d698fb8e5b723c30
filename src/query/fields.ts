import { objectOf, text } from '../model/actor.js';
import { errorLabel, FAILED_WITHOUT_CODE_NAME, isFailedConsoleLogin, recordErrorLabel } from '../model/failure.js';
import { booleanOf } from '../model/normalize.js';
import type { EventRow, ResourceRef } from '../model/types.js';

type Loose = Readonly<Record<string, unknown>>;
import type { DisplayKey, ScalarKey } from '../store/columns.js';

/**
 * The one field table of the query language. The parser, the matcher, the
 * fuzzy vocabulary and the help text all read it, so a field is added or
 * changed here and nowhere else.
 *
 * Value semantics (the same for every text field, like the console's lookup
 * attributes, which are exact):
 * - `field:value` is a whole-value, case-insensitive match against any of the
 *   row's values for that field (user: has several). No substring matching:
 *   `user:ali` does not find alice; write `user:ali*`.
 * - `*` outside quotes matches any run of characters (`name:*Bucket*`);
 *   inside quotes it is a literal star. `field:*` means "has a value", so
 *   `error:*` is any failed event (model/failure.ts: an error code, or a
 *   failed console sign-in) and `-error:*` none. Empty values never match.
 * - The same field repeated side by side is OR; different fields are AND,
 *   and so is an explicit `AND` between terms of one field (parse.ts);
 *   `-field:value` excludes rows where any value matches.
 * - readonly: only true/false; rows without readOnly match neither.
 * - Time terms intersect; durations count back from compile time; ISO times
 *   are UTC unless they carry an offset; until:/to: with a date or minute
 *   include that whole day or minute.
 * - Plain words: substring of row.text, plus (unquoted, not negated, 4+
 *   letters, with a Vocabulary) the values fuse.js says the word means.
 */

/** Returns true to stop the visit (a value matched). */
export type ValueVisitor = (value: string) => boolean;

interface FieldBase {
  /** Canonical name, lowercase, as typed before the colon. */
  readonly name: string;
  /** Other spellings accepted before the colon (lowercase). */
  readonly aliases: readonly string[];
  readonly description: string;
  readonly example: string;
}

export interface TextField extends FieldBase {
  readonly kind: 'text';
  /** Visits each of the row's values for this field until `visit` returns true. */
  anyValue(row: EventRow, visit: ValueVisitor): boolean;
  /**
   * The values plain fuzzy words are matched against (a subset of anyValue:
   * names people type, not ARNs). Absent when the field takes no part in fuzzy words.
   */
  fuzzyValue?(row: EventRow, visit: ValueVisitor): boolean;
  /** A shorter spelling of a lowercase row value that a term may also name (`ec2.amazonaws.com` -> `ec2`). */
  shortForm?(lowerValue: string): string;
  /**
   * The one longer value whose shortForm is this lowercase value (`ec2` -> `ec2.amazonaws.com`):
   * shortForm(v) === p with v !== p exactly when v === longForm(p). Lets exact terms compare without lowercasing.
   */
  longForm?(lowerValue: string): string;
  /** A row ARN ending in '/' is an ARNPrefix that covers every full ARN it begins. */
  readonly arnPrefix?: boolean;
  /**
   * Rows whose value anyValue visits but `columns` do not hold: for error:,
   * a ConsoleLogin that failed without an errorCode, whose value is its
   * errorMessage (model/failure.ts errorLabel). Only rows named `eventName`
   * with no value in the `without` column can be such rows; `test` says
   * which are, and their value is their `value` display column's.
   */
  readonly offColumns?: { readonly eventName: string; readonly without: ScalarKey; readonly value: DisplayKey; test(row: EventRow): boolean };
  /**
   * The values anyValue visits, read straight from a raw record without
   * normalizing it (recordMatch.ts); undefined when only the normalized row
   * knows (an Insight record without eventName takes it from insightDetails).
   */
  fromRecord?(record: Loose, visit: ValueVisitor): boolean | undefined;
  /** Values are IP addresses: a value with a / is also a CIDR block (`ip:10.0.0.0/8`). */
  readonly addresses?: boolean;
  /** Values are nearly all distinct (event ids): remembering per-value answers would not pay. */
  readonly unique?: boolean;
  /**
   * Where the store's columns (store/columns.ts) hold the values anyValue
   * visits, so a term is decided once per distinct value. Absent: rows are read.
   */
  readonly columns?: FieldColumns;
}

/** The same values as a field's anyValue, by column: scalar columns, user names, and parts of each resource. */
export interface FieldColumns {
  readonly scalars: readonly ScalarKey[];
  readonly userNames?: boolean;
  readonly resource?: (resource: ResourceRef, visit: ValueVisitor) => boolean;
}

export interface BooleanField extends FieldBase {
  readonly kind: 'boolean';
  get(row: EventRow): boolean | null;
  /** get() straight from a raw record. */
  fromRecord(record: Loose): boolean | null;
}

export interface TimeField extends FieldBase {
  readonly kind: 'time';
  /** 'lower': rows at or after the time; 'upper': rows at or before it. */
  readonly bound: 'lower' | 'upper';
}

/** rule:PATTERN (events a detection rule fired on) and mark:* (marked events): a TagNode of ast.ts. */
export interface TagField extends FieldBase {
  readonly kind: 'tag';
  readonly tag: 'rule' | 'mark';
}

/** params:TEXT: a substring (with * globs) of the request and response text, a deep term (ast.ts `params` ref). */
export interface ParamsField extends FieldBase {
  readonly kind: 'params';
}

export type FieldSpec = TextField | BooleanField | TimeField | TagField | ParamsField;

const AMAZONAWS_SUFFIX = '.amazonaws.com';

function stripAmazonaws(value: string): string {
  return value.endsWith(AMAZONAWS_SUFFIX) ? value.slice(0, -AMAZONAWS_SUFFIX.length) : value;
}

function stripAwsPrefix(value: string): string {
  return value.startsWith('aws::') ? value.slice(5) : value;
}

function anyOf(values: readonly string[], visit: ValueVisitor): boolean {
  for (let i = 0; i < values.length; i++) if (visit(values[i]!)) return true;
  return false;
}

/** A plain record field; undefined (normalize) when it is empty and an Insight record may supply it. */
function plainOrInsight(record: Loose, key: string, visit: ValueVisitor): boolean | undefined {
  const value = text(record[key]);
  if (value === '' && record.insightDetails !== undefined) return undefined;
  return visit(value);
}

function userFuzzy(row: EventRow, visit: ValueVisitor): boolean {
  return visit(row.actor) || anyOf(row.userNames, visit);
}

function resourceNames(row: EventRow, visit: ValueVisitor): boolean {
  const resources = row.resources;
  for (let i = 0; i < resources.length; i++) if (visit(resources[i]!.name)) return true;
  return false;
}

export const FIELDS: readonly FieldSpec[] = [
  {
    kind: 'text',
    name: 'name',
    aliases: ['eventname', 'event'],
    description: 'event name',
    example: 'name:Delete*',
    anyValue: (row, visit) => visit(row.name),
    fromRecord: (record, visit) => plainOrInsight(record, 'eventName', visit),
    fuzzyValue: (row, visit) => visit(row.name),
    columns: { scalars: ['name'] },
  },
  {
    kind: 'text',
    name: 'user',
    aliases: ['username'],
    description: 'user, role, session, Role/session, ARN',
    example: 'user:alice',
    anyValue: (row, visit) => visit(row.actor) || visit(row.principalArn) || anyOf(row.userNames, visit),
    fuzzyValue: userFuzzy,
    columns: { scalars: ['actor', 'principalArn'], userNames: true },
  },
  {
    // The list's User column and the top values' (T) User counts, whole: what a pivot from a count of
    // actors must match, where user: also finds the role sessions and ARNs the label does not name.
    kind: 'text',
    name: 'actor',
    aliases: [],
    description: "the User column's label alone",
    example: 'actor:Admin/alice',
    anyValue: (row, visit) => visit(row.actor),
    columns: { scalars: ['actor'] },
  },
  {
    kind: 'text',
    name: 'source',
    aliases: ['eventsource', 'service'],
    description: 'event source, .amazonaws.com optional',
    example: 'source:iam',
    anyValue: (row, visit) => visit(row.source),
    fromRecord: (record, visit) => plainOrInsight(record, 'eventSource', visit),
    fuzzyValue: (row, visit) => visit(row.source),
    columns: { scalars: ['source'] },
    shortForm: stripAmazonaws,
    longForm: (value) => value + AMAZONAWS_SUFFIX,
  },
  {
    kind: 'text',
    name: 'resource',
    aliases: ['resourcename'],
    description: 'resource name or ARN (or ARNPrefix)',
    example: 'resource:my-bucket',
    anyValue: (row, visit) => {
      const resources = row.resources;
      for (let i = 0; i < resources.length; i++) {
        const resource = resources[i]!;
        if (visit(resource.name) || visit(resource.arn)) return true;
      }
      return false;
    },
    fuzzyValue: resourceNames,
    columns: { scalars: [], resource: (resource, visit) => visit(resource.name) || visit(resource.arn) },
    arnPrefix: true,
  },
  {
    kind: 'text',
    name: 'type',
    aliases: ['resourcetype'],
    description: 'resource type, AWS:: optional',
    example: 'type:s3::bucket',
    anyValue: (row, visit) => {
      const resources = row.resources;
      for (let i = 0; i < resources.length; i++) if (visit(resources[i]!.type)) return true;
      return false;
    },
    columns: { scalars: [], resource: (resource, visit) => visit(resource.type) },
    shortForm: stripAwsPrefix,
    longForm: (value) => 'aws::' + value,
  },
  {
    kind: 'text',
    name: 'id',
    aliases: ['eventid'],
    description: 'event ID or shared event ID',
    example: 'id:3f2a*',
    // The shared event ID is rare and lives in the row's batch (model/recordBatch.ts).
    anyValue: (row, visit) => visit(row.id) || visit(row.batch.extra(row.recordIndex)?.sharedEventId ?? ''),
    unique: true,
  },
  {
    kind: 'text',
    name: 'requestid',
    aliases: ['request'],
    description: 'request ID',
    example: 'requestid:7e4c*',
    // Kept as bytes in the row's batch and spelled out per row: slower than id:, so a field of its own.
    anyValue: (row, visit) => visit(row.batch.requestId(row.recordIndex)),
    unique: true,
  },
  {
    kind: 'text',
    name: 'key',
    aliases: ['accesskey', 'accesskeyid'],
    description: 'access key ID',
    example: 'key:AKIA*',
    anyValue: (row, visit) => visit(row.accessKey),
    fromRecord: (record, visit) => visit(text(objectOf(record.userIdentity)?.accessKeyId)),
    columns: { scalars: ['accessKey'] },
  },
  {
    kind: 'boolean',
    name: 'readonly',
    aliases: ['ro'],
    description: 'read-only call: true or false',
    example: 'readonly:false',
    get: (row) => row.readOnly,
    fromRecord: (record) => booleanOf(record.readOnly),
  },
  {
    kind: 'text',
    name: 'region',
    aliases: ['awsregion'],
    description: 'AWS region',
    example: 'region:eu-*',
    anyValue: (row, visit) => visit(row.region),
    fromRecord: (record, visit) => visit(text(record.awsRegion)),
    columns: { scalars: ['region'] },
  },
  {
    kind: 'text',
    name: 'ip',
    aliases: ['sourceip', 'sourceipaddress'],
    description: 'source IP address, or CIDR block',
    example: 'ip:10.0.0.0/8',
    addresses: true,
    anyValue: (row, visit) => visit(row.sourceIp),
    fromRecord: (record, visit) => visit(text(record.sourceIPAddress)),
    columns: { scalars: ['sourceIp'] },
  },
  {
    kind: 'text',
    name: 'error',
    aliases: ['errorcode'],
    description: 'error code; error:* any failure',
    example: 'error:AccessDenied',
    // What the Error code column shows (model/failure.ts): a failed sign-in's errorMessage stands in for the code it lacks.
    anyValue: (row, visit) => visit(errorLabel(row)),
    fromRecord: (record, visit) => {
      const label = recordErrorLabel(record);
      // An Insight record may take its eventName from insightDetails: only its row knows whether it is a sign-in.
      if (label === '' && text(record.eventName) === '' && record.insightDetails !== undefined) return undefined;
      return visit(label);
    },
    offColumns: { eventName: FAILED_WITHOUT_CODE_NAME, without: 'errorCode', value: 'errorMessage', test: isFailedConsoleLogin },
    fuzzyValue: (row, visit) => visit(row.errorCode),
    columns: { scalars: ['errorCode'] },
  },
  {
    kind: 'text',
    name: 'account',
    aliases: ['accountid', 'recipientaccountid'],
    description: "caller's or recipient account ID",
    example: 'account:123456789012',
    anyValue: (row, visit) => visit(row.account) || visit(row.recipientAccount),
    fromRecord: (record, visit) => visit(text(objectOf(record.userIdentity)?.accountId)) || visit(text(record.recipientAccountId)),
    columns: { scalars: ['account', 'recipientAccount'] },
  },
  {
    kind: 'text',
    name: 'agent',
    aliases: ['useragent'],
    description: 'user agent (whole value)',
    example: 'agent:aws-cli*',
    anyValue: (row, visit) => visit(row.userAgent),
    fromRecord: (record, visit) => visit(text(record.userAgent)),
  },
  {
    kind: 'text',
    name: 'identity',
    aliases: ['identitytype', 'usertype'],
    description: 'identity type: IAMUser, AssumedRole ...',
    example: 'identity:Root',
    anyValue: (row, visit) => visit(row.identityType),
    fromRecord: (record, visit) => visit(text(objectOf(record.userIdentity)?.type)),
  },
  {
    kind: 'text',
    name: 'category',
    aliases: ['eventcategory'],
    description: 'management|data|insight|networkactivity',
    example: 'category:data',
    anyValue: (row, visit) => visit(row.category),
    fromRecord: (record, visit) => visit(text(record.eventCategory)),
    columns: { scalars: ['category'] },
  },
  {
    kind: 'text',
    name: 'eventtype',
    aliases: [],
    description: 'AwsApiCall, AwsConsoleSignIn ...',
    example: 'eventtype:AwsService*',
    anyValue: (row, visit) => visit(row.eventType),
    fromRecord: (record, visit) => visit(text(record.eventType)),
    columns: { scalars: ['eventType'] },
  },
  {
    kind: 'params',
    name: 'params',
    aliases: [],
    description: 'request/response text, anywhere',
    example: 'params:0.0.0.0/0',
  },
  {
    kind: 'tag',
    name: 'rule',
    aliases: [],
    description: 'a detection rule fired: id or title',
    example: 'rule:*root*',
    tag: 'rule',
  },
  {
    kind: 'tag',
    name: 'mark',
    aliases: [],
    description: 'marked events; -mark:* unmarked',
    example: 'mark:*',
    tag: 'mark',
  },
  {
    kind: 'time',
    name: 'since',
    aliases: ['after'],
    description: 'at or after: 30s 2h 7d ago, or ISO time',
    example: 'since:2h',
    bound: 'lower',
  },
  {
    kind: 'time',
    name: 'until',
    aliases: ['before'],
    description: 'at or before: a duration ago, or ISO time',
    example: 'until:1d',
    bound: 'upper',
  },
  {
    kind: 'time',
    name: 'from',
    aliases: [],
    description: 'at or after: ISO time, UTC unless +hh:mm',
    example: 'from:2024-03-05T14:00Z',
    bound: 'lower',
  },
  {
    kind: 'time',
    name: 'to',
    aliases: [],
    description: 'up to the end of that day/minute/second',
    example: 'to:2024-03-05',
    bound: 'upper',
  },
];

/**
 * The top-level keys of a CloudTrail record (cloudtrail.md 1.1): one of
 * these typed alone before the colon, exactly as spelt, is a path term
 * (`userAgent:aws-cli*`, `errorMessage:*`) unless the field table has it.
 * A dotted name is always a path (`requestParameters.bucketName:logs`).
 */
export const RECORD_KEYS: ReadonlySet<string> = new Set([
  'eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress',
  'userAgent', 'errorCode', 'errorMessage', 'requestParameters', 'responseElements', 'additionalEventData',
  'requestID', 'eventID', 'readOnly', 'resources', 'eventType', 'apiVersion', 'recipientAccountId',
  'sharedEventID', 'vpcEndpointId', 'vpcEndpointAccountId', 'serviceEventDetails', 'managementEvent',
  'eventCategory', 'addendum', 'sessionCredentialFromConsole', 'edgeDeviceDetails', 'tlsDetails',
  'eventContext', 'insightDetails',
]);

const BY_NAME = new Map<string, FieldSpec>();
for (const field of FIELDS) {
  BY_NAME.set(field.name, field);
  for (const alias of field.aliases) BY_NAME.set(alias, field);
}

/** The field a (case-insensitive) name or alias stands for. */
export function lookupField(name: string): FieldSpec | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Every accepted field spelling, canonical names first. */
export function fieldSpellings(): string[] {
  return [...FIELDS.map((f) => f.name), ...FIELDS.flatMap((f) => f.aliases)];
}

/** The fields plain fuzzy words look in. */
export const FUZZY_FIELDS: readonly TextField[] = FIELDS.filter(
  (f): f is TextField => f.kind === 'text' && f.fuzzyValue !== undefined,
);

/** Help text for --help and the UI help overlay: syntax first, then one line per field (under 80 columns). */
export function queryHelpLines(): string[] {
  const lines = [
    'word           fuzzy text: assumrole finds AssumeRole; "quoted" is exact text',
    'field:value    exact, any case; * globs (name:Get*); "quotes" for spaces',
    '               * in quotes is literal: glob outside them, agent:"aws-cli/2"*',
    'a:x b:y        both; the same field side by side is either: a:x a:y',
    'a AND b        both, the same field too: name:Get* AND name:*Object',
    'a OR b         either; OR binds tighter: a b OR c is a AND (b OR c)',
    '-term          exclude; NOT term is the same (-word: rows without the word)',
    '(a b) -(a b)   group; NOT(a) a OR(b) (a)OR(b) need no space',
    'field:(A B)    values of one field: name:(A B) name:C is any of the three',
    'field:*        has a value; -field:* has none (any field or path)',
    'a.b.c:value    any record path: requestParameters.bucketName:logs-*',
    '               a list matches if any element does; ip:/paths take CIDR',
    '',
  ];
  const labelWidth = Math.max(...FIELDS.map((f) => f.name.length)) + 3;
  const descriptionWidth = Math.max(...FIELDS.map((f) => f.description.length)) + 2;
  for (const field of FIELDS) {
    lines.push(`${field.name}:`.padEnd(labelWidth) + field.description.padEnd(descriptionWidth) + field.example);
  }
  return lines;
}
