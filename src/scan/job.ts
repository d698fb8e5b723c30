/**
 * One file of a scan, read where it runs (a worker, or the main thread when
 * there is none): the file's outcome, its digest, its Insight rows packed, and
 * with a filter its rows packed too (the filter's fuzzy words need the main
 * thread's vocabulary).
 */
import { readEventFile } from '../ingest/read.js';
import { packRows, type PackedRows } from '../ingest/rowCodec.js';
import { rowInsight } from '../model/recordBatch.js';
import type { EventRow, FileReadResult } from '../model/types.js';
import type { QueryNode } from '../query/ast.js';
import { recordsMask } from '../query/deep/recordsMask.js';
import { compileQuery, type CompiledQuery } from '../query/index.js';
import { prefilterOf, type Prefilter } from '../query/prefilter.js';
import { digestRows, type ScanDigest } from './digest.js';
import { fastScanFile, type MatchedTexts } from './fastJob.js';
import { extractFile } from './extract.js';
import type { RecordDetector } from '../detect/detector.js';
import type { RuleHit } from '../detect/rule.js';

export interface ScanJob {
  id: number;
  path: string;
  /** Send the rows too (a filter is tested on the main thread). */
  withRows: boolean;
  /** A filter without fuzzy words, tested here: only the answers travel. */
  filter?: WorkerFilter | undefined;
  /** With rows tested on the main thread: the filter's deep part (record paths, params:), tested here on the records into `deep`. */
  deep?: QueryNode | undefined;
  /**
   * Where the file allows it, with `filter`: parse only the records whose bytes may match (scan/fastJob.ts);
   * without a filter, rows or rules: read the digest's columns from the bytes (scan/extract.ts).
   */
  fast?: boolean | undefined;
  /** With `filter`: send the matching events' rows (matchedRows), for export. */
  keepMatches?: boolean | undefined;
}

/** A query the worker compiles itself: no plain (fuzzy) words, so no vocabulary is needed; `now` as the main thread's. */
export interface WorkerFilter {
  source: string;
  now: number;
}

export interface ScanReply {
  id: number;
  result: Omit<FileReadResult, 'rows'>;
  digest: ScanDigest | null;
  insights: PackedRows | null;
  rows: PackedRows | null;
  /** Detection rules the file's records fired (when the scan runs rules, for rule: filters). */
  hits?: RuleHit[];
  /** With a WorkerFilter: 1 for each event that matches. */
  matches?: Uint8Array | null;
  /** With ScanJob.deep: 1 for each event whose record matches the deep part. */
  deep?: Uint8Array | null;
  /** With ScanJob.keepMatches: the rows of the events that match, in file order. */
  matchedRows?: PackedRows | null;
  /** Buffers made for this reply alone (under its arrays), moved to the main thread rather than copied. */
  transfer?: ArrayBuffer[];
  /** With ScanJob.keepMatches, from the fast path: the matching records' export texts (none from the ordinary reader). */
  matchedTexts?: MatchedTexts | null;
}

let compiledFilter: { key: string; query: CompiledQuery | null; prefilter: Prefilter | null } | null = null;

function filterOf(filter: WorkerFilter): CompiledQuery | null {
  const key = `${filter.now}\u0000${filter.source}`;
  if (compiledFilter?.key !== key) {
    const result = compileQuery(filter.source, { now: filter.now, deepTerms: true });
    if (!result.ok) throw new Error(`filter does not compile: ${result.error.message}`);
    const query = result.query.isEmpty ? null : result.query;
    compiledFilter = { key, query, prefilter: query ? prefilterOf(query.ast) : null };
  }
  return compiledFilter.query;
}

/** The fast path's reply, or null when the file (or the filter) needs the full read. */
function fastReply(job: ScanJob): ScanReply | null {
  if (!job.filter) return null;
  const query = filterOf(job.filter);
  const prefilter = compiledFilter?.prefilter ?? null;
  if (!query || !prefilter) return null;
  let fast;
  try {
    fast = fastScanFile(job.path, query, prefilter, job.keepMatches === true);
  } catch {
    // Whatever went wrong, the ordinary reader decides what the file is.
    return null;
  }
  if (!fast) return null;
  return {
    id: job.id,
    result: fast.result,
    digest: fast.digest,
    insights: fast.insightRows.length > 0 ? packRows(fast.insightRows) : null,
    rows: null,
    matches: fast.matches,
    transfer: [fast.memory],
    ...(job.keepMatches ? { matchedRows: fast.matchedRows.length > 0 ? packRows(fast.matchedRows) : null, matchedTexts: fast.matchedTexts } : {}),
  };
}

/** The reply from the digest read off the bytes, or null when the file needs the full read. */
function extractReply(job: ScanJob): ScanReply | null {
  let extracted;
  try {
    extracted = extractFile(job.path);
  } catch {
    // Whatever went wrong, the ordinary reader decides what the file is.
    return null;
  }
  if (!extracted) return null;
  const { result, digest, insightRows } = extracted;
  return { id: job.id, result, digest, insights: insightRows.length > 0 ? packRows(insightRows) : null, rows: null };
}

export async function runScanJob(job: ScanJob, detector?: RecordDetector): Promise<ScanReply> {
  if (job.fast && !detector && !job.withRows) {
    const reply = job.filter ? fastReply(job) : job.deep === undefined ? extractReply(job) : null;
    if (reply) return reply;
  }
  let read: FileReadResult;
  // Record paths and params: are decided on the records, read with the rows.
  const deep = job.deep ?? (job.filter ? filterOf(job.filter)?.ast : undefined);
  const records = job.deep !== undefined || (job.filter !== undefined && filterOf(job.filter)?.deep === true);
  try {
    read = await readEventFile(job.path, { ...(detector ? { detector } : {}), ...(records ? { records: true } : {}) });
  } catch (error) {
    read = { path: job.path, shape: 'bad', rows: [], reason: error instanceof Error ? error.message : String(error), skippedRecords: 0, bytes: 0 };
  }
  const { rows, hits, records: recordList, ...result } = read;
  if (rows.length === 0) return { id: job.id, result, digest: null, insights: null, rows: null };
  const insightRows = rows.filter((row) => rowInsight(row) !== null);
  let matches: Uint8Array | null = null;
  if (job.filter) {
    const query = filterOf(job.filter);
    matches = new Uint8Array(rows.length);
    for (let r = 0; r < rows.length; r++) if (query === null || query.test(rows[r]!)) matches[r] = 1;
    if (query?.deep && deep) {
      const onRecords = recordsMask(recordList ?? [], deep, rows);
      for (let r = 0; r < rows.length; r++) matches[r]! &= onRecords[r] ?? 0;
    }
  }
  const deepMask = job.deep ? recordsMask(recordList ?? [], job.deep, rows) : null;
  return {
    id: job.id,
    result,
    digest: digestRows(rows),
    insights: insightRows.length > 0 ? packRows(insightRows) : null,
    rows: job.withRows ? packRows(rows) : null,
    ...(hits ? { hits } : {}),
    ...(matches ? { matches } : {}),
    ...(deepMask ? { deep: deepMask } : {}),
    ...(job.keepMatches && matches ? { matchedRows: matchedOf(rows, matches) } : {}),
  };
}

function matchedOf(rows: readonly EventRow[], matches: Uint8Array): PackedRows | null {
  const kept = rows.filter((_, r) => matches[r] === 1);
  return kept.length > 0 ? packRows(kept) : null;
}
