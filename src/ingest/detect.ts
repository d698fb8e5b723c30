/**
 * Which shape a file's content has, decided by content and never by file
 * name (except digests, which the CloudTrail delivery path names).
 *
 * The reader hands this module parsed JSON (or the lines of a JSON-lines
 * file); it answers with the shape and the list of items, one per record
 * position. An item is the raw element: an event, a lookup-events element
 * (CloudTrailEvent string inside) or an EventBridge envelope (event in
 * `detail`). `itemKind` tells them apart, per item, so mixed files work.
 */
import type { FileShape } from '../model/types.js';

type Loose = Record<string, unknown>;

export type ItemKind = 'event' | 'lookup' | 'envelope' | 'other' | 'not-object';

export interface Extracted {
  shape: FileShape;
  /** Every record position in reader order (record refs index into this). */
  items: unknown[];
  /** Why the file is not-cloudtrail / bad, or what was skipped in a partial read. */
  reason: string;
  /** CSV shapes: 1 for each item rebuilt from CSV columns (no full record); absent for JSON. */
  lossy?: Uint8Array;
}

/** gzip magic bytes 1f 8b, whatever the extension says. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * A digest by its delivery path: a `CloudTrail-Digest` folder or a `_CloudTrail-Digest_` file name;
 * also CloudTrail Lake's `result_sign.json` beside saved query results (a signature, no events).
 */
export function isDigestPath(path: string): boolean {
  const parts = path.split(/[\\/]/);
  if (parts.includes('CloudTrail-Digest')) return true;
  const name = parts[parts.length - 1] ?? '';
  if (name === 'result_sign.json' && parts.includes('CloudTrail-Lake')) return true;
  return name.includes('_CloudTrail-Digest_');
}

function asObject(value: unknown): Loose | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : null;
}

/** Keys only CloudTrail records carry at top level (Insights records have no eventName, but insightDetails). */
function looksLikeEvent(o: Loose): boolean {
  return (
    'eventVersion' in o ||
    'eventTime' in o ||
    'eventName' in o ||
    'eventSource' in o ||
    'eventID' in o ||
    'userIdentity' in o ||
    'insightDetails' in o ||
    'awsRegion' in o ||
    'eventType' in o
  );
}

/** What one element is. Cheap property checks only: this runs once per record. */
export function itemKind(value: unknown): ItemKind {
  const o = asObject(value);
  if (!o) return 'not-object';
  if (typeof o.CloudTrailEvent === 'string' || (typeof o.EventId === 'string' && 'EventName' in o)) return 'lookup';
  const detail = asObject(o.detail);
  if (detail && ('detail-type' in o || 'source' in o)) return looksLikeEvent(detail) ? 'envelope' : 'other';
  return looksLikeEvent(o) ? 'event' : 'other';
}

function shapeOfKind(kind: ItemKind, fallback: FileShape): FileShape {
  if (kind === 'lookup') return 'lookup-events';
  if (kind === 'envelope') return 'eventbridge';
  return fallback;
}

function firstUsableKind(items: readonly unknown[]): ItemKind | null {
  for (const item of items) {
    const kind = itemKind(item);
    if (kind === 'event' || kind === 'lookup' || kind === 'envelope') return kind;
  }
  return null;
}

/** The shape and items of a whole parsed JSON document. */
export function extractItems(parsed: unknown): Extracted {
  if (Array.isArray(parsed)) {
    if (parsed.length === 0) return { shape: 'empty', items: [], reason: '' };
    const kind = firstUsableKind(parsed);
    if (!kind) return { shape: 'not-cloudtrail', items: [], reason: `a JSON array of ${parsed.length} items, none a CloudTrail event` };
    return { shape: shapeOfKind(kind, 'array'), items: parsed, reason: '' };
  }
  const o = asObject(parsed);
  if (!o) return { shape: 'not-cloudtrail', items: [], reason: `a JSON ${parsed === null ? 'null' : typeof parsed}, not CloudTrail` };
  if ('Records' in o) {
    const records = o.Records;
    if (!Array.isArray(records)) return { shape: 'bad', items: [], reason: `"Records" is ${describe(records)}, not an array` };
    if (records.length === 0) return { shape: 'empty', items: [], reason: '' };
    return { shape: 'records', items: records, reason: '' };
  }
  if ('digestStartTime' in o) return { shape: 'digest', items: [], reason: '' };
  // CloudTrail Lake's result_sign.json: the signature over a saved query's result files, counted as a digest.
  if ('hashSignature' in o && ('queryCompleteTime' in o || 'publicKeyFingerprint' in o)) return { shape: 'digest', items: [], reason: '' };
  if (Array.isArray(o.Events)) {
    if (o.Events.length === 0) return { shape: 'empty', items: [], reason: '' };
    const kind = firstUsableKind(o.Events);
    if (!kind) return { shape: 'not-cloudtrail', items: [], reason: `an "Events" list of ${o.Events.length} items, none a CloudTrail event` };
    return { shape: shapeOfKind(kind, 'lookup-events'), items: o.Events, reason: '' };
  }
  const kind = itemKind(o);
  if (kind === 'other') return { shape: 'not-cloudtrail', items: [], reason: notCloudTrailObject(o) };
  return { shape: shapeOfKind(kind, 'single'), items: [o], reason: '' };
}

function notCloudTrailObject(o: Loose): string {
  const detail = asObject(o.detail);
  if (detail && typeof o.source === 'string') return `an EventBridge event from ${JSON.stringify(o.source.slice(0, 60))}, not CloudTrail`;
  const keys = Object.keys(o);
  if (keys.length === 0) return 'an empty JSON object, not CloudTrail';
  const shown = keys
    .slice(0, 5)
    .map((k) => JSON.stringify(k.slice(0, 40)))
    .join(', ');
  return `a JSON object with no CloudTrail fields (keys ${shown}${keys.length > 5 ? ', ...' : ''})`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * JSON lines: one value per non-blank line, any text before the line's first
 * `{` ignored (CloudWatch exports prefix a timestamp). Lines that do not
 * parse become `undefined` items (counted as skipped) so every line keeps its
 * position. Returns null when no line holds a CloudTrail item: the caller
 * then reports the file as a whole.
 */
export function extractLines(text: string): Extracted | null {
  const items: unknown[] = [];
  let badLines = 0;
  let firstBad = '';
  let kind: ItemKind | null = null;
  let lineNumber = 0;
  let nonBlankLines = 0;
  let start = 0;
  let brace = -1;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNumber++;
    // The next '{' only moves forward; searching again from each line would be quadratic on brace-less text.
    if (brace < start) {
      brace = text.indexOf('{', start);
      if (brace < 0) brace = text.length;
    }
    const lineIsBlank = isBlank(text, start, end);
    if (!lineIsBlank) {
      nonBlankLines++;
      let value: unknown;
      if (brace < end) {
        try {
          value = JSON.parse(text.slice(brace, end));
        } catch (error) {
          value = undefined;
          badLines++;
          if (!firstBad) firstBad = `line ${lineNumber}: ${jsonMessage(error)}`;
        }
      } else {
        badLines++;
        if (!firstBad) firstBad = `line ${lineNumber}: no JSON object`;
      }
      // A line that is a whole trail file (`cat a.json b.json`) contributes its records.
      const records = value !== undefined ? recordsOfDocument(value) : null;
      const lineItems = records ?? [value];
      for (const item of lineItems) {
        if (item !== undefined && kind === null) {
          const k = itemKind(item);
          if (k === 'event' || k === 'lookup' || k === 'envelope') kind = k;
        }
        items.push(item);
      }
    }
    start = end + 1;
  }
  if (kind === null) return null;
  const reason = badLines > 0 ? `${badLines} of ${nonBlankLines} lines were not valid JSON (first at ${firstBad})` : '';
  return { shape: shapeOfKind(kind, 'jsonl'), items, reason };
}

function recordsOfDocument(value: unknown): unknown[] | null {
  const o = asObject(value);
  return o && Array.isArray(o.Records) ? o.Records : null;
}

function isBlank(text: string, start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) return false;
  }
  return true;
}

/** JSON.parse's message without V8's position tail or its quote of the input (we say where ourselves). */
export function jsonMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .replace(/,? in JSON at position \d+.*$/s, '')
    .replace(/, (\.\.\.)?".*" is not valid JSON$/s, '')
    .replace(/\s*\(line \d+ column \d+\)$/, '');
}

function positionOf(error: unknown): number | null {
  const message = error instanceof Error ? error.message : String(error);
  const at = /at position (\d+)/.exec(message);
  return at ? Number(at[1]) : null;
}

/** Up to this size a bad file's error position is searched for when V8 does not give it. */
const POSITION_SEARCH_LIMIT = 32 * 1024 * 1024;

/**
 * Where JSON.parse failed, for V8 messages without a position ("Unexpected
 * token"): the shortest prefix that already fails with an error inside it
 * (not merely "ends too early") ends just after the bad character. A prefix
 * fails that way exactly when it contains the error, so a binary search finds
 * it in about log2(n) parses. Only runs for files already known to be bad.
 */
function searchErrorPosition(text: string): number | null {
  if (text.length > POSITION_SEARCH_LIMIT) return null;
  const failsWithin = (length: number): boolean => {
    try {
      JSON.parse(text.slice(0, length));
      return false;
    } catch (error) {
      const message = error instanceof Error ? error.message : '';
      if (message.startsWith('Unexpected end of JSON input')) return false;
      const at = positionOf(error);
      return at === null || at < length;
    }
  };
  let lo = 1;
  let hi = text.length;
  if (!failsWithin(hi)) return null;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (failsWithin(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}

/** "invalid JSON at byte 1234 (line 12, column 5): Unexpected token ..." from a JSON.parse error. */
export function invalidJsonReason(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const detail = jsonMessage(error);
  if (message.startsWith('Unexpected end of JSON input')) {
    return `invalid JSON: unexpected end of input (truncated at byte ${Buffer.byteLength(text)})`;
  }
  const position = positionOf(error) ?? searchErrorPosition(text);
  if (position === null) return `invalid JSON: ${detail}`;
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `invalid JSON at byte ${Buffer.byteLength(before)} (line ${line}, column ${column}): ${detail}`;
}

/** Whether the text starts like a JSON document ({ or [ after whitespace). */
export function firstSignificantChar(text: string): string {
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) return text[k]!;
  }
  return '';
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

/**
 * Whether the text starts as a JSON document: `{` then `"` or `}`, or `[`
 * then a value or `]`, after whitespace. An INI file's `[section]` or a
 * shell-style `{foo}` does not: such a file is not CloudTrail and is skipped
 * with a reason, rather than counted as a bad (broken JSON) file.
 */
export function startsAsJson(text: string): boolean {
  let k = 0;
  while (k < text.length && isSpace(text.charCodeAt(k))) k++;
  const open = text[k];
  if (open !== '{' && open !== '[') return false;
  k++;
  while (k < text.length && isSpace(text.charCodeAt(k))) k++;
  if (k >= text.length) return true; // cut short: a truncated JSON file, still bad rather than skipped
  const next = text[k]!;
  if (open === '{') return next === '"' || next === '}';
  if ('{["]-0123456789'.includes(next)) return true;
  // A literal must be whole, as far as the text goes: `[true` is JSON, `[tool]` is not.
  for (const literal of ['true', 'false', 'null']) {
    const have = text.slice(k, k + literal.length);
    if (literal.startsWith(have) && (have.length === literal.length || k + have.length === text.length)) return true;
  }
  return false;
}
