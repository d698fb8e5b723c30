import type { QueryNode } from '../ast.js';

/**
 * Where a file's records lie, as a search found them (ingest/recordSpans.ts
 * scanRecordSpans): kept by the engine so the next search over the same
 * file, unchanged (same fileIdentity), skips the scan.
 */
export interface FileSpans {
  /** fileIdentity of the version scanned. */
  identity: string;
  starts: Int32Array;
  ends: Int32Array;
  /** SPAN_* bits. */
  flags: Uint8Array;
  /**
   * With a KeyProbe (keyProbe.ts): the probe's keys joined by '\n', and
   * where each record's value of each lies (RecordSpans.values, for those
   * keys): reused only by a search that reads the same keys.
   */
  keys?: string;
  values?: Int32Array;
}

/** One file's records to test: RecordRef.index values, ascending; with its spans when a search found them before. */
export interface FileAsk {
  file: string;
  indexes: number[];
  spans?: FileSpans | null;
  /**
   * The fileIdentity the store read all these records from (RecordBatch.identity),
   * '' when unknown or not one: a file still of that version is one the reader
   * decoded, CRC-32 checked, so it is inflated without the check again.
   */
  identity?: string;
}

/**
 * A search's cancel flag: an Int32Array over a SharedArrayBuffer (slot 0 is
 * 1 once cancelled), which the thread that reads records checks between
 * files and between records, so a cancel stops it at once, not after the
 * request it is working on.
 */
export type CancelFlag = Int32Array;

/** A fresh, raised-not flag. */
export function cancelFlag(): CancelFlag {
  return new Int32Array(new SharedArrayBuffer(4));
}

export function raise(flag: CancelFlag): void {
  Atomics.store(flag, 0, 1);
}

export function raised(flag: CancelFlag): boolean {
  return Atomics.load(flag, 0) !== 0;
}

/** Test these records of these files against `ast` (the deep part of a query); stop when `cancel` is raised. */
export interface DeepRequest {
  id: number;
  search: number;
  ast: QueryNode;
  files: FileAsk[];
  cancel: CancelFlag;
}

export type DeepReply =
  /**
   * The records that match, as positions in the request's records counted
   * file by file, index by index (ascending); after a cancel, what was
   * found before it.
   */
  | {
      id: number;
      matched: Int32Array;
      /** Per file of the request: the spans it scanned (null when it did not scan, or was given them). */
      spans: (FileSpans | null)[];
    }
  | { id: number; failed: string };
