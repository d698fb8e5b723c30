/**
 * The JSON text of original records as bytes, copied from their files where
 * the span scanner (ingest/recordSpans.ts) places them (white space between
 * tokens dropped, numbers as written), and parsed and stringified again only
 * where it cannot (other shapes, other encodings, bad files: there a number
 * is JavaScript's spelling of its value). Either way a record's text parses to the object readRecord returns,
 * holds no line break (jsonl keeps one record per line) and is terminal-safe
 * (terminalSafeJson), as the export has always written it.
 */
import { statSync } from 'node:fs';
import { readRecord, STREAM_THRESHOLD, StreamedRecords, type RecordWithText } from '../ingest/read.js';
import { fileIdentity } from '../model/recordBatch.js';
import { readDecodedBytes, readRecordSpans, SPAN_LINE_BREAK, SPAN_NON_ASCII, SPAN_NOT_COMPACT, SPAN_PLAIN, type RecordSpans } from '../ingest/recordSpans.js';
import { stringifyJson } from '../model/stringify.js';
import type { RecordRef } from '../model/types.js';
import { terminalSafeJson } from '../term/jsonText.js';
import { compactJson } from './compactJson.js';
import { sourceTexts, sourceTextFor } from './sourceText.js';
import { groupByFile, readOrFail, type ReadOne } from './records.js';

/**
 * What surrounds each record's text, so that records read one after another
 * are already the output: 'json' puts `,\n` before each (the export drops the
 * very first one), 'jsonl' a newline after each.
 */
export type RecordFraming = 'json' | 'jsonl' | 'none';

/** Records' framed texts back to back: record k is bytes[ends[k-1] (or 0), ends[k]). */
export interface RecordBytes {
  bytes: Uint8Array;
  ends: Uint32Array;
}

interface Scanned {
  stamp: string;
  spans: RecordSpans | null;
  checkedAt: number;
  size: number;
}

/** A file's own texts of the items its spans do not place (export/sourceText.ts sourceTexts), for the version `stamp`. */
interface Sources {
  stamp: string;
  texts: (string | null)[] | null;
  /** Too big to read whole: its records are read in one pass (ingest/read.ts StreamedRecords). */
  big: boolean;
}

/**
 * Files whose source texts are kept, apart from the scans' byte budget: a
 * JSON-lines file's texts are its size (up to the stream threshold), and
 * counted with the scans they pushed its own entry out whenever a row of
 * another file came between two of its rows, so it was decoded again for
 * each chunk (an export of such a folder took twice as long).
 */
const SOURCE_FILES = 2;
/** Passes over big files kept open at once (each holds a descriptor). */
const OPEN_STREAMS = 4;

/**
 * Scanned files kept, by decoded size: rows of one file are spread over a few
 * neighbouring chunks. The export says when a file's last rows are read
 * (forget), so this only bounds what lists in other orders keep.
 */
const CACHE_BYTES = 16 * 1024 * 1024;
/** Also a bound on the files remembered, for those read the ordinary way (no bytes kept). */
const CACHE_FILES = 4096;
/** As readRecord: a cached file is trusted this long without a fresh stat. */
const REVALIDATE_MS = 1000;

function stampOf(file: string): string | null {
  try {
    const stats = statSync(file);
    return stats.isFile() ? fileIdentity(stats) : null;
  } catch {
    return null;
  }
}

const SPACE = 0x20;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

/** The span as output text: terminal-safe, line breaks (whitespace between tokens) turned into spaces. */
function spanText(spans: RecordSpans, k: number): Buffer {
  return recordText(spans.bytes.subarray(spans.starts[k], spans.ends[k]), spans.flags[k]!);
}

/**
 * A record's original bytes (a span of the span scanner, with its SPAN_*
 * flags) as the export writes them: one compact line, terminal-safe, each
 * number exactly as the log wrote it. Most files are already written that
 * way and their bytes are copied (may return `piece` itself); a span that
 * may not be (SPAN_NOT_COMPACT: a pretty-printed file, spaces after colons,
 * `\/` escapes, 1.0, 12345678901234567890) loses its white space and has
 * its escaped strings written as JSON.stringify writes them
 * (export/compactJson.ts), never parsed into numbers: that rounded big
 * integers, wrote 1e400 as null and 1.0 as 1.
 */
export function recordText(piece: Buffer, flag: number): Buffer {
  if (flag & SPAN_NOT_COMPACT) return Buffer.from(terminalSafeJson(compactJson(piece).toString('utf8')), 'utf8');
  if (flag & SPAN_NON_ASCII) piece = Buffer.from(terminalSafeJson(piece.toString('utf8')), 'utf8');
  if (flag & SPAN_LINE_BREAK) {
    // Not reached (a line break between tokens makes a span SPAN_NOT_COMPACT); kept as the guarantee of one line.
    if (!(flag & SPAN_NON_ASCII)) piece = Buffer.from(piece);
    for (let j = 0; j < piece.length; j++) if (piece[j] === 0x0a || piece[j] === 0x0d) piece[j] = SPACE;
  }
  return piece;
}

/**
 * Reads records' JSON text for export. Keeps the scans of recently read
 * files, so rows of one file that arrive in neighbouring requests scan it once.
 */
export class RecordBytesReader {
  private readonly cache = new Map<string, Scanned>();
  private cachedBytes = 0;
  private readonly sources = new Map<string, Sources>();
  private readonly streams = new Map<string, StreamedRecords>();

  /** `threshold`: the size above which a file is read as a stream, not whole (tests make it small). */
  constructor(
    private readonly readOne: ReadOne = readRecord,
    private readonly threshold = STREAM_THRESHOLD,
  ) {}

  /**
   * The texts of `refs`, in their order, written into `target` when they fit;
   * throws the typed 'source' failure for a record that cannot be read back.
   */
  async read(refs: readonly RecordRef[], framing: RecordFraming = 'none', target?: Uint8Array): Promise<RecordBytes> {
    const pieces = new Array<Uint8Array>(refs.length);
    for (const group of groupByFile(refs)) {
      const first = refs[group[0]!]!;
      const spans = this.spansOf(first.file, first.identity ?? '');
      const streamed = spans === null ? await this.readStreamed(first.file, group, refs) : null;
      for (const k of group) {
        const index = refs[k]!.index;
        // Spans of another version of the file than the row was read from may hold another record
        // at this index: such rows are read back by the checking reader (readRecord) instead.
        const sameVersion = !refs[k]!.identity || spans?.identity === refs[k]!.identity;
        if (spans && sameVersion && index >= 0 && index < spans.flags.length && spans.flags[index]! & SPAN_PLAIN) {
          pieces[k] = spanText(spans, index);
        } else {
          const got = streamed?.get(k) ?? null;
          const record = got?.record ?? (await readOrFail(this.readOne, refs[k]!));
          // The log's own text where it is this record (a JSON-lines file, a lookup element): its numbers as written.
          const exact = sourceTextFor(got ? got.text : this.sourcesOf(first.file)?.texts?.[index], record);
          pieces[k] = Buffer.from(exact ?? terminalSafeJson(stringifyJson(record)), 'utf8');
        }
      }
    }
    const before = framing === 'json' ? 2 : 0;
    const after = framing === 'jsonl' ? 1 : 0;
    let total = (before + after) * pieces.length;
    for (const piece of pieces) total += piece.length;
    // Into `target` when it fits; else a buffer not from Buffer's shared pool, which the worker can transfer.
    const bytes = target && total <= target.length ? target.subarray(0, total) : Buffer.allocUnsafeSlow(total);
    const ends = new Uint32Array(pieces.length);
    let at = 0;
    for (let k = 0; k < pieces.length; k++) {
      if (before) {
        bytes[at++] = COMMA;
        bytes[at++] = NEWLINE;
      }
      bytes.set(pieces[k]!, at);
      at += pieces[k]!.length;
      if (after) bytes[at++] = NEWLINE;
      ends[k] = at;
    }
    return { bytes, ends };
  }

  /** `wanted`: the file identity the rows were read at ('' unknown): a cached scan of it needs no stat. */
  private spansOf(file: string, wanted = ''): RecordSpans | null {
    const now = Date.now();
    const cached = this.cache.get(file);
    if (cached && wanted !== '' && cached.spans?.identity === wanted) return cached.spans;
    if (cached && (wanted === '' || cached.spans === null) && now - cached.checkedAt < REVALIDATE_MS) return cached.spans;
    const stamp = stampOf(file);
    if (stamp === null) return null;
    if (cached && cached.stamp === stamp) {
      cached.checkedAt = now;
      this.cache.delete(file);
      this.cache.set(file, cached);
      return cached.spans;
    }
    if (cached) this.drop(file, cached);
    const spans = readRecordSpans(file, this.threshold);
    const entry: Scanned = { stamp, spans, checkedAt: now, size: spans ? spans.bytes.length : 0 };
    this.cache.set(file, entry);
    this.cachedBytes += entry.size;
    for (const [oldest, old] of this.cache) {
      if ((this.cachedBytes <= CACHE_BYTES && this.cache.size <= CACHE_FILES) || oldest === file) break;
      this.drop(oldest, old);
    }
    return spans;
  }

  /** The source texts of a file's items, or null (kept for the last SOURCE_FILES files). */
  private sourcesOf(file: string): Sources | null {
    const entry = this.cache.get(file);
    if (!entry) return null;
    let kept = this.sources.get(file);
    if (kept && kept.stamp === entry.stamp) {
      this.sources.delete(file);
      this.sources.set(file, kept);
      return kept;
    }
    const bytes = entry.spans?.bytes ?? readDecodedBytes(file, this.threshold);
    kept = { stamp: entry.stamp, texts: bytes ? sourceTexts(bytes, entry.spans !== null) : null, big: bytes === null };
    this.sources.delete(file);
    this.sources.set(file, kept);
    for (const oldest of this.sources.keys()) {
      if (this.sources.size <= SOURCE_FILES) break;
      this.sources.delete(oldest);
    }
    return kept;
  }

  /**
   * The records of a file too big to read whole, at the positions `group` of `refs`, in one pass
   * (readRecord streamed the file from its start for each one); null for other files.
   */
  private async readStreamed(file: string, group: readonly number[], refs: readonly RecordRef[]): Promise<Map<number, RecordWithText | null> | null> {
    const kept = this.sourcesOf(file);
    if (!kept?.big) return null;
    let stream = this.streams.get(file);
    if (!stream) {
      stream = new StreamedRecords(file, { streamThreshold: this.threshold });
      this.streams.set(file, stream);
      for (const [oldest, open] of this.streams) {
        if (this.streams.size <= OPEN_STREAMS) break;
        this.streams.delete(oldest);
        await open.close();
      }
    }
    const order = [...group].sort((a, b) => refs[a]!.index - refs[b]!.index);
    const got = await stream.read(order.map((k) => refs[k]!));
    if (got === null) {
      kept.big = false;
      return null;
    }
    return new Map(order.map((k, i) => [k, got[i]!]));
  }

  /** Ends the passes over big files still open. */
  async close(): Promise<void> {
    const open = [...this.streams.values()];
    this.streams.clear();
    for (const stream of open) await stream.close();
  }

  /** Drops what is kept of `files` (their rows are all read): a later read scans them again. */
  forget(files: Iterable<string>): void {
    for (const file of files) {
      this.sources.delete(file);
      this.streams.get(file)?.close().catch(() => {});
      this.streams.delete(file);
      const entry = this.cache.get(file);
      if (entry) this.drop(file, entry);
    }
  }

  private drop(file: string, entry: Scanned): void {
    this.cache.delete(file);
    this.cachedBytes -= entry.size;
  }
}
