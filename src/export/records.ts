import * as ingestRead from '../ingest/read.js';
import type { EventRow, RecordRef } from '../model/types.js';
import { ExportFailed } from './errors.js';

/** A full original CloudTrail record, as read back from its file. */
export type RawRecord = Record<string, unknown>;

/**
 * Reads back the original records for a run of rows, in the rows' order.
 * Injectable so tests and the bench can export without the files.
 */
export type RecordsReader = (rows: readonly EventRow[], start: number, end: number) => Promise<RawRecord[]>;

type ReadOne = (ref: RecordRef) => Promise<RawRecord | null>;
type ReadFile = (file: string) => Promise<readonly unknown[]>;

/**
 * The ingest layer's batch reader, when it offers one: every record of one
 * file, indexed like RecordRef.index. Looked up by name so this module keeps
 * compiling against the single-record contract.
 */
function ingestFileReader(): ReadFile | null {
  const candidate = (ingestRead as Record<string, unknown>)['readRecordsOfFile'];
  return typeof candidate === 'function' ? (candidate as ReadFile) : null;
}

function unreadable(ref: RecordRef, detail: string): ExportFailed {
  return new ExportFailed(
    'source',
    `cannot read back record ${ref.index} of ${ref.file}: ${detail}; the export was not written`,
  );
}

/**
 * Rows from one file tend to come in runs (a file holds minutes of one
 * region), but regions interleave in time order, so a few recently read files
 * are kept parsed: each file is read about once however the runs interleave.
 */
const CACHED_FILES = 8;

/** The default reader: the ingest layer's files, each read once per run of rows (LRU of a few files). */
export function createRecordsReader(
  readOne: ReadOne = ingestRead.readRecord,
  readFile: ReadFile | null = ingestFileReader(),
): RecordsReader {
  const cache = new Map<string, readonly unknown[]>();

  async function recordsOf(file: string): Promise<readonly unknown[]> {
    const hit = cache.get(file);
    if (hit) {
      cache.delete(file);
      cache.set(file, hit);
      return hit;
    }
    const records = await readFile!(file);
    cache.set(file, records);
    if (cache.size > CACHED_FILES) cache.delete(cache.keys().next().value!);
    return records;
  }

  async function readBatched(row: EventRow): Promise<RawRecord> {
    let records: readonly unknown[];
    try {
      records = await recordsOf(row.ref.file);
    } catch (error) {
      throw unreadable(row.ref, error instanceof Error ? error.message : String(error));
    }
    const record = records[row.ref.index];
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw unreadable(row.ref, 'the file no longer holds it');
    }
    return record as RawRecord;
  }

  async function readSingle(row: EventRow): Promise<RawRecord> {
    let record: RawRecord | null;
    try {
      record = await readOne(row.ref);
    } catch (error) {
      throw unreadable(row.ref, error instanceof Error ? error.message : String(error));
    }
    if (record === null) throw unreadable(row.ref, 'the file is gone or changed');
    return record;
  }

  if (readFile) {
    return async (rows, start, end) => {
      const out = new Array<RawRecord>(end - start);
      for (let i = start; i < end; i++) out[i - start] = await readBatched(rows[i]!);
      return out;
    };
  }
  // One record at a time: the first read of a run of rows from one file parses
  // it (the ingest layer keeps it cached), the rest of the run is read at once.
  return async (rows, start, end) => {
    const out = new Array<RawRecord>(end - start);
    let i = start;
    while (i < end) {
      const file = rows[i]!.ref.file;
      let runEnd = i + 1;
      while (runEnd < end && rows[runEnd]!.ref.file === file) runEnd++;
      out[i - start] = await readSingle(rows[i]!);
      const rest: Promise<RawRecord>[] = [];
      for (let k = i + 1; k < runEnd; k++) rest.push(readSingle(rows[k]!));
      const records = await Promise.all(rest);
      for (let k = 0; k < records.length; k++) out[i + 1 + k - start] = records[k]!;
      i = runEnd;
    }
    return out;
  };
}
