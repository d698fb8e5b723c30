/**
 * The log's own text of a record the span scanner does not place (a JSON
 * lines file of several records, a lookup-events line), so the export can
 * write its numbers as logged rather than as JSON.parse left them. The text
 * is only a candidate: it is used when it parses to the very record the
 * reader gave (sourceTextFor), so a line numbered otherwise than the reader
 * numbers its items, or a file changed since, costs exactness, never the
 * wrong record.
 */
import { stringifyJson } from '../model/stringify.js';
import { terminalSafeJson } from '../term/jsonText.js';
import { compactJson } from './compactJson.js';

const NEWLINE = 0x0a;
const BRACE = 0x7b;

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
      texts.push(brace >= 0 && brace < end ? bytes.toString('utf8', brace, end) : '');
    }
    start = end + 1;
  }
  if (texts.length < 2) return null;
  return texts;
}

/** The record text a line's value stands for: a lookup element's CloudTrailEvent, else the line itself; null for a trail file on one line. */
function recordTextOfLine(line: string): { text: string; value: unknown } | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const object = value as Record<string, unknown>;
  if (Array.isArray(object['Records'])) return null;
  const inner = object['CloudTrailEvent'];
  if (typeof inner === 'string') {
    try {
      return { text: inner, value: JSON.parse(inner) as unknown };
    } catch {
      return null;
    }
  }
  return { text: line, value };
}

/**
 * The export's text of `record` from the log's own `candidate` line (one
 * compact, terminal-safe line, numbers as logged: export/compactJson.ts),
 * or null when the line is not that record: then the caller writes
 * JSON.stringify's text, as before.
 */
export function sourceTextFor(candidate: string | undefined, record: unknown): string | null {
  if (!candidate) return null;
  const found = recordTextOfLine(candidate);
  if (found === null) return null;
  const expected = stringifyJson(record);
  if (stringifyJson(found.value) !== expected) return null;
  return terminalSafeJson(compactJson(Buffer.from(found.text, 'utf8')).toString('utf8'));
}
