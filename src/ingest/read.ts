/**
 * One file -> rows. Content decides the shape (detect.ts); gzip is found by
 * its magic bytes; files over the stream threshold are read record by record
 * (stream.ts). Nothing here throws: every problem becomes a shape and a reason.
 */
import { gunzipWhole } from './gunzip.js';
import { DEPTH_CHECK_ABOVE, depthReason, LimitError, memoryInflateLimit, nestsDeeperThan, readLimits, wholeParseLimit } from './limits.js';
import { closeQuietly, openRegularFile, readUpTo } from './safeOpen.js';
import { stat } from 'node:fs/promises';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { parseLookupRecord } from '../model/normalize.js';
import { fileIdentity, markLossy, RecordBatch } from '../model/recordBatch.js';
import { extractCsv, isCloudTrailCsvHeader, looksLikeCsv } from './csv/extract.js';
import { rowFingerprint } from '../model/contentCheck.js';
import type { EventRow, FileReadResult, FileShape, RecordRef } from '../model/types.js';
import {
  extractItems,
  extractLines,
  firstSignificantChar,
  startsAsJson,
  invalidJsonReason,
  isDigestPath,
  isGzip,
  itemKind,
  jsonMessage,
  type Extracted,
  type ItemKind,
} from './detect.js';
import { addRows, type DetectionSink } from './itemRows.js';
import type { RecordDetector } from '../detect/detector.js';
import { RecordSplitter, streamRecordTexts, type Container, type StreamOptions, type StreamState } from './stream.js';

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
  /** Decompressed-size cap per file; default readLimits() (2 GiB, `--max-decompressed`). */
  maxDecompressed?: number;
  /** Detection rules to run on each record as it is parsed; their hits come back in the result. */
  detector?: RecordDetector;
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

type Opened =
  | { kind: 'result'; result: FileReadResult }
  | { kind: 'memory'; extracted: Extracted; bytes: number; identity: string }
  | { kind: 'stream'; fd: number; gzip: boolean; bytes: number; identity: string };

/** Bytes looked at before reading a file whole: a file starting with NUL bytes is not JSON, at any size. */
const PEEK_BYTES = 4096;

/**
 * Opens a file (never blocking, a regular file by its descriptor, never a
 * pseudo-file; see safeOpen.ts) and, unless it is too big, reads at most its
 * size at open and decodes it whole. The caller owns (and closes) a 'stream'
 * descriptor. Synchronous on purpose: for the many small files of a trail,
 * four thread-pool round trips per file (open, fstat, read, close) cost more
 * than the reads; big folders are read on worker threads anyway.
 */
function openAndParse(path: string, threshold: number, maxDecompressed: number): Opened {
  if (isDigestPath(path)) return { kind: 'result', result: result(path, 'digest', [], '', 0, 0) };
  const opened = openRegularFile(path);
  if (!opened.ok) {
    if (opened.special) return { kind: 'result', result: result(path, 'not-cloudtrail', [], opened.reason, 0, 0) };
    return { kind: 'result', result: result(path, 'bad', [], fsErrorReason(opened.error), 0, 0) };
  }
  const { fd, stats } = opened;
  const identity = fileIdentity(stats);
  let keepOpen = false;
  try {
    const size = stats.size;
    // The file's first bytes, read once for the checks a big file gets before it is read whole or streamed.
    const peek = size > PEEK_BYTES ? readUpTo(fd, size, 0, PEEK_BYTES) : null;
    if (peek && startsWithNul(peek)) {
      return { kind: 'result', result: result(path, 'not-cloudtrail', [], NUL_REASON, 0, size) };
    }
    if (size > threshold) {
      const start = peek ?? readUpTo(fd, size, 0, PEEK_BYTES);
      // CSV is read whole (ingest/csv/); past the whole-read size it is reported, not half read.
      if (startsAsCsv(start)) return { kind: 'result', result: result(path, 'bad', [], csvTooBig(size, threshold), 0, size) };
      keepOpen = true;
      return { kind: 'stream', fd, gzip: isGzip(start), bytes: size, identity };
    }
    const raw = readUpTo(fd, size);
    let bytes: Buffer = raw;
    let note = '';
    if (isGzip(raw)) {
      const limit = memoryInflateLimit(raw.length, threshold, maxDecompressed);
      const inflated = gunzipWhole(raw, limit);
      if (inflated.kind === 'too-large') {
        if (startsAsCsv(raw)) return { kind: 'result', result: result(path, 'bad', [], csvTooBig(raw.length, threshold, true), 0, raw.length) };
        // Past the stream threshold (or the ratio check): the streaming reader decides, a record at a time.
        keepOpen = true;
        return { kind: 'stream', fd, gzip: true, bytes: raw.length, identity };
      }
      if (inflated.kind === 'error') return { kind: 'result', result: result(path, 'bad', [], inflated.reason, 0, raw.length) };
      bytes = inflated.bytes;
      note = inflated.note;
    }
    if (startsWithNul(bytes)) return { kind: 'result', result: result(path, 'not-cloudtrail', [], NUL_REASON, 0, raw.length) };
    if (bytes.length > DEPTH_CHECK_ABOVE) {
      const text = decodeText(bytes);
      // A CSV's brackets are cell text, whose JSON cells are checked one by one (csv/rows.ts): counted
      // across cells and CSV's doubled quotes, a deep-looking cell would hide the whole file.
      if (nestsDeeperThan(text) && !isCloudTrailCsvHeader(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)) {
        // Deep brackets in a file that does not start as JSON (a binary, a log of text) say nothing of JSON: skipped, not bad.
        const json = startsAsJson(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
        return { kind: 'result', result: json ? result(path, 'bad', [], depthReason(), 0, raw.length) : result(path, 'not-cloudtrail', [], `not JSON (starts with ${snippet(text)})`, 0, raw.length) };
      }
    }
    const extracted = extractText(bytes);
    if (note !== '' && extracted.shape !== 'bad' && extracted.shape !== 'not-cloudtrail') {
      extracted.reason = extracted.reason === '' ? note : `${extracted.reason}; ${note}`;
    }
    return { kind: 'memory', extracted, bytes: raw.length, identity };
  } catch (error) {
    return { kind: 'result', result: result(path, 'bad', [], error instanceof LimitError ? error.message : fsErrorReason(error), 0, 0) };
  } finally {
    if (!keepOpen) closeQuietly(fd);
  }
}

const NUL_REASON = 'not JSON (starts with NUL bytes)';

function startsWithNul(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 0) return true;
    if (b !== 32 && b !== 10 && b !== 13 && b !== 9) return false;
  }
  return false;
}

/** Why a CloudTrail CSV is not read: the streaming reader reads JSON only, so a CSV must fit one whole read. */
function csvTooBig(bytes: number, threshold: number, gzip = false): string {
  return `a CloudTrail CSV export of ${bytes} bytes${gzip ? ' (gzip)' : ''}, over the ${threshold} bytes a CSV is read whole (decompressed); split it`;
}

/** Whether a file's first bytes (gzipped or not) open with a CloudTrail CSV header. */
function startsAsCsv(start: Buffer): boolean {
  if (!isGzip(start)) return opensWithCsvHeader(start);
  try {
    // The head only: 1 KiB of gzip, flushed without its end, inflates to 1 MiB at most (gzip caps at about 1:1032).
    const head = gunzipSync(start.subarray(0, 1024), { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: 2 * 1024 * 1024 });
    return opensWithCsvHeader(head);
  } catch {
    return false;
  }
}

/** Whether bytes (a file's start) open with a CloudTrail CSV header. */
function opensWithCsvHeader(start: Buffer): boolean {
  let text = decodeText(start);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const end = text.indexOf('\n');
  return end > 0 && isCloudTrailCsvHeader(text.slice(0, end + 1));
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
  if ((first === '{' || first === '[') && startsAsJson(text)) {
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
  // A CSV header naming CloudTrail columns (Lake, Athena, console exports); any other CSV is not CloudTrail.
  const csv = extractCsv(text);
  if (csv && holdsEvent(csv.items)) return csv;
  // A CSV-looking first line over JSON lines (a title line, `eventTime,eventName` before the records) is
  // read as JSON lines, as before CSV was read: only a CSV that yields an event wins over them.
  const lines = extractLines(text);
  if (lines) return lines;
  if (csv) return csv;
  if (looksLikeCsv(text)) return { shape: 'not-cloudtrail', items: [], reason: `a CSV file whose header names no CloudTrail columns (starts with ${snippet(text)})` };
  return { shape: 'not-cloudtrail', items: [], reason: `not JSON (starts with ${snippet(text)})` };
}

function holdsEvent(items: readonly unknown[]): boolean {
  return items.some((item) => {
    const kind = itemKind(item);
    return kind === 'event' || kind === 'lookup' || kind === 'envelope';
  });
}

function isTrailingValueError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('Unexpected non-whitespace character after JSON');
}

/** Items of several JSON documents in one text, cut apart by the streaming splitter; null when none holds an event. */
function extractConcatenated(text: string): Extracted | null {
  const splitter = new RecordSplitter();
  let pieces;
  try {
    pieces = splitter.push(text);
  } catch (error) {
    if (error instanceof LimitError) return { shape: 'bad', items: [], reason: error.message };
    throw error;
  }
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
    const maxDecompressed = options.maxDecompressed ?? readLimits().maxDecompressedBytes;
    const opened = openAndParse(path, options.streamThreshold ?? wholeParseLimit(STREAM_THRESHOLD), maxDecompressed);
    if (opened.kind === 'result') return opened.result;
    const detection: DetectionSink | undefined = options.detector ? { detector: options.detector, hits: [] } : undefined;
    if (opened.kind === 'stream') {
      const streamOptions = { signal: options.signal, size: opened.bytes, maxDecompressed };
      return withHits(await readStreamed(path, opened.fd, opened.gzip, opened.bytes, opened.identity, streamOptions, options.records === true, detection), detection);
    }
    const { extracted, bytes } = opened;
    const rows: EventRow[] = [];
    const batch = new RecordBatch(path);
    batch.identity = opened.identity;
    let skipped = 0;
    const items = extracted.items;
    const records: Loose[] | undefined = options.records ? [] : undefined;
    for (let index = 0; index < items.length; index++) {
      const item = items[index];
      const kind = itemKind(item);
      if (!addRows(rows, item, kind, batch, index, detection)) skipped++;
      else {
        if (extracted.lossy?.[index] === 1) markLossy(batch, index);
        records?.push(recordOfItem(item, kind) ?? {});
      }
    }
    batch.trim();
    let reason = extracted.reason;
    if (skipped > 0 && reason === '') reason = skippedReason(skipped);
    const read = result(path, extracted.shape, rows, reason, skipped, bytes);
    if (records) read.records = records;
    return withHits(read, detection);
  } catch (error) {
    // A bug, or an attacker's record deep enough to overflow the stack: the file is bad, the load goes on.
    return result(path, 'bad', [], `could not read: ${error instanceof Error ? error.message : String(error)}`, 0, 0);
  }
}

function withHits(read: FileReadResult, detection: DetectionSink | undefined): FileReadResult {
  if (detection && detection.hits.length > 0 && read.rows.length > 0) read.hits = detection.hits;
  return read;
}

function shapeOfStream(container: Container | null, kind: ItemKind | null, topItems: number): FileShape {
  if (container === 'records') return 'records';
  if (kind === 'lookup' || container === 'events') return 'lookup-events';
  if (kind === 'envelope') return 'eventbridge';
  if (container === 'array') return 'array';
  return topItems === 1 ? 'single' : 'jsonl';
}

async function readStreamed(
  path: string,
  fd: number,
  gzip: boolean,
  bytes: number,
  identity: string,
  options: StreamOptions,
  keepRecords = false,
  detection?: DetectionSink,
): Promise<FileReadResult> {
  const rows: EventRow[] = [];
  const records: Loose[] | undefined = keepRecords ? [] : undefined;
  const batch = new RecordBatch(path);
  batch.identity = identity;
  const state: StreamState = { error: '' };
  let index = 0;
  let skipped = 0;
  let firstBad = '';
  let container: Container | null = null;
  let usableKind: ItemKind | null = null;
  let topItems = 0;
  for await (const item of streamRecordTexts(fd, gzip, state, options)) {
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
    if (!addRows(rows, value, kind, batch, index, detection)) skipped++;
    else records?.push(recordOfItem(value, kind) ?? {});
    index++;
  }
  batch.trim();
  if (state.notJson) return result(path, 'not-cloudtrail', [], NUL_REASON, 0, bytes);
  // A bomb, a nesting or record-size limit: the file is bad, whatever came before.
  if (state.limit) return result(path, 'bad', [], state.error, skipped, bytes);
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
 * A reference that carries its file's identity needs no stat at all when the
 * cached parse is of that very version.
 */
const REVALIDATE_MS = 1000;
interface CachedFile {
  /** fileIdentity of the version parsed. */
  identity: string;
  threshold: number;
  items: unknown[];
  checkedAt: number;
}
const cache = new Map<string, CachedFile>();

export interface RecordReadOptions extends ReadOptions {
  /** How long a cached file is used without checking its size and mtime again; default 1000 ms. */
  revalidateMs?: number;
}

/**
 * Reads the full original record a row points at (for the JSON view, tail
 * and JSON export): the file is read again with the same reader and the
 * index-th item taken; a lookup-events element gives its parsed
 * CloudTrailEvent, an EventBridge envelope its detail. Null when the file or
 * record is gone, or changed so that the row's record is no longer there.
 * The object may be shared with later calls (cached): do not mutate it.
 *
 * A reference with an `id` (recordRef) is checked, so a file rewritten or
 * reordered since the row was read never yields another event: when the
 * cached parse is the version the row was read from (`identity`), the
 * record at the index must carry the row's id; otherwise the record is
 * looked up by id and must match the row's `fingerprint` (contentCheck.ts).
 */
export async function readRecord(ref: RecordRef, options: RecordReadOptions = {}): Promise<Record<string, unknown> | null> {
  return itemRecord(await readItem(ref, options));
}

/**
 * The record `ref` points at with the row the loader makes of its item (for
 * a lookup-events element, the row has the element's Resources and
 * Username around the record): what a record matcher needs to decide a
 * summary term as the event list does. `row` is null for every other
 * item, whose record alone makes the same row (itemRows.ts addRows; the
 * matcher makes it only if a term needs it). Null as readRecord.
 */
export async function readRecordAndRow(ref: RecordRef, options: RecordReadOptions = {}): Promise<{ record: Record<string, unknown>; row: EventRow | null } | null> {
  const item = await readItem(ref, options);
  const record = itemRecord(item);
  if (!record) return null;
  return { record, row: itemKind(item) === 'lookup' ? rowOf(item) : null };
}

/** The item of the file `ref` points at (see readRecord), or undefined. */
async function readItem(ref: RecordRef, options: RecordReadOptions): Promise<unknown> {
  try {
    const threshold = options.streamThreshold ?? STREAM_THRESHOLD;
    const now = Date.now();
    const wanted = ref.identity ?? '';
    let cached = cache.get(ref.file);
    if (cached && cached.threshold !== threshold) cached = undefined;
    if (cached && wanted !== '' && cached.identity === wanted) return pickItem(cached.items, ref, true);
    const fresh = cached !== undefined && now - cached.checkedAt < (options.revalidateMs ?? REVALIDATE_MS);
    // A record past the cached copy's end was appended since it was read (a growing JSON-lines file):
    // only a fresh look at the file can have it.
    if (cached && fresh && ref.index < cached.items.length) {
      const found = pickItem(cached.items, ref, false);
      if (itemRecord(found) !== null) return found;
    }
    const stats = await stat(ref.file).catch(() => null);
    if (!stats || !stats.isFile()) return undefined;
    if (cached && cached.identity === fileIdentity(stats)) {
      cached.checkedAt = now;
      cache.delete(ref.file);
      cache.set(ref.file, cached);
      return pickItem(cached.items, ref, cached.identity === wanted);
    }
    const opened = openAndParse(ref.file, threshold, options.maxDecompressed ?? readLimits().maxDecompressedBytes);
    if (opened.kind === 'result') return undefined;
    if (opened.kind === 'stream') {
      return await streamedItem(opened.fd, opened.gzip, ref, opened.identity === wanted, { signal: options.signal, size: opened.bytes });
    }
    cache.delete(ref.file);
    cache.set(ref.file, { identity: opened.identity, threshold, items: opened.extracted.items, checkedAt: now });
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
    return pickItem(opened.extracted.items, ref, opened.identity === wanted);
  } catch {
    return undefined;
  }
}

/**
 * The item `ref` stands for among a file's items. Without an id, the item
 * at the index. `sameVersion`: the items are of the file version the row
 * was read from, so the index holds if the id agrees. Otherwise the record
 * is found by id and must match the row's fingerprint.
 */
function pickItem(items: readonly unknown[], ref: RecordRef, sameVersion: boolean): unknown {
  const item = items[ref.index];
  if (ref.id === undefined) return item;
  if (item !== undefined && sameVersion && quickIdOf(item) === ref.id) return item;
  if (item !== undefined && matches(item, ref)) return item;
  for (let k = 0; k < items.length; k++) {
    if (k !== ref.index && matches(items[k], ref)) return items[k];
  }
  return undefined;
}

/** A plain event's eventID without normalizing it; undefined when only normalizing can tell the row id. */
function quickIdOf(item: unknown): string | undefined {
  const id = typeof item === 'object' && item !== null ? (item as Loose).eventID : undefined;
  return typeof id === 'string' && id !== '' && itemKind(item) === 'event' ? id : rowOf(item)?.id;
}

const scratchBatch = new RecordBatch('');

function rowOf(item: unknown): EventRow | null {
  const rows: EventRow[] = [];
  return addRows(rows, item, itemKind(item), scratchBatch, 0) ? rows[0]! : null;
}

/** The item is the record of the row `ref` was made from: same id, and the same content when a fingerprint is given. */
function matches(item: unknown, ref: RecordRef): boolean {
  const quick = typeof item === 'object' && item !== null ? (item as Loose).eventID : undefined;
  if (typeof quick === 'string' && quick !== '' && itemKind(item) === 'event') {
    if (quick !== ref.id) return false;
    if (ref.fingerprint === undefined) return true;
  }
  const row = rowOf(item);
  if (row === null || row.id !== ref.id) return false;
  return ref.fingerprint === undefined || rowFingerprint(row) === ref.fingerprint;
}

function itemRecord(item: unknown): Loose | null {
  return item === undefined ? null : recordOfItem(item, itemKind(item));
}

async function streamedItem(fd: number, gzip: boolean, ref: RecordRef, sameVersion: boolean, options: StreamOptions): Promise<unknown> {
  const state: StreamState = { error: '' };
  let index = 0;
  for await (const item of streamRecordTexts(fd, gzip, state, options)) {
    const at = index++;
    // Without an id only the index counts; with one, any record may be it (the file changed).
    if (at !== ref.index && (ref.id === undefined || sameVersion)) continue;
    let value: unknown;
    try {
      value = JSON.parse(item.text);
    } catch {
      continue;
    }
    const found = pickItem([value], { ...ref, index: 0 }, sameVersion && at === ref.index);
    if (itemRecord(found) !== null || ref.id === undefined) return found;
  }
  return undefined;
}

/** Forgets the parsed files readRecord keeps (tests, and files known to have changed). */
export function clearRecordCache(): void {
  cache.clear();
}

/**
 * Items whose texts a StreamedRecords keeps behind its pass: eight export chunks' worth (about 45 MB of
 * CloudTrail text), so blocks going backwards start a pass once in eight.
 */
const RECENT_ITEMS = 32768;

/** A record read back with its item's own text (see StreamedRecords). */
export interface RecordWithText {
  record: Loose;
  /** The item's original JSON text: the record itself, or around it (a lookup element, an EventBridge envelope). */
  text: string | null;
}

/**
 * Reads back records of one file read as a stream (above the stream
 * threshold) in index order, in one pass: readRecord streams such a file
 * from its start for each record, and a JSON export of the 200,000 events
 * of one 300 MB file did not end in ten minutes. The pass stays open
 * between calls, so rows asked in file order read the file once; an index
 * before the last one read starts it again. Close it when done.
 */
export class StreamedRecords {
  private items: AsyncGenerator<{ text: string }> | null = null;
  /** The index of the next item `items` yields. */
  private next = 0;
  private identity = '';
  /**
   * The texts of the last RECENT_ITEMS items passed, by index: rows asked
   * newest first from a file written oldest first come in blocks that go
   * backwards, and each block started the pass again (--order oldest over a
   * 300 MB file took four times as long as newest first).
   */
  private readonly recent = new Map<number, string>();
  /** A pass was started and not closed (it may have reached the end). */
  private opened = false;
  /** Passes started (tests). */
  passes = 0;

  constructor(
    private readonly file: string,
    private readonly options: RecordReadOptions = {},
  ) {}

  /**
   * The records of `refs` (all of this file, indexes ascending), each with
   * its text; null for one whose item is not the row's record (the file
   * changed: readRecord finds it by id). Null as a whole when the file is
   * not read as a stream (readRecord serves it from its cached parse).
   */
  async read(refs: readonly RecordRef[]): Promise<(RecordWithText | null)[] | null> {
    if (refs.length === 0) return [];
    // A row the pass has left behind (and not kept), or past its end, needs a new pass.
    const behind = (ref: RecordRef): boolean => !this.recent.has(ref.index) && (ref.index < this.next || this.items === null);
    if (!this.opened || refs.some(behind)) {
      await this.close();
      if (!this.open()) return null;
    }
    const out = new Array<RecordWithText | null>(refs.length).fill(null);
    for (let k = 0; k < refs.length; k++) {
      const ref = refs[k]!;
      let text = this.recent.get(ref.index) ?? null;
      while (text === null && this.items !== null && this.next <= ref.index) {
        const step = await this.items.next();
        if (step.done) {
          this.items = null;
          break;
        }
        const at = this.next++;
        this.recent.set(at, step.value.text);
        // Passed in index order, so the first key is the oldest.
        if (this.recent.size > RECENT_ITEMS) this.recent.delete(this.recent.keys().next().value!);
        if (at === ref.index) text = step.value.text;
      }
      if (text === null) continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        continue;
      }
      const found = pickItem([value], { ...ref, index: 0 }, this.identity === (ref.identity ?? ''));
      const record = itemRecord(found);
      if (record === null) continue;
      out[k] = { record, text };
    }
    return out;
  }

  /** Ends the pass (its descriptor is closed). */
  async close(): Promise<void> {
    const items = this.items;
    this.items = null;
    this.next = 0;
    this.opened = false;
    this.recent.clear();
    await items?.return(undefined);
  }

  private open(): boolean {
    const opened = openAndParse(this.file, this.options.streamThreshold ?? STREAM_THRESHOLD, this.options.maxDecompressed ?? readLimits().maxDecompressedBytes);
    if (opened.kind !== 'stream') return false;
    this.identity = opened.identity;
    this.items = streamRecordTexts(opened.fd, opened.gzip, { error: '' }, { size: opened.bytes });
    this.next = 0;
    this.opened = true;
    this.passes++;
    return true;
  }
}
