import { verifiedRef } from '../model/contentCheck.js';
import type { EventRow, RecordRef } from '../model/types.js';
import { openAtomicFile, streamSink, type OpenFile, type Sink } from './atomic.js';
import { csvHeader, csvLines } from './csv.js';
import { ExportCancelled, ExportFailed, toExportError } from './errors.js';
import { withoutGz } from './gzip.js';
import { jsonEpilogue, jsonPrologue, jsonRecords, jsonTexts, placedRuns, type PlacedRun } from './json.js';
import { OutputWriter } from './output.js';
import { RecordBytesReader } from './recordBytes.js';
import { RecordTextPool, recordWorkersAvailable } from './recordTextPool.js';
import { ProgressReporter, type ExportProgress } from './progress.js';
import type { RecordsReader } from './records.js';

export { ExportCancelled, ExportFailed, TargetExists, TargetNotAFile, type ExportFailure } from './errors.js';
export { CSV_COLUMNS, CSV_HEADERS, formatEventTime } from './columns.js';
export { isDangerous, neutralise, GUARD_PREFIX } from './guard.js';
export { formatProgressLine, formatBytes, wroteLine, type ExportProgress } from './progress.js';
export { checkTarget, namesAFolder, NAMES_A_FOLDER, removeLiveTempFilesSync } from './atomic.js';
export { writesIntoLogPath } from './logFolder.js';
export { gzippedSize, gzipsByName } from './gzip.js';
export { createRecordsReader, type RecordsReader, type RawRecord } from './records.js';

export type ExportFormat = 'csv' | 'json' | 'jsonl';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json', 'jsonl'];

/** The console's warning, shown once before a CSV download (cloudtrail.md section 5). */
export const CSV_WARNING =
  'CSV values come from the logs and may contain spreadsheet formulas; trailtop neutralises them ' +
  "with a leading ' — still open the file with links and macros disabled.";

export interface ExportOptions {
  /**
   * The events to write, in the order to write them (the list's order, newest
   * first). Only the first rows.length rows at the start are written; the
   * array must not be reordered while the export runs (pass a copy if it may be).
   */
  rows: readonly EventRow[];
  format: ExportFormat;
  /** A file path (written atomically), or a stream such as process.stdout (written as it goes). */
  target: string | NodeJS.WritableStream;
  /** CSV only: turn the formula-injection guard off (headless --raw). */
  raw?: boolean;
  /** Replace an existing target file; otherwise TargetExists is thrown before anything is written. */
  overwrite?: boolean;
  signal?: AbortSignal;
  /** Called at most about 10 times a second, and once at the end. */
  onProgress?: (progress: ExportProgress) => void;
  /** Where JSON records come from; defaults to reading them back from their files through the ingest layer. */
  readRecords?: RecordsReader;
  /**
   * JSON: each row's record text as the export writes it (original bytes,
   * terminal-safe, one line: export/recordBytes.ts recordText), when the
   * caller already holds it (the headless --filter read); nothing is read back.
   */
  recordText?: ((row: EventRow) => string | undefined) | undefined;
  /** Test hook: how the temp file is opened (to simulate a full disk). */
  openFile?: OpenFile;
}

export interface ExportResult {
  /** The absolute path written, or '-' for a stream. */
  path: string;
  written: number;
  bytes: number;
}

/**
 * Rows are encoded in small chunks (short-lived strings stay in V8's young
 * generation, which halves GC time against big chunks) and put into the
 * output writer as they come (export/output.ts); the loop yields at least
 * every YIELD_MS so input and renders keep running during a long export.
 */
const CSV_CHUNK_ROWS = 250;
const JSON_CHUNK_ROWS = 1000;
const YIELD_MS = 8;

/** Lets timers, input and renders run between chunks, so the dashboard stays usable during a long export. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolveYield) => setImmediate(resolveYield));
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ExportCancelled();
}

/**
 * The output of one chunk of rows: text, whole or in pieces, or runs of
 * records' bytes (read back), each counted as it is put, whose memory is
 * handed back by `release` once they are copied into the writer.
 */
type ChunkText = string | Iterable<string> | { runs: Iterable<PlacedRun>; release?: () => void };

/** Produces the text of one chunk of rows. */
type ChunkEncoder = (rows: readonly EventRow[], start: number, end: number) => Promise<ChunkText> | ChunkText;

interface Encoder {
  prologue: string;
  chunk: ChunkEncoder;
  epilogue: string;
  chunkRows: number;
  /** Releases what the encoder holds (worker threads). */
  dispose?: () => Promise<void>;
}

/** Below this many rows, starting worker threads costs more than it saves. */
const WORKER_MIN_ROWS = 20_000;
/** Rows a worker-thread chunk: each worker's share of it is one answer in its shared memory (recordTextPool.ts). */
export const WORKER_CHUNK_ROWS = 4000;

/**
 * Also asks for the READ_AHEAD chunks after the one being returned, so the
 * workers read ahead while the export loop writes (two keep them busier than
 * one when the loop is slow for a moment: about 5% at a million rows).
 * With the one being written, that is the pool's SLOTS answers a worker.
 */
export const READ_AHEAD = 2;

function readingAhead(read: (start: number, end: number) => Promise<ChunkText>, chunkRows: number, total: number): ChunkEncoder {
  const ahead = new Map<number, Promise<ChunkText>>();
  const request = (start: number): void => {
    const text = read(start, Math.min(start + chunkRows, total));
    // A read-ahead nobody awaits (after a cancel) must not surface as an unhandled rejection.
    text.catch(() => {});
    ahead.set(start, text);
  };
  return (_rows, start) => {
    if (!ahead.has(start)) request(start);
    for (let k = 1; k <= READ_AHEAD && start + k * chunkRows < total; k++) {
      if (!ahead.has(start + k * chunkRows)) request(start + k * chunkRows);
    }
    const text = ahead.get(start)!;
    ahead.delete(start);
    return text;
  };
}

function encoderFor(options: ExportOptions): Encoder {
  if (options.format === 'csv') {
    const raw = options.raw === true;
    return {
      prologue: csvHeader(),
      chunk: (rows, start, end) => csvLines(rows, start, end, raw),
      epilogue: '',
      chunkRows: CSV_CHUNK_ROWS,
    };
  }
  const flavour = options.format;
  const { rows } = options;
  const base = { prologue: jsonPrologue(flavour), epilogue: jsonEpilogue(flavour, rows.length) };
  const { recordText } = options;
  if (recordText) {
    return {
      ...base,
      chunk: (chunkRowsOf, start, end) => {
        const texts = new Array<string>(end - start);
        for (let i = start; i < end; i++) {
          const text = recordText(chunkRowsOf[i]!);
          if (text === undefined) throw new ExportFailed('source', 'no record text for a row');
          texts[i - start] = text;
        }
        return jsonTexts(flavour, texts, start);
      },
      chunkRows: JSON_CHUNK_ROWS,
    };
  }
  if (!options.readRecords && rows.length >= WORKER_MIN_ROWS && recordWorkersAvailable()) {
    const pool = new RecordTextPool(flavour);
    // Bytes from the workers' shared memory to the file: never decoded to strings and encoded again.
    const read = async (start: number, end: number): Promise<ChunkText> => {
      const { placement, release } = await pool.read(rows, start, end);
      return { runs: placedRuns(flavour, placement, start), release };
    };
    return { ...base, chunk: readingAhead(read, WORKER_CHUNK_ROWS, rows.length), chunkRows: WORKER_CHUNK_ROWS, dispose: () => pool.close() };
  }
  const { readRecords } = options;
  if (readRecords) {
    return {
      ...base,
      chunk: async (chunkRowsOf, start, end) => jsonRecords(flavour, await readRecords(chunkRowsOf, start, end), start),
      chunkRows: JSON_CHUNK_ROWS,
    };
  }
  // On this thread, the same texts the workers give: original bytes where the span scanner finds them.
  const reader = new RecordBytesReader();
  return {
    ...base,
    chunk: async (chunkRowsOf, start, end) => {
      const refs = new Array<RecordRef>(end - start);
      for (let i = start; i < end; i++) refs[i - start] = verifiedRef(chunkRowsOf[i]!);
      const slot = new Uint32Array(end - start);
      for (let k = 0; k < slot.length; k++) slot[k] = k;
      return { runs: placedRuns(flavour, { parts: [await reader.read(refs, flavour)], part: new Uint8Array(slot.length), slot }, start) };
    },
    chunkRows: JSON_CHUNK_ROWS,
    // A pass over a file too big to read whole holds its descriptor open.
    dispose: () => reader.close(),
  };
}

async function openSink(options: ExportOptions): Promise<Sink> {
  if (typeof options.target !== 'string') return streamSink(options.target);
  return openAtomicFile(options.target, { overwrite: options.overwrite === true, openFile: options.openFile });
}

/**
 * The one export entry point, used by `trailtop export` and the dashboard's
 * download dialog. Writes `rows` as CSV, JSON ({"Records":[...]}) or JSON
 * lines; a file target appears only when complete (temp file + rename), so a
 * cancel, a full disk or an unreadable source leave nothing behind.
 *
 * Throws ExportCancelled, TargetExists, or ExportFailed (with a reason).
 */
export async function exportRows(options: ExportOptions): Promise<ExportResult> {
  const { rows, signal } = options;
  const total = rows.length;
  if (!(EXPORT_FORMATS as readonly string[]).includes(options.format)) {
    throw new TypeError(`unknown export format '${String(options.format)}'`);
  }
  throwIfCancelled(signal);
  const progress = new ProgressReporter(total, options.onProgress);
  const sink = await openSink(options);
  const encoder = encoderFor(options);
  const { chunkRows } = encoder;
  let bytes = 0;
  const writer = new OutputWriter(
    sink,
    (events, written) => {
      bytes += written;
      progress.advance(events, written);
    },
    () => throwIfCancelled(signal),
  );
  try {
    progress.report();
    if (encoder.prologue) await writer.put(encoder.prologue);
    let lastYield = performance.now();
    for (let start = 0; start < total; start += chunkRows) {
      throwIfCancelled(signal);
      const end = Math.min(start + chunkRows, total);
      const text = await encoder.chunk(rows, start, end);
      if (typeof text === 'string' || Symbol.iterator in text) {
        if (typeof text === 'string') await writer.put(text);
        else for (const piece of text) await writer.put(piece);
        writer.rowsDone(end - start);
      } else {
        try {
          for (const run of text.runs) {
            await writer.put(run.bytes);
            writer.rowsDone(run.records);
          }
        } finally {
          text.release?.();
        }
      }
      if (performance.now() - lastYield >= YIELD_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }
    if (encoder.epilogue) await writer.put(encoder.epilogue);
    await writer.finish();
    throwIfCancelled(signal);
    await sink.commit();
  } catch (error) {
    await writer.abandon();
    await sink.discard();
    throw toExportError(error, sink.path);
  } finally {
    await encoder.dispose?.();
  }
  progress.report();
  return { path: sink.path, written: total, bytes };
}

/** `trailtop-20261126T021500Z.csv`: the dialog's default file name, in the current folder. */
export function defaultExportName(format: ExportFormat, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `trailtop-${stamp}.${format}`;
}

/** The format a file name implies (.csv, .json, .jsonl/.ndjson, each maybe followed by .gz), or null. */
export function formatFromPath(path: string): ExportFormat | null {
  const lower = withoutGz(path).toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.json')) return 'json';
  return null;
}
