/**
 * Reads a whole folder (or one file) into an EventStore on the calling thread: list, then
 * read a few files ahead while the previous ones are added. Small and
 * reusable (scan, tests); the dashboard's worker-pool loader uses the same
 * readEventFile and applyFileResult.
 */
import type { EventStore } from '../store/eventStore.js';
import type { LoadProgress } from '../store/progress.js';
import type { FileReadResult, FileShape } from '../model/types.js';
import { readEventFile, type ReadOptions } from './read.js';
import { listFolder } from './walk.js';
import { pathsInFileOrder } from './order.js';

export interface LoadFolderOptions {
  signal?: AbortSignal;
  /** Called with each file's result before its rows go into the store (rows not yet deduplicated). */
  onFile?: (result: FileReadResult) => void;
  /** Files read ahead at once; I/O overlaps, parsing stays on this thread. */
  concurrency?: number;
  read?: ReadOptions;
}

/** Shapes that count as "read" (their events, if any, are in the store). */
export const READ_SHAPES: ReadonlySet<FileShape> = new Set<FileShape>(['records', 'array', 'single', 'jsonl', 'lookup-events', 'eventbridge', 'lake-csv', 'athena-csv', 'console-csv', 'empty']);

/**
 * Records one file's outcome in the store: rows added (deduplicated there),
 * progress counters, and the file listed as digest, skipped or bad. A file
 * read in part (some lines or records unusable) also appears among the bad
 * files, with "partly read" in its reason, so the problem is not silent.
 */
export function applyFileResult(store: EventStore, result: FileReadResult): void {
  if (result.rows.length > 0) store.add(result.rows);
  store.updateProgress((progress) => noteFileOutcome(progress, result));
}

/** The progress side of applyFileResult (scan keeps a progress of its own, without a store). */
export function noteFileOutcome(progress: LoadProgress, result: Omit<FileReadResult, 'rows'>): void {
  progress.filesDone++;
  progress.bytesDone += result.bytes;
  progress.shapes[result.shape] = (progress.shapes[result.shape] ?? 0) + 1;
  if (result.shape === 'digest') progress.digests++;
  else if (result.shape === 'not-cloudtrail') progress.skippedFiles.push({ path: result.path, reason: result.reason });
  else if (result.shape === 'bad') progress.badFiles.push({ path: result.path, reason: result.reason });
  else if (result.reason !== '') progress.badFiles.push({ path: result.path, reason: `partly read: ${result.reason}` });
  for (const stop of result.ruleStops ?? []) progress.ruleStops.push({ path: result.path, reason: stop.reason });
}

/**
 * Reads every file under `dir` into `store`; when `dir` is a file, only that file.
 * Resolves when done or aborted; never rejects for a bad file.
 */
export async function loadFolder(dir: string, store: EventStore, options: LoadFolderOptions = {}): Promise<void> {
  const { signal, onFile } = options;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  store.updateProgress((progress) => {
    progress.phase = 'loading';
  });
  const listing = await listFolder(dir, { signal });
  // Applied in file order, so the copy of a duplicated eventID kept is the first in file order (order.ts).
  const files = await pathsInFileOrder(listing.files);
  store.updateProgress((progress) => {
    progress.filesTotal += listing.files.length;
    progress.skippedFiles.push(...listing.skipped);
    progress.badFiles.push(...listing.bad);
  });
  // Reads run ahead, results are applied in file order so runs are repeatable.
  const pending: Promise<FileReadResult>[] = [];
  let next = 0;
  const startRead = (): void => {
    if (next < files.length) pending.push(readEventFile(files[next++]!, { ...options.read, signal }));
  };
  for (let k = 0; k < concurrency; k++) startRead();
  while (pending.length > 0) {
    if (signal?.aborted) break;
    const result = await pending.shift()!;
    startRead();
    onFile?.(result);
    applyFileResult(store, result);
  }
  store.updateProgress((progress) => {
    progress.phase = 'done';
    progress.finishedAt = Date.now();
  });
  store.flush();
}
