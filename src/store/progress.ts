import type { BadFile, FileShape } from '../model/types.js';

/**
 * A conflicting duplicate: a second copy of an eventID whose content differs
 * from the copy kept (the first in file order, ingest/order.ts). Real
 * CloudTrail duplicates are identical copies; a difference means a log was
 * tampered with or a shipper broke it, so it is listed, never merged silently.
 */
export interface ConflictingDuplicate {
  eventID: string;
  /** The file of the copy kept ('' when not known: headless scan keeps no file per event). */
  keptFile: string;
  /** The file of the copy that differs (not loaded). */
  file: string;
  /** The first field that differs (model/contentCheck.ts), '' when only a fingerprint told. */
  field: string;
}

/**
 * A conflicting duplicate as scan reports it (text and --json): only what the reader knows. The
 * headless scan keeps each eventID as a 16-byte hash, not where its copies lay, so it names the
 * differing copy's file alone (the kept copy is the first in file order); an archive records the
 * kept copy's file but not which field differs. An unknown part is left out, never written as "".
 */
export interface ReportedConflict {
  eventID: string;
  keptFile?: string;
  file: string;
  field?: string;
}

export function reportedConflict(c: ConflictingDuplicate): ReportedConflict {
  return { eventID: c.eventID, ...(c.keptFile ? { keptFile: c.keptFile } : {}), file: c.file, ...(c.field ? { field: c.field } : {}) };
}

/** Conflicts listed in full; past this only counted (conflictCount). */
export const MAX_LISTED_CONFLICTS = 1000;

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
  /**
   * Detection rules stopped on a file (a test ran past the watchdog's budget): the file's events are
   * loaded, the rule is not run for the rest of the run. Shown beside the bad files, never cleared.
   */
  ruleStops: BadFile[];
  /** Files that were deleted after their events were loaded (their events stay). */
  deletedFiles: number;
  /** Duplicates whose content differs from the copy kept: all counted, the first MAX_LISTED_CONFLICTS listed. */
  conflictCount: number;
  conflicts: ConflictingDuplicate[];
  startedAt: number;
  finishedAt: number | null;
  /** The watched folder, once it was deleted, moved or replaced: nothing more arrives; the events read stay. */
  watchedFolderGone: string | null;
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
    ruleStops: [],
    deletedFiles: 0,
    conflictCount: 0,
    conflicts: [],
    startedAt: now,
    finishedAt: null,
    watchedFolderGone: null,
  };
}

/** Events per second since the load started. */
export function loadRate(progress: LoadProgress, now = Date.now()): number {
  const end = progress.finishedAt ?? now;
  const seconds = Math.max((end - progress.startedAt) / 1000, 0.001);
  return progress.eventsRead / seconds;
}

/** Counts a conflicting duplicate and lists it while the list is short. */
export function noteConflict(progress: LoadProgress, conflict: ConflictingDuplicate): void {
  progress.conflictCount++;
  if (progress.conflicts.length < MAX_LISTED_CONFLICTS) progress.conflicts.push(conflict);
}
