/**
 * One file of a scan, read where it runs (a worker, or the main thread when
 * there is none): the file's outcome, its digest, its Insight rows packed, and
 * with a filter its rows packed too (the filter's fuzzy words need the main
 * thread's vocabulary).
 */
import { readEventFile } from '../ingest/read.js';
import { packRows, type PackedRows } from '../ingest/rowCodec.js';
import { rowInsight } from '../model/recordBatch.js';
import type { FileReadResult } from '../model/types.js';
import { digestRows, type ScanDigest } from './digest.js';
import type { RecordDetector } from '../detect/detector.js';
import type { RuleHit } from '../detect/rule.js';

export interface ScanJob {
  id: number;
  path: string;
  /** Send the rows too (a filter is tested on the main thread). */
  withRows: boolean;
}

export interface ScanReply {
  id: number;
  result: Omit<FileReadResult, 'rows'>;
  digest: ScanDigest | null;
  insights: PackedRows | null;
  rows: PackedRows | null;
  /** Detection rules the file's records fired (when the scan runs rules, for rule: filters). */
  hits?: RuleHit[];
}

export async function runScanJob(job: ScanJob, detector?: RecordDetector): Promise<ScanReply> {
  let read: FileReadResult;
  try {
    read = await readEventFile(job.path, detector ? { detector } : {});
  } catch (error) {
    read = { path: job.path, shape: 'bad', rows: [], reason: error instanceof Error ? error.message : String(error), skippedRecords: 0, bytes: 0 };
  }
  const { rows, hits, ...result } = read;
  if (rows.length === 0) return { id: job.id, result, digest: null, insights: null, rows: null };
  const insightRows = rows.filter((row) => rowInsight(row) !== null);
  return {
    id: job.id,
    result,
    digest: digestRows(rows),
    insights: insightRows.length > 0 ? packRows(insightRows) : null,
    rows: job.withRows ? packRows(rows) : null,
    ...(hits ? { hits } : {}),
  };
}
