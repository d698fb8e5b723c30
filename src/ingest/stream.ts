/**
 * Reading files too big to hold as one string (V8 stops at 512 MiB): the
 * bytes stream through (gunzip and) a small splitter that cuts the text into
 * one JSON text per record, each parsed on its own.
 *
 * The splitter tracks only nesting depth, strings and escapes; it does not
 * validate JSON (JSON.parse does that per record). It understands:
 * - `{"Records":[ ... ]}` and `{"Events":[ ... ]}`: each array element
 * - a bare array `[ ... ]`: each element
 * - a sequence of top-level objects (JSON lines, text between them ignored):
 *   each object; a lone object without Records/Events is one item too.
 */
import { close, createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { depthReason, inflateLimit, inflateReason, LimitError, MAX_JSON_DEPTH, MAX_RECORD_CHARS, readLimits } from './limits.js';

/** Where an item came from: a Records/Events array, a bare array, or a top-level object. */
export type Container = 'records' | 'events' | 'array' | 'top';

export interface SplitItem {
  text: string;
  container: Container;
}

const OPEN_BRACE = 123; // {
const CLOSE_BRACE = 125; // }
const OPEN_BRACKET = 91; // [
const CLOSE_BRACKET = 93; // ]
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff;
}

export class RecordSplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Depth of the records array's interior (1 bare array, 2 Records); -1 when not inside one. */
  private arrayDepth = -1;
  private container: Container = 'top';
  /** A top-level object is open. */
  private inTopObject = false;
  /** At depth 1 of the top object, the next string is a key. */
  private expectKey = false;
  private collectingKey = false;
  private keyText = '';
  private lastKey = '';
  /** After `"Records":`, waiting for the value. */
  private afterArrayKey = false;
  private sawTopValue = false;
  /** Text of the record being cut out, from earlier chunks, and where it starts in this one (-1: not capturing). */
  private pieces: string[] = [];
  private captureStart = -1;
  /** The element being captured is a scalar (ends at ',' or ']'), not an object/array (ends at its close). */
  private scalar = false;
  /** Characters in `pieces`: one record may not grow past MAX_RECORD_CHARS. */
  private piecesChars = 0;

  /** Feeds the next piece of text; returns the records completed in it. */
  push(chunk: string): SplitItem[] {
    const out: SplitItem[] = [];
    const n = chunk.length;
    let keyStart = this.collectingKey ? 0 : -1;
    for (let i = 0; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.collectingKey) {
            this.keyText += chunk.slice(keyStart, i);
            this.lastKey = this.keyText;
            this.collectingKey = false;
            keyStart = -1;
          }
        }
        continue;
      }
      if (this.depth === 0) {
        // Between top-level values: only '{' (or '[' first) starts one; anything else is ignored text.
        if (c === OPEN_BRACE) {
          this.inTopObject = true;
          this.expectKey = true;
          this.lastKey = '';
          this.depth = 1;
          this.captureStart = i;
          this.pieces = [];
          this.piecesChars = 0;
        } else if (c === OPEN_BRACKET && !this.sawTopValue) {
          this.depth = 1;
          this.piecesChars = 0;
          this.arrayDepth = 1;
          this.container = 'array';
        }
        continue;
      }
      if (isSpace(c)) continue;
      if (this.afterArrayKey) {
        this.afterArrayKey = false;
        if (c === OPEN_BRACKET) {
          // Inside Records: the object around it is no longer a record of its own.
          this.captureStart = -1;
          this.pieces = [];
          this.depth = 2;
          this.arrayDepth = 2;
          this.container = this.lastKey === 'Events' ? 'events' : 'records';
          continue;
        }
      }
      if (this.depth === this.arrayDepth && this.captureStart < 0 && this.pieces.length === 0) {
        // Between elements of the records array.
        if (c === COMMA) continue;
        if (c === CLOSE_BRACKET) {
          this.closeRecordsArray();
          continue;
        }
        this.captureStart = i;
        this.scalar = c !== OPEN_BRACE && c !== OPEN_BRACKET;
        if (this.scalar) {
          if (c === QUOTE) this.inString = true;
          continue;
        }
      }
      switch (c) {
        case QUOTE:
          this.inString = true;
          if (this.inTopObject && this.depth === 1 && this.expectKey) {
            this.collectingKey = true;
            this.keyText = '';
            keyStart = i + 1;
          }
          break;
        case OPEN_BRACE:
        case OPEN_BRACKET:
          // A bomb of `[[[[...` would otherwise be gathered into one record until memory runs out.
          if (++this.depth > MAX_JSON_DEPTH) throw new LimitError(depthReason());
          break;
        case CLOSE_BRACE:
        case CLOSE_BRACKET:
          if (this.depth === this.arrayDepth && this.scalar) {
            // `]` ends a scalar element and the array.
            out.push(this.takeCapture(chunk, i));
            this.closeRecordsArray();
            break;
          }
          this.depth--;
          if (this.depth === this.arrayDepth && !this.scalar) {
            out.push(this.takeCapture(chunk, i + 1));
          } else if (this.depth === 0 && this.inTopObject) {
            this.inTopObject = false;
            this.sawTopValue = true;
            if (this.captureStart >= 0 || this.pieces.length > 0) {
              out.push({ text: this.captureText(chunk, i + 1), container: 'top' });
            }
            this.captureStart = -1;
            this.pieces = [];
            this.arrayDepth = -1;
          }
          break;
        case COMMA:
          if (this.depth === this.arrayDepth && this.scalar) out.push(this.takeCapture(chunk, i));
          else if (this.inTopObject && this.depth === 1) this.expectKey = true;
          break;
        case COLON:
          if (this.inTopObject && this.depth === 1) {
            this.expectKey = false;
            if (this.arrayDepth < 0 && (this.lastKey === 'Records' || this.lastKey === 'Events')) this.afterArrayKey = true;
          }
          break;
      }
    }
    if (this.collectingKey && keyStart >= 0) this.keyText += chunk.slice(keyStart);
    if (this.captureStart >= 0) {
      const piece = chunk.slice(this.captureStart);
      this.pieces.push(piece);
      this.piecesChars += piece.length;
      if (this.piecesChars > MAX_RECORD_CHARS) throw new LimitError(`a record larger than ${MAX_RECORD_CHARS / 1024 / 1024} MiB; not read`);
      this.captureStart = 0;
    }
    return out;
  }

  /** Call after the last chunk: the error when the text ended inside a value, '' otherwise. */
  end(): string {
    if (this.depth > 0 || this.inString) return 'unexpected end of JSON (file truncated?)';
    return '';
  }

  private closeRecordsArray(): void {
    this.depth = this.arrayDepth - 1;
    this.arrayDepth = -1;
    if (this.depth === 0) {
      this.sawTopValue = true;
    }
  }

  private takeCapture(chunk: string, endExclusive: number): SplitItem {
    const item = { text: this.captureText(chunk, endExclusive), container: this.container };
    this.captureStart = -1;
    this.pieces = [];
    this.piecesChars = 0;
    this.scalar = false;
    return item;
  }

  private captureText(chunk: string, endExclusive: number): string {
    const tail = chunk.slice(Math.max(this.captureStart, 0), endExclusive);
    if (this.pieces.length === 0) return tail;
    this.pieces.push(tail);
    return this.pieces.join('');
  }
}

/** 256 KiB: default stream chunks make gunzip about 4x slower (design.md). */
export const STREAM_CHUNK = 256 * 1024;

export interface StreamState {
  error: string;
  /** A limit was passed (gzip bomb, nesting, record size): the file is bad whatever was read. */
  limit?: boolean;
  /** The text starts with a NUL byte: not JSON, whatever follows (a sparse file of zeros). */
  notJson?: boolean;
  /** Decompressed bytes came out before a gzip error: trailing garbage after the stream, not a broken file. */
  decodedBytes?: number;
}

export interface StreamOptions {
  signal?: AbortSignal | undefined;
  /** Bytes to read from a descriptor: its size at open (never more, whatever the file does meanwhile). */
  size?: number | undefined;
  /** Decompressed-size cap; default from readLimits(). */
  maxDecompressed?: number | undefined;
}

/**
 * Streams a file's records as JSON texts. Gunzips when `gzip` is set.
 * Stream errors (truncated gzip, read errors) and passed limits end the
 * iteration with `error` set on the returned state instead of throwing.
 */
export async function* streamRecordTexts(
  source: string | number,
  gzip: boolean,
  state: StreamState,
  options: StreamOptions = {},
): AsyncGenerator<SplitItem> {
  const { signal, size } = options;
  // A descriptor is owned from here on: the stream closes it, also when the caller stops early.
  if (size === 0) {
    if (typeof source === 'number') closeDescriptor(source);
    return;
  }
  const range = size === undefined ? {} : { end: size - 1 };
  const file =
    typeof source === 'string'
      ? createReadStream(source, { highWaterMark: STREAM_CHUNK, ...range })
      : createReadStream('', { fd: source, start: 0, highWaterMark: STREAM_CHUNK, autoClose: true, ...range });
  const input: Readable = gzip ? file.pipe(createGunzip({ chunkSize: STREAM_CHUNK })) : file;
  if (gzip) file.on('error', (error) => input.destroy(error));
  const decoder = new StringDecoder('utf8');
  const splitter = new RecordSplitter();
  const maxDecompressed = options.maxDecompressed ?? readLimits().maxDecompressedBytes;
  const outLimit = gzip && size !== undefined ? inflateLimit(size, maxDecompressed) : Number.POSITIVE_INFINITY;
  let decoded = 0;
  let started = false;
  try {
    for await (const chunk of input) {
      if (signal?.aborted) break;
      const bytes = chunk as Buffer;
      decoded += bytes.length;
      if (decoded > outLimit) throw new LimitError(inflateReason(size ?? 0, maxDecompressed));
      if (!started) {
        const first = firstSignificantByte(bytes);
        if (first === 0) {
          state.notJson = true;
          return;
        }
        started = first >= 0;
      }
      const items = splitter.push(decoder.write(bytes));
      for (const item of items) yield item;
    }
    const items = splitter.push(decoder.end());
    for (const item of items) yield item;
    if (!signal?.aborted) state.error = splitter.end();
  } catch (error) {
    if (error instanceof LimitError) state.limit = true;
    state.decodedBytes = decoded;
    state.error = error instanceof LimitError ? error.message : streamErrorReason(error, gzip);
  } finally {
    input.destroy();
    file.destroy();
  }
}

function closeDescriptor(fd: number): void {
  close(fd, () => {
    // Nothing to do either way: the descriptor is released or was gone.
  });
}

/** The first byte that is not JSON whitespace, or -1 when the chunk is all whitespace. */
function firstSignificantByte(bytes: Uint8Array): number {
  for (const b of bytes) {
    if (b !== 32 && b !== 10 && b !== 13 && b !== 9) return b;
  }
  return -1;
}

export function streamErrorReason(error: unknown, gzip: boolean): string {
  const code = (error as { code?: string } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (gzip && (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(message))) return 'truncated gzip (unexpected end of file)';
  if (gzip && code?.startsWith('Z_')) return `invalid gzip: ${message}`;
  return message.replace(/, (open|read) '.*'$/s, '');
}
