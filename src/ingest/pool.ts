import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { startWorker } from './startWorker.js';
import { stopWorker } from './workerStop.js';
import type { Detector, RecordDetector } from '../detect/detector.js';
import { createDetector } from '../detect/recordDetector.js';
import type { RuleSpec } from '../detect/rule.js';
import { newBeat, newRulesOff, ruleSlowReason, ruleStopReason, RuleWatch, stalledReason, stopRule } from '../detect/ruleWatch.js';
import type { RowHits } from '../detect/hitCodec.js';
import type { RuleStop } from '../model/types.js';
import { readLimits } from './limits.js';
import { unpackRows, type PackedRows } from './rowCodec.js';
import { errorText, runReadJob, type FileReader, type ReadJob, type ReadSummary, type RowSink } from './readJob.js';

export interface WorkerRequest {
  id: number;
  job: ReadJob;
}

/** A batch of rows, the final summary, or a failure, for request `id`. */
export type WorkerReply =
  | { id: number; packed: PackedRows; hits?: RowHits }
  | { id: number; summary: ReadSummary; packed?: PackedRows | undefined; hits?: RowHits }
  | { id: number; error: string };

export interface ReadPoolOptions {
  /** Worker threads to run; default min(2, cores). */
  workers?: number;
  /** Read on the calling thread instead (tests, tiny folders). */
  inline?: boolean;
  /** The compiled worker entry; default ./worker.js beside this module. */
  workerUrl?: URL;
  /** Another reader than readEventFile; implies inline (a function cannot be sent to a worker). */
  reader?: FileReader;
  /** Heap limit of each worker (MB); default WORKER_HEAP_MB. A worker past it dies and fails only the file it was reading. */
  workerHeapMb?: number;
  /** Detection rules run on every record where it is parsed; hits come with the rows (RowSink). */
  rules?: readonly RuleSpec[];
}

/** What a worker is started with (workerData). */
export interface WorkerSetup {
  limits?: ReturnType<typeof readLimits>;
  rules?: readonly RuleSpec[] | null;
  /** Where the worker's Detector shows its rule tests to this pool's watchdog (detect/ruleWatch.ts). */
  beat?: Int32Array;
  /** The rules the watchdog stopped, shared by the pool's threads (Detector.skipWith). */
  off?: Int32Array;
}

/**
 * Old-generation heap of a parse worker. A file in memory is at most 256 MiB
 * of text (STREAM_THRESHOLD) and parses to a few times that; past this limit
 * the worker dies (a hostile file), not the process.
 */
export const WORKER_HEAP_MB = 2048;

interface PendingJob {
  request: WorkerRequest;
  failure?: string;
  /** Rules stopped while this file was read: it is read again without them, and its summary tells of them. */
  stops?: RuleStop[];
  /** Some of its rows reached the sink: a second read would load them twice. */
  delivered?: boolean;
  onRows: RowSink;
  resolve: (summary: ReadSummary) => void;
}

interface Slot {
  worker: Worker;
  jobs: Map<number, PendingJob>;
  idleTimer: NodeJS.Timeout | null;
  /** Has answered at least once (or died of a file): it started fine, so its death is its files' fault. */
  answered: boolean;
}

/**
 * A worker idle this long is ended: its heap (tens of MB after a big load)
 * goes back to the system, and a new one starts in about 40 ms when a file arrives.
 */
const IDLE_WORKER_MS = 2_000;

/**
 * Jobs each worker holds at once: one running and the rest waiting in its
 * port, so a worker never idles while the main thread is busy (a GC, a batch
 * of rows). With two, workers sat idle a quarter of a million-event load; a
 * trail file of 100 events takes a worker about a millisecond, so four were
 * gone within one of the main thread's delivery slices.
 */
const JOBS_PER_WORKER = 8;

/** Main-thread time replies may take before it yields to input and frames (ReadPool.drain). */
const DELIVERY_BUDGET_MS = 8;

/**
 * Parses files on worker threads and delivers their rows to the main thread in
 * batches. Without a compiled worker (vitest runs the TypeScript sources) or
 * with `inline`, the same job runs on the calling thread.
 */
export class ReadPool {
  /** True when files are read on the calling thread (asked for, no compiled worker, or workers failed to start). */
  inline: boolean;
  readonly workerCount: number;
  private readonly workerUrl: URL;
  private readonly reader: FileReader | undefined;
  private readonly workerHeapMb: number;
  private readonly rules: readonly RuleSpec[] | null;
  /** The inline reads' detector, made on first use: when the pool has no workers (nothing can stop its tests). */
  private detector: RecordDetector | undefined;
  /** The detector of small files read here beside the workers: it hands a file needing a regex rule to them (inlineGuard.ts). */
  private guardedDetector: Detector | undefined;
  private readonly slots: Slot[] = [];
  private readonly waiting: PendingJob[] = [];
  private inlineRunning = 0;
  /** Replies waiting for the main thread, oldest first (see drain); `delivered` of them are done. */
  private deliveries: (() => void)[] = [];
  private waitingRows = 0;
  private delivered = 0;
  private draining = false;
  private nextId = 1;
  private closed = false;
  /** Stops a worker stuck in one rule test: its file fails with the rule named, the load goes on. */
  private readonly watch = new RuleWatch(
    (worker, rule) => this.stalled.get(worker)?.(rule),
    undefined,
    (worker, rule) => this.slowed(worker, rule),
  );
  private readonly stalled = new Map<Worker, (rule: number) => void>();

  /** A rule with SLOW_TESTS slow tests: off from now on, said with the file being read (not read again: nothing was lost). */
  private slowed(worker: Worker, rule: number): void {
    if (!this.off || !stopRule(this.off, rule)) return;
    const reading = this.slots.find((slot) => slot.worker === worker)?.jobs.values().next().value;
    if (reading) (reading.stops ??= []).push({ rule, reason: ruleSlowReason(this.rules, rule) });
  }
  /** Rules the watchdog stopped, off for every thread of this pool from then on (detect/ruleWatch.ts). */
  private readonly off: Int32Array | null;

  /**
   * @param intern shares repeated strings of rows coming from workers (the
   *   store's interner), applied once per distinct value in a batch.
   */
  constructor(
    options: ReadPoolOptions = {},
    private readonly intern: (value: string) => string = (value) => value,
  ) {
    this.workerUrl = options.workerUrl ?? new URL('./worker.js', import.meta.url);
    this.reader = options.reader;
    this.rules = options.rules && options.rules.length > 0 ? options.rules : null;
    this.off = this.rules ? newRulesOff(this.rules.length) : null;
    this.inline = options.inline === true || this.reader !== undefined || !existsSync(fileURLToPath(this.workerUrl));
    this.workerCount = Math.max(1, options.workers ?? Math.min(2, availableParallelism()));
    this.workerHeapMb = options.workerHeapMb ?? WORKER_HEAP_MB;
  }

  /** Worker threads alive now (0 once closed or retired while idle). */
  get liveWorkers(): number {
    return this.slots.length;
  }

  /** Jobs that can run at once; callers keep about this many queued (see `queued`). */
  get capacity(): number {
    return this.workerCount * JOBS_PER_WORKER;
  }

  /**
   * Jobs read() took that are not yet parsed: waiting, at a worker, or running
   * inline. A job whose worker is done but whose rows still wait for this
   * thread (drain) is not counted: the workers need the next files then.
   */
  get queued(): number {
    let queued = this.waiting.length + this.inlineRunning;
    for (const slot of this.slots) queued += slot.jobs.size;
    return queued;
  }

  /** Rows that arrived from workers and wait for this thread (drain). */
  get undeliveredRows(): number {
    return this.waitingRows;
  }

  /** Called when a job stops being `queued` (a worker finished it), so the caller can hand over the next. */
  onJobParsed: (() => void) | null = null;

  /**
   * Reads one file; `onRows` gets its rows in batches before the promise
   * resolves. Never rejects. `here` reads it on this thread even when workers
   * exist: for a small file that costs a few ms, less than waking a worker.
   */
  read(job: ReadJob, onRows: RowSink, here = false): Promise<ReadSummary> {
    return new Promise<ReadSummary>((resolve) => {
      if (this.closed) {
        resolve(failed(job.path, 'reader closed'));
        return;
      }
      const pending = { request: { id: this.nextId++, job }, onRows, resolve };
      if (here && !this.inline) {
        this.runInline(pending);
        return;
      }
      this.waiting.push(pending);
      this.dispatch();
    });
  }

  /** Starts the workers now, so their start-up (100-300 ms) overlaps the folder listing. */
  warm(): void {
    if (this.inline || this.closed) return;
    while (this.slots.length < this.workerCount) {
      const slot = this.spawn();
      slot.worker.unref();
      slot.idleTimer = setTimeout(() => this.retireIdle(slot), IDLE_WORKER_MS);
      slot.idleTimer.unref();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watch.stop();
    for (const pending of this.waiting.splice(0)) pending.resolve(failed(pending.request.job.path, 'reader closed'));
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      for (const pending of slot.jobs.values()) pending.resolve(failed(pending.request.job.path, 'reader closed'));
      slot.jobs.clear();
    }
    // Between two of their files (workerStop.ts): quitting while a folder loads must not abort the process.
    await Promise.all(slots.map((slot) => stopWorker(slot.worker)));
  }

  private dispatch(): void {
    if (this.inline) {
      while (this.waiting.length > 0 && this.inlineRunning < this.capacity) this.runInline(this.waiting.shift()!);
      return;
    }
    while (this.waiting.length > 0) {
      const slot = this.freeSlot();
      if (!slot) return;
      const pending = this.waiting.shift()!;
      slot.jobs.set(pending.request.id, pending);
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      slot.idleTimer = null;
      slot.worker.ref();
      slot.worker.postMessage(pending.request);
    }
  }

  private runInline(pending: PendingJob): void {
    this.inlineRunning++;
    const guarded = this.rules !== null && !this.inline ? this.inlineGuarded() : undefined;
    if (this.rules && !guarded && !this.detector) {
      const detector = createDetector(this.rules);
      if (this.off) detector.skipWith(this.off);
      this.detector = detector;
    }
    // Reads here interleave at their awaits: one is void if a regex rule came due (its own or another
    // read's) before it handed over a row; its file is then read again on a worker, nothing loaded twice.
    // A read's own trip comes in its parse, before any of its rows are handed over.
    const trips = guarded?.trips ?? 0;
    let sent = false;
    let dropped = false;
    const open = (): boolean => {
      if (!sent && guarded !== undefined && guarded.trips !== trips) dropped = true;
      return !dropped;
    };
    const sink: RowSink = (rows, hits) => {
      if (!open()) return;
      sent = true;
      pending.onRows(rows, hits);
    };
    runReadJob(pending.request.job, sink, this.reader, guarded ?? this.detector)
      .then(({ summary, rows, hits }) => {
        if (rows.length > 0 || hits) sink(rows, hits);
        return summary;
      })
      .catch((error: unknown) => failed(pending.request.job.path, errorText(error)))
      .then((summary) => {
        // The reader parses synchronously: without a turn of the event loop between
        // files, a whole inline load would run as one long task and freeze timers and input.
        setImmediate(() => {
          this.inlineRunning--;
          if (open()) pending.resolve(summary);
          else if (this.closed) pending.resolve(failed(pending.request.job.path, 'reader closed'));
          else this.waiting.unshift(pending);
          if (!this.closed) this.dispatch();
        });
      });
  }

  private inlineGuarded(): Detector {
    if (!this.guardedDetector) {
      const detector = createDetector(this.rules!);
      if (this.off) detector.skipWith(this.off);
      detector.guardOnThisThread();
      this.guardedDetector = detector;
    }
    return this.guardedDetector;
  }

  /**
   * Hands the replies' rows to their sinks (unpacking them, and the store
   * appending them) for at most DELIVERY_BUDGET_MS, then yields to the event
   * loop: at a million events the replies of both workers arrive faster than
   * one frame can take them in, and taken all at once they held keys and
   * frames back for hundreds of milliseconds.
   */
  private readonly drain = (): void => {
    const until = performance.now() + DELIVERY_BUDGET_MS;
    const queue = this.deliveries;
    while (this.delivered < queue.length) {
      queue[this.delivered++]!();
      if (performance.now() >= until) break;
    }
    if (this.delivered < queue.length) {
      setImmediate(this.drain);
      return;
    }
    this.deliveries = [];
    this.delivered = 0;
    this.draining = false;
  };

  /** One reply, in its turn: the rows to the sink, then (for the last) the summary. */
  private take(pending: PendingJob, reply: WorkerReply): void {
    const packed = 'packed' in reply ? reply.packed : undefined;
    const hits = 'error' in reply ? undefined : reply.hits;
    if (packed || hits) {
      pending.delivered = true;
      try {
        pending.onRows(packed ? unpackRows(packed, this.intern) : [], hits);
      } catch (error) {
        // A failure taking rows in is this file's problem, not the load's.
        pending.failure ??= `rows not loaded: ${errorText(error)}`;
      }
    }
    if ('error' in reply) pending.resolve(failed(pending.request.job.path, reply.error));
    else if (!('summary' in reply)) return;
    else if (pending.failure !== undefined) pending.resolve({ ...reply.summary, shape: 'bad', reason: pending.failure, ...stopsOf(reply.summary, pending) });
    else pending.resolve({ ...reply.summary, ...stopsOf(reply.summary, pending) });
  }

  private freeSlot(): Slot | null {
    let best: Slot | null = null;
    for (const slot of this.slots) {
      if (slot.jobs.size < JOBS_PER_WORKER && (!best || slot.jobs.size < best.jobs.size)) best = slot;
    }
    if (best && best.jobs.size === 0) return best;
    if (this.slots.length < this.workerCount) return this.spawn();
    return best;
  }

  private retireIdle(slot: Slot): void {
    slot.idleTimer = null;
    const index = this.slots.indexOf(slot);
    if (index < 0 || slot.jobs.size > 0) return;
    this.slots.splice(index, 1);
    void stopWorker(slot.worker);
  }

  private spawn(): Slot {
    // A larger young generation than the default: parsing allocates fast and short-lived.
    const beat = this.rules && this.rules.length > 0 ? newBeat() : undefined;
    const worker = startWorker(this.workerUrl, {
      resourceLimits: { maxYoungGenerationSizeMb: 48, maxOldGenerationSizeMb: this.workerHeapMb },
      workerData: { limits: readLimits(), rules: this.rules, ...(beat ? { beat } : {}), ...(this.off ? { off: this.off } : {}) } satisfies WorkerSetup,
    });
    const slot: Slot = { worker, jobs: new Map(), idleTimer: null, answered: false };

    worker.on('message', (reply: WorkerReply) => {
      slot.answered = true;
      const pending = slot.jobs.get(reply.id);
      if (!pending) return;
      const final = 'summary' in reply || 'error' in reply;
      if (final) {
        // The worker is done with this job: give it the next one now, even if its rows wait their turn here.
        slot.jobs.delete(reply.id);
        // An idle worker must not keep the process alive when its owner forgets close().
        if (slot.jobs.size === 0) {
          worker.unref();
          slot.idleTimer = setTimeout(() => this.retireIdle(slot), IDLE_WORKER_MS);
          slot.idleTimer.unref();
        }
      }
      const rows = 'packed' in reply && reply.packed ? reply.packed.count : 0;
      this.waitingRows += rows;
      this.deliveries.push(() => {
        this.waitingRows -= rows;
        this.take(pending, reply);
      });
      if (!this.draining) {
        this.draining = true;
        setImmediate(this.drain);
      }
      if (final) {
        this.dispatch();
        this.onJobParsed?.();
      }
    });
    const retire = (reason: string | null) => {
      this.watch.remove(worker);
      this.stalled.delete(worker);
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      this.slots.splice(index, 1);
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      if (!slot.answered && !this.closed) {
        // It never started (a broken install, no memory for a thread): read here instead, from now on.
        this.inline = true;
        this.waiting.unshift(...slot.jobs.values());
        slot.jobs.clear();
        for (const other of this.slots.splice(0)) {
          this.waiting.unshift(...other.jobs.values());
          other.jobs.clear();
          void stopWorker(other.worker);
        }
        this.dispatch();
        return;
      }
      // A crashed worker (out of memory on a hostile file, say) fails the file it was reading, not the
      // load: jobs run in arrival order, so that is the first; the ones queued behind it are read again.
      const jobs = [...slot.jobs.values()];
      slot.jobs.clear();
      // reason null: stopped in a rule now off, so the file it was reading is read again too, without it.
      const again = reason === null ? jobs : jobs.slice(1);
      if (reason !== null && jobs.length > 0) jobs[0]!.resolve(failed(jobs[0]!.request.job.path, reason));
      if (this.closed) {
        for (const pending of again) pending.resolve(failed(pending.request.job.path, 'reader closed'));
        return;
      }
      this.waiting.unshift(...again);
      this.dispatch();
    };
    worker.on('error', (error) => {
      // Out of memory means it ran (on a hostile file): its death is that file's, not a broken install.
      if ((error as { code?: string } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY') slot.answered = true;
      retire(workerFailure(error, this.workerHeapMb));
    });
    worker.on('exit', (code) => retire(`reader exited with code ${code}`));
    if (beat) {
      this.watch.add(worker, beat);
      this.stalled.set(worker, (rule) => {
        // It ran (a rule on a hostile value): the pool never falls back to reading here.
        slot.answered = true;
        // Off before anything is read again, so neither the next worker nor the others run it; told once
        // (a test begun before it was turned off can still stall: its file is read again all the same).
        const first = this.off ? stopRule(this.off, rule) : true;
        const reading = slot.jobs.values().next().value;
        // A worker sends a file's rows only once its rules have run on all of them, so none of the stopped
        // file's should have arrived; if some had, a second read would load them twice: the file fails instead.
        if (reading && !reading.delivered) {
          if (first) (reading.stops ??= []).push({ rule, reason: ruleStopReason(this.rules, rule) });
          retire(null);
        } else retire(stalledReason(this.rules, rule));
        void worker.terminate();
      });
    }
    this.slots.push(slot);
    return slot;
  }
}

/** Why a worker died, as a bad file's reason. */
export function workerFailure(error: unknown, heapMb: number): string {
  if ((error as { code?: string } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return `reader ran out of memory on this file (worker heap limit ${heapMb} MB); not read`;
  }
  return `reader failed: ${errorText(error)}`;
}

/** The rules stopped while a file was read, for its summary (none: nothing added). */
function stopsOf(summary: ReadSummary, pending: PendingJob): Pick<ReadSummary, 'ruleStops'> {
  if (!pending.stops) return {};
  return { ruleStops: [...(summary.ruleStops ?? []), ...pending.stops] };
}

function failed(path: string, reason: string): ReadSummary {
  return { path, shape: 'bad', reason, skippedRecords: 0, bytes: 0, rowCount: 0, endIndex: 0, openTail: false, resume: null };
}
