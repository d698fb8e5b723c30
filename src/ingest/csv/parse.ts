/**
 * RFC 4180 CSV, small and strict enough to report rather than guess: fields
 * split by `,`, records by LF or CRLF, a field in double quotes may hold
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
 * Parses `text` (BOM already removed). `maxField`: a field longer than this
 * stops the parse with an error rather than holding an attacker's gigabyte
 * cell (the whole text is already bounded by the reader's limits).
 * `maxRecords` stops after that many records (detection reads the header only).
 */
export function parseCsv(text: string, maxField: number, maxRecords = Infinity): CsvParse {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let at = 0;
  let line = 1;
  let recordLine = 1;
  const n = text.length;
  if (n === 0) return { records, error: '' };
  for (;;) {
    if (records.length >= maxRecords) return { records, error: '' };
    let value: string;
    if (text.charCodeAt(at) === QUOTE) {
      const startLine = line;
      let out = '';
      let from = at + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close < 0) return { records, error: `line ${startLine}: a quoted field is never closed` };
        out += text.slice(from, close);
        if (out.length > maxField) return { records, error: `line ${startLine}: a field is longer than ${maxField} characters` };
        if (text.charCodeAt(close + 1) === QUOTE) {
          out += '"';
          from = close + 2;
          continue;
        }
        line += countLines(text, at, close);
        at = close + 1;
        break;
      }
      const next = text.charCodeAt(at);
      if (at < n && next !== COMMA && next !== LF && !(next === CR && text.charCodeAt(at + 1) === LF)) {
        return { records, error: `line ${line}: text after a closing quote` };
      }
      value = out;
    } else {
      let end = at;
      while (end < n) {
        const c = text.charCodeAt(end);
        if (c === COMMA || c === LF || (c === CR && text.charCodeAt(end + 1) === LF)) break;
        end++;
      }
      if (end - at > maxField) return { records, error: `line ${line}: a field is longer than ${maxField} characters` };
      value = text.slice(at, end);
      at = end;
    }
    fields.push(value);
    if (at >= n) {
      records.push({ fields, line: recordLine });
      return { records, error: '' };
    }
    const c = text.charCodeAt(at);
    if (c === COMMA) {
      at++;
      continue;
    }
    // End of record: LF or CRLF.
    at += c === CR ? 2 : 1;
    records.push({ fields, line: recordLine });
    line++;
    recordLine = line;
    fields = [];
    // A final line break ends the file, not a last empty record.
    if (at >= n) return { records, error: '' };
  }
}

function countLines(text: string, from: number, to: number): number {
  let count = 0;
  for (let k = text.indexOf('\n', from); k >= 0 && k < to; k = text.indexOf('\n', k + 1)) count++;
  return count;
}

/** Whether a record is one empty field (a blank line), which readers skip. */
export function isBlankRecord(record: CsvRecord): boolean {
  return record.fields.length === 1 && record.fields[0]!.trim() === '';
}
