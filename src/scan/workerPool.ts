/**
 * Files read on worker threads, replies applied in file order however the
 * workers finish: the headless scan's pool (scan/run.ts) and detect's
 * (detect/headless.ts), which send other jobs to other worker entries.
 */
import { Worker } from 'node:worker_threads';
import { newBeat, RuleWatch, stopRule } from '../detect/ruleWatch.js';
import { workerFailure } from '../ingest/pool.js';
import { stopWorker, trackWorker } from '../ingest/workerStop.js';

/** Jobs each worker holds at once by default, so it never waits for the main thread. */
const JOBS_PER_WORKER = 3;

export interface FileWorkersOptions<J, R extends { id: number }> {
  /** The worker entry; it answers each job with one reply of the same id. */
  url: URL;
  count: number;
  /** In file order: reply k is applied after replies 0..k-1. */
  files: readonly string[];
  job: (id: number, path: string) => J;
  apply: (reply: R) => void;
  /** The reply for a file whose worker died while reading it (the file is reported bad, the run goes on). */
  failed: (id: number, path: string, reason: string) => R;
  workerData: unknown;
  /** Heap limit of each worker (MB); past it a worker dies and fails the file it was reading. */
  heapMb: number;
  /** Young generation of each worker (MB), default 48: room for the garbage of parsing; jobs that make little need less resident memory. */
  youngMb?: number | undefined;
  /**
   * Jobs each worker holds at once (default 3). Short jobs need more: on a
   * busy machine the main thread may be off the CPU for milliseconds before
   * it answers a reply with the next job, and the worker waits meanwhile.
   */
  jobsPerWorker?: number | undefined;
  /**
   * Files per message (default 1). Above 1, a message holds an array of up to
   * that many jobs and the worker answers with an array of their replies:
   * short jobs then pay one message each way per batch, not per file (a
   * message wakes the other thread, which on 2 busy cores costs the sender
   * its turn). The worker entry must accept both forms.
   */
  filesPerJob?: number | undefined;
  /** Stops the run: no reply is applied after it fires, the workers are terminated, and run() resolves at once. */
  signal?: AbortSignal | undefined;
  /** While true, no new job is sent (the consumer of the replies is behind); resume() sends again. */
  hold?: () => boolean;
  /** Workers started ahead (WarmWorkers, same url, workerData, heapMb and youngMb), so their start-up overlapped the caller's listing. */
  warm?: WarmWorkers | undefined;
  /**
   * Stops a worker stuck in one rule test (detect/ruleWatch.ts): each worker gets a `beat` and the
   * shared `off` in its workerData; one whose test has run past the budget is terminated and
   * replaced, the rule is turned off in `off` for every worker, and the file it was reading is read
   * again (without the rule), after `stopped` is told (id null: in a batch of files, which one is not known).
   * A rule with SLOW_TESTS slow tests is turned off too, the worker going on: told as 'slow'.
   */
  watchdog?: { off: Int32Array; stopped: (id: number | null, rule: number, kind: 'stalled' | 'slow') => void } | undefined;
}

function spawn(url: URL, workerData: unknown, heapMb: number, youngMb = 48): Worker {
  // A heap limit, so a hostile file kills this worker (and fails that file), not the run (issue 20).
  // Not through startWorker: these short runs (scan, detect, archive) lose more to optimizing on the
  // worker's own thread than the rare abort at exit costs (ingest/startWorker.ts).
  return trackWorker(
    new Worker(url, {
      resourceLimits: { maxYoungGenerationSizeMb: youngMb, maxOldGenerationSizeMb: heapMb },
      workerData,
    }),
  );
}

/**
 * Workers started before their files are known: a worker takes a few
 * hundred milliseconds to load its modules, which can overlap listing the
 * folder. FileWorkers takes them (options.warm); close() ends those it did
 * not take. One that failed meanwhile is never handed out.
 */
export class WarmWorkers {
  private readonly idle: Worker[] = [];
  private readonly dead = new Set<Worker>();
  /** Each worker's own watchdog beat, when started with beats. */
  readonly beats = new Map<Worker, Int32Array>();

  /** `beats`: each worker gets a beat of its own in its workerData, for a FileWorkers with a watchdog. */
  constructor(url: URL, count: number, workerData: unknown, heapMb: number, youngMb?: number, beats = false) {
    for (let k = 0; k < count; k++) {
      const beat = beats ? newBeat() : null;
      const worker = spawn(url, beat ? { ...(workerData as object), beat } : workerData, heapMb, youngMb);
      if (beat) this.beats.set(worker, beat);
      const died = (): void => {
        this.dead.add(worker);
      };
      worker.once('error', died);
      worker.once('exit', died);
      this.idle.push(worker);
    }
  }

  /** Workers started and not taken that have not failed. */
  get alive(): number {
    return this.idle.filter((worker) => !this.dead.has(worker)).length;
  }

  /**
   * Puts one question to a started worker not taken yet, whose entry answers it with one message
   * (archive/statFiles.ts). Null when none is alive or it dies first. Take no worker before the
   * answer: take() removes the listeners that tell the question its worker died. Null too as soon as
   * `signal` fires: the worker, still busy with the question, is stopped and never handed out.
   */
  ask<A>(question: unknown, signal?: AbortSignal): Promise<A | null> {
    const worker = this.idle.find((candidate) => !this.dead.has(candidate));
    if (!worker || signal?.aborted) return Promise.resolve(null);
    return new Promise<A | null>((resolve) => {
      const answered = (answer: A): void => {
        off();
        resolve(answer);
      };
      const gone = (): void => {
        off();
        resolve(null);
      };
      const off = (): void => {
        worker.off('message', answered);
        worker.off('error', gone);
        worker.off('exit', gone);
        signal?.removeEventListener('abort', abandoned);
      };
      // Its answer would come later: never handed out to read (FileWorkers would take it for a reply).
      const abandoned = (): void => {
        gone();
        const at = this.idle.indexOf(worker);
        if (at < 0) return;
        this.idle.splice(at, 1);
        worker.removeAllListeners('error');
        worker.removeAllListeners('exit');
        // Terminated at once, not after the grace a reader gets to leave zlib: it has made no gunzip stream
        // (a question comes before any job), and its stat'ing would keep a Ctrl-C'd process up to STOP_GRACE_MS.
        void stopWorker(worker, 0);
      };
      worker.on('message', answered);
      worker.once('error', gone);
      worker.once('exit', gone);
      signal?.addEventListener('abort', abandoned, { once: true });
      worker.postMessage(question);
    });
  }

  /** A live started worker with no listeners of ours left on it, or null. */
  take(): Worker | null {
    for (let worker = this.idle.shift(); worker; worker = this.idle.shift()) {
      worker.removeAllListeners('error');
      worker.removeAllListeners('exit');
      if (!this.dead.has(worker)) return worker;
    }
    return null;
  }

  close(): void {
    for (let worker = this.take(); worker; worker = this.take()) void stopWorker(worker);
  }
}

export class FileWorkers<J, R extends { id: number }> {
  private readonly replies = new Map<number, R>();
  /** Per worker, the ids of each message it has not fully answered, in the order sent (the order it reads them). */
  private readonly sent = new Map<Worker, number[][]>();
  /** Files of a batch whose worker died: read again one a message, so the one that kills a worker is told apart. */
  private readonly alone = new Set<number>();
  private readonly workers: Worker[] = [];
  private next = 0;
  /** Files a crashed worker held but had not started: read again by another. */
  private readonly retry: number[] = [];
  private applied = 0;
  private finish: () => void = () => {};
  private fail: (error: Error) => void = () => {};
  private readonly watch: RuleWatch | null;

  constructor(private readonly o: FileWorkersOptions<J, R>) {
    const watchdog = o.watchdog;
    const reading = (worker: Worker): number | null => {
      const ids = this.sent.get(worker)?.[0] ?? [];
      return ids.length === 1 ? ids[0]! : null;
    };
    this.watch = watchdog
      ? new RuleWatch(
          (worker, rule) => {
            worker.removeAllListeners('exit');
            worker.removeAllListeners('error');
            void worker.terminate();
            // Off before anything is read again, so neither the new worker nor the others run it. Its file is
            // read again even when it was off already (a test begun before): nothing of it was applied.
            if (stopRule(watchdog.off, rule)) watchdog.stopped(reading(worker), rule, 'stalled');
            this.onCrash(worker, null);
          },
          undefined,
          (worker, rule) => {
            if (stopRule(watchdog.off, rule)) watchdog.stopped(reading(worker), rule, 'slow');
          },
        )
      : null;
  }

  async run(): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      this.finish = resolve;
      this.fail = reject;
    });
    const signal = this.o.signal;
    const stop = (): void => this.finish();
    try {
      if (this.o.files.length === 0 || signal?.aborted) return;
      signal?.addEventListener('abort', stop, { once: true });
      for (let k = 0; k < this.o.count; k++) this.start();
      await done;
    } finally {
      this.watch?.stop();
      signal?.removeEventListener('abort', stop);
      this.o.warm?.close();
      for (const worker of this.workers) {
        worker.removeAllListeners('exit');
        worker.removeAllListeners('error');
        // Between two of its files, not inside zlib (ingest/workerStop.ts): an aborted run's workers are busy.
        void stopWorker(worker);
      }
    }
  }

  private start(): void {
    let worker: Worker;
    if (this.watch) {
      // Its own beat: a warm worker only if it was started with one (WarmWorkers beats).
      const warm = this.o.warm?.beats.size ? this.o.warm.take() : null;
      const known = warm ? this.o.warm!.beats.get(warm) : undefined;
      const beat = known ?? newBeat();
      worker = warm && known ? warm : spawn(this.o.url, { ...(this.o.workerData as object), beat }, this.o.heapMb, this.o.youngMb);
      this.watch.add(worker, beat);
    } else worker = this.o.warm?.take() ?? spawn(this.o.url, this.o.workerData, this.o.heapMb, this.o.youngMb);
    this.workers.push(worker);
    worker.on('message', (reply: R | R[]) => this.onReply(worker, reply));
    worker.on('error', (error) => this.onCrash(worker, workerFailure(error, this.o.heapMb)));
    worker.on('exit', (code) => this.onCrash(worker, `reader exited with code ${code}`));
    for (let j = 0; j < (this.o.jobsPerWorker ?? JOBS_PER_WORKER); j++) this.send(worker);
  }

  /** After `hold` turned false: each worker gets its share of jobs again. */
  resume(): void {
    for (const worker of this.workers) {
      let held = this.sent.get(worker)?.length ?? 0;
      for (; held < (this.o.jobsPerWorker ?? JOBS_PER_WORKER); held++) if (!this.send(worker)) break;
    }
  }

  /** Sends the next job (or batch of jobs, filesPerJob) to `worker`; false when there is none to send (or sending is on hold). */
  private send(worker: Worker): boolean {
    if (this.o.signal?.aborted || this.o.hold?.()) return false;
    const size = this.o.filesPerJob ?? 1;
    const ids: number[] = [];
    while (ids.length < size) {
      let id: number;
      if (this.retry.length > 0) {
        if (ids.length > 0 && this.alone.has(this.retry[0]!)) break;
        id = this.retry.shift()!;
      } else if (this.next < this.o.files.length) id = this.next++;
      else break;
      ids.push(id);
      if (this.alone.has(id)) break;
    }
    if (ids.length === 0) return false;
    let messages = this.sent.get(worker);
    if (!messages) this.sent.set(worker, (messages = []));
    messages.push(ids);
    const jobs = ids.map((id) => this.o.job(id, this.o.files[id]!));
    worker.postMessage(size === 1 ? jobs[0] : jobs);
    return true;
  }

  private onReply(worker: Worker, reply: R | R[]): void {
    const messages = this.sent.get(worker) ?? [];
    for (const one of Array.isArray(reply) ? reply : [reply]) {
      this.replies.set(one.id, one);
      const at = messages.findIndex((ids) => ids.includes(one.id));
      if (at < 0) continue;
      const ids = messages[at]!;
      ids.splice(ids.indexOf(one.id), 1);
      if (ids.length === 0) messages.splice(at, 1);
    }
    this.send(worker);
    this.drain();
  }

  /**
   * A worker that died fails its files (they are reported bad), not the run; the others go on.
   * `reason` null: it was stopped in a rule now turned off, and the file it was reading is read again.
   */
  private onCrash(worker: Worker, reason: string | null): void {
    this.watch?.remove(worker);
    // A worker reads its messages in the order sent: the first it has not answered was being read. A file
    // alone in it fails; of a batch, which file killed the worker is not known, so each is read again on its own.
    const [reading, ...rest] = this.sent.get(worker) ?? [];
    this.sent.delete(worker);
    if (reason === null) {
      // Its reply never came (a worker answers a job whole): nothing of it was applied, so it is read again once.
      this.retry.push(...(reading ?? []));
    } else if (reading?.length === 1) this.replies.set(reading[0]!, this.o.failed(reading[0]!, this.o.files[reading[0]!]!, reason));
    else for (const id of reading ?? []) this.alone.add(id);
    const again = [...(reason !== null && reading && reading.length > 1 ? reading : []), ...rest.flat()];
    this.retry.push(...again);
    this.retry.sort((a, b) => a - b);
    worker.removeAllListeners('exit');
    worker.removeAllListeners('error');
    // Its unsent share goes to a fresh worker.
    if (this.next < this.o.files.length || this.retry.length > 0) {
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
    if (this.o.signal?.aborted) return;
    try {
      for (let reply = this.replies.get(this.applied); reply; reply = this.replies.get(this.applied)) {
        if (this.o.signal?.aborted) return;
        this.replies.delete(this.applied);
        this.applied++;
        this.o.apply(reply);
      }
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (this.applied === this.o.files.length) this.finish();
  }
}
