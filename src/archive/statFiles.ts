/**
 * Each listed file's size and mtime, which tell an import what it has seen before. A second run
 * over a real trail's folder (117k files) is mostly this and the listing, so the work is shared:
 * a reader started ahead (WarmWorkers), idle until the new files are known, stats half of them
 * while this thread stats the other half.
 */
import { statSync, type Stats } from 'node:fs';
import type { WarmWorkers } from '../scan/workerPool.js';

export interface FileStats {
  /** Bytes, -1 for a file that could not be stat'ed. */
  sizes: Float64Array<ArrayBuffer>;
  /** mtime in ms, -1 for a file that could not be stat'ed. */
  mtimes: Float64Array<ArrayBuffer>;
}

/** The question a reader answers with the FileStats of `paths` (importWorker.ts). */
export interface StatQuestion {
  stat: readonly string[];
}

export function isStatQuestion(message: unknown): message is StatQuestion {
  return typeof message === 'object' && message !== null && Array.isArray((message as { stat?: unknown }).stat);
}

/** Files stat'ed between yields to the event loop (~10-20 ms of work). */
const STAT_CHUNK = 4096;

/** Below this many files a reader's share is not worth the message of paths (~0.3 µs a path each way). */
const SHARE_FROM = 8192;

/** Fills `into` from `at` with the stats of `files`, synchronously. */
export function statInto(files: readonly string[], into: FileStats, at = 0): void {
  for (let k = 0; k < files.length; k++) {
    let stats: Stats | undefined;
    try {
      stats = statSync(files[k]!, { throwIfNoEntry: false });
    } catch {
      stats = undefined;
    }
    into.sizes[at + k] = stats ? stats.size : -1;
    into.mtimes[at + k] = stats ? stats.mtimeMs : -1;
  }
}

/** The stats of `files`, as a reader answers a StatQuestion. */
export function statAll(files: readonly string[]): FileStats {
  const stats = { sizes: new Float64Array(files.length), mtimes: new Float64Array(files.length) };
  statInto(files, stats);
  return stats;
}

/**
 * The stats of `files`. Synchronous stat in chunks costs a third of promise stat's time and garbage
 * (117k files: 0.4 s against 0.7-1.3 s), and yielding between chunks keeps a dashboard that imports
 * responsive. With `helpers`, one of them stats the second half meanwhile. Stopped by `signal`, the
 * files not reached are -1.
 */
export async function statFiles(files: readonly string[], signal: AbortSignal | undefined, helpers?: Pick<WarmWorkers, 'ask'> | null): Promise<FileStats> {
  const stats: FileStats = { sizes: new Float64Array(files.length).fill(-1), mtimes: new Float64Array(files.length).fill(-1) };
  const half = files.length >= SHARE_FROM && helpers ? Math.floor(files.length / 2) : files.length;
  const second = half < files.length && !signal?.aborted ? helpers!.ask<FileStats>({ stat: files.slice(half) } satisfies StatQuestion, signal) : null;
  for (let at = 0; at < half; at += STAT_CHUNK) {
    if (signal?.aborted) break;
    statInto(files.slice(at, Math.min(half, at + STAT_CHUNK)), stats, at);
    await new Promise<void>((done) => setImmediate(done));
  }
  if (second) {
    // Not waited for once stopped: on a slow mount (s3fs, NFS) the reader's half takes as long as
    // this thread's whole share, and Ctrl-C would wait for it (the reader is stopped with the others).
    const answer = await untilAborted(second, signal);
    if (answer && answer.sizes.length === files.length - half) {
      stats.sizes.set(answer.sizes, half);
      stats.mtimes.set(answer.mtimes, half);
    } else if (!signal?.aborted) {
      // The reader is gone (killed, out of memory): this thread does its share.
      statInto(files.slice(half), stats, half);
    }
  }
  return stats;
}

/** `answer`, or null as soon as `signal` fires. */
function untilAborted<A>(answer: Promise<A | null>, signal: AbortSignal | undefined): Promise<A | null> {
  if (!signal) return answer;
  if (signal.aborted) return Promise.resolve(null);
  return new Promise<A | null>((resolve) => {
    const stop = (): void => resolve(null);
    signal.addEventListener('abort', stop, { once: true });
    void answer.then((value) => {
      signal.removeEventListener('abort', stop);
      resolve(value);
    });
  });
}
