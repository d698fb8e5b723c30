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
}

/** gzip magic bytes 1f 8b, whatever the extension says. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** A digest by its delivery path: a `CloudTrail-Digest` folder or a `_CloudTrail-Digest_` file name. */
export function isDigestPath(path: string): boolean {
  const parts = path.split(/[\\/]/);
  if (parts.includes('CloudTrail-Digest')) return true;
  return (parts[parts.length - 1] ?? '').includes('_CloudTrail-Digest_');
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
      if (value !== undefined && kind === null) {
        const k = itemKind(value);
        if (k === 'event' || k === 'lookup' || k === 'envelope') kind = k;
      }
      items.push(value);
    }
    start = end + 1;
  }
  if (kind === null) return null;
  const reason = badLines > 0 ? `${badLines} of ${items.length} lines were not valid JSON (first at ${firstBad})` : '';
  return { shape: shapeOfKind(kind, 'jsonl'), items, reason };
}

function isBlank(text: string, start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) return false;
  }
  return true;
}

/** JSON.parse's message without V8's "in JSON at position N" tail (we say where ourselves). */
export function jsonMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/,? in JSON at position \d+.*$/s, '').replace(/\s*\(line \d+ column \d+\)$/, '');
}

/** "invalid JSON at byte 1234 (line 12, column 5): Unexpected token ..." from a JSON.parse error. */
export function invalidJsonReason(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const at = /at position (\d+)/.exec(message);
  const detail = jsonMessage(error);
  if (!at) {
    if (/Unexpected end of JSON input/.test(message)) return `invalid JSON: unexpected end of input (truncated at byte ${Buffer.byteLength(text)})`;
    return `invalid JSON: ${detail}`;
  }
  const position = Number(at[1]);
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
