import { counted } from '../model/plural.js';
import { formatBytes } from '../term/bytes.js';

// Its callers (the dashboard's dialog, archive, athena) found it here first.
export { formatBytes };

/** How far an export is; what the dialog's bar and the CLI's stderr bar show. */
export interface ExportProgress {
  /** Events written so far. */
  written: number;
  total: number;
  /** Bytes written so far. */
  bytes: number;
  /** Epoch ms when the export started. */
  startedAt: number;
  /** Events per second so far. */
  rate: number;
  /** Seconds left at the current rate; null until a rate is known. */
  etaSeconds: number | null;
}

export type ProgressListener = (progress: ExportProgress) => void;

/** At most this often (about 10 times a second), plus once at the end. */
export const PROGRESS_INTERVAL_MS = 100;

/** Turns counters into throttled progress reports. */
export class ProgressReporter {
  private written = 0;
  private bytes = 0;
  private lastReport = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly total: number,
    private readonly listener: ProgressListener | undefined,
    readonly startedAt = Date.now(),
    private readonly clock: () => number = Date.now,
  ) {}

  /** Adds to the counters; reports when the last report is old enough. */
  advance(events: number, bytes: number): void {
    this.written += events;
    this.bytes += bytes;
    if (!this.listener) return;
    const now = this.clock();
    if (now - this.lastReport >= PROGRESS_INTERVAL_MS) this.report(now);
  }

  /** Reports now regardless of the throttle (start and finish). */
  report(now = this.clock()): void {
    this.lastReport = now;
    this.listener?.(this.snapshot(now));
  }

  snapshot(now = this.clock()): ExportProgress {
    const seconds = Math.max(now - this.startedAt, 1) / 1000;
    const rate = this.written / seconds;
    const etaSeconds = rate > 0 ? (this.total - this.written) / rate : null;
    return { written: this.written, total: this.total, bytes: this.bytes, startedAt: this.startedAt, rate, etaSeconds };
  }
}

/**
 * The line an export ends with on stderr, the same for a folder and an archive: `wrote 3,966 events (5.7 MiB) to out.json`.
 * `stored`: the size of a gzipped file (export/gzip.ts), said beside the text's, which alone read as the file's size.
 */
export function wroteLine(written: number, bytes: number, where: string, stored?: number): string {
  const size = stored === undefined ? formatBytes(bytes) : `${formatBytes(bytes)}, ${formatBytes(stored)} gzipped`;
  return `trailtop: wrote ${counted(written, 'event')} (${size}) to ${where}\n`;
}

function formatSeconds(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const whole = Math.ceil(seconds);
  const minutes = Math.floor(whole / 60);
  return `${String(minutes).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`;
}

/** One line of text, no colour: `[#####.....]  45% 450,000/1,000,000 events 98 MiB 180k/s 00:03 left`.
 * At most `width - 1` cells. When narrow, whole pieces go (bar, then ETA, bytes, rate) rather than
 * cutting a piece in half, which would print a misleading number such as `00` for `00:03 left`. */
export function formatProgressLine(progress: ExportProgress, width = 80): string {
  const fraction = progress.total === 0 ? 1 : Math.min(progress.written / progress.total, 1);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const counts = `${progress.written.toLocaleString('en-US')}/${counted(progress.total, 'event')}`;
  const rate = progress.rate >= 1000 ? `${Math.round(progress.rate / 1000)}k/s` : `${Math.round(progress.rate)}/s`;
  const bytes = formatBytes(progress.bytes);
  const eta = `${formatSeconds(progress.etaSeconds)} left`;
  const details = `${percent} ${counts} ${bytes} ${rate} ${eta}`;
  const room = Math.max(width - 1, 0);
  const barWidth = Math.max(width - details.length - 4, 0);
  if (barWidth >= 5) {
    const filled = Math.round(fraction * barWidth);
    return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${details}`;
  }
  const fallbacks = [details, `${percent} ${counts} ${bytes} ${rate}`, `${percent} ${counts} ${rate}`, `${percent} ${counts}`];
  const fitting = fallbacks.find((line) => line.length <= room);
  if (fitting !== undefined) return fitting;
  return percent.trimStart().length <= room ? percent.trimStart() : '';
}
