import type { RuleHit } from '../detect/rule.js';
import type { RecordBatch } from './recordBatch.js';

/**
 * The compact, display-ready projection of one CloudTrail record.
 *
 * Rows are what the store holds (millions of them), so they carry no parsed
 * record objects: strings that repeat across events are interned by the store,
 * and the full original record is read again from `ref` when it is needed.
 * Every string field is '' when the record lacks it (never undefined), so all
 * rows share one hidden class in V8. Each field costs 8 bytes a row, so what
 * few rows have or only the detail view reads (request ID, unparsed time,
 * shared event ID, Insight details) lives in the row's RecordBatch: read it
 * with the accessors of recordBatch.ts.
 */
export interface EventRow {
  /** eventID, or `content:<hash>` for records without one, so identical copies collapse. */
  id: string;
  /** eventTime as epoch ms; NaN when the time did not parse (see timeRawOf). */
  time: number;
  name: string;
  source: string;
  region: string;
  /** Who did it: the actor label of cloudtrail.md 1.2 (alice, Role/session, root, idc:..., service). */
  actor: string;
  /** userIdentity.type ('' when missing). */
  identityType: string;
  /** userIdentity.arn (or sessionIssuer arn when that is all there is). */
  principalArn: string;
  /** Extra names a `user:` term matches: IAM user name, role name, session name, 'root'. Lowercase not applied. */
  userNames: string[];
  account: string;
  recipientAccount: string;
  accessKey: string;
  sourceIp: string;
  userAgent: string;
  errorCode: string;
  errorMessage: string;
  /** readOnly as a boolean; null when absent or not a boolean/"true"/"false". */
  readOnly: boolean | null;
  eventType: string;
  category: string;
  resources: ResourceRef[];
  /** The read this row came from: its file, and the fields kept outside rows (see recordRef, requestIdOf ...). */
  batch: RecordBatch;
  /** The record's index in its file (RecordRef.index). */
  recordIndex: number;
  /** Arrival sequence number, assigned by the store; ties in time are ordered by it. -1 before the store sees the row. */
  seq: number;
}

/** The row's plain text fields other than its id, in one fixed order (the row codec's columns, the duplicate comparison). */
export const ROW_TEXT_FIELDS = [
  'name',
  'source',
  'region',
  'actor',
  'identityType',
  'principalArn',
  'account',
  'recipientAccount',
  'accessKey',
  'sourceIp',
  'userAgent',
  'errorCode',
  'errorMessage',
  'eventType',
  'category',
] as const satisfies readonly (keyof EventRow)[];

export interface ResourceRef {
  /** `AWS::EC2::Instance` style type, '' when unknown. */
  type: string;
  /** The resource's name or id as shown in the console (bucket name, instance id, role name ...). */
  name: string;
  /** ARN or ARNPrefix when the record gave one, '' otherwise. */
  arn: string;
  accountId: string;
}

export interface InsightStatistic {
  value: string;
  average: number;
}

export interface InsightAttribution {
  attribute: string;
  insight: InsightStatistic[];
  baseline: InsightStatistic[];
}

export interface InsightDetails {
  state: string;
  eventSource: string;
  eventName: string;
  insightType: string;
  errorCode: string;
  baselineAverage: number | null;
  insightAverage: number | null;
  insightDuration: number | null;
  baselineDuration: number | null;
  attributions: InsightAttribution[];
}

/**
 * A pointer to one record inside one file. `index` is the record's ordinal in
 * the order the reader yields records for that file, so reading the file again
 * with the same reader and taking the index-th record gives it back.
 */
export interface RecordRef {
  file: string;
  index: number;
  /**
   * What the reader checks the record it finds against, so it never hands
   * back another record when the file changed since the row was read (see
   * readRecord): the row's id, the file's identity at that read (device,
   * inode, size, mtime; '' unknown) and rowFingerprint of the row.
   */
  id?: string;
  identity?: string;
  fingerprint?: number;
}

/** A file that could not be read, or was read only in part. */
export interface BadFile {
  path: string;
  reason: string;
}

/** What the reader made of one file's content. */
export type FileShape =
  | 'records'        // {"Records":[...]}
  | 'array'          // bare array of events
  | 'single'         // one event object
  | 'jsonl'          // one event per line
  | 'lookup-events'  // aws cloudtrail lookup-events output
  | 'eventbridge'    // EventBridge envelope(s), detail holds the event
  | 'lake-csv'       // CloudTrail Lake saved results (CSV); exact rows when eventjson was selected
  | 'athena-csv'     // an Athena query's result CSV over AWS's CloudTrail table
  | 'console-csv'    // the console's Event history "Download CSV"
  | 'digest'         // CloudTrail-Digest: skipped, counted
  | 'empty'          // empty array / Records: []
  | 'not-cloudtrail' // JSON that is not CloudTrail: skipped with a reason
  | 'bad';           // unreadable or malformed

export interface FileReadResult {
  path: string;
  shape: FileShape;
  rows: EventRow[];
  /** Reason for 'bad' and 'not-cloudtrail', and for partial reads (some records skipped). */
  reason: string;
  /** Records that were present but not events (null, numbers, ...), counted not shown. */
  skippedRecords: number;
  bytes: number;
  /** With ReadOptions.records: each row's original record, by row (lookup-events: the CloudTrailEvent; EventBridge: the detail). */
  records?: Record<string, unknown>[];
  /** Records that fired detection rules, when the read ran them (ReadOptions.detector). */
  hits?: RuleHit[];
  /** Rules the watchdog stopped on this file (detect/ruleWatch.ts): its rows were read again without them. */
  ruleStops?: RuleStop[];
}

/** A detection rule stopped on one file because one of its tests ran past the budget. */
export interface RuleStop {
  /** The rule's index in the rule set. */
  rule: number;
  /** What the user is told (names the rule). */
  reason: string;
}
