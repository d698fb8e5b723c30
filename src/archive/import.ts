/**
 * `trailtop archive`: a folder into the DuckDB archive, with the same reader
 * as scan (ingest/read.ts readEventFile, ingest/walk.ts listFolder), so bad
 * files are reported exactly as scan reports them.
 *
 * - Incremental: imported_files remembers each file's size and mtime; a file
 *   seen before with both unchanged is not read again, unless it was bad.
 * - De-duplicated by the row id, by THE duplicate rule (ingest/order.ts):
 *   rows go in whole, then the copies of each ID this batch brought in twice
 *   are ranked in SQL (copies.ts findCopies) and all but one deleted, in the
 *   same transaction.
 * - Fast: files are read and turned into staging lines on worker threads
 *   (both cores; importJob.ts), the main thread only writes their bytes to
 *   a batch's staging file (tab-separated lines, the record last), and
 *   DuckDB reads a whole batch in one statement while the workers go on
 *   with the next.
 * - Ctrl-C safe: a batch of files is written to temporary staging
 *   files, then moved into `events` together with their imported_files
 *   entries in ONE transaction per batch. A kill at any moment leaves the
 *   archive as after the last committed batch; an abort stops between batches.
 */
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import { inflateReason, readLimits } from '../ingest/limits.js';
import { compareNewestFileFirst, deliveryTime } from '../ingest/order.js';
import { WORKER_HEAP_MB } from '../ingest/pool.js';
import { listFolder, type FolderListing } from '../ingest/walk.js';
import type { BadFile, FileShape } from '../model/types.js';
import { READ_SHAPES } from '../ingest/scanFolder.js';
import { FileWorkers, WarmWorkers } from '../scan/workerPool.js';
import type { Archive } from './db.js';
import { failedImport, runImportJob, type ImportJob, type ImportReply } from './importJob.js';
import { findCopies } from './copies.js';
import { lookUpListing } from './knownFiles.js';
import { statFiles } from './statFiles.js';
import { recordListingProblems } from './listingProblems.js';
import { followMovedConflicts } from './movedConflicts.js';
import { recordImportRoot } from './sources.js';
import { CREATE_BATCH_FILES, DELETE_LOSERS, DROP_COPIES, insertStaged, RECORD_BATCH_FILES, RECORD_CONFLICTS, RENUMBER_KEPT } from './schema.js';

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
  /** Conflicting duplicates this run found (same eventID, different content; the archive lists them in `conflicts`). */
  conflicts: number;
  /** Files that could not be read or were read in part (as scan reports them). */
  bad: BadFile[];
  /** Entries not read on purpose (FIFOs, links to files already listed, not CloudTrail). */
  skipped: BadFile[];
  digests: number;
  /**
   * The files scan counts as read (their events, if any, taken; a file read in part is also among
   * the bad ones, as in scan), read by this run or left alone as unchanged: digests, skipped and bad
   * files are counted apart, so the archive line and scan's add up alike.
   */
  eventFiles: { read: number; unchanged: number };
  /** True when stopped early (Ctrl-C): the archive holds the batches committed before. */
  aborted: boolean;
  /** The files this run listed, read or left alone as unchanged (by real path, as `bad` names them). */
  listed: readonly string[];
}

export interface ImportOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
  /** Files per transaction (default 1024), and at most this many records staged before a commit (default 100,000; never a row group, see ROW_GROUP_ROWS). */
  batchFiles?: number;
  batchRecords?: number;
  /** Worker threads reading and staging files; default min(2, cores); 0 reads on this thread. */
  workers?: number;
  /**
   * Runs of at most this many files are read on this thread, with no workers started (default 8):
   * starting two costs more CPU than a small run's reading. The dashboard keeps the default (its
   * thread draws the screen).
   */
  readHereUpTo?: number;
  /**
   * Start the readers before the folder is listed (the `archive` and `scan DIR --db` commands), so their
   * start-up overlaps listing, stat'ing and comparing with the archive's files: a second run over a
   * real trail (100 new files among 117k) then reads its new files on both cores at no start-up cost.
   * A run with at most `readHereUpTo` files to read ends them unused (their start-up's CPU spent).
   */
  warmReaders?: boolean;
  /**
   * Only these files and folders (found under the folder by the watch), listed as a listing of the
   * folder would list them; the rest of the archive's files are left alone and not reported.
   */
  paths?: readonly string[];
  /**
   * Bring the database file up to date at the end: 'auto' (default) when this run read many events or
   * the log has grown big, else the log is left for a later run (and not written out at close either);
   * true always, false never.
   */
  checkpoint?: boolean | 'auto';
  /** Called after each committed batch (the dashboard shows the new events then). */
  afterCommit?: (filesCommitted: number) => void;
  /**
   * Nothing else runs statements on this archive during the run (the `archive` command, `scan DIR
   * --db`): DuckDB is then given only the cores the readers leave it while they read (duckdbThreads).
   * Not for the dashboard, whose queries on their own connection would lose their threads too.
   */
  alone?: boolean;
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

/** How scan lists a file's outcome: bad, partly read, skipped (not CloudTrail), digest, or fine (read, this run or before). */
function classify(path: string, shape: string, reason: string, summary: ImportSummary, unchanged: boolean): void {
  if (READ_SHAPES.has(shape as FileShape)) summary.eventFiles[unchanged ? 'unchanged' : 'read']++;
  if (shape === 'digest') summary.digests++;
  else if (shape === 'not-cloudtrail') summary.skipped.push({ path, reason });
  else if (shape === 'bad') summary.bad.push({ path, reason });
  else if (reason !== '') summary.bad.push({ path, reason: `partly read: ${reason}` });
}

/**
 * The real path of the folder or single FILE imported (links followed). Through a link (`~/trail` ->
 * `/data/trail`) every file was known by another name than through the real path: all read again and
 * counted twice in the archive's summary.
 */
async function realRootOf(root: string): Promise<string> {
  try {
    return await realpath(root);
  } catch {
    return root;
  }
}

/** `path` inside `from`, named inside `to` instead; any other path as it is. */
function underRoot(path: string, from: string, to: string): string {
  if (from === to) return path;
  return path === from || path.startsWith(from.endsWith(sep) ? from : from + sep) ? to + path.slice(from.length) : path;
}

/**
 * listFolder over each of `paths` (files or folders), merged: a path gone meanwhile is nothing to import. Paths
 * may overlap (a folder and a file in it, as a watch reports them): each file, and each problem, once.
 */
async function listPaths(paths: readonly string[], signal: AbortSignal | undefined): Promise<FolderListing> {
  const merged: FolderListing = { files: [], skipped: [], bad: [] };
  const seen = new Set<string>();
  const once = <T extends { path: string }>(into: T[], items: readonly T[]): void => {
    for (const item of items) if (!into.some((kept) => kept.path === item.path)) into.push(item);
  };
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const listing = await listFolder(path, { signal });
    for (const file of listing.files) {
      if (seen.has(file)) continue;
      seen.add(file);
      merged.files.push(file);
    }
    once(merged.skipped, listing.skipped);
    once(merged.bad, listing.bad);
  }
  return merged;
}

/** A file of the run: listed, stat'ed, placed in file order. */
interface RunFile {
  path: string;
  size: number;
  mtime: number;
  /** deliveryTime(path, mtime): the order key ingest/order.ts sorts by. */
  key: number;
}

/** A file of a batch as batch_files holds it (schema.ts). */
interface BatchFile extends RunFile {
  ordinal: number;
  shape: string;
  reason: string;
  records: number;
  /** tt_seq of the file's first row. */
  seqBase: number;
}

interface Batch {
  staging: string;
  longestLine: number;
  files: BatchFile[];
  records: number;
}

interface OpenBatch extends Batch {
  fd: number;
}

/**
 * DuckDB's row group (rows). A transaction that adds a whole row group has
 * it written to the database file as it goes; if the same transaction then
 * deletes some of those rows (the losing copies), the commit appends them
 * all again, and DuckDB 1.5.6 crashed there (SIGSEGV in
 * StructColumnData::Append under LocalStorage::Flush, batches of ~246k
 * events of the 1M high-card folder). So a batch stays under one row group
 * unless one file alone holds more.
 */
const ROW_GROUP_ROWS = 122_880;

/** Batches sealed but not yet in the archive (one moving, one waiting); past it the readers wait. */
const MAX_QUEUED = 2;

async function fillBatchFiles(connection: DuckDBConnection, files: readonly BatchFile[]): Promise<void> {
  await connection.run(CREATE_BATCH_FILES);
  const appender = await connection.createAppender('batch_files', 'main', 'temp');
  try {
    for (const file of files) {
      appender.appendInteger(file.ordinal);
      appender.appendVarchar(file.path);
      appender.appendBigInt(BigInt(file.size));
      appender.appendDouble(file.mtime);
      appender.appendVarchar(file.shape);
      appender.appendVarchar(file.reason);
      appender.appendBigInt(BigInt(file.records));
      appender.appendDouble(file.key);
      appender.appendBigInt(BigInt(file.seqBase));
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/**
 * One batch into the archive, in one transaction: its rows added, the
 * copies of each event ID it brought settled by THE duplicate rule in SQL
 * (copies.ts findCopies) against the batch and the archive, the losing copies
 * deleted, and the files recorded. Returns the conflicting duplicates it
 * found.
 */
async function moveBatch(connection: DuckDBConnection, batch: Batch): Promise<number> {
  await connection.run('BEGIN TRANSACTION');
  try {
    let found = 0;
    await fillBatchFiles(connection, batch.files);
    if (batch.records > 0) {
      await connection.run(insertStaged(batch.staging, batch.longestLine, batch.files));
      await findCopies(connection, batch.files[0]!.seqBase);
      await followMovedConflicts(connection);
      found = (await connection.run(RECORD_CONFLICTS)).rowsChanged;
      await connection.run(DELETE_LOSERS);
      await connection.run(RENUMBER_KEPT);
    }
    await connection.run(RECORD_BATCH_FILES);
    await connection.run('COMMIT');
    return found;
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    // The batch's copies go now, not when the next batch replaces them.
    for (const drop of DROP_COPIES) await connection.run(drop).catch(() => undefined);
  }
}

/**
 * DuckDB's threads while `readers` threads read and stage: the cores they leave, at least one.
 * DuckDB 1.5's calling thread busy-waits (mutex lock and unlock in a loop) while another of its
 * threads runs the statement's last task (duckdb/duckdb#22178, and TaskExecutor's wait, #22092), so
 * on a machine the readers already fill, a second DuckDB thread bought no speed and took CPU from
 * the readers: 1M high-card folder on 2 cores, median CPU 89.5 -> 73.7 s, wall unchanged
 * (bench/RESULTS.md, 2026-12-04: DuckDB's statements, one at a time, are the critical path either way).
 */
export function duckdbThreads(cores: number, readers: number): number {
  return Math.max(1, cores - Math.max(1, readers));
}

/**
 * Sets DuckDB's threads (a setting of the whole database instance) and returns what puts the
 * previous value back.
 */
async function setThreads(connection: DuckDBConnection, threads: number): Promise<() => Promise<void>> {
  const previous = Number((await connection.runAndReadAll(`SELECT current_setting('threads')`)).getRows()[0]![0]);
  if (!Number.isSafeInteger(previous) || previous < 1 || previous === threads) return async () => undefined;
  await connection.run(`SET threads = ${threads}`);
  let restored = false;
  return async () => {
    if (restored) return;
    restored = true;
    await connection.run(`SET threads = ${previous}`);
  };
}

/** Events read, and log (WAL) bytes, from which an import ends with a checkpoint. */
const CHECKPOINT_EVENTS = 100_000;
const CHECKPOINT_LOG_BYTES = 256 * 1024 * 1024;

/**
 * Commits only write the log; a checkpoint writes the database file. After a
 * big import that is worth doing once, at the end. After a small one it is
 * not: with copies replacing archived rows it rewrites every row group they
 * touched (16 s of a 1M-event archive's incremental run, for 100 files), so
 * the log is left to grow (a later run, or DuckDB at 1 GB, writes it out)
 * and the close does not write it either. Opening replays a small log quickly.
 */
async function settleLog(archive: Archive, connection: DuckDBConnection, when: boolean | 'auto', eventsRead: number): Promise<void> {
  if (when === false) return;
  const log = statSync(`${archive.path}.wal`, { throwIfNoEntry: false })?.size ?? 0;
  if (when === true || eventsRead >= CHECKPOINT_EVENTS || log >= CHECKPOINT_LOG_BYTES) await connection.run('CHECKPOINT');
  else await connection.run('PRAGMA disable_checkpoint_on_shutdown');
}

function emptySummary(): ImportSummary {
  return {
    filesTotal: 0,
    filesDone: 0,
    filesUnchanged: 0,
    bytesDone: 0,
    recordsRead: 0,
    startedAt: Date.now(),
    eventsAdded: 0,
    eventsTotal: 0,
    conflicts: 0,
    bad: [],
    skipped: [],
    digests: 0,
    eventFiles: { read: 0, unchanged: 0 },
    aborted: false,
    listed: [],
  };
}

export async function importFolder(archive: Archive, folder: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const workerUrl = new URL('./importWorker.js', import.meta.url);
  const workers = Math.max(0, options.workers ?? Math.min(2, availableParallelism()));
  // vitest runs the TypeScript sources: no compiled worker, so read here (as for a handful of files).
  const compiled = existsSync(fileURLToPath(workerUrl));
  const warm = options.warmReaders && workers > 0 && compiled ? new WarmWorkers(workerUrl, workers, { limits: readLimits() }, WORKER_HEAP_MB) : null;
  try {
    return await importListed(archive, folder, options, { workerUrl, workers, compiled, warm });
  } finally {
    warm?.close();
  }
}

interface Readers {
  workerUrl: URL;
  workers: number;
  compiled: boolean;
  warm: WarmWorkers | null;
}

async function importListed(archive: Archive, folder: string, options: ImportOptions, readers: Readers): Promise<ImportSummary> {
  const connection = archive.connection;
  const signal = options.signal;
  const batchFiles = Math.max(1, options.batchFiles ?? 1024);
  const batchRecords = Math.max(1, Math.min(options.batchRecords ?? 100_000, ROW_GROUP_ROWS - 1));
  const summary = emptySummary();
  const report = (): void => options.onProgress?.({ ...summary });
  const { workerUrl, workers, compiled, warm } = readers;

  // Files are known by absolute path under the folder's real path: 'archive ./trail', 'archive ~/trail' and a link
  // to it are the same folder (the default archive is named by the real path too), not a new one read again.
  const root = resolve(folder);
  const realRoot = await realRootOf(root);
  // Before any file is read: a file written from this archive later must stay out of the folder it was pointed at (sources.ts).
  await recordImportRoot(connection, realRoot);
  const listedPaths = options.paths ? options.paths.map((p) => underRoot(resolve(p), root, realRoot)) : [realRoot];
  const listing = options.paths ? await listPaths(listedPaths, signal) : await listFolder(realRoot, { signal });
  summary.skipped.push(...listing.skipped);
  summary.bad.push(...listing.bad);
  summary.filesTotal = listing.files.length;
  summary.listed = listing.files;

  const { sizes, mtimes } = await statFiles(listing.files, signal, warm);
  const lookup = await lookUpListing(connection, listing.files, sizes, mtimes);
  // Unchanged files are not read again; their outcome (bad, partly read, digest) is reported as before.
  summary.filesUnchanged += lookup.cleanUnchanged;
  summary.filesDone += lookup.cleanUnchanged;
  summary.eventFiles.unchanged += lookup.cleanUnchanged;
  const toRead: RunFile[] = [];
  for (const { ordinal, known, unchanged } of lookup.files) {
    const path = listing.files[ordinal]!;
    const size = sizes[ordinal]!;
    const mtime = mtimes[ordinal]!;
    // A file found bad is read again: it holds no events here, and what made it bad may be gone with its size and
    // mtime the same (a --max-decompressed cap raised, a permission fixed); still bad, it is reported as before.
    // Not one that passed the inflate limits this run has too: that would inflate up to the cap (GBs) to fail again.
    const readAgain = known?.shape === 'bad' && known.reason !== inflateReason(size);
    if (known && unchanged && !readAgain) {
      summary.filesUnchanged++;
      summary.filesDone++;
      classify(path, known.shape, known.reason, summary, true);
      continue;
    }
    toRead.push({ path, size, mtime, key: deliveryTime(path, mtime) });
  }
  // The dashboard's reading order (newest delivery first), so tt_seq numbers events as its store does
  // (equal times keep that order); the copy kept is settled by THE duplicate rule (copies.ts findCopies), whatever the order.
  toRead.sort(compareNewestFileFirst);
  report();

  const before = Number((await connection.runAndReadAll('SELECT count(*) FROM events')).getRows()[0]![0]);
  let seq = Number((await connection.runAndReadAll('SELECT coalesce(max(tt_seq), 0) FROM events')).getRows()[0]![0]);

  // Each batch's events go to a staging file in a private temp folder (never the log folder), which
  // DuckDB reads in one statement; the folder goes when the import ends, however it ends.
  removeOrphanedStaging();
  const stagingDir = mkdtempSync(join(tmpdir(), `${STAGING_PREFIX}${process.pid}-`));
  let batchCount = 0;
  let open: OpenBatch | null = null;
  let queued = 0;
  let moves: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | null = null;
  let pool: FileWorkers<ImportJob, ImportReply> | null = null;
  const stopped = (): boolean => signal?.aborted === true || failure !== null;
  // Files of the batches committed: a stopped run's read count is these, not the files read into a batch it dropped.
  let keptRead = 0;

  /** Hands the open batch to DuckDB, after the batches before it; the readers go on with the next one meanwhile. */
  const seal = (): void => {
    if (!open) return;
    closeSync(open.fd);
    const batch: Batch = { staging: open.staging, longestLine: open.longestLine, files: open.files, records: open.records };
    open = null;
    queued++;
    moves = moves.then(async () => {
      try {
        // Stopped while an earlier batch went in: this one is dropped whole, as if never read.
        if (stopped()) return;
        summary.conflicts += await moveBatch(connection, batch);
        keptRead += batch.files.filter((file) => READ_SHAPES.has(file.shape as FileShape)).length;
        options.afterCommit?.(batch.files.length);
      } catch (error) {
        failure ??= { error };
      } finally {
        rmSync(batch.staging, { force: true });
        queued--;
        pool?.resume();
      }
    });
  };

  const apply = (reply: ImportReply): void => {
    if (stopped()) return;
    const file = toRead[reply.id]!;
    if (open && open.records > 0 && open.records + reply.rows >= ROW_GROUP_ROWS) seal();
    if (!open) {
      const staging = join(stagingDir, `batch-${batchCount++}.tsv`);
      open = { staging, longestLine: 0, fd: openSync(staging, 'w'), files: [], records: 0 };
    }
    if (reply.lines) writeSync(open.fd, reply.lines);
    open.longestLine = Math.max(open.longestLine, reply.longestLine);
    open.files.push({ ...file, ordinal: reply.id, shape: reply.shape, reason: reply.reason, records: reply.rows, seqBase: seq + 1 });
    seq += reply.rows;
    open.records += reply.rows;
    classify(file.path, reply.shape, reply.reason, summary, false);
    summary.filesDone++;
    summary.bytesDone += reply.bytes;
    summary.recordsRead += reply.rows;
    if (open.files.length >= batchFiles || open.records >= batchRecords) seal();
    report();
  };

  const readHere = workers === 0 || toRead.length <= (options.readHereUpTo ?? 8) || !compiled;
  let restoreThreads: () => Promise<void> = async () => undefined;
  try {
    if (options.alone && toRead.length > 0) restoreThreads = await setThreads(connection, duckdbThreads(availableParallelism(), readHere ? 1 : workers));
    if (readHere) {
      for (const [id, file] of toRead.entries()) {
        if (stopped()) break;
        apply(await runImportJob({ id, path: file.path }));
        if (queued >= MAX_QUEUED) await moves;
      }
    } else {
      const running = new FileWorkers<ImportJob, ImportReply>({
        url: workerUrl,
        count: workers,
        files: toRead.map((f) => f.path),
        job: (id, path) => ({ id, path }),
        apply,
        failed: failedImport,
        workerData: { limits: readLimits() },
        heapMb: WORKER_HEAP_MB,
        signal,
        hold: () => queued >= MAX_QUEUED || stopped(),
        warm: warm ?? undefined,
      });
      pool = running;
      try {
        await running.run();
      } finally {
        pool = null;
      }
    }
    // The readers are done: the batches left (in an incremental run, the only one) are moved with every core.
    // 100 new files among 117k: their move 430-510 -> 360-410 ms. A failure to say so costs only speed.
    const restore = restoreThreads;
    moves = moves.then(() => restore().catch(() => undefined));
    if (!stopped()) seal();
    await moves;
  } finally {
    // A batch DuckDB is moving in is finished (or rolled back) before its file goes.
    await moves;
    const left = open as OpenBatch | null;
    if (left) closeSync(left.fd);
    rmSync(stagingDir, { recursive: true, force: true });
    // Put back above already, unless the run failed before its readers were done.
    await restoreThreads().catch(() => undefined);
  }
  if (failure) throw (failure as { error: unknown }).error;
  summary.aborted = signal?.aborted === true;
  // The next run reads the dropped batches' files again: counting them here said '2,408 files read' where 2,047 were kept.
  if (summary.aborted) summary.eventFiles.read = keptRead;
  else await recordListingProblems(connection, listedPaths, listing.bad, listing.skipped);
  await settleLog(archive, connection, options.checkpoint ?? 'auto', summary.recordsRead);
  summary.eventsTotal = Number((await connection.runAndReadAll('SELECT count(*) FROM events')).getRows()[0]![0]);
  summary.eventsAdded = summary.eventsTotal - before;
  report();
  return summary;
}
