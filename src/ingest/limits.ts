/**
 * Limits that keep one hostile file from taking the whole process down: a
 * gzip bomb (1 MB that inflates to 1 GiB of `[`), a pathological nesting
 * depth, one record bigger than any CloudTrail event could be.
 *
 * They are process-wide settings, set once from the command line
 * (`--max-decompressed`); the read pool hands them to its workers.
 */
import { getHeapStatistics } from 'node:v8';
import { formatBytes } from '../term/bytes.js';

export interface ReadLimits {
  /** Bytes a file may decompress to (gzip) before it is reported bad; default 2 GiB. */
  maxDecompressedBytes: number;
}

export const DEFAULT_MAX_DECOMPRESSED = 2 * 1024 ** 3;

/**
 * A file decompressing to more than this many times its size on disk is a
 * bomb. CloudTrail logs inflate 10-20x; even a file of one record repeated
 * verbatim stays near 230x. Deflate cannot exceed about 1,032x.
 */
export const MAX_GZIP_RATIO = 500;

/** The ratio check starts once this much has come out: a small file can be very repetitive. */
export const RATIO_FLOOR_BYTES = 64 * 1024 * 1024;

/** JSON nesting deeper than this is refused (CloudTrail records nest about 10 deep; jq stops at 10,000, V8 needs ~55 bytes a level). */
export const MAX_JSON_DEPTH = 1000;

/** One record (one JSON text cut out of a streamed file) bigger than this is refused: CloudTrail events stay under 256 KB. */
export const MAX_RECORD_CHARS = 64 * 1024 * 1024;

/** Texts up to this size are parsed without a nesting check: even at full depth they cost a few hundred MB at most. */
export const DEPTH_CHECK_ABOVE = 4 * 1024 * 1024;

const limits: ReadLimits = { maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED };

export function readLimits(): Readonly<ReadLimits> {
  return limits;
}

export function setReadLimits(next: Partial<ReadLimits>): void {
  if (next.maxDecompressedBytes !== undefined && Number.isFinite(next.maxDecompressedBytes) && next.maxDecompressedBytes > 0) {
    limits.maxDecompressedBytes = next.maxDecompressedBytes;
  }
}

/**
 * What a gzip file is inflated to in memory before the streaming reader takes
 * over: a bomb then costs at most this much (16 MiB, or 64 times the file),
 * not the 256 MiB stream threshold. Real logs inflate 10-20x; a legitimately
 * more repetitive file is simply streamed.
 */
export function memoryInflateLimit(compressedBytes: number, threshold: number, maxDecompressed = limits.maxDecompressedBytes): number {
  return Math.max(1, Math.min(threshold, maxDecompressed, Math.max(16 * 1024 * 1024, compressedBytes * 64)));
}

/** The most a file of `compressedBytes` may inflate to: the size cap, and the ratio check past its floor. */
export function inflateLimit(compressedBytes: number, maxDecompressed = limits.maxDecompressedBytes): number {
  return Math.min(maxDecompressed, Math.max(RATIO_FLOOR_BYTES, compressedBytes * MAX_GZIP_RATIO));
}

/** Why inflating stopped at `limit`. */
export function inflateReason(compressedBytes: number, maxDecompressed = limits.maxDecompressedBytes): string {
  if (inflateLimit(compressedBytes, maxDecompressed) >= maxDecompressed) {
    return `gzip decompresses to more than ${formatBytes(maxDecompressed)} (the --max-decompressed cap); not read`;
  }
  return `gzip bomb: decompresses to more than ${MAX_GZIP_RATIO} times its ${formatBytes(compressedBytes)}; not read`;
}

/** Thrown inside a read when a limit is passed; the file is then bad with this message. */
export class LimitError extends Error {}

export function depthReason(): string {
  return `JSON nested deeper than ${MAX_JSON_DEPTH} levels; not read`;
}

/**
 * True when the JSON text nests deeper than `max` (strings skipped). Runs at
 * about 1 GB/s; only big texts are checked (DEPTH_CHECK_ABOVE).
 */
export function nestsDeeperThan(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // Skip the string: to the next quote not escaped.
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) {
      if (depth > 0) depth--;
    }
  }
  return false;
}

/**
 * Whether the byte fast paths (scan/extract.ts, scan/fastJob.ts) may take a decoded file of this size on this
 * thread. Their per-record arrays grow in loops V8 cannot interrupt, so a worker that meets its heap limit there
 * aborts the whole process instead of dying alone; a file past a quarter of the heap goes to the ordinary
 * reader, whose out-of-memory fails only that file (issue 20 item 2).
 */
export function fitsFastPath(decodedBytes: number): boolean {
  return decodedBytes <= threadHeapBytes() / 4;
}

/**
 * The size past which a file is read record by record rather than by one JSON.parse of its whole text, given the
 * stream threshold and this thread's heap: one JSON.parse is a single native call that V8 cannot interrupt, so a
 * worker whose heap fills inside it aborts the whole process; a text past an eighth of the heap parses to more
 * than the heap can hold, and record by record the worker that runs out dies alone (issue 20 item 2).
 */
export function wholeParseLimit(streamThreshold: number, heapBytes = threadHeapBytes()): number {
  return Math.min(streamThreshold, Math.floor(heapBytes / 8));
}

/** This thread's heap limit: fixed when the thread starts, so read once, not once a file. */
function threadHeapBytes(): number {
  heapBytes ??= getHeapStatistics().heap_size_limit;
  return heapBytes;
}

let heapBytes: number | undefined;
