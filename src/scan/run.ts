/**
 * The headless scan: lists the folder, reads its files on worker threads (both
 * cores), and applies each file's digest to a ScanTally in file order
 * (ingest/order.ts), however the workers finish. No EventStore is built and no
 * row is kept beyond the Insights records.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { pathsInFileOrder } from '../ingest/order.js';
import { unpackRows } from '../ingest/rowCodec.js';
import { readLimits } from '../ingest/limits.js';
import { WORKER_HEAP_MB } from '../ingest/pool.js';
import { readEventFile } from '../ingest/read.js';
import { listFolder } from '../ingest/walk.js';
import type { EventRow, RuleStop } from '../model/types.js';
import type { LoadProgress } from '../store/progress.js';
import type { QueryNode } from '../query/ast.js';
import { runScanJob, type ScanJob, type ScanReply, type WorkerFilter } from './job.js';
import { createDetector } from '../detect/recordDetector.js';
import { newRulesOff, ruleSlowReason, ruleStopReason } from '../detect/ruleWatch.js';
import { RuleNeedsWorker } from '../detect/inlineGuard.js';
import type { RuleHit, RuleSpec } from '../detect/rule.js';
import { ScanTally } from './tally.js';
import { FileWorkers, WarmWorkers } from './workerPool.js';

export interface ScanOptions {
  /** Called on the main thread with each file's rows, in file order, before they are tallied (with a filter). */
  test?: (rows: readonly EventRow[]) => Uint8Array;
  /** With `test`: the filter's deep part (record paths, params:), which the workers test on the records. */
  deep?: QueryNode;
  /** A filter the workers test themselves (no fuzzy words); then `test` is not used. */
  workerFilter?: WorkerFilter;
  /** Worker threads; default min(2, cores). 0 reads on this thread. */
  workers?: number;
  /** Heap limit of each worker (MB); default WORKER_HEAP_MB. Past it a worker dies and fails the file it was reading. */
  workerHeapMb?: number;
  /** Detection rules to run where records are parsed (for rule: filters); each file's hits go to onHits before `test` sees its rows. */
  rules?: readonly RuleSpec[];
  onHits?: (hits: readonly RuleHit[]) => void;
  /**
   * Default true. With `workerFilter`: parse only the records whose bytes
   * may match (scan/fastJob.ts); without a filter (and without `test` or
   * rules): read the summary's columns from the bytes (scan/extract.ts).
   * When the answer then cannot be exact (see ScanTally.needsFullRead), the
   * folder is scanned again without it.
   */
  fast?: boolean;
  /** With `workerFilter`: keep the matching distinct events' rows (ScanTally.keptMatches), for export. */
  keepMatches?: boolean;
  /** Stops the scan (the workers are terminated at once): scanFolderHeadless then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called with the tally's progress as files are applied, at most every PROGRESS_MS, and once at the end. */
  onProgress?: (progress: LoadProgress) => void;
}

/** How often onProgress is called while files are applied. */
const PROGRESS_MS = 100;

const keep = (value: string): string => value;

/** Young generation (MB) of a worker that reads digests from the bytes. */
const EXTRACT_YOUNG_MB = 8;
/** Jobs a worker that reads digests from the bytes holds at once (scan/workerPool.ts). */
const EXTRACT_JOBS_PER_WORKER = 24;

/**
 * Files per worker message with a filter (scan/workerPool.ts filesPerJob):
 * such a file takes a few milliseconds, and one message each way per file
 * cost the workers 8-10% of their CPU on 2 busy cores (half the 1M folder,
 * export --filter error:AccessDenied: 9.1-9.5 s CPU one a message, 8.0-8.5 s
 * with 8 to 32).
 */
const FILTER_FILES_PER_JOB = 8;

/** Whether the workers read digests from the bytes (scan/extract.ts): no filter, no rows to test, no rules. */
function extracts(options: ScanOptions): boolean {
  return options.workerFilter === undefined && options.test === undefined && options.fast !== false && !(options.rules && options.rules.length > 0);
}

export async function scanFolderHeadless(root: string, options: ScanOptions = {}): Promise<ScanTally> {
  const tally = new ScanTally(options.keepMatches === true);
  const workerUrl = new URL('./worker.js', import.meta.url);
  const workers = Math.max(0, options.workers ?? Math.min(2, availableParallelism()));
  const ruled = options.rules !== undefined && options.rules.length > 0;
  // The rules the watchdog stops, off for every worker from then on (detect/ruleWatch.ts).
  const off = ruled ? newRulesOff(options.rules!.length) : null;
  const workerData = { rules: options.rules ?? null, limits: readLimits(), ...(off ? { off } : {}) };
  const heapMb = options.workerHeapMb ?? WORKER_HEAP_MB;
  // Reading digests from the bytes (scan/extract.ts) makes little garbage: a small young generation keeps
  // each worker's resident memory down (issue 13: the scan's peak RSS).
  const youngMb = extracts(options) ? EXTRACT_YOUNG_MB : undefined;
  // Started now, so their start-up overlaps the listing (vitest runs the sources: no compiled worker).
  const warm = workers > 0 && existsSync(fileURLToPath(workerUrl)) ? new WarmWorkers(workerUrl, workers, workerData, heapMb, youngMb, ruled) : null;
  try {
    return await scanWith(root, options, tally, workerUrl, workers, workerData, heapMb, youngMb, warm, off);
  } finally {
    warm?.close();
  }
}

async function scanWith(
  root: string,
  options: ScanOptions,
  tally: ScanTally,
  workerUrl: URL,
  workers: number,
  workerData: unknown,
  heapMb: number,
  youngMb: number | undefined,
  warm: WarmWorkers | null,
  off: Int32Array | null,
): Promise<ScanTally> {
  const { signal, onProgress } = options;
  // The listing stops at the signal too (a big folder takes seconds to list).
  const listing = await listFolder(root, signal ? { signal } : {});
  signal?.throwIfAborted();
  tally.addListed(listing.skipped, listing.bad);
  tally.progress.filesTotal = listing.files.length;
  const files = await pathsInFileOrder(listing.files);
  signal?.throwIfAborted();
  let shown = 0;
  const showProgress = (): void => {
    shown = Date.now();
    onProgress?.(tally.progress);
  };
  const filter = options.workerFilter;
  const withRows = filter === undefined && options.test !== undefined;
  const deep = withRows ? options.deep : undefined;
  const keepMatches = filter !== undefined && options.keepMatches === true;
  const fast = (filter !== undefined || !withRows) && options.fast !== false && !(options.rules && options.rules.length > 0);

  // Rules the watchdog stopped, by the file they were stopped on: told with that file's reply, which comes from its second read.
  const stops = new Map<number, RuleStop[]>();
  const apply = (reply: ScanReply): void => {
    const stopped = stops.get(reply.id);
    if (stopped) reply.result.ruleStops = [...(reply.result.ruleStops ?? []), ...stopped];
    let matches: Uint8Array | null = reply.matches ?? null;
    if (reply.hits) options.onHits?.(reply.hits);
    if (withRows && options.test) {
      const rows = reply.rows ? unpackRows(reply.rows, keep) : [];
      matches = options.test(rows);
      const deep = reply.deep;
      if (deep) for (let r = 0; r < matches.length; r++) matches[r]! &= deep[r] ?? 0;
    }
    const insights = reply.insights ? unpackRows(reply.insights, keep) : [];
    tally.addFile(reply.result, reply.digest, matches, insights, reply.matchedRows ? unpackRows(reply.matchedRows, keep) : [], reply.matchedTexts ?? null);
    if (onProgress && Date.now() - shown >= PROGRESS_MS) showProgress();
  };

  const compiled = existsSync(fileURLToPath(workerUrl));
  // From this file on, the workers read (all of them past 8 files).
  let first = 0;
  // vitest runs the TypeScript sources: no compiled worker, so read here.
  if (workers === 0 || files.length <= 8 || !compiled) {
    const detector = options.rules && options.rules.length > 0 ? createDetector(options.rules) : undefined;
    if (detector && off) detector.skipWith(off);
    // A regex rule here has no watchdog: a file with a record one must test goes to the workers, with the
    // files after it (detect/inlineGuard.ts); the others are read here, cheaper than waking a worker.
    if (detector && workers > 0 && compiled) detector.guardOnThisThread();
    for (first = 0; first < files.length; first++) {
      signal?.throwIfAborted();
      const trips = detector?.trips ?? 0;
      let reply: ScanReply | null = null;
      try {
        reply = await runScanJob({ id: first, path: files[first]!, withRows, filter, deep, fast, keepMatches }, detector);
      } catch (error) {
        if (!(error instanceof RuleNeedsWorker)) throw error;
      }
      // Tripped: whatever the read made of the throw (a bad file, say) is void.
      if (!reply || (detector?.trips ?? 0) !== trips) break;
      apply(reply);
    }
  }
  if (first < files.length && workers > 0 && compiled) {
    const rest = files.slice(first);
    await new FileWorkers<ScanJob, ScanReply>({
      url: workerUrl,
      // A file or two after a trip need no more workers than files.
      count: Math.min(workers, rest.length),
      files: rest,
      job: (id, path) => ({ id, path, withRows, filter, deep, fast, keepMatches }),
      // FileWorkers counts from 0 in `rest`; a file's id is its place in `files`.
      apply: (reply) => apply({ ...reply, id: reply.id + first }),
      failed: (id, path, reason) => ({ id, result: { path, shape: 'bad', reason, skippedRecords: 0, bytes: 0 }, digest: null, insights: null, rows: null, matches: null }),
      workerData,
      heapMb,
      youngMb,
      // Such a file takes about a millisecond: a worker holding three waited a third of the time under load.
      jobsPerWorker: extracts(options) ? EXTRACT_JOBS_PER_WORKER : undefined,
      filesPerJob: filter !== undefined ? FILTER_FILES_PER_JOB : undefined,
      signal,
      warm: warm ?? undefined,
      // A regex the load-time check lets through can still backtrack for minutes on a crafted value (n^k tries).
      watchdog: off
        ? {
            off,
            stopped: (id, rule, kind) => {
              const stop = { rule, reason: kind === 'slow' ? ruleSlowReason(options.rules, rule) : ruleStopReason(options.rules, rule) };
              if (id === null) tally.progress.ruleStops.push({ path: root, reason: stop.reason });
              else stops.set(id + first, [...(stops.get(id + first) ?? []), stop]);
            },
          }
        : undefined,
    }).run();
    signal?.throwIfAborted();
  }
  tally.addLossyCopies();
  if (tally.needsFullRead) return scanFolderHeadless(root, { ...options, fast: false });
  await tally.resolveConflictIds(async (path) => (await readEventFile(path)).rows);
  if (onProgress) showProgress();
  return tally;
}
