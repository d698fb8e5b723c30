/**
 * How the dashboard's, export's and tail's workers start (the parse pool, the record-text pool, the
 * deep-term engine).
 *
 * Node 20 unregisters a worker's isolate from the platform before it disposes of it. A TurboFan
 * job still compiling on a background thread for that isolate can start incremental marking in
 * that gap and ask the platform for the isolate's task runner: node aborts (`Assertion failed:
 * (data.first) != nullptr` in NodePlatform::ForIsolate, exit 134). Terminating the readers once
 * a folder was parsed did that about once in 200 `export` runs (five at a time on two cores),
 * before a line of output was written. Workers made after `--no-concurrent-recompilation` optimize
 * on their own thread and have no background job to outlive them; the main thread made its compile
 * dispatcher at start-up and keeps compiling in the background, so the dashboard does not stall on
 * TurboFan. Loading the 1M-event folder cost the same either way (6.7-7.5 s, 13.5-15.3 s CPU).
 * Not for scan/workerPool.ts (scan, detect, archive): their workers live seconds, and optimizing on
 * their own thread made `archive`'s incremental run among 118k unchanged files 1.87-1.97 s ->
 * 2.11-2.21 s; those commands keep the (rare) abort. The flag is the process's: a pool started
 * after one of these optimizes on its own thread too.
 */
import { setFlagsFromString } from 'node:v8';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { trackWorker } from './workerStop.js';

let flagSet = false;

export function startWorker(url: URL | string, options?: WorkerOptions): Worker {
  if (!flagSet) {
    setFlagsFromString('--no-concurrent-recompilation');
    flagSet = true;
  }
  return trackWorker(new Worker(url, options));
}
