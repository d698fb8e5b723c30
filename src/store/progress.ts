import type { BadFile, FileShape } from '../model/types.js';

/** Load progress as plain data: the UI and `scan` read it, the store never prints. */
export interface LoadProgress {
  phase: 'idle' | 'loading' | 'watching' | 'done';
  filesTotal: number;
  filesDone: number;
  bytesDone: number;
  eventsRead: number;
  duplicates: number;
  digests: number;
  /** Files read, by shape (records, array, jsonl, ...). */
  shapes: Partial<Record<FileShape, number>>;
  /** JSON that is not CloudTrail, skipped with a reason. */
  skippedFiles: BadFile[];
  /** Malformed or unreadable files, with a reason. */
  badFiles: BadFile[];
  /** Files that were deleted after their events were loaded (their events stay). */
  deletedFiles: number;
  startedAt: number;
  finishedAt: number | null;
}

export function emptyProgress(now = Date.now()): LoadProgress {
  return {
    phase: 'idle',
    filesTotal: 0,
    filesDone: 0,
    bytesDone: 0,
    eventsRead: 0,
    duplicates: 0,
    digests: 0,
    shapes: {},
    skippedFiles: [],
    badFiles: [],
    deletedFiles: 0,
    startedAt: now,
    finishedAt: null,
  };
}

/** Events per second since the load started. */
export function loadRate(progress: LoadProgress, now = Date.now()): number {
  const end = progress.finishedAt ?? now;
  const seconds = Math.max((end - progress.startedAt) / 1000, 0.001);
  return progress.eventsRead / seconds;
}
