/**
 * `trailtop archive`: a folder into the DuckDB archive, with the same reader
 * as scan (ingest/read.ts readEventFile, ingest/walk.ts listFolder), so bad
 * files are reported exactly as scan reports them.
 *
 * - Incremental: imported_files remembers each file's size and mtime; a file
 *   seen before with both unchanged is not read again.
 * - De-duplicated by the row id: the first copy (in listing order) stays.
 * - Ctrl-C safe: a batch of files is written to a temporary JSON-lines
 *   file, then moved into `events` together with their imported_files
 *   entries in ONE transaction per batch. A kill at any moment leaves the archive as after
 *   the last committed batch; an abort stops between batches.
 */
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEventFile } from '../ingest/read.js';
import { READ_SHAPES } from '../ingest/scanFolder.js';
import { listFolder } from '../ingest/walk.js';
import { deliveryTime, fileOrder } from '../ingest/order.js';
import type { BadFile, FileReadResult } from '../model/types.js';
import type { Archive } from './db.js';
import { stagedLine } from './rowValues.js';
import { moveStaging } from './schema.js';


export interface ImportProgress {
  filesTotal: number;
  filesDone: number;
  /** Files left alone because the archive already has them unchanged. */
  filesUnchanged: number;
  bytesDone: number;
  recordsRead: number;
  startedAt: number;
}

export interface ImportSummary extends ImportProgress {
  /** Events added to the archive by this run (duplicates of archived ids not counted). */
  eventsAdded: number;
  /** Events in the archive after this run. */
  eventsTotal: number;
  /** Files that could not be read or were read in part (as scan reports them). */
  bad: BadFile[];
  /** Entries not read on purpose (FIFOs, links to files already listed, not CloudTrail). */
  skipped: BadFile[];
  digests: number;
  /** True when stopped early (Ctrl-C): the archive holds the batches committed before. */
  aborted: boolean;
}

export interface ImportOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
  /** Files per transaction (default 256), and at most this many records staged before a commit. */
  batchFiles?: number;
  batchRecords?: number;
  /** Files read ahead at once (I/O overlaps; parsing stays on this thread). */
  concurrency?: number;
  /** Test hook: called after each committed batch. */
  afterCommit?: (filesCommitted: number) => void;
}

const STAGING_PREFIX = 'trailtop-staging-';

/** Staging folders of imports that were killed (their process is gone): a kill -9 cannot clean up after itself. */
function removeOrphanedStaging(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const match = new RegExp(`^${STAGING_PREFIX}(\\d+)-`).exec(name);
    if (!match) continue;
    try {
      process.kill(Number(match[1]), 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
  }
}

interface KnownFile {
  size: number;
  mtime: number;
  shape: string;
  reason: string;
}

/** How scan lists a file's outcome: bad, partly read, skipped (not CloudTrail), digest, or fine. */
function classify(path: string, shape: string, reason: string, summary: ImportSummary): void {
  if (shape === 'digest') summary.digests++;
  else if (shape === 'not-cloudtrail') summary.skipped.push({ path, reason });
  else if (shape === 'bad') summary.bad.push({ path, reason });
  else if (reason !== '') summary.bad.push({ path, reason: `partly read: ${reason}` });
}

export async function importFolder(archive: Archive, folder: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const connection = archive.connection;
  const batchFiles = Math.max(1, options.batchFiles ?? 256);
  const batchRecords = Math.max(1, options.batchRecords ?? 100_000);
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const summary: ImportSummary = {
    filesTotal: 0,
    filesDone: 0,
    filesUnchanged: 0,
    bytesDone: 0,
    recordsRead: 0,
    startedAt: Date.now(),
    eventsAdded: 0,
    eventsTotal: 0,
    bad: [],
    skipped: [],
    digests: 0,
    aborted: false,
  };
  const report = (): void => options.onProgress?.({ ...summary });

  const listing = await listFolder(folder, { signal: options.signal });
  summary.skipped.push(...listing.skipped);
  summary.bad.push(...listing.bad);
  summary.filesTotal = listing.files.length;

  const known = new Map<string, KnownFile>();
  const knownRows = await connection.runAndReadAll('SELECT path, size, mtime_ms, shape, reason FROM imported_files');
  for (const [path, size, mtime, shape, reason] of knownRows.getRows()) {
    known.set(String(path), { size: Number(size), mtime: Number(mtime), shape: String(shape), reason: String(reason ?? '') });
  }

  // Unchanged files are not read again; their outcome (bad, partly read, digest) is reported as before.
  const toRead: { path: string; size: number; mtime: number; key: number }[] = [];
  // Stat in parallel chunks: a second run over a big folder is mostly this.
  const allStats: (Stats | null)[] = [];
  for (let at = 0; at < listing.files.length; at += 256) {
    allStats.push(...(await Promise.all(listing.files.slice(at, at + 256).map((path) => stat(path).catch(() => null)))));
  }
  for (const [k, path] of listing.files.entries()) {
    const stats = allStats[k] ?? null;
    const size = stats?.size ?? -1;
    const mtime = stats?.mtimeMs ?? -1;
    const previous = known.get(path);
    if (stats && previous && previous.size === size && previous.mtime === mtime) {
      summary.filesUnchanged++;
      summary.filesDone++;
      classify(path, previous.shape, previous.reason, summary);
      continue;
    }
    toRead.push({ path, size, mtime, key: deliveryTime(path, mtime) });
  }
  // Newest delivery first, as the loader reads them: the order THE duplicate rule is stated in.
  fileOrder(toRead);
  report();

  const before = Number((await connection.runAndReadAll('SELECT count(*) FROM events')).getRows()[0]![0]);
  let seq = Number((await connection.runAndReadAll('SELECT coalesce(max(tt_seq), 0) FROM events')).getRows()[0]![0]);

  // Each batch's events go to a JSON-lines file in a private temp folder (never the log folder), which
  // DuckDB reads in one statement; the folder goes when the import ends, however it ends.
  removeOrphanedStaging();
  const stagingDir = mkdtempSync(join(tmpdir(), `${STAGING_PREFIX}${process.pid}-`));
  // Two staging files: DuckDB moves one batch in (on its own threads) while this thread reads and
  // stages the next, so reading and the database's work overlap. One commit at a time, in order.
  const stagingFiles = [join(stagingDir, 'batch-0.jsonl'), join(stagingDir, 'batch-1.jsonl')];
  let current = 0;
  let fd = openSync(stagingFiles[current]!, 'w');
  let fdOpen = true;
  interface StagedFile {
    path: string;
    size: number;
    mtime: number;
    shape: string;
    reason: string;
    records: number;
  }
  let staged: StagedFile[] = [];
  let stagedRecords = 0;
  let inflight: Promise<void> | null = null;

  const moveIn = async (batch: readonly StagedFile[], file: string): Promise<void> => {
    await connection.run('BEGIN TRANSACTION');
    try {
      for (const statement of moveStaging(file)) await connection.run(statement);
      const files = await connection.prepare(
        'INSERT OR REPLACE INTO imported_files VALUES ($1, $2, $3, $4, $5, $6, current_timestamp::TIMESTAMP)',
      );
      for (const entry of batch) {
        files.bindVarchar(1, entry.path);
        files.bindBigInt(2, BigInt(entry.size));
        files.bindDouble(3, entry.mtime);
        files.bindVarchar(4, entry.shape);
        files.bindVarchar(5, entry.reason);
        files.bindBigInt(6, BigInt(entry.records));
        await files.run();
      }
      await connection.run('COMMIT');
    } catch (error) {
      await connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
    options.afterCommit?.(batch.length);
  };

  /** Hands the staged batch to DuckDB (after the previous one is in) and stages into the other file meanwhile. */
  const commit = async (): Promise<void> => {
    if (staged.length === 0) return;
    closeSync(fd);
    fdOpen = false;
    const batch = staged;
    const file = stagingFiles[current]!;
    staged = [];
    stagedRecords = 0;
    if (inflight) await inflight;
    // Stopped while the previous batch went in: this one is dropped whole, as if never read.
    if (options.signal?.aborted) return;
    inflight = moveIn(batch, file);
    // Without a handler a failure would be an unhandled rejection until the next await sees it.
    inflight.catch(() => undefined);
    current = 1 - current;
    fd = openSync(stagingFiles[current]!, 'w');
    fdOpen = true;
  };

  const stage = (result: FileReadResult, key: number): void => {
    const records = result.records ?? [];
    const lines: string[] = [];
    for (let k = 0; k < result.rows.length; k++) lines.push(stagedLine(result.rows[k]!, records[k] ?? {}, result.path, ++seq, key));
    if (lines.length > 0) writeSync(fd, lines.join('\n') + '\n');
  };

  const pending: Promise<FileReadResult>[] = [];
  let next = 0;
  const startRead = (): void => {
    if (next < toRead.length) pending.push(readEventFile(toRead[next++]!.path, { records: true, signal: options.signal }));
  };
  for (let k = 0; k < concurrency; k++) startRead();
  try {
    for (let k = 0; k < toRead.length; k++) {
      if (options.signal?.aborted) break;
      const result = await pending.shift()!;
      startRead();
      if (options.signal?.aborted) break;
      const file = toRead[k]!;
      if (READ_SHAPES.has(result.shape)) stage(result, file.key);
      // Only what imported_files keeps: the rows and records are in the staging file now.
      staged.push({ path: file.path, size: file.size, mtime: file.mtime, shape: result.shape, reason: result.reason, records: result.rows.length });
      stagedRecords += result.rows.length;
      classify(result.path, result.shape, result.reason, summary);
      summary.filesDone++;
      summary.bytesDone += result.bytes;
      summary.recordsRead += result.rows.length;
      if (staged.length >= batchFiles || stagedRecords >= batchRecords) await commit();
      report();
    }
    if (!options.signal?.aborted) await commit();
    await (inflight as Promise<void> | null);
  } finally {
    // A batch DuckDB is moving in is finished (or rolled back) before its file goes.
    await (inflight as Promise<void> | null)?.catch(() => undefined);
    if (fdOpen) closeSync(fd);
    rmSync(stagingDir, { recursive: true, force: true });
  }
  summary.aborted = options.signal?.aborted === true;
  // Commits only write the log; the database file is brought up to date once, at the end.
  await connection.run('CHECKPOINT');
  summary.eventsTotal = Number((await connection.runAndReadAll('SELECT count(*) FROM events')).getRows()[0]![0]);
  summary.eventsAdded = summary.eventsTotal - before;
  report();
  return summary;
}
