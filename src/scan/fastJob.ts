/**
 * A filtered scan's file without parsing every record (issue 14): the file is
 * gunzipped and checked by the span scanner (ingest/recordSpans.ts, JSON's
 * grammar, so a malformed file falls to the ordinary reader and is reported
 * as without a filter), and only the records whose bytes hold the query's
 * literals (query/prefilter.ts) are parsed and tested. Every record still
 * counts: its eventID is read from its bytes (a record whose id is missing,
 * empty or escaped is parsed), so the first copy in file order and the
 * duplicate counts stay those of the full read.
 *
 * Fingerprints here are of a record's bytes, not of its row: identical bytes
 * are the same event, but two copies with other bytes may still be the same
 * row. The tally sees which digests carry byte fingerprints
 * (`byteFingerprints`) and asks for the full read when such a copy differs.
 *
 * null: the file is not one this path reads exactly as the reader does
 * (another shape, an item that is not a plain object, too big, deeply
 * nested, gzip the reader would salvage); the caller reads it the ordinary way.
 */
import { crc32 } from 'node:zlib';
import { DEPTH_CHECK_ABOVE, fitsFastPath, nestsDeeperThan, readLimits } from '../ingest/limits.js';
import { readDecodedFile, scanRecordSpans, SpanKeys, SPAN_PLAIN } from '../ingest/recordSpans.js';
import { recordText } from '../export/recordBytes.js';
import { normalize } from '../model/normalize.js';
import { RecordBatch, rowInsight } from '../model/recordBatch.js';
import type { EventRow, FileReadResult } from '../model/types.js';
import type { CompiledQuery } from '../query/index.js';
import { recordsMask } from '../query/deep/recordsMask.js';
import { prefilterKeys, spanMask, type Prefilter } from '../query/prefilter.js';
import { COLS, digestRows, type ScanDigest } from './digest.js';
import { idKey, idKeyAscii, packUuidBytes } from './ids.js';

export interface FastFile {
  result: Omit<FileReadResult, 'rows'>;
  digest: ScanDigest;
  /** 1 for each record that matches. */
  matches: Uint8Array;
  /** The parsed records' rows that carry Insight details, in file order. */
  insightRows: EventRow[];
  /** The rows of the records that match, in file order. */
  matchedRows: EventRow[];
  /** The memory under the digest's arrays and `matches` (one buffer, so a reply moves it to the main thread in one transfer). */
  memory: ArrayBuffer;
  /** With `withTexts`: the matching records' text as the export writes it (export/recordBytes.ts recordText), back to back. */
  matchedTexts: MatchedTexts | null;
}

/** Texts back to back: text k is bytes[ends[k-1] (or 0), ends[k]), UTF-8. */
export interface MatchedTexts {
  bytes: Uint8Array;
  ends: Uint32Array;
}

const BACKSLASH = 0x5c;

/** A file the fast paths can read from its bytes: decoded, within the reader's limits, every record a plain span. */
export interface PlainFile {
  bytes: Buffer;
  rawBytes: number;
  identity: string;
  spans: NonNullable<ReturnType<typeof scanRecordSpans>>;
  shape: 'array' | 'records' | 'single';
}

/**
 * The file's bytes and record spans, or null when it needs the ordinary
 * reader (which also reports it when bad). `fields`: whether the spans note
 * each record's source, name and identity type (RecordSpans.fields); `keys`:
 * whose values they note (RecordSpans.values).
 */
export function plainFile(path: string, fields = true, keys?: SpanKeys): PlainFile | null {
  const file = readDecodedFile(path);
  if (!file) return null;
  const { bytes } = file;
  // The reader's own limits: past them it reports the file (or streams it); leave that to it.
  if (bytes.length > readLimits().maxDecompressedBytes || !fitsFastPath(bytes.length)) return null;
  if (bytes.length > DEPTH_CHECK_ABOVE && nestsDeeperThan(bytes.toString('utf8'))) return null;
  const spans = scanRecordSpans(bytes, keys, { fields });
  if (!spans || spans.starts.length === 0) return null;
  const { starts, flags } = spans;
  for (let k = 0; k < starts.length; k++) if ((flags[k]! & SPAN_PLAIN) === 0) return null;
  const shape = shapeOf(bytes, starts[0]!);
  if (shape === null) return null;
  return { bytes, rawBytes: file.rawBytes, identity: file.identity, spans, shape };
}

export function fastScanFile(path: string, query: CompiledQuery, prefilter: Prefilter, withTexts = false): FastFile | null {
  // The literals decide which records are parsed: the scanner need not note their fields, but notes the values
  // of the keys some literals must lie in (error: in errorCode), so those are searched there, not in the whole file.
  const keys = spanKeysOf(prefilter);
  const file = plainFile(path, false, keys ?? undefined);
  if (!file) return null;
  const { bytes, spans, shape } = file;
  const { starts, ends, flags, idStarts, idEnds } = spans;
  const count = starts.length;

  const keyed = keys && spans.values ? { keys: keys.names, values: spans.values } : undefined;
  const candidates = spanMask(prefilter, bytes, starts, ends, flags, keyed);
  // Every record's id key from its bytes; a record whose id the bytes cannot give is parsed for it.
  const memory = new DigestMemory(count);
  const idLanes = memory.ids;
  const parsedAt: number[] = [];
  for (let k = 0; k < count; k++) {
    const known = idKeyOfBytes(bytes, idStarts[k]!, idEnds[k]!, idLanes, k * 4);
    if (candidates[k] === 1 || !known) parsedAt.push(k);
  }

  const batch = new RecordBatch(path);
  batch.identity = file.identity;
  const rows: EventRow[] = [];
  const records: unknown[] = [];
  for (const k of parsedAt) {
    const record: unknown = JSON.parse(bytes.toString('utf8', starts[k]!, ends[k]!));
    records.push(record);
    rows.push(normalize(record, batch, k));
  }
  batch.trim();

  const matches = memory.matches;
  const matchedRows: EventRow[] = [];
  const texts: Buffer[] = [];
  const deep = query.deep ? recordsMask(records, query.ast, rows) : null;
  parsedAt.forEach((k, p) => {
    if (candidates[k] === 1 && query.test(rows[p]!) && (deep === null || deep[p] === 1)) {
      matches[k] = 1;
      matchedRows.push(rows[p]!);
      if (withTexts) texts.push(recordText(bytes.subarray(starts[k]!, ends[k]!), flags[k]!));
    }
  });

  return {
    result: { path, shape, reason: '', skippedRecords: 0, bytes: file.rawBytes },
    digest: spreadDigest(digestRows(rows), parsedAt, memory, bytes, starts, ends),
    memory: memory.buffer,
    matches,
    insightRows: rows.filter((row) => rowInsight(row) !== null),
    matchedRows,
    matchedTexts: withTexts ? packTexts(texts) : null,
  };
}

const spanKeys = new WeakMap<Prefilter, SpanKeys | null>();

/** The SpanKeys of the keys the prefilter's literals lie in (query/prefilter.ts prefilterKeys), or null when none. */
function spanKeysOf(prefilter: Prefilter): SpanKeys | null {
  let keys = spanKeys.get(prefilter);
  if (keys === undefined) {
    const names = prefilterKeys(prefilter);
    keys = names.length > 0 ? new SpanKeys(names) : null;
    spanKeys.set(prefilter, keys);
  }
  return keys;
}

function packTexts(texts: readonly Buffer[]): MatchedTexts {
  const ends = new Uint32Array(texts.length);
  let end = 0;
  texts.forEach((text, k) => (ends[k] = end += text.length));
  return { bytes: Buffer.concat(texts, end), ends };
}

/** The shape the reader gives a file the scanner read: a root array, a Records object, or one event. */
export function shapeOf(bytes: Buffer, firstItem: number): 'array' | 'records' | 'single' | null {
  let i = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09) i++;
  if (bytes[i] === 0x5b) return 'array';
  if (bytes[i] !== 0x7b) return null;
  return firstItem === i ? 'single' : 'records';
}

/** The eventID as normalize reads it, from the bytes; null when the record must be parsed for it (none, empty, escaped). */
export function idOf(bytes: Buffer, start: number, end: number): string | null {
  if (start < 0 || end <= start) return null;
  let ascii = true;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c === BACKSLASH) return null;
    if (c >= 0x80) ascii = false;
  }
  return bytes.toString(ascii ? 'latin1' : 'utf8', start, end);
}

/**
 * Writes the key (scan/ids.ts) of the eventID at bytes[start, end) into
 * out[at..at+4), as idKey(idOf(...)) would, without making the string; false
 * when the record must be parsed for its id (none, empty, escaped).
 */
export function idKeyOfBytes(bytes: Buffer, start: number, end: number, out: Int32Array, at: number): boolean {
  if (start < 0 || end <= start) return false;
  // Nearly every eventID is a UUID: packed from its 36 bytes (hex digits and dashes, so no escape and no other byte).
  if (end - start === 36 && packUuidBytes(bytes, start, out, at)) return true;
  let ascii = true;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c === BACKSLASH) return false;
    if (c >= 0x80) ascii = false;
  }
  if (ascii) idKeyAscii(bytes, start, end, out, at);
  else idKey(bytes.toString('utf8', start, end), out, at);
  return true;
}

/** A fast file's digest arrays and matches, views of one buffer (one allocation, one transfer). */
class DigestMemory {
  readonly buffer: ArrayBuffer;
  readonly times: Float64Array;
  readonly ids: Int32Array;
  readonly cols: Int32Array;
  readonly fingerprints: Uint32Array;
  readonly flags: Uint8Array;
  readonly matches: Uint8Array;

  constructor(count: number) {
    // Widest first, so every view is aligned.
    this.buffer = new ArrayBuffer(count * (8 + 16 + 4 * COLS + 4 + 1 + 1));
    let at = 0;
    const take = (bytes: number): number => {
      const start = at;
      at += bytes * count;
      return start;
    };
    this.times = new Float64Array(this.buffer, take(8), count);
    this.ids = new Int32Array(this.buffer, take(16), count * 4);
    this.cols = new Int32Array(this.buffer, take(4 * COLS), count * COLS);
    this.fingerprints = new Uint32Array(this.buffer, take(4), count);
    this.flags = new Uint8Array(this.buffer, take(1), count);
    this.matches = new Uint8Array(this.buffer, take(1), count);
  }
}

/**
 * The file's digest: the parsed records' columns where they are, every
 * record's id key, and every record's fingerprint of its bytes. Unparsed
 * records have '' in their columns and time NaN; they never match, so the
 * tally counts them only as events read and ids seen.
 */
function spreadDigest(
  parsed: ScanDigest,
  parsedAt: readonly number[],
  memory: DigestMemory,
  bytes: Buffer,
  starts: readonly number[],
  ends: readonly number[],
): ScanDigest {
  const count = starts.length;
  const table = parsed.table.slice();
  let empty = table.indexOf('');
  if (empty < 0) {
    empty = table.length;
    table.push('');
  }
  const out: ScanDigest = {
    count,
    ids: memory.ids,
    times: memory.times.fill(Number.NaN),
    cols: memory.cols.fill(empty),
    flags: memory.flags,
    fingerprints: memory.fingerprints,
    table,
    byteFingerprints: true,
  };
  for (let k = 0; k < count; k++) out.fingerprints[k] = bytesHash(bytes, starts[k]!, ends[k]!);
  parsedAt.forEach((k, p) => {
    out.ids.set(parsed.ids.subarray(p * 4, p * 4 + 4), k * 4);
    out.times[k] = parsed.times[p]!;
    out.cols.set(parsed.cols.subarray(p * COLS, p * COLS + COLS), k * COLS);
    out.flags[k] = parsed.flags[p]!;
  });
  return out;
}

/** A record's fingerprint: a CRC-32 of its bytes (native zlib, so equal bytes give equal fingerprints wherever they lie). */
export function bytesHash(bytes: Uint8Array, start: number, end: number): number {
  return crc32(bytes.subarray(start, end));
}
