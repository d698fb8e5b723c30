/**
 * One CSV row -> the item the reader keeps for it: a CloudTrail record
 * rebuilt from the columns (camelCase keys as CloudTrail writes them), or, for
 * the console's CSV, a lookup-events element (its columns are exactly
 * lookup-events' outer fields) whose CloudTrailEvent is the rebuilt record.
 * Either way normalize() makes the row, as for every other shape.
 */
import { fromTable } from '../../athena/records.js';
import { CONSOLE_COLUMNS, type ColumnRole, type ConsoleColumn } from './header.js';
import { parseStructText } from './athenaStruct.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../limits.js';
import { parseEventTime } from '../../model/normalize.js';

type Loose = Record<string, unknown>;

/** A cell shorter than this cannot nest past MAX_JSON_DEPTH. */
const DEPTH_CHECK_CELL = 2 * MAX_JSON_DEPTH;

export interface CsvItem {
  item: Loose;
  /** True when the item was rebuilt from columns (no full record). */
  lossy: boolean;
  /** The eventTime cell was there but is not a time we read. */
  badTime: boolean;
  /** The eventjson cell was there but did not hold a JSON object. */
  badJson: boolean;
}

/** `2023-01-22 16:53:53.000` (Lake, UTC) as ISO `2023-01-22T16:53:53.000Z`; other text as it is. */
export function isoTime(value: string): string {
  const trimmed = value.trim();
  const lake = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)$/.exec(trimmed);
  return lake ? `${lake[1]}T${lake[2]}Z` : trimmed;
}

/** The row's time reads as normalize() will read it: a shape check alone passed 2024-13-45T99:99:99Z, which the row then had no time for. */
function unreadableTime(time: string | undefined): boolean {
  return time !== undefined && time !== '' && Number.isNaN(parseEventTime(time));
}

/** A JSON cell's value; undefined when it is not JSON or nests too deep to handle (the cell is then kept as text). */
function parseJson(text: string): unknown {
  if (text.length > DEPTH_CHECK_CELL && nestsDeeperThan(text)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Unknown columns, kept under a key normalize() never reads, in an object without a prototype (a `__proto__` header stays a key). */
function keepUnknown(record: Loose, header: string, value: string): void {
  let kept = record.csvColumns as Loose | undefined;
  if (!kept) {
    kept = Object.create(null) as Loose;
    record.csvColumns = kept;
  }
  if (!Object.prototype.hasOwnProperty.call(kept, header)) kept[header] = value;
}

function booleanCell(value: string): boolean | string {
  const lower = value.trim().toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : value;
}

/** A Lake or Athena row (columns of AWS's Athena table, or Lake's eventjson). */
export function tableRow(fields: readonly string[], roles: readonly ColumnRole[]): CsvItem {
  let badJson = false;
  for (let k = 0; k < roles.length; k++) {
    if (roles[k]!.kind !== 'eventjson' || fields[k] === '') continue;
    const parsed = parseJson(fields[k]!);
    if (isObject(parsed)) return { item: parsed, lossy: false, badTime: false, badJson: false };
    badJson = true;
  }
  const record: Loose = {};
  for (let k = 0; k < roles.length; k++) {
    const role = roles[k]!;
    const value = fields[k]!;
    if (value === '' || role.kind === 'eventjson') continue;
    if (role.kind === 'unknown' || role.kind === 'console') {
      keepUnknown(record, role.kind === 'unknown' ? role.header : role.column, value);
      continue;
    }
    const field = role.field;
    // A column named twice: the first stands, the other is kept aside.
    if (field.key in record) {
      keepUnknown(record, field.name, value);
      continue;
    }
    if (field.name === 'eventtime') record.eventTime = isoTime(value);
    else if (field.name === 'readonly') record.readOnly = booleanCell(value);
    else if (field.type.kind === 'string') record[field.key] = value;
    else if (field.type.kind === 'json') {
      const parsed = parseJson(value);
      record[field.key] = parsed === undefined ? value : parsed;
    } else {
      // Lake may write JSON; Athena writes Hive text (athenaStruct.ts), read only when unambiguous.
      const json = /^[[{]\s*["\]}]/.test(value.trim()) ? parseJson(value) : undefined;
      const plain = json ?? parseStructText(value, field.type);
      if (plain !== null && plain !== undefined) record[field.key] = fromTable(field.type, plain);
      else keepUnknown(record, field.name, value);
    }
  }
  const time = typeof record.eventTime === 'string' ? record.eventTime : '';
  return { item: record, lossy: true, badTime: unreadableTime(time), badJson };
}

/** The console's one resource as a record's `resources` when its name is an ARN; otherwise its cells are kept aside (the row still shows them, from the element's Resources). */
function resourceOf(type: string | undefined, name: string | undefined, record: Loose): Loose {
  if (name !== undefined && name.startsWith('arn:')) return { resources: [{ ARN: name, ...(type !== undefined ? { type } : {}) }] };
  if (type !== undefined) keepUnknown(record, CONSOLE_COLUMNS.resourcetype, type);
  if (name !== undefined) keepUnknown(record, CONSOLE_COLUMNS.resourcename, name);
  return {};
}

/** A console "Download CSV" row, as the lookup-events element it mirrors. */
export function consoleRow(fields: readonly string[], roles: readonly ColumnRole[]): CsvItem {
  const cells: Partial<Record<ConsoleColumn, string>> = {};
  const record: Loose = {};
  for (let k = 0; k < roles.length; k++) {
    const role = roles[k]!;
    const value = fields[k]!;
    if (value === '') continue;
    if (role.kind === 'console' && cells[role.column] === undefined) cells[role.column] = value;
    else keepUnknown(record, role.kind === 'unknown' ? role.header : role.kind === 'console' ? CONSOLE_COLUMNS[role.column] : '', value);
  }
  const time = cells.eventtime === undefined ? undefined : isoTime(cells.eventtime);
  const identity: Loose = {};
  if (cells.username !== undefined) identity.userName = cells.username;
  if (cells.awsaccesskey !== undefined) identity.accessKeyId = cells.awsaccesskey;
  const inner: Loose = {
    ...(cells.eventid !== undefined ? { eventID: cells.eventid } : {}),
    ...(time !== undefined ? { eventTime: time } : {}),
    ...(cells.eventsource !== undefined ? { eventSource: cells.eventsource } : {}),
    ...(cells.eventname !== undefined ? { eventName: cells.eventname } : {}),
    ...(cells.awsregion !== undefined ? { awsRegion: cells.awsregion } : {}),
    ...(cells.sourceipaddress !== undefined ? { sourceIPAddress: cells.sourceipaddress } : {}),
    ...(Object.keys(identity).length > 0 ? { userIdentity: identity } : {}),
    ...(cells.errorcode !== undefined ? { errorCode: cells.errorcode } : {}),
    ...(cells.readonly !== undefined ? { readOnly: booleanCell(cells.readonly) } : {}),
    ...resourceOf(cells.resourcetype, cells.resourcename, record),
    ...record,
  };
  const resources = cells.resourcetype !== undefined || cells.resourcename !== undefined ? [{ ResourceType: cells.resourcetype ?? '', ResourceName: cells.resourcename ?? '' }] : [];
  const item: Loose = {
    EventId: cells.eventid ?? '',
    EventName: cells.eventname ?? '',
    ...(time !== undefined ? { EventTime: time } : {}),
    ...(cells.eventsource !== undefined ? { EventSource: cells.eventsource } : {}),
    ...(cells.username !== undefined ? { Username: cells.username } : {}),
    ...(cells.awsaccesskey !== undefined ? { AccessKeyId: cells.awsaccesskey } : {}),
    ...(cells.readonly !== undefined ? { ReadOnly: cells.readonly } : {}),
    Resources: resources,
    // An object, not a JSON string: parseLookupRecord takes either, and nothing is parsed twice.
    CloudTrailEvent: inner,
  };
  return { item, lossy: true, badTime: unreadableTime(time), badJson: false };
}
