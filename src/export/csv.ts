import { createRequire } from 'node:module';
import type * as CsvSync from 'csv-stringify/sync';
import type { EventRow } from '../model/types.js';
import { CSV_COLUMNS, CSV_HEADERS } from './columns.js';
import { visibleEscape } from '../term/sanitize.js';
import { neutralise } from './guard.js';

/**
 * RFC 4180: every cell quoted (empty ones too), embedded quotes doubled, CRLF
 * between records. Quoting every cell also keeps a `,` or `;` inside a value
 * from opening a new cell that could start with a formula trigger.
 */
const CSV_OPTIONS = { quoted: true, quoted_empty: true, record_delimiter: 'windows' } as const;

/** csv-stringify (its CommonJS build, so the load stays synchronous), loaded by the first CSV line: JSON exports never need it. */
let csvSync: typeof CsvSync | null = null;
function stringify(records: unknown[][], options: typeof CSV_OPTIONS): string {
  csvSync ??= createRequire(import.meta.url)('csv-stringify/sync') as typeof CsvSync;
  return csvSync.stringify(records, options);
}

/** The header line. Headers are ours, never from a log, so they are not guarded. */
export function csvHeader(): string {
  return stringify([CSV_HEADERS as string[]], CSV_OPTIONS);
}

/**
 * Characters a terminal acts on, replaced in CSV cells by their visible
 * escape (`\x1b`, `\u202e`, as the terminal-safe JSON does) unless `raw`:
 * `export -o - --format csv | cat` must not retitle the pane, fill the
 * clipboard or switch on mouse mode. C0 controls but tab (CR and LF too: a CR
 * rewrites the line on screen), DEL, C1 controls, bidi controls and the
 * Unicode line separators.
 */
const TERMINAL_UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/;
const TERMINAL_UNSAFE_ALL = new RegExp(TERMINAL_UNSAFE.source, 'g');
/** The same without CR and LF, which the record delimiters put into every chunk. */
const TERMINAL_UNSAFE_NOT_CRLF = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/;

/** The cell text with terminal controls shown as escapes (see TERMINAL_UNSAFE). */
export function terminalSafeCell(value: string): string {
  return TERMINAL_UNSAFE.test(value) ? value.replace(TERMINAL_UNSAFE_ALL, visibleEscape) : value;
}

/**
 * The cells of one row: controls replaced, then guarded against formula
 * injection, unless `raw` (the exact logged values).
 */
export function csvCells(row: EventRow, raw: boolean): string[] {
  const cells = new Array<string>(CSV_COLUMNS.length);
  for (let c = 0; c < CSV_COLUMNS.length; c++) {
    const value = CSV_COLUMNS[c]!.value(row);
    cells[c] = raw ? value : neutralise(terminalSafeCell(value));
  }
  return cells;
}

/** Cells with the formula guard only: the common case, when no cell of a chunk holds a control. */
function guardedCells(row: EventRow): string[] {
  const cells = new Array<string>(CSV_COLUMNS.length);
  for (let c = 0; c < CSV_COLUMNS.length; c++) cells[c] = neutralise(CSV_COLUMNS[c]!.value(row));
  return cells;
}

/** CSV text for rows[start, end), one line each, in order. */
export function csvLines(rows: readonly EventRow[], start: number, end: number, raw: boolean): string {
  const records = new Array<string[]>(end - start);
  if (raw) {
    for (let i = start; i < end; i++) records[i - start] = csvCells(rows[i]!, true);
    return stringify(records, CSV_OPTIONS);
  }
  // One scan of the finished chunk instead of one per cell: controls are rare. A chunk holds exactly
  // one CRLF per record; more line breaks, or any other control, and the chunk is made again cell by cell.
  for (let i = start; i < end; i++) records[i - start] = guardedCells(rows[i]!);
  const text = stringify(records, CSV_OPTIONS);
  if (!TERMINAL_UNSAFE_NOT_CRLF.test(text) && countLineBreaks(text) === 2 * (end - start)) return text;
  for (let i = start; i < end; i++) records[i - start] = csvCells(rows[i]!, false);
  return stringify(records, CSV_OPTIONS);
}

/** CR and LF characters in the text. */
function countLineBreaks(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
  for (let at = text.indexOf('\r'); at >= 0; at = text.indexOf('\r', at + 1)) count++;
  return count;
}
