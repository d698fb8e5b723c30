/**
 * The progress bar of an import into an archive, drawn on a terminal's stderr: by `archive`, and by
 * `scan|export|detect|chain --db FILE DIR` while they bring the archive up to date with DIR. Kept
 * apart from the importer, which those commands load only when they have a DIR to import.
 */
import type { ImportProgress } from '../archive/import.js';
import { counted } from '../model/plural.js';
import { formatBytes } from '../export/progress.js';
import type { ProgressLine } from '../term/progressLine.js';

function formatSeconds(seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds));
  return `${String(Math.floor(whole / 60)).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`;
}

/** `[#####.....]  45% 450/1,000 files 12,345 events 9.5 MiB 00:03 left`, at most width - 1 cells. */
export function formatArchiveProgress(progress: ImportProgress, width: number, now = Date.now()): string {
  const fraction = progress.filesTotal === 0 ? 1 : Math.min(progress.filesDone / progress.filesTotal, 1);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const files = `${progress.filesDone.toLocaleString('en-US')}/${progress.filesTotal.toLocaleString('en-US')} files`;
  const events = counted(progress.recordsRead, 'event');
  const elapsed = (now - progress.startedAt) / 1000;
  const read = progress.filesDone - progress.filesUnchanged;
  const left = progress.filesTotal - progress.filesDone;
  const eta = read > 0 && elapsed > 0 ? `${formatSeconds((elapsed / read) * left)} left` : '--:-- left';
  const pieces = [`${percent} ${files} ${events} ${formatBytes(progress.bytesDone)} ${eta}`, `${percent} ${files} ${events}`, `${percent} ${files}`, percent.trim()];
  const room = Math.max(width - 1, 0);
  const details = pieces.find((p) => p.length <= room) ?? '';
  const barWidth = room - details.length - 3;
  if (barWidth < 5) return details;
  const filled = Math.round(fraction * barWidth);
  return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${details}`;
}

/** Draws each import progress on `bar`, at most every 100 ms, and always the last (every file done). */
export function importProgressDrawer(bar: ProgressLine): (progress: ImportProgress) => void {
  let lastDraw = 0;
  return (progress) => {
    const now = Date.now();
    if (now - lastDraw < 100 && progress.filesDone < progress.filesTotal) return;
    lastDraw = now;
    bar.draw(formatArchiveProgress(progress, bar.width, now));
  };
}
