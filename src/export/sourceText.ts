/**
 * The log's own text of a record the span scanner does not place (a JSON
 * lines file of several records, a lookup-events element, an EventBridge
 * envelope's detail), so the export can
 * write its numbers as logged rather than as JSON.parse left them. The text
 * is only a candidate: it is used when it parses to the very record the
 * reader gave (sourceTextFor), so a line numbered otherwise than the reader
 * numbers its items, or a file changed since, costs exactness, never the
 * wrong record.
 */
import { extractItems } from '../ingest/detect.js';
import { stringifyJson } from '../model/stringify.js';
import { terminalSafeJson } from '../term/jsonText.js';
import { compactJson } from './compactJson.js';

const NEWLINE = 0x0a;
const BRACE = 0x7b;
const RECORDS_KEY = '"Records"';

/** Whether a line is a trail document (a Records array), as the reader (ingest/detect.ts extractLines) tells. */
function holdsRecords(line: string): boolean {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && Array.isArray((value as Record<string, unknown>)['Records']);
  } catch {
    return false;
  }
}

/**
 * The text of each non-blank line of a JSON-lines file (from its first `{`,
 * as the reader parses it), in the order the reader numbers their items
 * (ingest/detect.ts extractLines); null when the text has fewer than two
 * lines holding a `{`, or a line holds a whole trail file (its records
 * would be numbered one by one), or the bytes are not UTF-8 text.
 */
export function lineTexts(bytes: Buffer): string[] | null {
  const texts: string[] = [];
  let start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end < 0) end = bytes.length;
    let from = start;
    while (from < end && (bytes[from] === 0x20 || bytes[from] === 0x09 || bytes[from] === 0x0d)) from++;
    if (from < end) {
      const brace = bytes.indexOf(BRACE, from);
      // A line without an object is an item of its own (a bad one): numbered, never a candidate.
      const text = brace >= 0 && brace < end ? bytes.toString('utf8', brace, end) : '';
      // A whole trail file on one line (`cat a.json b.jsonl`) is one item per record to the reader: every later line
      // would stand for another record, and one differing only in a number's spelling passed as this one.
      if (text.includes(RECORDS_KEY) && holdsRecords(text)) return null;
      texts.push(text);
    }
    start = end + 1;
  }
  // As the reader (read.ts extractText): lines only when the first is a whole value, not a pretty-printed document's first line.
  if (texts.length < 2 || !isJson(texts[0]!)) return null;
  return texts;
}

const CLOUDTRAIL_EVENT = Buffer.from('"CloudTrailEvent"');
const DETAIL = Buffer.from('"detail"');

/**
 * Where the log's own text of each item may be, in the reader's numbering:
 * the lines of a JSON-lines file (never when `oneDocument`: the span
 * scanner read the file as one), or, in one JSON document holding
 * lookup-events elements (`aws cloudtrail lookup-events` writes
 * {"Events":[...]}), each element's CloudTrailEvent string (null for other
 * items), or in one holding EventBridge envelopes (a JSON array of events,
 * or one envelope), each item's text. Null when none: nothing to gain over JSON.stringify.
 */
export function sourceTexts(bytes: Buffer, oneDocument: boolean): (string | null)[] | null {
  const lines = oneDocument ? null : lineTexts(bytes);
  if (lines) return lines;
  // EventBridge envelopes in one document (a JSON array of events): their details are texts inside it.
  if (bytes.indexOf(CLOUDTRAIL_EVENT) < 0) {
    if (bytes.indexOf(DETAIL) < 0) return null;
    const text = bytes.toString('utf8');
    return documentItemTexts(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  }
  // Only a lookup element's record is text inside the document; parsing it again is worth it only then.
  let items: readonly unknown[];
  try {
    const text = bytes.toString('utf8');
    items = extractItems(JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)).items;
  } catch {
    return null;
  }
  return items.map((item) => {
    const inner = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)['CloudTrailEvent'] : undefined;
    return typeof inner === 'string' ? inner : null;
  });
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const CLOUDTRAIL_EVENT_KEY = '"CloudTrailEvent"';

const DETAIL_KEY = '"detail"';

/** The end of the JSON value starting at `i` (valid JSON assumed; the caller checks what it cuts out). */
function valueEnd(text: string, i: number): number {
  let depth = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
      if (depth === 0) return i + 1;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      if (--depth <= 0) return i + 1;
    } else if (depth === 0 && (c === 0x2c || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) {
      return i;
    }
  }
  return i;
}

/**
 * The text of the last top-level `key` (quoted, as DETAIL_KEY) of the object `line` whose value
 * starts with the character `open` (`{` or `[`), or null; the last such key counts, as in JSON.parse.
 */
function topLevelValueText(line: string, key: string, open: number): string | null {
  let found: string | null = null;
  let i = line.indexOf('{');
  if (i < 0) return null;
  for (i++; i < line.length; ) {
    const c = line.charCodeAt(i);
    if (c !== 0x22) {
      i++;
      continue;
    }
    // A key at the top level: its value follows the colon.
    const keyEnd = valueEnd(line, i);
    const name = line.slice(i, keyEnd);
    let at = keyEnd;
    while (at < line.length && line.charCodeAt(at) !== 0x3a) at++;
    at++;
    while (at < line.length && /\s/.test(line[at]!)) at++;
    const end = valueEnd(line, at);
    if (name === key && line.charCodeAt(at) === open) found = line.slice(at, end);
    i = end;
  }
  return found;
}

/**
 * The text of an EventBridge envelope's top-level "detail" object (its
 * record: what EventBridge, and Firehose after it, writes as JSON lines),
 * or null.
 */
function detailText(line: string): string | null {
  return topLevelValueText(line, DETAIL_KEY, 0x7b);
}

function isSpaceCode(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** The texts of the elements of the JSON array `array` (valid JSON assumed: the caller checks each). */
function elementTexts(array: string): string[] {
  const texts: string[] = [];
  let i = 1;
  while (i < array.length) {
    while (i < array.length && isSpaceCode(array.charCodeAt(i))) i++;
    if (i >= array.length || array.charCodeAt(i) === 0x5d) break;
    const end = valueEnd(array, i);
    texts.push(array.slice(i, end));
    i = end;
    while (i < array.length && isSpaceCode(array.charCodeAt(i))) i++;
    // The comma between elements (anything else ends the list: not JSON, nothing gained).
    if (array.charCodeAt(i) !== 0x2c) break;
    i++;
  }
  return texts;
}

/**
 * The texts of the items of one JSON document as the reader numbers them (ingest/detect.ts
 * extractItems: a bare array's elements, a Records or Events list's, else the document itself), or
 * null for what is no JSON array or object.
 */
function documentItemTexts(text: string): string[] | null {
  let at = 0;
  while (at < text.length && isSpaceCode(text.charCodeAt(at))) at++;
  if (text.charCodeAt(at) === 0x5b) return elementTexts(text.slice(at));
  if (text.charCodeAt(at) !== 0x7b) return null;
  const list = topLevelValueText(text, '"Records"', 0x5b) ?? topLevelValueText(text, '"Events"', 0x5b);
  // Neither list: the document is its one item (a single record or envelope).
  return list === null ? [text.slice(at)] : elementTexts(list);
}

/** The record text a candidate stands for: a lookup element's CloudTrailEvent, an envelope's detail, else the candidate itself. */
function recordTextOf(candidate: string): string | null {
  // Only a line that may be a lookup element is parsed: the comparison below checks the rest without a parse.
  if (!candidate.includes(CLOUDTRAIL_EVENT_KEY)) return candidate.includes(DETAIL_KEY) ? (detailText(candidate) ?? candidate) : candidate;
  let value: unknown;
  try {
    value = JSON.parse(candidate);
  } catch {
    return null;
  }
  const inner = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['CloudTrailEvent'] : undefined;
  return typeof inner === 'string' ? inner : candidate;
}

function isNumberStart(c: number): boolean {
  return c === 0x2d || (c >= 0x30 && c <= 0x39);
}

/** The end of the number token starting at i. */
function numberEnd(text: string, i: number): number {
  for (i++; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!(isNumberStart(c) || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45)) break;
  }
  return i;
}

/**
 * Whether `text` (JSON without white space between tokens) is the value
 * JSON.stringify wrote as `stringified`: the same characters but for how
 * numbers are spelled (a number past double range is JSON.stringify's
 * null). Strings compare as text: an unescaped string is spelled alike by
 * both. One pass over both, building neither value.
 */
export function sameValueText(text: string, stringified: string): boolean {
  let i = 0;
  let j = 0;
  let inString = false;
  while (i < text.length && j < stringified.length) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c !== stringified.charCodeAt(j)) return false;
      if (c === 0x5c) {
        if (text.charCodeAt(i + 1) !== stringified.charCodeAt(j + 1)) return false;
        i += 2;
        j += 2;
        continue;
      }
      if (c === 0x22) inString = false;
      i++;
      j++;
      continue;
    }
    if (isNumberStart(c)) {
      const end = numberEnd(text, i);
      const value = Number(text.slice(i, end));
      if (!Number.isFinite(value)) {
        if (!stringified.startsWith('null', j)) return false;
        j += 4;
      } else {
        if (!isNumberStart(stringified.charCodeAt(j))) return false;
        const other = numberEnd(stringified, j);
        if (Number(stringified.slice(j, other)) !== value) return false;
        j = other;
      }
      i = end;
      continue;
    }
    if (c !== stringified.charCodeAt(j)) return false;
    if (c === 0x22) inString = true;
    i++;
    j++;
  }
  return i === text.length && j === stringified.length;
}

/**
 * The export's text of `record` from the log's own `candidate` (a line, or a
 * lookup element's CloudTrailEvent): one compact, terminal-safe line,
 * numbers as logged (export/compactJson.ts); null when the candidate is not
 * that record (another record, a trail file on one line, keys JSON.parse
 * reorders or repeats): then the caller writes JSON.stringify's text, as before.
 */
export function sourceTextFor(candidate: string | null | undefined, record: unknown): string | null {
  if (!candidate) return null;
  const text = recordTextOf(candidate)?.trimEnd();
  if (!text) return null;
  const stringified = stringifyJson(record);
  // Most lines are written compactly (by JSON.stringify, or by an export read again): no compaction needed.
  if (text === stringified || sameValueText(text, stringified)) return terminalSafeJson(text);
  let compact: string;
  try {
    compact = compactJson(Buffer.from(text, 'utf8')).toString('utf8');
  } catch {
    // Not JSON (a bad line): its record came from elsewhere.
    return null;
  }
  return sameValueText(compact, stringified) ? terminalSafeJson(compact) : null;
}
