/**
 * The memory a dashboard download adds (issue 20, item 12), in a fresh process
 * so the figure is clean:
 *   node --expose-gc dist/bench/downloadChild.js DIR FORMAT TARGET
 * loads DIR as the dashboard does (openFolder, watching, parse workers alive),
 * then runs the download the `d` dialog runs (exportRows over a copy of the
 * newest-first rows) while sampling resident memory every 10 ms; prints one
 * JSON line: DownloadRun.
 */
import { openFolder } from '../ingest/open.js';
import { exportRows, type ExportFormat } from '../export/index.js';

export interface DownloadRun {
  events: number;
  /** Resident memory after the load and a full GC, before the download (MB). */
  loadedMB: number;
  /** The highest resident memory seen during the download (MB). */
  peakMB: number;
  /** Resident after the download and a full GC (MB). */
  afterMB: number;
  written: number;
  ms: number;
}

const MB = 1024 * 1024;

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

async function download(dir: string, format: ExportFormat, target: string): Promise<DownloadRun> {
  const folder = openFolder(dir, { watch: true });
  await folder.ready;
  const rows = folder.store.rows();
  collect();
  const loaded = process.memoryUsage().rss;
  let peak = loaded;
  const sampler = setInterval(() => {
    const rss = process.memoryUsage().rss;
    if (rss > peak) peak = rss;
  }, 10);
  const started = performance.now();
  // As the dialog: a copy of the list's rows (exportModel.ts), overwriting the target.
  const result = await exportRows({ rows: rows.slice(), format, target, overwrite: true });
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  collect();
  const after = process.memoryUsage().rss;
  await folder.close();
  return { events: rows.length, loadedMB: loaded / MB, peakMB: peak / MB, afterMB: after / MB, written: result.written, ms };
}

const [dir, format, target] = process.argv.slice(2);
if (!dir || (format !== 'json' && format !== 'jsonl' && format !== 'csv') || !target) {
  process.stderr.write('usage: node --expose-gc dist/bench/downloadChild.js DIR json|jsonl|csv TARGET\n');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(await download(dir, format, target))}\n`);
process.exit(0);
