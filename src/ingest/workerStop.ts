/**
 * Stopping a reader thread between two of its tasks rather than wherever it happens to be.
 *
 * `worker.terminate()` stops a thread's JavaScript at any instruction. Node 20 then frees the
 * thread's handles, and a zlib handle caught between its creation and its init (both inside
 * `zlib.createGunzip()`) fails an assertion there (`CompressionStream::Close ... close before
 * init`, node_zlib.cc:285) that aborts the whole process, not the thread. A worker creating
 * gunzip streams in a loop and terminated at random did it within 300 stops every time; the
 * dashboard, `scan`, `detect`, `archive` and `export` terminate busy readers when a query
 * changes, a run is cancelled, or the user quits. The same abort waits for a process that exits
 * with such a worker alive.
 *
 * A worker entry passes each message to `exitOnStop` first: the stop message ends the thread from
 * its message handler, where nothing is half-made, and its open handles are closed whole.
 * `stopWorker` sends it and terminates only a thread that has not gone after a grace period (one
 * stuck in a long parse or a rule test: plain JavaScript, not zlib's constructor).
 */
import type { Worker } from 'node:worker_threads';

/** The message a pool sends to end a worker; never a job (jobs are objects or arrays). */
export const STOP_MESSAGE = 'trailtop:stop-worker';

/** How long a worker has to reach its message handler before it is terminated. */
export const STOP_GRACE_MS = 1_000;

/** How long a second Ctrl-C waits for the readers before the process exits all the same. */
const EXIT_GRACE_MS = 250;

/** The reader threads alive in this process (startWorker and the file pools add theirs). */
const live = new Set<Worker>();

/** Counts `worker` among the readers exitStoppingWorkers stops first. */
export function trackWorker(worker: Worker): Worker {
  live.add(worker);
  worker.once('exit', () => live.delete(worker));
  return worker;
}

/**
 * process.exit(code) once every reader has stopped between two tasks, or after EXIT_GRACE_MS: a
 * process that exits with a reader inside zlib's constructor aborts as terminate() does (8 exits of
 * 150 with a worker making gunzip streams). For a second Ctrl-C, which must not wait for the work.
 */
export function exitStoppingWorkers(code: number): void {
  const exit = (): never => process.exit(code);
  setTimeout(exit, EXIT_GRACE_MS + 50);
  void Promise.all([...live].map((worker) => stopWorker(worker, EXIT_GRACE_MS))).then(exit);
}

/**
 * Worker side: ends this thread when `message` is the stop message (and returns nothing then);
 * false for any other message, which the caller handles as before.
 */
export function exitOnStop(message: unknown): boolean {
  if (message !== STOP_MESSAGE) return false;
  process.exit(0);
}

/**
 * Ends `worker` between two of its tasks (exitOnStop), or terminates it after `graceMs`. Resolves
 * once the thread has exited; the process is kept alive until then, since a process that exits
 * with the worker still running frees it as terminate() does.
 */
export function stopWorker(worker: Worker, graceMs = STOP_GRACE_MS): Promise<void> {
  // A thread that has exited has no id left.
  if (worker.threadId < 0) return Promise.resolve();
  return new Promise<void>((resolve) => {
    let timer: NodeJS.Timeout | null = null;
    const done = (): void => {
      if (timer) clearTimeout(timer);
      resolve();
    };
    worker.once('exit', done);
    // An error event comes before exit; without a listener it would be thrown in the pool's stead.
    worker.once('error', () => {});
    worker.ref();
    timer = setTimeout(() => void worker.terminate(), graceMs);
    try {
      worker.postMessage(STOP_MESSAGE);
    } catch {
      void worker.terminate();
    }
  });
}
