import { readRecord } from '../ingest/read.js';
import { verifiedRef } from '../model/contentCheck.js';
import type { EventRow, RecordRef } from '../model/types.js';
import { ExportFailed } from './errors.js';

/** A full original CloudTrail record, as read back from its file. */
export type RawRecord = Record<string, unknown>;

/**
 * Reads back the original records for rows[start, end), in the rows' order.
 * Injectable so tests and the bench can export without the files.
 */
export type RecordsReader = (rows: readonly EventRow[], start: number, end: number) => Promise<RawRecord[]>;

export type ReadOne = (ref: RecordRef) => Promise<RawRecord | null>;

export function unreadable(ref: RecordRef, detail: string): ExportFailed {
  return new ExportFailed('source', `cannot read back record ${ref.index} of ${ref.file}: ${detail}; the export was not written`);
}

/**
 * Positions of `refs` grouped by file, files in order of first appearance.
 *
 * In newest-first order the rows of many files interleave (one file per
 * account, region and five minutes), far more than the few parsed files the
 * ingest layer caches; reading a chunk file by file parses each file once per
 * chunk instead of once per row.
 */
export function groupByFile(refs: readonly RecordRef[]): number[][] {
  const groups = new Map<string, number[]>();
  for (let k = 0; k < refs.length; k++) {
    const file = refs[k]!.file;
    const group = groups.get(file);
    if (group) group.push(k);
    else groups.set(file, [k]);
  }
  return [...groups.values()];
}

/** Reads one record; a missing record or a reader error becomes the typed 'source' failure. */
export async function readOrFail(readOne: ReadOne, ref: RecordRef): Promise<RawRecord> {
  let record: RawRecord | null;
  try {
    record = await readOne(ref);
  } catch (error) {
    throw unreadable(ref, error instanceof Error ? error.message : String(error));
  }
  if (record === null) {
    throw unreadable(ref, ref.id ? `event ${ref.id} changed on disk since it was loaded (or its file is gone)` : 'the file is gone or changed');
  }
  return record;
}

/** Records of `refs` in their order, read file by file (see groupByFile). */
export async function readGrouped(readOne: ReadOne, refs: readonly RecordRef[]): Promise<RawRecord[]> {
  const out = new Array<RawRecord>(refs.length);
  for (const group of groupByFile(refs)) {
    // The first read of a file parses it (the ingest layer caches it); the rest are cache hits.
    for (const k of group) out[k] = await readOrFail(readOne, refs[k]!);
  }
  return out;
}

/** The default reader on the calling thread: the ingest layer's readRecord, a chunk file by file. */
export function createRecordsReader(readOne: ReadOne = readRecord): RecordsReader {
  return (rows, start, end) => {
    const refs = new Array<RecordRef>(end - start);
    for (let i = start; i < end; i++) refs[i - start] = verifiedRef(rows[i]!);
    return readGrouped(readOne, refs);
  };
}
