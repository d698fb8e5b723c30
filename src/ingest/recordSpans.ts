/**
 * Where each record lies in a file's bytes, numbered exactly as the reader
 * numbers them (RecordRef.index), without parsing the file into objects: a
 * JSON export can then copy a record's original bytes instead of parsing and
 * stringifying it.
 *
 * The scanner validates the whole document with JSON's grammar (what
 * JSON.parse accepts, on valid UTF-8) and handles only the shapes whose items
 * are spans of the file: `{"Records":[...]}`, a bare array and a single
 * object, numbered as read.ts extractText and detect.ts extractItems number
 * them (keep the three in step). Everything else (JSON lines, documents back to back, UTF-16, bad
 * JSON, lookup-events and EventBridge shapes, escaped keys at the top) gives
 * null, and the caller reads the file the ordinary way.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { fileIdentity } from '../model/recordBatch.js';
import { memoryInflateLimit } from './limits.js';
import { closeQuietly, openRegularFile, readUpTo } from './safeOpen.js';
import { gunzipSync } from 'node:zlib';
import { isDigestPath, isGzip } from './detect.js';
import { gunzipChunk, inflateChecked } from './gunzip.js';
import { STREAM_THRESHOLD } from './read.js';

/** The item is an object whose record is the item itself (not a lookup element or an envelope). */
export const SPAN_PLAIN = 1;
/** The span holds bytes >= 0x7f (inside strings): not ASCII, may need terminal-safe escapes. */
export const SPAN_NON_ASCII = 2;
/** The span holds CR or LF (whitespace between tokens, as in a pretty-printed file). */
export const SPAN_LINE_BREAK = 4;
/**
 * The span may not be its record as JSON.stringify writes it: white space
 * between tokens, a `\/` or `\u` escape, or a number JSON.stringify may spell
 * otherwise (a fraction, an exponent, -0, more than 15 digits). Without it the
 * bytes are JSON.stringify(JSON.parse(bytes)) exactly, but for repeated keys.
 */
export const SPAN_NOT_COMPACT = 8;

/** Counts what makes a span SPAN_NOT_COMPACT as the scan meets it (skipSpace, stringEnd, scanNumber); sampled at an item's ends. */
let notCompact = 0;

export interface RecordSpans {
  /** The decoded file (gunzipped, UTF-8). */
  bytes: Buffer;
  /** Item i lies at bytes[starts[i], ends[i]). */
  starts: number[];
  ends: number[];
  /** SPAN_* bits per item. */
  flags: number[];
  /**
   * Where item i's top-level "eventID" string lies, without its quotes:
   * bytes[idStarts[i], idEnds[i]) (the last such key, as JSON.parse keeps);
   * -1 when the item has none, its value is not a string, or the item is the
   * whole document. The text may hold escapes.
   */
  idStarts: number[];
  idEnds: number[];
  /**
   * Where item i's top-level eventSource and eventName strings and its
   * userIdentity.type string lie, without quotes, as six numbers from
   * fields[i * 6]: (start, end) for each of the three in that order. -1: the
   * item has no such value (the key is missing, or userIdentity is null or
   * has no type); -2: the value is there but is not a string (or the item is
   * the whole document): only the parsed record can tell. The text may hold
   * escapes. Lets the detection rules (detect/fastFile.ts) decide which
   * records can fire without parsing them. Empty when the scan was asked
   * not to note them (ScanOptions.fields false).
   */
  fields: number[];
  /**
   * With a SpanKeys given to scanRecordSpans: where item i's top-level value
   * of key k lies, quotes and brackets included, as two numbers from
   * values[(i * keys.count + k) * 2]: bytes[start, end). -1: the item has no
   * such key; -2: the item is the whole document (only the parsed record can
   * tell). As in JSON.parse, the last of repeated keys counts.
   */
  values?: number[];
  /** fileIdentity of the version scanned (readRecordSpans), to check against a row's RecordBatch.identity. */
  identity?: string;
}

/**
 * Deeper than this, the scanner gives up: the reader's JSON.parse may
 * overflow its stack where this scanner would not, and the two must agree.
 */
const MAX_DEPTH = 4096;

const ARRAY = 0;
const OBJECT = 1;

function bytesOf(word: string): Uint8Array {
  return Uint8Array.from(word, (c) => c.charCodeAt(0));
}

/** Top-level keys that make an item something other than the record itself (detect.ts itemKind). */
const SPECIAL_KEYS = ['CloudTrailEvent', 'EventId', 'detail'].map(bytesOf);
/** Keys that make an object a CloudTrail event (detect.ts looksLikeEvent). */
const EVENT_KEYS = ['eventVersion', 'eventTime', 'eventName', 'eventSource', 'eventID', 'userIdentity', 'insightDetails', 'awsRegion', 'eventType'].map(bytesOf);
const RECORDS = bytesOf('Records');
const EVENT_ID = bytesOf('eventID');
const EVENT_SOURCE = bytesOf('eventSource');
const EVENT_NAME = bytesOf('eventName');
const USER_IDENTITY = bytesOf('userIdentity');
const TYPE = bytesOf('type');
/** Slots of RecordSpans.fields: which value a key's value is noted as. */
const FIELD_SOURCE = 0;
const FIELD_NAME = 2;
const FIELD_TYPE = 4;
const FIELD_IDENTITY = 6;
const NO_FIELD = -1;
/** RecordSpans.fields: the value is missing / not a string. */
export const FIELD_ABSENT = -1;
export const FIELD_NOT_STRING = -2;
const ROOT_SPECIAL_KEYS = ['digestStartTime', 'Events'].map(bytesOf);

/**
 * Top-level keys whose values scanRecordSpans notes for each item
 * (RecordSpans.values), so a reader can take a few fields from the bytes
 * without parsing the record (scan/extract.ts). Escaped keys are never
 * matched: an item with one is not SPAN_PLAIN anyway.
 */
export class SpanKeys {
  readonly count: number;
  /** The keys, in the order of their values. */
  readonly names: readonly string[];
  private readonly words: Uint8Array[];
  /** By first byte and length (below 32): the keys that start with that byte and have that length. */
  private readonly byStart: (number[] | undefined)[] = new Array<number[] | undefined>(256 * 32);

  constructor(names: readonly string[]) {
    this.words = names.map(bytesOf);
    this.names = [...names];
    this.count = names.length;
    this.words.forEach((word, k) => {
      if (word.length === 0 || word.length >= 32) throw new Error(`SpanKeys: '${names[k]}' is not 1 to 31 bytes long`);
      const list = (this.byStart[(word[0]! << 5) | word.length] ??= []);
      list.push(k);
    });
  }

  /** The index of the key at b[start, end), or -1. */
  slotOf(b: Uint8Array, start: number, end: number): number {
    const length = end - start;
    if (length <= 0 || length >= 32) return -1;
    const list = this.byStart[(b[start]! << 5) | length];
    if (list === undefined) return -1;
    for (let i = 0; i < list.length; i++) {
      const word = this.words[list[i]!]!;
      let k = 1;
      while (k < length && b[start + k] === word[k]) k++;
      if (k === length) return list[i]!;
    }
    return -1;
  }
}

function keyIs(b: Uint8Array, start: number, end: number, word: Uint8Array): boolean {
  if (end - start !== word.length) return false;
  for (let k = 0; k < word.length; k++) if (b[start + k] !== word[k]) return false;
  return true;
}

function keyIn(b: Uint8Array, start: number, end: number, words: readonly Uint8Array[]): boolean {
  for (const word of words) if (keyIs(b, start, end, word)) return true;
  return false;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** The bytes being scanned (scanRecordSpans sets it; the scan is synchronous, so one at a time). */
let words: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

/**
 * The first index at or after i of a quote, a backslash or a control byte
 * (anything but a plain string byte), or the start of the last three bytes
 * or fewer, which the caller's byte loop reads: string bytes read four at a
 * time (SWAR). For each of "byte < 0x20", "byte == 0x22" and "byte ==
 * 0x5c", (x - 0x01..) & ~x & 0x80.. is nonzero exactly when some byte of x
 * is zero (a borrow only starts at a zero byte), and bytes >= 0x80 never set
 * it. Strings are four fifths of a
 * CloudTrail file's bytes. Reads `words`, the bytes scanRecordSpans is
 * scanning (a module variable: measurably faster than a parameter here).
 */
function plainRun(i: number, n: number): number {
  const last = n - 4;
  while (i <= last) {
    const w = words.getInt32(i, true);
    const quote = w ^ 0x22222222;
    const slash = w ^ 0x5c5c5c5c;
    const found = (((w - 0x20202020) & ~w) | ((quote - 0x01010101) & ~quote) | ((slash - 0x01010101) & ~slash)) & 0x80808080;
    // The lowest flag is exact (a borrow only runs upwards from a flagged byte): that byte, without a byte loop.
    if (found !== 0) return i + ((31 - Math.clz32(found & -found)) >> 3);
    i += 4;
  }
  return i;
}

/**
 * The index after the string opening at i, or -1 when it is not a valid JSON
 * string. Bytes >= 0x80 need no check here: the whole file is valid UTF-8.
 * `words` must view the same bytes as `b`.
 */
function stringEnd(b: Uint8Array, i: number, n: number): number {
  i++;
  for (;;) {
    i = plainRun(i, n);
    let c = b[i];
    while (c >= 0x20 && c !== 0x22 && c !== 0x5c) c = b[++i];
    if (c === 0x22) return i + 1;
    if (c !== 0x5c || i + 1 >= n) return -1;
    const e = b[i + 1];
    if (e === 0x75) {
      if (i + 5 >= n || !isHex(b[i + 2]) || !isHex(b[i + 3]) || !isHex(b[i + 4]) || !isHex(b[i + 5])) return -1;
      notCompact++;
      i += 6;
    } else if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
      if (e === 0x2f) notCompact++;
      i += 2;
    } else return -1;
  }
}

/** Keys an item's checks care about start with one of these bytes (C, E, d; e, u, i, a). */
function mayBeSpecial(first: number): boolean {
  return first === 0x43 || first === 0x45 || first === 0x64;
}

function mayBeEventKey(first: number): boolean {
  return first === 0x65 || first === 0x75 || first === 0x69 || first === 0x61;
}

/** JSON white space; one comparison for the common case of a byte above space. */
function skipSpace(b: Uint8Array, i: number): number {
  let c = b[i];
  if (c > 0x20) return i;
  const from = i;
  while (c <= 0x20 && (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) c = b[++i];
  if (i !== from) notCompact++;
  return i;
}

/** The index after the number starting at i, or -1 (JSON's number grammar: no leading zeros, no bare dot). */
function scanNumber(b: Uint8Array, i: number, n: number): number {
  const start = i;
  if (b[i] === 0x2d) i++;
  if (i >= n) return -1;
  if (b[i] === 0x30) {
    i++;
    // -0: JSON.stringify writes 0.
    if (i - start === 2) notCompact++;
  } else if (b[i] >= 0x31 && b[i] <= 0x39) {
    i++;
    while (i < n && isDigit(b[i])) i++;
    // Past 15 digits a number may not survive JSON.parse as written.
    if (i - start > 15) notCompact++;
  } else return -1;
  if (i < n && (b[i] === 0x2e || b[i] === 0x65 || b[i] === 0x45)) notCompact++;
  if (i < n && b[i] === 0x2e) {
    i++;
    if (i >= n || !isDigit(b[i])) return -1;
    while (i < n && isDigit(b[i])) i++;
  }
  if (i < n && (b[i] === 0x65 || b[i] === 0x45)) {
    i++;
    if (i < n && (b[i] === 0x2b || b[i] === 0x2d)) i++;
    if (i >= n || !isDigit(b[i])) return -1;
    while (i < n && isDigit(b[i])) i++;
  }
  return i;
}

const TRUE = bytesOf('true');
const FALSE = bytesOf('false');
const NULL = bytesOf('null');

function scanLiteral(b: Uint8Array, i: number, n: number): number {
  const word = b[i] === 0x74 ? TRUE : b[i] === 0x66 ? FALSE : NULL;
  if (i + word.length > n || !keyIs(b, i, i + word.length, word)) return -1;
  return i + word.length;
}

/** The kinds of the containers skipContainer is inside (OBJECT or ARRAY), innermost last. */
const nested = new Uint8Array(MAX_DEPTH);

/**
 * The index after the object or array opening at i, or -1 when it is not
 * valid JSON (or nests past MAX_DEPTH, counting the `depth` containers
 * around it). Only checks the grammar: the scanner's bookkeeping (items,
 * their ids, fields and keyed values) is about an item's top-level keys, so
 * what lies deeper is read by this loop alone, with nothing to note. Most of
 * a CloudTrail record's tokens lie there (userIdentity, requestParameters,
 * resources...).
 */
function skipContainer(b: Uint8Array, i: number, n: number, depth: number): number {
  let top = 0;
  let inObject = b[i] === 0x7b;
  nested[0] = inObject ? OBJECT : ARRAY;
  i++;
  for (;;) {
    // At the start of a member (object) or element (array), or at the close of an empty container.
    let c = b[i];
    if (c <= 0x20) c = b[(i = skipSpace(b, i))];
    if (c === (inObject ? 0x7d : 0x5d)) {
      // Empty: closed below like any container.
      i++;
      if (--top < 0) return i;
      inObject = nested[top] === OBJECT;
    } else {
      if (inObject) {
        if (c !== 0x22) return -1;
        i = stringEnd(b, i, n);
        if (i < 0) return -1;
        c = b[i];
        if (c <= 0x20) c = b[(i = skipSpace(b, i))];
        if (c !== 0x3a) return -1;
        c = b[++i];
        if (c <= 0x20) c = b[(i = skipSpace(b, i))];
      }
      if (c === 0x22) i = stringEnd(b, i, n);
      else if (c === 0x7b || c === 0x5b) {
        if (depth + top + 1 >= MAX_DEPTH) return -1;
        inObject = c === 0x7b;
        nested[++top] = inObject ? OBJECT : ARRAY;
        i++;
        continue;
      } else if (c === 0x2d || isDigit(c)) i = scanNumber(b, i, n);
      else if (c === 0x74 || c === 0x66 || c === 0x6e) i = scanLiteral(b, i, n);
      else return -1;
      if (i < 0) return -1;
    }
    // After a value: a comma, or the container closes (and so on outwards).
    for (;;) {
      c = b[i];
      if (c <= 0x20) c = b[(i = skipSpace(b, i))];
      if (c === 0x2c) {
        i++;
        // A comma must be followed by a value (an object's by a key): not by a close.
        c = b[i];
        if (c <= 0x20) c = b[(i = skipSpace(b, i))];
        if (c === 0x7d || c === 0x5d) return -1;
        break;
      }
      if (c !== (inObject ? 0x7d : 0x5d)) return -1;
      i++;
      if (--top < 0) return i;
      inObject = nested[top] === OBJECT;
    }
  }
}

/**
 * Collects item spans and their flags. The file-wide facts (all ASCII, where
 * DEL, LF and CR occur) make the per-item flags cheap in the common case.
 */
class Items {
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  readonly flags: number[] = [];
  readonly idStarts: number[] = [];
  readonly idEnds: number[] = [];
  readonly fields: number[] = [];
  /** With SpanKeys: RecordSpans.values. */
  readonly values: number[] | undefined;
  anyPlainEvent = false;
  private readonly ascii: boolean;
  private del: number;
  private lf: number;
  private cr: number;

  constructor(
    private readonly b: Buffer,
    private readonly keyCount = 0,
    private readonly withFields = true,
  ) {
    if (keyCount > 0) this.values = [];
    this.ascii = isAscii(b);
    this.del = b.indexOf(0x7f);
    this.lf = b.indexOf(0x0a);
    this.cr = b.indexOf(0x0d);
  }

  /** Whether the file is valid UTF-8 (checked only when it is not plain ASCII). */
  utf8(): boolean {
    return this.ascii || isUtf8(this.b);
  }

  add(start: number, end: number, plain: boolean, eventLike: boolean, idStart = -1, idEnd = -1, fields: readonly number[] = WHOLE_DOCUMENT_FIELDS, values?: readonly number[], compact = false): void {
    if (this.values) {
      if (values) for (let k = 0; k < this.keyCount * 2; k++) this.values.push(values[k]!);
      else for (let k = 0; k < this.keyCount * 2; k++) this.values.push(-2);
    }
    const b = this.b;
    let flag = (plain ? SPAN_PLAIN : 0) | (compact ? 0 : SPAN_NOT_COMPACT);
    if (this.del >= 0 && this.del < start) this.del = b.indexOf(0x7f, start);
    if (this.lf >= 0 && this.lf < start) this.lf = b.indexOf(0x0a, start);
    if (this.cr >= 0 && this.cr < start) this.cr = b.indexOf(0x0d, start);
    if ((this.del >= 0 && this.del < end) || (!this.ascii && !isAscii(b.subarray(start, end)))) flag |= SPAN_NON_ASCII;
    if ((this.lf >= 0 && this.lf < end) || (this.cr >= 0 && this.cr < end)) flag |= SPAN_LINE_BREAK;
    this.starts.push(start);
    this.ends.push(end);
    this.flags.push(flag);
    this.idStarts.push(idStart);
    this.idEnds.push(idEnd);
    if (this.withFields) this.fields.push(fields[0]!, fields[1]!, fields[2]!, fields[3]!, fields[4]!, fields[5]!);
    if (plain && eventLike) this.anyPlainEvent = true;
  }

  spans(): RecordSpans {
    const spans: RecordSpans = { bytes: this.b, starts: this.starts, ends: this.ends, flags: this.flags, idStarts: this.idStarts, idEnds: this.idEnds, fields: this.fields };
    if (this.values) spans.values = this.values;
    return spans;
  }
}

const WHOLE_DOCUMENT_FIELDS: readonly number[] = [FIELD_NOT_STRING, FIELD_NOT_STRING, FIELD_NOT_STRING, FIELD_NOT_STRING, FIELD_NOT_STRING, FIELD_NOT_STRING];

export interface ScanOptions {
  /**
   * Note each item's eventSource, eventName and userIdentity.type
   * (RecordSpans.fields); default true. Readers that never look at them (a
   * filter's literal search, the deep search) save about a tenth of the scan.
   */
  fields?: boolean;
}

/**
 * Spans of the items of a decoded file (gunzipped bytes, as the reader
 * decodes them), or null when the file is not one this scanner handles
 * exactly like the reader (see the module comment).
 */
export function scanRecordSpans(input: Buffer, keys?: SpanKeys, options: ScanOptions = {}): RecordSpans | null {
  try {
    words = new DataView(input.buffer, input.byteOffset, input.length);
    return scanSpans(input, keys, options.fields ?? true);
  } finally {
    // Not kept alive past the scan.
    words = NO_WORDS;
  }
}

const NO_WORDS = new DataView(new ArrayBuffer(0));

/**
 * What scanItem notes about one item object: the RecordSpans facts that the
 * Items collector takes (Items.add). Reused from item to item.
 */
class ItemNotes {
  plain = true;
  eventLike = false;
  idStart = -1;
  idEnd = -1;
  readonly fields = [FIELD_ABSENT, FIELD_ABSENT, FIELD_ABSENT, FIELD_ABSENT, FIELD_ABSENT, FIELD_ABSENT];
  readonly values: number[];

  constructor(keyCount: number) {
    this.values = new Array<number>(keyCount * 2).fill(-1);
  }

  reset(): void {
    this.plain = true;
    this.eventLike = false;
    this.idStart = this.idEnd = -1;
    // Loops, not fill(): a builtin call each, for six and two numbers an item, cost more than the loops.
    const fields = this.fields;
    for (let k = 0; k < fields.length; k++) fields[k] = FIELD_ABSENT;
    const values = this.values;
    for (let k = 0; k < values.length; k++) values[k] = -1;
  }
}

/**
 * The index after the item object opening at i (inside `depth` containers),
 * or -1 when it is not valid JSON: its top-level keys noted into `notes`
 * (which the caller has reset), every value below them read by
 * skipContainer, except the userIdentity object whose type `withFields`
 * notes (scanIdentity). As in JSON.parse, a later repeated key wins.
 */
function scanItem(b: Uint8Array, i: number, n: number, depth: number, keys: SpanKeys | undefined, withFields: boolean, notes: ItemNotes): number {
  if (depth >= MAX_DEPTH) return -1;
  let c = b[++i];
  if (c <= 0x20) c = b[(i = skipSpace(b, i))];
  if (c === 0x7d) return i + 1;
  for (;;) {
    if (c !== 0x22) return -1;
    const keyStart = i + 1;
    // Most keys are plain: scan those here, and know without a second look that they hold no escape.
    let k = plainRun(keyStart, n);
    let kc = b[k];
    while (kc >= 0x20 && kc !== 0x22 && kc !== 0x5c) kc = b[++k];
    const escaped = kc !== 0x22;
    i = escaped ? stringEnd(b, i, n) : k + 1;
    if (i < 0) return -1;
    const keyEnd = i - 1;
    let isId = false;
    let field = NO_FIELD;
    let slot = -1;
    if (escaped) {
      // An escaped key may spell a special one; such items are left to the reader.
      notes.plain = false;
    } else {
      const first = b[keyStart];
      if (first === 0x65) {
        isId = keyIs(b, keyStart, keyEnd, EVENT_ID);
        if (withFields && !isId) field = keyIs(b, keyStart, keyEnd, EVENT_SOURCE) ? FIELD_SOURCE : keyIs(b, keyStart, keyEnd, EVENT_NAME) ? FIELD_NAME : NO_FIELD;
      } else if (withFields && first === 0x75 && keyIs(b, keyStart, keyEnd, USER_IDENTITY)) field = FIELD_IDENTITY;
      if (keys !== undefined) slot = keys.slotOf(b, keyStart, keyEnd);
      if (mayBeSpecial(first) && keyIn(b, keyStart, keyEnd, SPECIAL_KEYS)) notes.plain = false;
      else if (!notes.eventLike && mayBeEventKey(first) && keyIn(b, keyStart, keyEnd, EVENT_KEYS)) notes.eventLike = true;
    }
    c = b[i];
    if (c <= 0x20) c = b[(i = skipSpace(b, i))];
    if (c !== 0x3a) return -1;
    c = b[++i];
    if (c <= 0x20) c = b[(i = skipSpace(b, i))];

    // The value.
    const valueStart = i;
    // A later "eventID" key wins (as in JSON.parse); one whose value is not a string leaves none.
    if (isId) notes.idStart = notes.idEnd = -1;
    if (c === 0x22) {
      i = stringEnd(b, i, n);
      if (i < 0) return -1;
      if (isId) {
        notes.idStart = valueStart + 1;
        notes.idEnd = i - 1;
      }
      if (field === FIELD_IDENTITY) notes.fields[FIELD_TYPE] = notes.fields[FIELD_TYPE + 1] = FIELD_NOT_STRING;
      else if (field !== NO_FIELD) {
        notes.fields[field] = valueStart + 1;
        notes.fields[field + 1] = i - 1;
      }
    } else {
      if (c === 0x7b || c === 0x5b) {
        if (depth + 1 >= MAX_DEPTH) return -1;
        // A later userIdentity wins, as in JSON.parse: a second one forgets the first one's type.
        if (field === FIELD_IDENTITY && c === 0x7b) i = scanIdentity(b, i, n, depth + 1, notes.fields);
        else i = skipContainer(b, i, n, depth + 1);
      } else if (c === 0x2d || isDigit(c)) i = scanNumber(b, i, n);
      else if (c === 0x74 || c === 0x66 || c === 0x6e) i = scanLiteral(b, i, n);
      else return -1;
      if (i < 0) return -1;
      if (field === FIELD_IDENTITY) {
        if (c !== 0x7b) notes.fields[FIELD_TYPE] = notes.fields[FIELD_TYPE + 1] = c === 0x6e ? FIELD_ABSENT : FIELD_NOT_STRING;
      } else if (field !== NO_FIELD) notes.fields[field] = notes.fields[field + 1] = FIELD_NOT_STRING;
    }
    if (slot >= 0) {
      notes.values[slot * 2] = valueStart;
      notes.values[slot * 2 + 1] = i;
    }

    c = b[i];
    if (c <= 0x20) c = b[(i = skipSpace(b, i))];
    if (c === 0x7d) return i + 1;
    if (c !== 0x2c) return -1;
    c = b[++i];
    if (c <= 0x20) c = b[(i = skipSpace(b, i))];
  }
}

/**
 * scanItem's reading of a userIdentity object (opening at i, inside `depth`
 * containers): its type noted into fields[FIELD_TYPE..+1] (absent until a
 * "type" key; a later one wins; one that is not a string is noted so), what
 * lies deeper read by skipContainer. An escaped key is never taken for
 * "type" (only the parsed record can tell what it spells).
 */
function scanIdentity(b: Uint8Array, i: number, n: number, depth: number, fields: number[]): number {
  fields[FIELD_TYPE] = fields[FIELD_TYPE + 1] = FIELD_ABSENT;
  let c = b[++i];
  if (c <= 0x20) c = b[(i = skipSpace(b, i))];
  if (c === 0x7d) return i + 1;
  for (;;) {
    if (c !== 0x22) return -1;
    const keyStart = i + 1;
    i = stringEnd(b, i, n);
    if (i < 0) return -1;
    const isType = b[keyStart] === 0x74 && keyIs(b, keyStart, i - 1, TYPE);
    c = b[i];
    if (c <= 0x20) c = b[(i = skipSpace(b, i))];
    if (c !== 0x3a) return -1;
    c = b[++i];
    if (c <= 0x20) c = b[(i = skipSpace(b, i))];
    const valueStart = i;
    if (c === 0x22) i = stringEnd(b, i, n);
    else if (c === 0x7b || c === 0x5b) i = depth + 1 >= MAX_DEPTH ? -1 : skipContainer(b, i, n, depth + 1);
    else if (c === 0x2d || isDigit(c)) i = scanNumber(b, i, n);
    else if (c === 0x74 || c === 0x66 || c === 0x6e) i = scanLiteral(b, i, n);
    else return -1;
    if (i < 0) return -1;
    if (isType) {
      if (c === 0x22) {
        fields[FIELD_TYPE] = valueStart + 1;
        fields[FIELD_TYPE + 1] = i - 1;
      } else fields[FIELD_TYPE] = fields[FIELD_TYPE + 1] = FIELD_NOT_STRING;
    }
    c = b[i];
    if (c <= 0x20) c = b[(i = skipSpace(b, i))];
    if (c === 0x7d) return i + 1;
    if (c !== 0x2c) return -1;
    c = b[++i];
    if (c <= 0x20) c = b[(i = skipSpace(b, i))];
  }
}

function scanSpans(input: Buffer, keys: SpanKeys | undefined, withFields: boolean): RecordSpans | null {
  const n = input.length;
  // UTF-16 (the reader decodes it by its byte-order mark) and invalid UTF-8 (decoded lossily) are left to the reader.
  if (n >= 2 && ((input[0] === 0xff && input[1] === 0xfe) || (input[0] === 0xfe && input[1] === 0xff))) return null;
  const keyCount = keys?.count ?? 0;
  const items = new Items(input, keyCount, withFields);
  if (!items.utf8()) return null;
  const b = input;
  let i = n >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;

  const stack: number[] = [];
  let depth = 0;
  // After '{' or ',' in an object: a key comes next.
  let expectKey = false;

  // Items are the values at depth itemsDepth, in the Records array or the root array. An object item is read
  // by scanItem (its notes here); any other item by this loop, whose values inside it skipContainer reads.
  let itemsDepth = -1;
  let itemStart = -1;
  /** notCompact when the item began; and when the root value ended. */
  let itemNotCompact = 0;
  let rootNotCompact = -1;
  const notes = new ItemNotes(keyCount);

  // The root object's keys decide the shape (detect.ts extractItems).
  i = skipSpace(b, i);
  const rootStart = i;
  const rootNotCompactBefore = notCompact;
  const rootKind = b[i] === 0x5b ? ARRAY : b[i] === 0x7b ? OBJECT : -1;
  // The reader reads a document that starts otherwise as JSON lines.
  if (rootKind < 0) return null;
  let recordsKeys = 0;
  let recordsValueNext = false;
  let recordsIsArray = false;
  let rootEscapedKey = false;
  let rootSpecialKey = false;
  let rootPlain = true;
  let rootEventLike = false;

  for (;;) {
    i = skipSpace(b, i);
    if (expectKey) {
      if (b[i] !== 0x22) return null;
      const keyStart = i + 1;
      i = stringEnd(b, i, n);
      if (i < 0) return null;
      const keyEnd = i - 1;
      // Keys are only read here at the root (the root object's, a single event's): an item's are scanItem's.
      if (depth === 1 && rootKind === OBJECT) {
        let escaped = false;
        for (let k = keyStart; k < keyEnd; k++) if (b[k] === 0x5c) escaped = true;
        if (escaped) rootEscapedKey = true;
        else if (keyIs(b, keyStart, keyEnd, RECORDS)) {
          recordsKeys++;
          recordsValueNext = true;
        } else if (keyIn(b, keyStart, keyEnd, ROOT_SPECIAL_KEYS)) rootSpecialKey = true;
        else if (keyIn(b, keyStart, keyEnd, SPECIAL_KEYS)) rootPlain = false;
        else if (keyIn(b, keyStart, keyEnd, EVENT_KEYS)) rootEventLike = true;
      }
      i = skipSpace(b, i);
      if (b[i] !== 0x3a) return null;
      i = skipSpace(b, i + 1);
      expectKey = false;
    }
    if (i >= n) return null;

    // A value starts at i.
    const c = b[i];
    const isRecordsValue = recordsValueNext;
    recordsValueNext = false;
    if (depth === itemsDepth) {
      itemStart = i;
      itemNotCompact = notCompact;
      notes.reset();
      notes.plain = c === 0x7b;
    }
    if (depth === itemsDepth && c === 0x7b) {
      i = scanItem(b, i, n, depth, keys, withFields, notes);
      if (i < 0) return null;
    } else if ((c === 0x7b || c === 0x5b) && itemsDepth > 0 && depth > itemsDepth) {
      // Inside an item that is not an object: nothing in it is noted.
      if (depth >= MAX_DEPTH) return null;
      i = skipContainer(b, i, n, depth);
      if (i < 0) return null;
    } else if (c === 0x7b || c === 0x5b) {
      if (depth >= MAX_DEPTH) return null;
      if (c === 0x5b && (depth === 0 || isRecordsValue)) {
        itemsDepth = depth + 1;
        if (isRecordsValue) recordsIsArray = true;
      }
      stack.push(c === 0x7b ? OBJECT : ARRAY);
      depth++;
      i = skipSpace(b, i + 1);
      if (b[i] !== (c === 0x7b ? 0x7d : 0x5d)) {
        expectKey = c === 0x7b;
        continue;
      }
      // Empty: closed below like any container.
      if (depth === itemsDepth) itemsDepth = -2;
      stack.pop();
      depth--;
      i++;
    } else {
      if (c === 0x22) i = stringEnd(b, i, n);
      else if (c === 0x2d || isDigit(c)) i = scanNumber(b, i, n);
      else if (c === 0x74 || c === 0x66 || c === 0x6e) i = scanLiteral(b, i, n);
      else return null;
      if (i < 0) return null;
    }

    // After a value: record an item that ended, then a comma or closes.
    let next = false;
    for (;;) {
      if (depth === itemsDepth && itemStart >= 0) {
        items.add(itemStart, i, notes.plain, notes.eventLike, notes.idStart, notes.idEnd, notes.fields, notes.values, notCompact === itemNotCompact);
        itemStart = -1;
      }
      if (depth === 0) rootNotCompact = notCompact;
      i = skipSpace(b, i);
      if (depth === 0) break;
      const close = b[i];
      const top = stack[depth - 1];
      if (close === 0x2c) {
        i++;
        expectKey = top === OBJECT;
        next = true;
        break;
      }
      if (!((close === 0x5d && top === ARRAY) || (close === 0x7d && top === OBJECT))) return null;
      if (depth === itemsDepth) itemsDepth = -2;
      stack.pop();
      depth--;
      i++;
    }
    if (!next) break;
  }
  // Only white space may follow the document.
  if (i < n) return null;

  if (rootKind === ARRAY) return items.anyPlainEvent ? items.spans() : null;
  if (rootEscapedKey || recordsKeys > 1) return null;
  if (recordsKeys === 1) return recordsIsArray ? items.spans() : null;
  if (rootSpecialKey || !rootPlain || !rootEventLike) return null;
  // A single event without a wrapper: the whole document is item 0.
  let end = n;
  while (end > rootStart && (b[end - 1] === 0x20 || b[end - 1] === 0x0a || b[end - 1] === 0x0d || b[end - 1] === 0x09)) end--;
  const single = new Items(input, keyCount, withFields);
  single.add(rootStart, end, true, true, -1, -1, WHOLE_DOCUMENT_FIELDS, undefined, rootNotCompact === rootNotCompactBefore);
  return single.spans();
}

/**
 * A file's decoded bytes as readRecordSpans reads them (digest paths, FIFOs
 * and files above the threshold give null), without scanning them: the deep
 * search (query/deep) first looks for its literals in the whole file.
 */
export function readDecodedBytes(path: string, threshold = STREAM_THRESHOLD): Buffer | null {
  return readDecodedFile(path, threshold)?.bytes ?? null;
}

/**
 * readDecodedBytes with the file's size on disk (what the reader reports as
 * a file's bytes) and its fileIdentity. `checked`: the identity of a version
 * the reader has decoded before; a file still of it is inflated without the
 * CRC check (gunzip.ts inflateChecked).
 */
export function readDecodedFile(path: string, threshold = STREAM_THRESHOLD, checked = ''): { bytes: Buffer; rawBytes: number; identity: string } | null {
  if (isDigestPath(path)) return null;
  const opened = openRegularFile(path);
  if (!opened.ok) return null;
  const { fd, stats } = opened;
  try {
    if (stats.size > threshold) return null;
    const raw = readUpTo(fd, stats.size);
    const identity = fileIdentity(stats);
    const limit = memoryInflateLimit(raw.length, threshold);
    // `checked`: the reader decoded this version whole, CRC-32 included (query/deep FileAsk.identity).
    const inflated = isGzip(raw) && checked !== '' && checked === identity ? inflateChecked(raw, limit, gunzipChunk(raw, threshold)) : null;
    const bytes = inflated ?? (isGzip(raw) ? gunzipSync(raw, { maxOutputLength: limit, chunkSize: gunzipChunk(raw, threshold) }) : raw);
    return { bytes, rawBytes: raw.length, identity };
  } catch {
    return null;
  } finally {
    closeQuietly(fd);
  }
}

/**
 * Reads a file as the reader does (digest paths skipped, no FIFOs, gzip by
 * its magic bytes, files above the stream threshold left to the streaming
 * reader) and scans it; null when the reader's own path must be used.
 */
export function readRecordSpans(path: string, threshold = STREAM_THRESHOLD): RecordSpans | null {
  if (isDigestPath(path)) return null;
  const opened = openRegularFile(path);
  if (!opened.ok) return null;
  const { fd, stats } = opened;
  try {
    if (stats.size > threshold) return null;
    const raw = readUpTo(fd, stats.size);
    const bytes = isGzip(raw) ? gunzipSync(raw, { maxOutputLength: memoryInflateLimit(raw.length, threshold), chunkSize: gunzipChunk(raw, threshold) }) : raw;
    const spans = scanRecordSpans(bytes);
    if (spans) spans.identity = fileIdentity(stats);
    return spans;
  } catch {
    return null;
  } finally {
    closeQuietly(fd);
  }
}
