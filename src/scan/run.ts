/**
 * The headless scan: lists the folder, reads its files on worker threads (both
 * cores), and applies each file's digest to a ScanTally in file order
 * (ingest/order.ts), however the workers finish. No EventStore is built and no
 * row is kept beyond the Insights records.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { deliveryTime, fileOrder } from '../ingest/order.js';
import { unpackRows } from '../ingest/rowCodec.js';
import { readLimits } from '../ingest/limits.js';
import { WORKER_HEAP_MB, workerFailure } from '../ingest/pool.js';
import { readEventFile } from '../ingest/read.js';
import { listFolder } from '../ingest/walk.js';
import type { EventRow } from '../model/types.js';
import type { QueryNode } from '../query/ast.js';
import { runScanJob, type ScanJob, type ScanReply, type WorkerFilter } from './job.js';
import { createDetector } from '../detect/recordDetector.js';
import type { RuleHit, RuleSpec } from '../detect/rule.js';
import { ScanTally } from './tally.js';

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
   * With `workerFilter` (default true): parse only the records whose bytes
   * may match (scan/fastJob.ts). When the answer then cannot be exact (see
   * ScanTally.needsFullRead), the folder is scanned again without it.
   */
  fast?: boolean;
  /** With `workerFilter`: keep the matching distinct events' rows (ScanTally.keptMatches), for export. */
  keepMatches?: boolean;
}

/** Jobs each worker holds at once, so it never waits for the main thread. */
const JOBS_PER_WORKER = 3;
const keep = (value: string): string => value;

/** Files in the order the loader reads them: delivery time from the name, else mtime (order.ts). */
async function orderedFiles(files: readonly string[]): Promise<string[]> {
  const entries: { path: string; key: number }[] = [];
  for (let start = 0; start < files.length; start += 64) {
    const slice = files.slice(start, start + 64);
    const keys = await Promise.all(
      slice.map(async (path) => {
        const dated = deliveryTime(path, -1);
        if (dated !== -1) return dated;
        const info = await stat(path).catch(() => null);
        return deliveryTime(path, info?.mtimeMs ?? 0);
      }),
    );
    slice.forEach((path, k) => entries.push({ path, key: keys[k]! }));
  }
  return fileOrder(entries).map((e) => e.path);
}

export async function scanFolderHeadless(root: string, options: ScanOptions = {}): Promise<ScanTally> {
  const tally = new ScanTally(options.keepMatches === true);
  const listing = await listFolder(root);
  tally.addListed(listing.skipped, listing.bad);
  tally.progress.filesTotal = listing.files.length;
  const files = await orderedFiles(listing.files);
  const filter = options.workerFilter;
  const withRows = filter === undefined && options.test !== undefined;
  const deep = withRows ? options.deep : undefined;
  const keepMatches = filter !== undefined && options.keepMatches === true;
  const fast = filter !== undefined && options.fast !== false && !(options.rules && options.rules.length > 0);

  const apply = (reply: ScanReply): void => {
    let matches: Uint8Array | null = reply.matches ?? null;
    if (reply.hits) options.onHits?.(reply.hits);
    if (withRows && options.test) {
      const rows = reply.rows ? unpackRows(reply.rows, keep) : [];
      matches = options.test(rows);
      const deep = reply.deep;
      if (deep) for (let r = 0; r < matches.length; r++) matches[r]! &= deep[r] ?? 0;
    }
    const insights = reply.insights ? unpackRows(reply.insights, keep) : [];
    tally.addFile(reply.result, reply.digest, matches, insights, reply.matchedRows ? unpackRows(reply.matchedRows, keep) : []);
  };

  const workerUrl = new URL('./worker.js', import.meta.url);
  const workers = Math.max(0, options.workers ?? Math.min(2, availableParallelism()));
  // vitest runs the TypeScript sources: no compiled worker, so read here.
  if (workers === 0 || files.length <= 8 || !existsSync(fileURLToPath(workerUrl))) {
    const detector = options.rules && options.rules.length > 0 ? createDetector(options.rules) : undefined;
    for (const [id, path] of files.entries()) apply(await runScanJob({ id, path, withRows, filter, deep, fast, keepMatches }, detector));
  } else {
    await new WorkerScan(workerUrl, workers, files, withRows, filter, apply, options.rules ?? null, deep, options.workerHeapMb ?? WORKER_HEAP_MB, fast, keepMatches).run();
  }
  if (tally.needsFullRead) return scanFolderHeadless(root, { ...options, fast: false });
  await tally.resolveConflictIds(async (path) => (await readEventFile(path)).rows);
  return tally;
}

/** Runs the jobs on `count` workers and applies the replies in job order. */
class WorkerScan {
  private readonly replies = new Map<number, ScanReply>();
  private readonly owner = new Map<number, Worker>();
  private readonly workers: Worker[] = [];
  private next = 0;
  /** Files a crashed worker held but had not started: read again by another. */
  private readonly retry: number[] = [];
  private applied = 0;
  private finish: () => void = () => {};
  private fail: (error: Error) => void = () => {};

  constructor(
    private readonly url: URL,
    private readonly count: number,
    private readonly files: readonly string[],
    private readonly withRows: boolean,
    private readonly filter: WorkerFilter | undefined,
    private readonly apply: (reply: ScanReply) => void,
    private readonly rules: readonly RuleSpec[] | null = null,
    private readonly deep?: QueryNode,
    private readonly heapMb = WORKER_HEAP_MB,
    private readonly fast = false,
    private readonly keepMatches = false,
  ) {}

  async run(): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      this.finish = resolve;
      this.fail = reject;
    });
    try {
      for (let k = 0; k < this.count; k++) this.start();
      await done;
    } finally {
      for (const worker of this.workers) {
        worker.removeAllListeners('exit');
        worker.removeAllListeners('error');
        void worker.terminate();
      }
    }
  }

  private start(): void {
    // A heap limit, so a hostile file kills this worker (and fails that file), not the scan (issue 20).
    const worker = new Worker(this.url, {
      resourceLimits: { maxYoungGenerationSizeMb: 48, maxOldGenerationSizeMb: this.heapMb },
      workerData: { rules: this.rules, limits: readLimits() },
    });
    this.workers.push(worker);
    worker.on('message', (reply: ScanReply) => this.onReply(worker, reply));
    worker.on('error', (error) => this.onCrash(worker, workerFailure(error, this.heapMb)));
    worker.on('exit', (code) => this.onCrash(worker, `reader exited with code ${code}`));
    for (let j = 0; j < JOBS_PER_WORKER; j++) this.send(worker);
  }

  private send(worker: Worker): void {
    if (this.retry.length === 0 && this.next >= this.files.length) return;
    const id = this.retry.length > 0 ? this.retry.shift()! : this.next++;
    this.owner.set(id, worker);
    worker.postMessage({ id, path: this.files[id]!, withRows: this.withRows, filter: this.filter, deep: this.deep, fast: this.fast, keepMatches: this.keepMatches } satisfies ScanJob);
  }

  private onReply(worker: Worker, reply: ScanReply): void {
    this.owner.delete(reply.id);
    this.replies.set(reply.id, reply);
    this.send(worker);
    this.drain();
  }

  /** A worker that died fails its files (they are reported bad), not the scan; the others go on. */
  private onCrash(worker: Worker, reason: string): void {
    // A worker reads its files in the order sent: the lowest id was being read and fails; the rest are read again.
    const held = [...this.owner].filter(([, owner]) => owner === worker).map(([id]) => id).sort((a, b) => a - b);
    for (const id of held) this.owner.delete(id);
    if (held.length > 0) {
      const id = held[0]!;
      const path = this.files[id]!;
      this.replies.set(id, { id, result: { path, shape: 'bad', reason, skippedRecords: 0, bytes: 0 }, digest: null, insights: null, rows: null, matches: null });
    }
    this.retry.push(...held.slice(1));
    worker.removeAllListeners('exit');
    worker.removeAllListeners('error');
    // Its unsent share goes to a fresh worker.
    if (this.next < this.files.length || this.retry.length > 0) {
      try {
        this.start();
      } catch (error) {
        this.fail(error instanceof Error ? error : new Error(String(error)));
        return;
      }
    }
    this.drain();
  }

  private drain(): void {
    try {
      for (let reply = this.replies.get(this.applied); reply; reply = this.replies.get(this.applied)) {
        this.replies.delete(this.applied);
        this.applied++;
        this.apply(reply);
      }
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (this.applied === this.files.length) this.finish();
  }
}
