/**
 * One file of an `archive` run, read and staged where it is parsed (a worker
 * thread, or this thread for tiny runs and the tests): the same reader as
 * scan (readEventFile), so a bad file is reported exactly as scan reports
 * it, and its events as staging lines (rowValues.ts, the record in each) in
 * UTF-8 bytes, which the main thread writes to the batch's staging file
 * without decoding them.
 */
import { readEventFile } from '../ingest/read.js';
import { READ_SHAPES } from '../ingest/scanFolder.js';
import type { FileShape } from '../model/types.js';
import { stagedLine } from './rowValues.js';

export interface ImportJob {
  /** The file's place in the run's file order (ingest/order.ts): rows carry it as tt_fileord. */
  id: number;
  path: string;
}

export interface ImportReply {
  id: number;
  path: string;
  shape: FileShape;
  reason: string;
  bytes: number;
  /** Events staged (lines in `lines`). */
  rows: number;
  /** The staging lines, newline-terminated UTF-8; null when the file has no events. */
  lines: Uint8Array | null;
  /** An upper bound of the longest line's bytes. */
  longestLine: number;
}

/**
 * Characters of staging lines joined into one string before they are encoded: a file's whole staging
 * in one string passed V8's limit (~536M characters, ~175k events of ~3 KB) and failed the import.
 */
const ENCODE_CHUNK_CHARS = 32 * 1024 * 1024;

/** `chunkChars`: ENCODE_CHUNK_CHARS, smaller in the tests. */
export async function runImportJob(job: ImportJob, chunkChars = ENCODE_CHUNK_CHARS): Promise<ImportReply> {
  const result = await readEventFile(job.path, { records: true });
  const reply: ImportReply = { id: job.id, path: job.path, shape: result.shape, reason: result.reason, bytes: result.bytes, rows: 0, lines: null, longestLine: 0 };
  if (!READ_SHAPES.has(result.shape) || result.rows.length === 0) return reply;
  const records = result.records ?? [];
  try {
    const encoded: Buffer[] = [];
    let chunk: string[] = [];
    let pending = 0;
    let longest = 0;
    for (let k = 0; k < result.rows.length; k++) {
      const line = stagedLine(result.rows[k]!, records[k] ?? {}, job.id, k);
      if (line.length > longest) longest = line.length;
      chunk.push(line);
      pending += line.length + 1;
      if (pending >= chunkChars || k === result.rows.length - 1) {
        encoded.push(Buffer.from(chunk.join('\n') + '\n', 'utf8'));
        chunk = [];
        pending = 0;
      }
    }
    reply.rows = result.rows.length;
    reply.lines = encoded.length === 1 ? encoded[0]! : Buffer.concat(encoded);
    // A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair, 2 units, is 4).
    reply.longestLine = longest * 3;
    return reply;
  } catch (error) {
    // Out of memory for one file's staging, say: that file is reported bad, the run goes on.
    return failedImport(job.id, job.path, `not archived: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The reply for a file whose worker died reading it: reported bad, the run goes on. */
export function failedImport(id: number, path: string, reason: string): ImportReply {
  return { id, path, shape: 'bad', reason, bytes: 0, rows: 0, lines: null, longestLine: 0 };
}
