/**
 * Writing the events a condition selects, in an order, as CSV, JSON or JSON
 * lines: the one engine behind `export --db` and the --db dashboard's download.
 * It pages through the archive by keyset (query.ts eachEvent), so memory stays
 * flat however many events match, and checks its signal between pages.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { openAtomicFile, type Sink } from '../export/atomic.js';
import { csvHeader, csvLines } from '../export/csv.js';
import { ExportCancelled, toExportError } from '../export/errors.js';
import { jsonEpilogue, jsonPrologue, textRuns } from '../export/json.js';
import type { ExportFormat } from '../export/index.js';
import { OutputWriter } from '../export/output.js';
import { ProgressReporter, type ExportProgress } from '../export/progress.js';
import { terminalSafeJson } from '../term/jsonText.js';
import type { Archive } from './db.js';
import { eachEvent, type Order } from './query.js';

export interface ArchiveExportOptions {
  /** A condition from archive/filter.ts, or null for every event. */
  where: string | null;
  order: Order;
  format: ExportFormat;
  /** CSV only: no formula guard (export --raw). */
  raw?: boolean;
  signal?: AbortSignal;
  /** The events expected, for the progress (a count made before). */
  total?: number;
  onProgress?: (progress: ExportProgress) => void;
  /**
   * Events written a page (query.ts eachEvent), betweenPages between two: smaller pages hold the main thread
   * for less time at once. The archive is read EVENTS_PER_STATEMENT events a statement whatever the page.
   */
  pageSize?: number;
  /** Runs between pages (the dashboard lets keys and frames in there). */
  betweenPages?: () => Promise<void>;
}

/**
 * Writes the selected events into `sink` (not committed); returns how many. Throws ExportCancelled when the signal aborts.
 * Through the folder export's writer (export/output.ts), JSON in runs of records (export/json.ts textRuns), so the
 * events are counted with the bytes as they are written, not once a whole page is.
 */
export async function writeArchiveEvents(archive: Archive, sink: Sink, options: ArchiveExportOptions): Promise<{ written: number; bytes: number }> {
  const { format, signal } = options;
  const progress = new ProgressReporter(options.total ?? 0, options.onProgress);
  let written = 0;
  let bytes = 0;
  const throwIfCancelled = (): void => {
    if (signal?.aborted) throw new ExportCancelled();
  };
  const writer = new OutputWriter(
    sink,
    (events, n) => {
      bytes += n;
      progress.advance(events, n);
    },
    throwIfCancelled,
  );
  try {
    progress.report();
    await writer.put(format === 'csv' ? csvHeader() : jsonPrologue(format));
    for await (const page of eachEvent(archive, options.where, options.order, options.pageSize)) {
      throwIfCancelled();
      if (format === 'csv') {
        const rows = page.map((event) => event.row);
        await writer.put(csvLines(rows, 0, rows.length, options.raw === true));
        writer.rowsDone(page.length);
      } else {
        for (const run of textRuns(format, page.map((event) => terminalSafeJson(JSON.stringify(event.record))), written)) {
          await writer.put(run.text);
          writer.rowsDone(run.records);
        }
      }
      written += page.length;
      await options.betweenPages?.();
      throwIfCancelled();
    }
    if (format !== 'csv') await writer.put(jsonEpilogue(format, written));
    await writer.finish();
  } catch (error) {
    await writer.abandon();
    throw error;
  }
  progress.report();
  return { written, bytes };
}

/**
 * The dashboard's download: the events into `target`, atomically (a temp file
 * renamed into place when complete; a cancel or a failure leaves nothing), on
 * `connection`, the download's own (an abort interrupts the statement running
 * there, so a cancel does not wait for a key query over millions of rows).
 */
export async function exportArchiveToFile(
  archive: Archive,
  connection: DuckDBConnection,
  target: string,
  options: ArchiveExportOptions & { overwrite: boolean },
): Promise<{ path: string; written: number; bytes: number }> {
  if (options.signal?.aborted) throw new ExportCancelled();
  const sink = await openAtomicFile(target, { overwrite: options.overwrite });
  const interrupt = (): void => {
    try {
      connection.interrupt();
    } catch {
      // Nothing runs on it any more.
    }
  };
  options.signal?.addEventListener('abort', interrupt);
  try {
    const own: Archive = { ...archive, connection };
    const { written, bytes } = await writeArchiveEvents(own, sink, options);
    if (options.signal?.aborted) throw new ExportCancelled();
    await sink.commit();
    return { path: sink.path, written, bytes };
  } catch (error) {
    await sink.discard();
    // An interrupted statement fails with DuckDB's own message: the cancel is what happened.
    if (options.signal?.aborted) throw new ExportCancelled();
    throw toExportError(error, sink.path);
  } finally {
    options.signal?.removeEventListener('abort', interrupt);
  }
}
