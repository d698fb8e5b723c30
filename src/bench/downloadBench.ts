/**
 * Issue 20, item 12: a 1M-event JSON download from the dashboard raised
 * resident memory from 1.3 to 2.6 GB. Goal: a download adds at most 200 MB to
 * the loaded dashboard. Each run is a fresh process (downloadChild.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTimed } from './child.js';
import type { DownloadRun } from './downloadChild.js';
import { median, type Figure } from './table.js';

const childScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'downloadChild.js');

export async function downloadOnce(dir: string, format: 'json' | 'jsonl' | 'csv'): Promise<DownloadRun> {
  const out = await mkdtemp(path.join(tmpdir(), 'trailtop-bench-download-'));
  try {
    const result = await runTimed(process.execPath, ['--expose-gc', childScript, dir, format, path.join(out, `download.${format}`)]);
    if (result.code !== 0) throw new Error(`download child failed: ${result.stderr.trim().split('\n').slice(-3).join(' ')}`);
    return JSON.parse(result.stdout) as DownloadRun;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

export async function benchDownloadMemory(dir: string, label: string, runs: number): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const format of ['json', 'csv'] as const) {
    const measured: DownloadRun[] = [];
    for (let k = 0; k < runs; k++) measured.push(await downloadOnce(dir, format));
    const added = median(measured.map((r) => r.peakMB - r.loadedMB));
    figures.push({
      name: `memory: a ${format.toUpperCase()} download adds to the loaded dashboard, ${label}`,
      unit: 'MB',
      value: added,
      baseline: null,
      baselineLabel: '',
      goal: { on: 'value', kind: 'max', limit: 200, label: '<= 200 MB' },
      runs,
      note: `peak resident during the download minus resident after the load (${median(measured.map((r) => r.loadedMB)).toFixed(0)} MB, workers alive, watching); ${median(measured.map((r) => r.afterMB)).toFixed(0)} MB after it and a GC; ${measured[0]!.written} events in ${(median(measured.map((r) => r.ms)) / 1000).toFixed(1)} s`,
    });
  }
  return figures;
}
