import { stringify } from 'csv-stringify/sync';
import type { EventRow } from '../model/types.js';
import { CSV_COLUMNS, CSV_HEADERS } from './columns.js';
import { neutralise } from './guard.js';

/**
 * RFC 4180: every cell quoted (empty ones too), embedded quotes doubled, CRLF
 * between records. Quoting every cell also keeps a `,` or `;` inside a value
 * from opening a new cell that could start with a formula trigger.
 */
const CSV_OPTIONS = { quoted: true, quoted_empty: true, record_delimiter: 'windows' } as const;

/** The header line. Headers are ours, never from a log, so they are not guarded. */
export function csvHeader(): string {
  return stringify([CSV_HEADERS as string[]], CSV_OPTIONS);
}

/** The cells of one row, guarded against formula injection unless `raw`. */
export function csvCells(row: EventRow, raw: boolean): string[] {
  const cells = new Array<string>(CSV_COLUMNS.length);
  for (let c = 0; c < CSV_COLUMNS.length; c++) {
    const value = CSV_COLUMNS[c]!.value(row);
    cells[c] = raw ? value : neutralise(value);
  }
  return cells;
}

/** CSV text for rows[start, end), one line each, in order. */
export function csvLines(rows: readonly EventRow[], start: number, end: number, raw: boolean): string {
  const records = new Array<string[]>(end - start);
  for (let i = start; i < end; i++) records[i - start] = csvCells(rows[i]!, raw);
  return stringify(records, CSV_OPTIONS);
}
