/**
 * One file -> rows. Content decides the shape (detect.ts); gzip is found by
 * its magic bytes; files over the stream threshold are read record by record
 * (stream.ts). Nothing here throws: every problem becomes a shape and a reason.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { parseLookupRecord } from '../model/normalize.js';
import { RecordBatch } from '../model/recordBatch.js';
import type { EventRow, FileReadResult, FileShape } from '../model/types.js';
import {
  extractItems,
  extractLines,
  firstSignificantChar,
  invalidJsonReason,
  isDigestPath,
  isGzip,
  itemKind,
  jsonMessage,
  type Extracted,
  type ItemKind,
} from './detect.js';
import { addRows } from './itemRows.js';
import { RecordSplitter, streamErrorReason, streamRecordTexts, type Container } from './stream.js';

/**
 * Above this many bytes (on disk, or once gunzipped) a file is streamed.
 * 256 MiB keeps well clear of V8's 512 MiB string limit and of holding the
 * whole parsed document in memory at once.
 */
export const STREAM_THRESHOLD = 256 * 1024 * 1024;

export interface ReadOptions {
  /** Bytes above which the file is streamed; tests lower it. */
  streamThreshold?: number;
  signal?: AbortSignal;
  /** Also return each row's original record (as readRecord gives it) in `records`, by row (the archive stores them). */
  records?: boolean;
}

type Loose = Record<string, unknown>;

function result(path: string, shape: FileShape, rows: EventRow[], reason: string, skippedRecords: number, bytes: number): FileReadResult {
  return { path, shape, rows, reason, skippedRecords, bytes };
}

/** "EACCES: permission denied" from a Node fs error, without the path Node appends. */
export function fsErrorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/, (open|read|scandir|stat|lstat|realpath|opendir) '.*'$/s, '');
}

function nonRegularKind(stats: { isFIFO(): boolean; isSocket(): boolean; isDirectory(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (stats.isFIFO()) return 'FIFO';
  if (stats.isSocket()) return 'socket';
  if (stats.isDirectory()) return 'directory';
  if (stats.isCharacterDevice()) return 'character device';
  if (stats.isBlockDevice()) return 'block device';
  return 'special file';
}

/**
 * Opens without blocking: a FIFO opened for reading the ordinary way waits
 * forever for a writer. O_NONBLOCK returns at once; fstat then tells us not to read it.
 */
function openSafely(path: string): number {
  return openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
}

type Opened =
  | { kind: 'result'; result: FileReadResult }
  | { kind: 'memory'; extracted: Extracted; bytes: number }
  | { kind: 'stream'; fd: number; gzip: boolean; bytes: number };

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed or gone: nothing to release.
  }
}

/**
 * Opens a file and, unless it is too big, reads and decodes it whole. The
 * caller owns (and closes) a 'stream' descriptor. Synchronous on purpose:
 * for the many small files of a trail, four thread-pool round trips per file
 * (open, fstat, read, close) cost more than the reads; big folders are read
 * on worker threads anyway.
 */
function openAndParse(path: string, threshold: number): Opened {
  if (isDigestPath(path)) return { kind: 'result', result: result(path, 'digest', [], '', 0, 0) };
  let fd: number;
  try {
    fd = openSafely(path);
  } catch (error) {
    return { kind: 'result', result: result(path, 'bad', [], fsErrorReason(error), 0, 0) };
  }
  let keepOpen = false;
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      return { kind: 'result', result: result(path, 'not-cloudtrail', [], `not a regular file (${nonRegularKind(stats)})`, 0, 0) };
    }
    const size = stats.size;
    if (size > threshold) {
      keepOpen = true;
      return { kind: 'stream', fd, gzip: startsWithGzip(fd), bytes: size };
    }
    const raw = readFileSync(fd);
    let bytes: Buffer = raw;
    if (isGzip(raw)) {
      try {
        bytes = gunzipSync(raw, { maxOutputLength: Math.max(threshold, 1) });
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
          keepOpen = true;
          return { kind: 'stream', fd, gzip: true, bytes: raw.length };
        }
        return { kind: 'result', result: result(path, 'bad', [], streamErrorReason(error, true), 0, raw.length) };
      }
    }
    return { kind: 'memory', extracted: extractText(bytes), bytes: raw.length };
  } catch (error) {
    return { kind: 'result', result: result(path, 'bad', [], fsErrorReason(error), 0, 0) };
  } finally {
    if (!keepOpen) closeQuietly(fd);
  }
}

function startsWithGzip(fd: number): boolean {
  const head = Buffer.alloc(2);
  const bytesRead = readSync(fd, head, 0, 2, 0);
  return bytesRead === 2 && isGzip(head);
}

/** UTF-8, or UTF-16 when the file starts with its byte-order mark (PowerShell and Notepad write it). */
function decodeText(bytes: Buffer): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.toString('utf16le');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(0, bytes.length & ~1)).swap16().toString('utf16le');
  return bytes.toString('utf8');
}

/** Shape and items of a whole decoded file. */
export function extractText(bytes: Buffer): Extracted {
  let text = decodeText(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const first = firstSignificantChar(text);
  if (first === '') return { shape: 'empty', items: [], reason: '' };
  if (first === '{' || first === '[') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      // Several JSON objects, one per line, fail as a whole document but read as lines. Only when
      // the first line is a whole value: a broken pretty-printed document must stay 'bad', not
      // have its one-line elements salvaged.
      const lines = firstLineIsValue(text) ? extractLines(text) : null;
      // Documents back to back (`zcat *.json.gz > all.json` leaves no newline between them).
      const concatenated = lines === null && isTrailingValueError(error) ? extractConcatenated(text) : null;
      return lines ?? concatenated ?? { shape: 'bad', items: [], reason: invalidJsonReason(error, text) };
    }
    return extractItems(parsed);
  }
  const lines = extractLines(text);
  return lines ?? { shape: 'not-cloudtrail', items: [], reason: `not JSON (starts with ${snippet(text)})` };
}

function isTrailingValueError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('Unexpected non-whitespace character after JSON');
}

/** Items of several JSON documents in one text, cut apart by the streaming splitter; null when none holds an event. */
function extractConcatenated(text: string): Extracted | null {
  const splitter = new RecordSplitter();
  const pieces = splitter.push(text);
  const endError = splitter.end();
  const items: unknown[] = [];
  let container: Container | null = null;
  let kind: ItemKind | null = null;
  let topItems = 0;
  let badItems = 0;
  for (const piece of pieces) {
    container ??= piece.container;
    if (piece.container === 'top') topItems++;
    let value: unknown;
    try {
      value = JSON.parse(piece.text);
    } catch {
      badItems++;
    }
    if (value !== undefined && kind === null) {
      const k = itemKind(value);
      if (k === 'event' || k === 'lookup' || k === 'envelope') kind = k;
    }
    items.push(value);
  }
  if (kind === null) return null;
  const notes: string[] = [];
  if (endError) notes.push(endError);
  if (badItems > 0) notes.push(`${badItems} records were not valid JSON`);
  return { shape: shapeOfStream(container, kind, topItems), items, reason: notes.join('; ') };
}

function firstLineIsValue(text: string): boolean {
  const start = text.search(/\S/);
  const end = text.indexOf('\n', start);
  if (start < 0 || end < 0) return false;
  try {
    JSON.parse(text.slice(start, end));
    return true;
  } catch {
    return false;
  }
}

/** The start of a text, short and safe to print. */
function snippet(text: string): string {
  const start = text.trimStart().slice(0, 24).replace(/[^\x20-\x7e]/g, '.');
  return JSON.stringify(start);
}

/** The record an item stands for: the event itself, a lookup-events element's CloudTrailEvent, an envelope's detail. */
function recordOfItem(item: unknown, kind: ItemKind): Loose | null {
  if (kind === 'not-object') return null;
  const object = item as Loose;
  if (kind === 'lookup') return parseLookupRecord(object) ?? object;
  if (kind === 'envelope') return object.detail as Loose;
  return object;
}

function skippedReason(skipped: number): string {
  return skipped === 1 ? '1 record was not a CloudTrail event and was skipped' : `${skipped} records were not CloudTrail events and were skipped`;
}

/** Reads one file of any supported shape into rows. Never throws: problems come back as shape 'bad' with a reason. */
export async function readEventFile(path: string, options: ReadOptions = {}): Promise<FileReadResult> {
  try {
    const opened = openAndParse(path, options.streamThreshold ?? STREAM_THRESHOLD);
    if (opened.kind === 'result') return opened.result;
    if (opened.kind === 'stream') return await readStreamed(path, opened.fd, opened.gzip, opened.bytes, options.signal, options.records === true);
    const { extracted, bytes } = opened;
    const rows: EventRow[] = [];
    const batch = new RecordBatch(path);
    let skipped = 0;
    const items = extracted.items;
    const records: Loose[] | undefined = options.records ? [] : undefined;
    for (let index = 0; index < items.length; index++) {
      const item = items[index];
      const kind = itemKind(item);
      if (!addRows(rows, item, kind, batch, index)) skipped++;
      else records?.push(recordOfItem(item, kind) ?? {});
    }
    batch.trim();
    let reason = extracted.reason;
    if (skipped > 0 && reason === '') reason = skippedReason(skipped);
    const read = result(path, extracted.shape, rows, reason, skipped, bytes);
    if (records) read.records = records;
    return read;
  } catch (error) {
    // A bug, or an attacker's record deep enough to overflow the stack: the file is bad, the load goes on.
    return result(path, 'bad', [], `could not read: ${error instanceof Error ? error.message : String(error)}`, 0, 0);
  }
}

function shapeOfStream(container: Container | null, kind: ItemKind | null, topItems: number): FileShape {
  if (container === 'records') return 'records';
  if (kind === 'lookup' || container === 'events') return 'lookup-events';
  if (kind === 'envelope') return 'eventbridge';
  if (container === 'array') return 'array';
  return topItems === 1 ? 'single' : 'jsonl';
}

async function readStreamed(path: string, fd: number, gzip: boolean, bytes: number, signal?: AbortSignal, keepRecords = false): Promise<FileReadResult> {
  const rows: EventRow[] = [];
  const records: Loose[] | undefined = keepRecords ? [] : undefined;
  const batch = new RecordBatch(path);
  const state = { error: '' };
  let index = 0;
  let skipped = 0;
  let firstBad = '';
  let container: Container | null = null;
  let usableKind: ItemKind | null = null;
  let topItems = 0;
  for await (const item of streamRecordTexts(fd, gzip, state, signal)) {
    container ??= item.container;
    if (item.container === 'top') topItems++;
    let value: unknown;
    try {
      value = JSON.parse(item.text);
    } catch (error) {
      skipped++;
      if (!firstBad) firstBad = `record ${index}: ${jsonMessage(error)}`;
      index++;
      continue;
    }
    if (item.container === 'top' && topItems === 1) {
      const whole = extractItems(value);
      if (whole.shape === 'digest') return result(path, 'digest', [], '', 0, bytes);
    }
    const kind = itemKind(value);
    if (usableKind === null && (kind === 'event' || kind === 'lookup' || kind === 'envelope')) usableKind = kind;
    if (!addRows(rows, value, kind, batch, index)) skipped++;
    else records?.push(recordOfItem(value, kind) ?? {});
    index++;
  }
  batch.trim();
  if (index === 0 && state.error === '') return result(path, 'empty', [], '', 0, bytes);
  if (rows.length === 0 && state.error !== '') return result(path, 'bad', [], state.error, skipped, bytes);
  if (rows.length === 0 && usableKind === null) {
    return result(path, 'not-cloudtrail', [], firstBad ? `no CloudTrail event found (${firstBad})` : 'no CloudTrail event found', skipped, bytes);
  }
  const notes: string[] = [];
  if (state.error) notes.push(`${state.error} after ${index} records`);
  if (firstBad) notes.push(`invalid JSON at ${firstBad}`);
  if (skipped > 0) notes.push(skippedReason(skipped));
  const read = result(path, shapeOfStream(container, usableKind, topItems), rows, notes.join('; '), skipped, bytes);
  if (records) read.records = records;
  return read;
}

/** Parsed files kept for readRecord: opening a detail view re-reads the same few files. */
const CACHE_SIZE = 8;
/**
 * A cached file is trusted this long without a fresh stat: an export reads a
 * million records from the same few files in a row, and a stat per record
 * would cost more than the reads. Trail files never change once delivered.
 */
const REVALIDATE_MS = 1000;
const cache = new Map<string, { stamp: string; items: unknown[]; checkedAt: number }>();

export interface RecordReadOptions extends ReadOptions {
  /** How long a cached file is used without checking its size and mtime again; default 1000 ms. */
  revalidateMs?: number;
}

/**
 * Reads the full original record a row points at (for the JSON view and
 * JSON export): the file is read again with the same reader and the
 * index-th item taken; a lookup-events element gives its parsed
 * CloudTrailEvent, an EventBridge envelope its detail. Null when the file or
 * record is gone. The object may be shared with later calls (cached): do not
 * mutate it.
 */
export async function readRecord(ref: { file: string; index: number }, options: RecordReadOptions = {}): Promise<Record<string, unknown> | null> {
  try {
    const threshold = options.streamThreshold ?? STREAM_THRESHOLD;
    const now = Date.now();
    let cached = cache.get(ref.file);
    // A record past the cached copy's end was appended since it was read (a growing JSON-lines file):
    // only a fresh look at the file can have it.
    if (
      cached &&
      ref.index < cached.items.length &&
      now - cached.checkedAt < (options.revalidateMs ?? REVALIDATE_MS) &&
      cached.stamp.endsWith(`:${threshold}`)
    ) {
      return itemRecord(cached.items[ref.index]);
    }
    const stats = await stat(ref.file).catch(() => null);
    if (!stats || !stats.isFile()) return null;
    const stamp = `${stats.size}:${stats.mtimeMs}:${threshold}`;
    cached = cache.get(ref.file);
    if (cached && cached.stamp === stamp) {
      cached.checkedAt = now;
      cache.delete(ref.file);
      cache.set(ref.file, cached);
      return itemRecord(cached.items[ref.index]);
    }
    const opened = openAndParse(ref.file, threshold);
    if (opened.kind === 'result') return null;
    if (opened.kind === 'stream') return await streamedRecord(opened.fd, opened.gzip, ref.index, options.signal);
    cache.delete(ref.file);
    cache.set(ref.file, { stamp, items: opened.extracted.items, checkedAt: now });
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
    return itemRecord(opened.extracted.items[ref.index]);
  } catch {
    return null;
  }
}

function itemRecord(item: unknown): Loose | null {
  return item === undefined ? null : recordOfItem(item, itemKind(item));
}

async function streamedRecord(fd: number, gzip: boolean, wanted: number, signal?: AbortSignal): Promise<Loose | null> {
  const state = { error: '' };
  let index = 0;
  for await (const item of streamRecordTexts(fd, gzip, state, signal)) {
    if (index++ !== wanted) continue;
    try {
      return itemRecord(JSON.parse(item.text));
    } catch {
      return null;
    }
  }
  return null;
}

/** Forgets the parsed files readRecord keeps (tests, and files known to have changed). */
export function clearRecordCache(): void {
  cache.clear();
}
