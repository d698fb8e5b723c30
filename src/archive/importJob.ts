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

export async function runImportJob(job: ImportJob): Promise<ImportReply> {
  const result = await readEventFile(job.path, { records: true });
  const reply: ImportReply = { id: job.id, path: job.path, shape: result.shape, reason: result.reason, bytes: result.bytes, rows: 0, lines: null, longestLine: 0 };
  if (!READ_SHAPES.has(result.shape) || result.rows.length === 0) return reply;
  const records = result.records ?? [];
  const lines: string[] = new Array<string>(result.rows.length);
  let longest = 0;
  for (let k = 0; k < result.rows.length; k++) {
    lines[k] = stagedLine(result.rows[k]!, records[k] ?? {}, job.id, k);
    if (lines[k]!.length > longest) longest = lines[k]!.length;
  }
  reply.rows = lines.length;
  reply.lines = Buffer.from(lines.join('\n') + '\n', 'utf8');
  // A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair, 2 units, is 4).
  reply.longestLine = longest * 3;
  return reply;
}

/** The reply for a file whose worker died reading it: reported bad, the run goes on. */
export function failedImport(id: number, path: string, reason: string): ImportReply {
  return { id, path, shape: 'bad', reason, bytes: 0, rows: 0, lines: null, longestLine: 0 };
}
