/**
 * Which CloudTrail CSV a header row is, if any. Names are matched
 * case-insensitively and in any order; columns we do not know are kept (as
 * `csvColumns` of the rebuilt record), never read as CloudTrail fields.
 *
 * - console-csv: the console's "Download CSV" (Event name, Event time, User
 *   name ...): labels with spaces, which no Athena or Lake column has.
 * - lake-csv: CloudTrail Lake saved results: an `eventjson` column, or column
 *   names as CloudTrail spells them (eventTime, not eventtime), or times
 *   written `2023-01-22 16:53:53.000`.
 * - athena-csv: AWS's Athena CloudTrail table's columns, all lowercase.
 */
import { CLOUDTRAIL_TABLE, type TableField } from '../../query/sql/cloudtrailTable.js';

export type CsvShape = 'lake-csv' | 'athena-csv' | 'console-csv';

/** The console's labels (cloudtrail.md 3), by their compact form (lowercase, no spaces, hyphens or underscores). */
export const CONSOLE_COLUMNS = {
  eventname: 'Event name',
  eventtime: 'Event time',
  username: 'User name',
  eventsource: 'Event source',
  resourcetype: 'Resource type',
  resourcename: 'Resource name',
  awsaccesskey: 'AWS access key',
  awsregion: 'AWS region',
  errorcode: 'Error code',
  eventid: 'Event ID',
  readonly: 'Read-only',
  sourceipaddress: 'Source IP address',
} as const;
export type ConsoleColumn = keyof typeof CONSOLE_COLUMNS;

const TABLE_COLUMNS: ReadonlyMap<string, TableField> = new Map(CLOUDTRAIL_TABLE.map((column) => [column.name, column]));

/** What one header cell is: a console label, a table column, Lake's eventjson, or unknown (kept aside). */
export type ColumnRole =
  | { kind: 'console'; column: ConsoleColumn }
  | { kind: 'table'; field: TableField }
  | { kind: 'eventjson' }
  | { kind: 'unknown'; header: string };

export interface CsvHeader {
  shape: CsvShape;
  roles: ColumnRole[];
}

export function compact(header: string): string {
  return header.trim().toLowerCase().replace(/[\s_-]+/g, '');
}

/** Columns that say a row is an event; a CSV needs one of them (and two CloudTrail columns) to be read. */
const KEY_COLUMNS = new Set(['eventtime', 'eventname', 'eventid', 'eventsource']);

/** The CloudTrail CSV `headers` names, or null when it is some other CSV. `firstTime`: the first row's event time cell, if known. */
export function classifyHeader(headers: readonly string[], firstTime = ''): CsvHeader | null {
  const compacted = headers.map(compact);
  const spaced = headers.some((h, k) => /[\s-]/.test(h.trim()) && compacted[k]! in CONSOLE_COLUMNS);
  if (spaced) {
    const roles: ColumnRole[] = compacted.map((c, k) => (c in CONSOLE_COLUMNS ? { kind: 'console', column: c as ConsoleColumn } : { kind: 'unknown', header: headers[k]! }));
    const known = compacted.filter((c) => c in CONSOLE_COLUMNS);
    if (known.length < 2 || !known.some((c) => KEY_COLUMNS.has(c))) return null;
    return { shape: 'console-csv', roles };
  }
  const roles: ColumnRole[] = compacted.map((c, k) => {
    if (c === 'eventjson') return { kind: 'eventjson' };
    const field = TABLE_COLUMNS.get(c);
    return field ? { kind: 'table', field } : { kind: 'unknown', header: headers[k]! };
  });
  const hasJson = roles.some((r) => r.kind === 'eventjson');
  const tableNames = roles.flatMap((r) => (r.kind === 'table' ? [r.field.name] : []));
  if (!hasJson && (tableNames.length < 2 || !tableNames.some((c) => KEY_COLUMNS.has(c)))) return null;
  const camel = headers.some((h, k) => roles[k]!.kind === 'table' && /[A-Z]/.test(h));
  const lakeTime = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(firstTime.trim());
  return { shape: hasJson || camel || lakeTime ? 'lake-csv' : 'athena-csv', roles };
}
