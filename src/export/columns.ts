import { timeRawOf } from '../model/recordBatch.js';
import type { EventRow } from '../model/types.js';
import { rowErrorCode } from '../model/insights.js';

/** One CSV column: its header and how a row's cell text is made. */
export interface CsvColumn {
  readonly header: string;
  readonly value: (row: EventRow) => string;
}

/** Several resources share one cell each for type and name, joined in the same order. */
export const RESOURCE_SEPARATOR = ', ';

/**
 * The event time as ISO 8601 UTC, in CloudTrail's own form (no milliseconds
 * unless the record had them); the original text when it did not parse.
 */
export function formatEventTime(row: EventRow): string {
  if (Number.isNaN(row.time)) return timeRawOf(row);
  const iso = new Date(row.time).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

function readOnlyText(value: boolean | null): string {
  if (value === null) return '';
  return value ? 'true' : 'false';
}

function resourceTypes(row: EventRow): string {
  const { resources } = row;
  if (resources.length === 0) return '';
  if (resources.length === 1) return resources[0]!.type;
  return resources.map((resource) => resource.type).join(RESOURCE_SEPARATOR);
}

function resourceNames(row: EventRow): string {
  const { resources } = row;
  if (resources.length === 0) return '';
  if (resources.length === 1) return resources[0]!.name;
  return resources.map((resource) => resource.name).join(RESOURCE_SEPARATOR);
}

/** The CSV column set, defined once: the console's Event history download columns, in its order. */
export const CSV_COLUMNS: readonly CsvColumn[] = [
  { header: 'Event ID', value: (row) => row.id },
  { header: 'Event time', value: formatEventTime },
  { header: 'User name', value: (row) => row.actor },
  { header: 'Event name', value: (row) => row.name },
  { header: 'Event source', value: (row) => row.source },
  { header: 'Resource type', value: resourceTypes },
  { header: 'Resource name', value: resourceNames },
  { header: 'AWS access key', value: (row) => row.accessKey },
  { header: 'AWS region', value: (row) => row.region },
  { header: 'Error code', value: rowErrorCode },
  { header: 'Source IP address', value: (row) => row.sourceIp },
  { header: 'Read-only', value: (row) => readOnlyText(row.readOnly) },
];

export const CSV_HEADERS: readonly string[] = CSV_COLUMNS.map((column) => column.header);
