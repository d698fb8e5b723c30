/**
 * Reading only what was appended to a JSON-lines file since the last read.
 *
 * A JSON-lines file that a shipper keeps appending to can grow to hundreds of
 * MB; reading it whole on every append would cost more each time. Instead the
 * loader remembers where the last complete line ended (`offset`) and how many
 * records came before it (`index`, the reader's record numbering: one per
 * non-blank line), and reads from there. A partial last line is left for the
 * next read.
 */
import { extractLines, isGzip, itemKind } from './detect.js';
import { fileIdentity, RecordBatch } from '../model/recordBatch.js';
import type { EventRow } from '../model/types.js';
import { addRows, type DetectionSink } from './itemRows.js';
import type { RecordDetector } from '../detect/detector.js';
import type { RuleHit } from '../detect/rule.js';
import { closeQuietly, openRegularFile, readUpTo } from './safeOpen.js';

/** Where a later read of a grown JSON-lines file continues. */
export interface LinesResume {
  offset: number;
  index: number;
  /**
   * The first bytes of the file and the bytes just before `offset` (latin1):
   * different bytes in either place mean the file was rewritten, not appended to.
   */
  head: string;
  before: string;
}

const CHECK_BYTES = 64;

export interface AppendedRead {
  rows: EventRow[];
  /** Records that fired detection rules (only with a detector). */
  hits?: RuleHit[];
  resume: LinesResume;
  /** Bytes of complete lines read. */
  bytes: number;
  reason: string;
  skipped: number;
  /** Something after the last newline: a line still being written. */
  openTail: boolean;
}

/**
 * The resume point after a whole-file read: the end of the last complete line
 * within the first `bytesRead` bytes (what the reader saw), and the number of
 * records before it. Null for gzip or when no newline was found.
 */
export function resumeAfterFullRead(path: string, bytesRead: number): LinesResume | null {
  const bytes = readRange(path, 0, bytesRead);
  if (!bytes || isGzip(bytes)) return null;
  const end = bytes.lastIndexOf(0x0a);
  if (end < 0) return null;
  const offset = end + 1;
  return {
    offset,
    index: countRecordLines(bytes, 0, offset),
    head: bytes.subarray(0, Math.min(offset, CHECK_BYTES)).toString('latin1'),
    before: bytes.subarray(Math.max(0, offset - CHECK_BYTES), offset).toString('latin1'),
  };
}

/** Reads the complete lines after `from`; null when the file shrank, was rewritten or cannot be read (read it whole instead). */
export function readAppendedLines(path: string, from: LinesResume, detector?: RecordDetector): AppendedRead | null {
  const checkFrom = from.offset - Buffer.byteLength(from.before, 'latin1');
  const identity = { value: '' };
  const whole = readRange(path, checkFrom, Number.POSITIVE_INFINITY, identity);
  if (!whole || whole.length < from.offset - checkFrom) return null;
  if (whole.subarray(0, from.offset - checkFrom).toString('latin1') !== from.before) return null;
  const head = readRange(path, 0, Buffer.byteLength(from.head, 'latin1'));
  if (!head || head.toString('latin1') !== from.head) return null;
  const bytes = whole.subarray(from.offset - checkFrom);
  const end = bytes.lastIndexOf(0x0a);
  const complete = end < 0 ? bytes.subarray(0, 0) : bytes.subarray(0, end + 1);
  const rows: EventRow[] = [];
  const detection: DetectionSink | undefined = detector ? { detector, hits: [] } : undefined;
  let skipped = 0;
  let reason = '';
  if (complete.length > 0) {
    const text = complete.toString('utf8');
    const extracted = extractLines(text);
    const items = extracted ? extracted.items : [];
    const batch = new RecordBatch(path);
    batch.identity = identity.value;
    for (let k = 0; k < items.length; k++) {
      if (!addRows(rows, items[k], itemKind(items[k]), batch, from.index + k, detection)) skipped++;
    }
    batch.trim();
    reason = extracted ? extracted.reason : 'no CloudTrail event in the appended lines';
  }
  const lines = countRecordLines(complete, 0, complete.length);
  const offset = from.offset + complete.length;
  const before = Buffer.concat([whole.subarray(0, from.offset - checkFrom), complete]);
  return {
    rows,
    ...(detection && detection.hits.length > 0 ? { hits: detection.hits } : {}),
    resume: { offset, index: from.index + lines, head: from.head, before: before.subarray(Math.max(0, before.length - CHECK_BYTES)).toString('latin1') },
    bytes: complete.length,
    reason,
    skipped: Math.max(skipped, lines - rows.length),
    openTail: complete.length < bytes.length,
  };
}

/** Non-blank lines in bytes[start, end): the reader numbers records this way. */
function countRecordLines(bytes: Uint8Array, start: number, end: number): number {
  let count = 0;
  let blank = true;
  for (let k = start; k < end; k++) {
    const c = bytes[k]!;
    if (c === 0x0a) {
      if (!blank) count++;
      blank = true;
    } else if (c !== 0x20 && c !== 0x09 && c !== 0x0d) {
      blank = false;
    }
  }
  if (!blank) count++;
  return count;
}

/**
 * Bytes [from, min(to, size)) of a file; null when it cannot be read, is not
 * a regular file (a FIFO swapped in for it must not block us: safeOpen.ts)
 * or is shorter than `from`.
 */
function readRange(path: string, from: number, to: number, identity?: { value: string }): Buffer | null {
  const opened = openRegularFile(path);
  if (!opened.ok) return null;
  try {
    const size = opened.stats.size;
    if (size < from) return null;
    if (identity) identity.value = fileIdentity(opened.stats);
    return readUpTo(opened.fd, size, from, Math.min(size, to) - from);
  } catch {
    return null;
  } finally {
    closeQuietly(opened.fd);
  }
}
