/**
 * RFC 4180 CSV, small and strict enough to report rather than guess: fields
 * split by `,`, records by LF, CRLF or a lone CR, a field in double quotes may hold
 * commas, line breaks and doubled quotes. A quote inside an unquoted field is
 * kept as text (spreadsheets write that); text after a closing quote, or a
 * quote never closed, is an error that stops the parse where it happened.
 *
 * Our own rather than csv-parse: the project cannot install packages from a
 * branch, and this is all the three CloudTrail CSV shapes need.
 */

export interface CsvRecord {
  fields: string[];
  /** The 1-based line the record starts on. */
  line: number;
  /** How many cells the record has (`fields` may keep fewer: eachCsvRecord's maxCells). */
  cells: number;
}

export interface CsvParse {
  records: CsvRecord[];
  /** Why parsing stopped early ('' when it read to the end); records before it stand. */
  error: string;
}

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

/**
 * Parses `text` (BOM already removed) into a list of records. `maxField`: a
 * field longer than this stops the parse with an error rather than holding
 * an attacker's gigabyte cell (the whole text is already bounded by the
 * reader's limits). `maxRecords` stops after that many records (detection
 * reads the header only).
 */
export function parseCsv(text: string, maxField: number, maxRecords = Infinity): CsvParse {
  const records: CsvRecord[] = [];
  const error = eachCsvRecord(text, maxField, (record) => {
    records.push(record);
    return records.length < maxRecords;
  });
  return { records, error };
}

/**
 * Calls `onRecord` for each record of `text` in turn (return false to stop),
 * so a caller keeps only what it makes of them: a file of a million blank or
 * ragged lines costs one record at a time, not a million arrays. `maxCells`:
 * cells past it are counted (`cells`) but not kept, so one line of a million
 * commas is not a million-element array. Returns why parsing stopped early,
 * '' when it read to the end; records before it stand.
 */
export function eachCsvRecord(text: string, maxField: number, onRecord: (record: CsvRecord) => boolean | void, maxCells = Infinity): string {
  let fields: string[] = [];
  let cells = 0;
  let at = 0;
  let line = 1;
  let recordLine = 1;
  const n = text.length;
  if (n === 0) return '';
  for (;;) {
    let value: string;
    if (text.charCodeAt(at) === QUOTE) {
      const startLine = line;
      // The closing quote is the first one not doubled; the field is sliced once (appending a piece per doubled
      // quote made a field of a million `""` cost a million string joins).
      let close = text.indexOf('"', at + 1);
      let doubled = false;
      while (close >= 0 && text.charCodeAt(close + 1) === QUOTE) {
        doubled = true;
        if (close - at > maxField) return `line ${startLine}: a field is longer than ${maxField} characters`;
        close = text.indexOf('"', close + 2);
      }
      if (close < 0) return `line ${startLine}: a quoted field is never closed`;
      if (close - at - 1 > maxField) return `line ${startLine}: a field is longer than ${maxField} characters`;
      value = text.slice(at + 1, close);
      // split/join: linear and several times faster than replaceAll on a field of millions of doubled quotes.
      if (doubled) value = value.split('""').join('"');
      line += countLines(text, at, close);
      at = close + 1;
      if (at < n && text.charCodeAt(at) !== COMMA && !isLineEnd(text.charCodeAt(at))) {
        return `line ${line}: text after a closing quote`;
      }
    } else {
      let end = at;
      while (end < n) {
        const c = text.charCodeAt(end);
        if (c === COMMA || isLineEnd(c)) break;
        end++;
      }
      if (end - at > maxField) return `line ${line}: a field is longer than ${maxField} characters`;
      value = text.slice(at, end);
      at = end;
    }
    if (cells++ < maxCells) fields.push(value);
    if (at >= n) {
      onRecord({ fields, line: recordLine, cells });
      return '';
    }
    const c = text.charCodeAt(at);
    if (c === COMMA) {
      at++;
      continue;
    }
    // End of record: LF, CRLF, or a lone CR (Excel for Mac's "CSV (Macintosh)"; Python's csv reads it too).
    at += c === CR && text.charCodeAt(at + 1) === LF ? 2 : 1;
    if (onRecord({ fields, line: recordLine, cells }) === false) return '';
    line++;
    recordLine = line;
    fields = [];
    cells = 0;
    // A final line break ends the file, not a last empty record.
    if (at >= n) return '';
  }
}

function isLineEnd(c: number): boolean {
  return c === LF || c === CR;
}

/** LFs in text[from, to): a bounded loop, since indexOf would run on past `to` to the next LF (the whole rest of a CR-only file). */
function countLines(text: string, from: number, to: number): number {
  let count = 0;
  for (let k = from; k < to; k++) if (text.charCodeAt(k) === LF) count++;
  return count;
}

/** Whether a record is one empty field (a blank line), which readers skip. */
export function isBlankRecord(record: CsvRecord): boolean {
  return record.fields.length === 1 && record.fields[0]!.trim() === '';
}
