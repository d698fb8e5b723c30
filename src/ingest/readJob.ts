import type { EventRow, FileReadResult } from '../model/types.js';
import { readAppendedLines, resumeAfterFullRead, type AppendedRead, type LinesResume } from './appendedLines.js';
import { readEventFile, type ReadOptions } from './read.js';
import { closeQuietly, openRegularFile, readUpTo } from './safeOpen.js';
import type { RecordDetector } from '../detect/detector.js';
import { hitsOfRows, type RowHits } from '../detect/hitCodec.js';
import type { RuleHit } from '../detect/rule.js';

export type FileReader = (path: string, options?: ReadOptions) => Promise<FileReadResult>;

/** Where a job's rows go, in batches; `hits`: the detection rules the batch's rows fired, by position in the batch. */
export type RowSink = (rows: EventRow[], hits?: RowHits) => void;

/** Splits a file's hits along the batches of its rows. */
class HitSplitter {
  private next = 0;
  constructor(private readonly hits: readonly RuleHit[] | undefined) {}

  of(rows: readonly EventRow[]): RowHits | undefined {
    if (!this.hits || this.next >= this.hits.length) return undefined;
    const { hits, next } = hitsOfRows(rows, this.hits, this.next);
    this.next = next;
    return hits.at.length > 0 ? hits : undefined;
  }
}

/** One file to read, as sent to a worker. */
export interface ReadJob {
  path: string;
  /** Only rows whose recordIndex is at least this are sent back (the rest were loaded before). */
  firstIndex: number;
  /** For a JSON-lines file read before: read only the lines appended after this point. */
  resume?: LinesResume | null;
}

/** What came of a job besides its rows, which are delivered in batches as they are ready. */
export interface ReadSummary extends Omit<FileReadResult, 'rows' | 'hits'> {
  /** Rows the reader produced (before firstIndex was applied). */
  rowCount: number;
  /** One past the largest recordIndex seen: where a later read of the grown file continues. */
  endIndex: number;
  /**
   * A partial read of a plain file whose last line has no newline yet: a
   * JSON-lines file still being written, not a bad one.
   */
  openTail: boolean;
  /** For a plain JSON-lines file: where a read of its appended lines continues. */
  resume: LinesResume | null;
}

/**
 * Rows per message. Structured clone of a batch costs the receiving thread
 * time in one piece; 2,000 rows (about 1 MB) keeps each piece a few ms.
 */
export const ROWS_PER_BATCH = 2_000;

/**
 * Reads one file and hands its rows over in full batches; the remainder comes
 * back with the summary. Shared by the worker and the inline mode.
 */
export async function runReadJob(
  job: ReadJob,
  sendRows: RowSink,
  reader: FileReader = readEventFile,
  detector?: RecordDetector,
): Promise<{ summary: ReadSummary; rows: EventRow[]; hits?: RowHits | undefined }> {
  if (job.resume) {
    const appended = readAppendedLines(job.path, job.resume, detector);
    if (appended) return appendedResult(job.path, appended, sendRows);
    // Shrunk or rewritten: read it whole.
  }
  let result: FileReadResult;
  try {
    result = await (detector ? reader(job.path, { detector }) : reader(job.path));
  } catch (error) {
    // readEventFile promises never to throw; a bug there must still not stop the load.
    result = { path: job.path, shape: 'bad', rows: [], reason: errorText(error), skippedRecords: 0, bytes: 0 };
  }
  const { rows, hits, ...rest } = result;
  // Hits of records loaded before (below firstIndex) have no row in a batch: they were reported then.
  const split = new HitSplitter(hits);
  let endIndex = 0;
  let batch: EventRow[] = [];
  for (const row of rows) {
    if (row.recordIndex >= endIndex) endIndex = row.recordIndex + 1;
    if (row.recordIndex < job.firstIndex) continue;
    batch.push(row);
    if (batch.length >= ROWS_PER_BATCH) {
      sendRows(batch, split.of(batch));
      batch = [];
    }
  }
  // The last batch travels with the summary: one message instead of two for most files.
  // Only JSON lines grow by appending; a {"Records":[...]} file has no trailing newline and is complete as written.
  const openTail = rest.reason !== '' && rest.shape === 'jsonl' && (await lastLineOpen(job.path));
  const resume = rest.shape === 'jsonl' ? resumeAfterFullRead(job.path, rest.bytes) : null;
  return { summary: { ...rest, rowCount: rows.length, endIndex, openTail, resume }, rows: batch, hits: split.of(batch) };
}

function appendedResult(
  path: string,
  appended: AppendedRead,
  sendRows: RowSink,
): { summary: ReadSummary; rows: EventRow[]; hits?: RowHits | undefined } {
  const rows = appended.rows;
  const split = new HitSplitter(appended.hits);
  let start = 0;
  for (; rows.length - start > ROWS_PER_BATCH; start += ROWS_PER_BATCH) {
    const batch = rows.slice(start, start + ROWS_PER_BATCH);
    sendRows(batch, split.of(batch));
  }
  const summary: ReadSummary = {
    path,
    shape: 'jsonl',
    reason: appended.reason,
    skippedRecords: appended.skipped,
    bytes: appended.bytes,
    rowCount: rows.length,
    endIndex: appended.resume.index,
    openTail: appended.openTail,
    resume: appended.resume,
  };
  const rest = start === 0 ? rows : rows.slice(start);
  return { summary, rows: rest, hits: split.of(rest) };
}

/** True when a plain (not gzip) file does not end in a newline. */
async function lastLineOpen(path: string): Promise<boolean> {
  // Non-blocking and checked by descriptor: a FIFO put in the file's place must not hang this read.
  const opened = openRegularFile(path);
  if (!opened.ok) return false;
  try {
    const size = opened.stats.size;
    if (size < 2) return false;
    const head = readUpTo(opened.fd, size, 0, 2);
    const tail = readUpTo(opened.fd, size, size - 1, 1);
    const gzip = head[0] === 0x1f && head[1] === 0x8b;
    return !gzip && tail[0] !== 0x0a;
  } catch {
    return false;
  } finally {
    closeQuietly(opened.fd);
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
