/**
 * A CloudTrail CSV file (Lake saved results, Athena results, the console's
 * "Download CSV") -> the reader's items, one per data row, and which of
 * them are lossy (rebuilt from columns, no full record). A row with the wrong
 * number of cells keeps its position as an undefined item, counted as
 * skipped (the file's reason says why); blank lines are no rows.
 */
import { MAX_RECORD_CHARS } from '../limits.js';
import { classifyHeader, compact } from './header.js';
import { eachCsvRecord, isBlankRecord, parseCsv, type CsvRecord } from './parse.js';
import { consoleRow, tableRow, type CsvItem } from './rows.js';
import type { Extracted } from '../detect.js';

export interface CsvExtracted extends Extracted {
  /** 1 for each item rebuilt from columns. */
  lossy: Uint8Array;
}

/** The file's header row, when its first line is a CSV header naming CloudTrail columns; null otherwise. */
function headerOf(text: string): { headers: string[]; firstTime: string } | null {
  // A header line is short; a first line of megabytes is not one.
  const head = parseCsv(text.slice(0, 256 * 1024), 64 * 1024, 2);
  const first = head.records[0];
  // One column is enough when it is Lake's eventjson: `SELECT eventJson FROM ...` saves just that column.
  if (!first || (first.fields.length < 2 && compact(first.fields[0] ?? '') !== 'eventjson')) return null;
  const timeAt = first.fields.findIndex((h) => compact(h) === 'eventtime');
  const second = head.records[1];
  return { headers: first.fields, firstTime: timeAt >= 0 && second ? (second.fields[timeAt] ?? '') : '' };
}

/** Whether the text's first line reads as a CSV header of two or more cells (for the not-cloudtrail reason). */
export function looksLikeCsv(text: string): boolean {
  const line = text.slice(0, Math.max(0, text.indexOf('\n')) || text.length);
  return line.includes(',') && headerOf(text) !== null;
}

/** Whether `text` starts with a header line naming CloudTrail columns (a big file's first bytes). */
export function isCloudTrailCsvHeader(text: string): boolean {
  const head = headerOf(text);
  return head !== null && classifyHeader(head.headers, head.firstTime) !== null;
}

/** The CloudTrail CSV in `text` (BOM removed), or null when its header is not one. */
export function extractCsv(text: string): CsvExtracted | null {
  const head = headerOf(text);
  if (!head) return null;
  const header = classifyHeader(head.headers, head.firstTime);
  if (!header) return null;
  const width = header.roles.length;
  const items: unknown[] = [];
  const lossyAt: number[] = [];
  let ragged = 0;
  let firstRagged = '';
  let badTimes = 0;
  let firstBadTime = '';
  let badJson = 0;
  let seenHeader = false;
  // Record by record: only the items are kept, so blank and ragged lines cost nothing past their own turn.
  const error = eachCsvRecord(
    text,
    MAX_RECORD_CHARS,
    (record: CsvRecord) => {
      if (!seenHeader) {
        seenHeader = true;
        return;
      }
      if (isBlankRecord(record)) return;
      if (record.cells !== width) {
        ragged++;
        if (!firstRagged) firstRagged = `line ${record.line}: ${record.cells} cells, the header has ${width}`;
        items.push(undefined);
        return;
      }
      const row: CsvItem = header.shape === 'console-csv' ? consoleRow(record.fields, header.roles) : tableRow(record.fields, header.roles);
      if (row.lossy) lossyAt.push(items.length);
      if (row.badTime) {
        badTimes++;
        if (!firstBadTime) firstBadTime = `line ${record.line}`;
      }
      if (row.badJson) badJson++;
      items.push(row.item);
    },
    // One cell past the header's tells a ragged row; a line of a million commas keeps no more.
    width + 1,
  );
  const notes: string[] = [];
  if (error) notes.push(`CSV stops at ${error}`);
  if (ragged > 0) notes.push(`${ragged} ${ragged === 1 ? 'row was' : 'rows were'} skipped for a wrong number of cells (first at ${firstRagged})`);
  if (badTimes > 0) notes.push(`${badTimes} ${badTimes === 1 ? 'row has' : 'rows have'} an event time that is not a readable time (first at ${firstBadTime})`);
  if (badJson > 0) notes.push(`${badJson} eventjson ${badJson === 1 ? 'cell was' : 'cells were'} not a JSON object; read from the other columns`);
  if (items.length === 0 && error) return { shape: 'bad', items: [], reason: `invalid CSV: ${error}`, lossy: new Uint8Array(0) };
  if (items.length === 0) return { shape: 'empty', items: [], reason: '', lossy: new Uint8Array(0) };
  const lossy = new Uint8Array(items.length);
  for (const at of lossyAt) lossy[at] = 1;
  return { shape: header.shape, items, reason: notes.join('; '), lossy };
}
