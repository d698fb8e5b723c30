import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTimed } from './child.js';
import type { IngestRun } from './ingestChild.js';
import { median, type Figure } from './table.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '../../bin/trailtop.js');
const peakRss = path.join(here, 'peakRss.js');
const ingestChild = path.join(here, 'ingestChild.js');

/** `[peak-rss-kb] N` as peakRss.ts writes it; null when absent. */
export function peakRssMB(stderr: string): number | null {
  const match = /\[peak-rss-kb\] (\d+)/.exec(stderr);
  return match ? Number(match[1]) / 1024 : null;
}

/**
 * `trailtop scan DIR --json` (a fresh process, timed to exit, its peak RSS
 * from peakRss.ts) beside the one-core gunzip + JSON.parse baseline
 * (ingestChild.ts's, also a fresh process), in pairs whose order alternates.
 */
export async function benchScan(dir: string, label: string, runs: number): Promise<Figure[]> {
  const scan: number[] = [];
  const peaks: number[] = [];
  const plain: number[] = [];
  let events = 0;
  for (let i = 0; i < runs; i++) {
    const runScan = async (): Promise<void> => {
      const s = await runTimed(process.execPath, ['--import', peakRss, cli, 'scan', dir, '--json']);
      if (s.code !== 0) throw new Error(`trailtop scan failed: ${s.stderr.trim().slice(0, 300)}`);
      scan.push(s.ms);
      const peak = peakRssMB(s.stderr);
      if (peak !== null) peaks.push(peak);
      const summary = JSON.parse(s.stdout) as { events?: { unique?: number } };
      events = summary.events?.unique ?? events;
    };
    const runPlain = async (): Promise<void> => {
      const b = await runTimed(process.execPath, ['--expose-gc', ingestChild, 'baseline', dir]);
      if (b.code !== 0) throw new Error(`baseline failed: ${b.stderr.trim().slice(0, 300)}`);
      plain.push((JSON.parse(b.stdout) as IngestRun).loadedMs);
    };
    if (i % 2 === 0) {
      await runPlain();
      await runScan();
    } else {
      await runScan();
      await runPlain();
    }
  }
  return [
    {
      name: `headless: \`scan DIR --json\`, ${label}`,
      unit: 'ms',
      value: median(scan),
      baseline: median(plain),
      baselineLabel: 'gunzip+JSON.parse, 1 core',
      goal: { on: 'ratio', kind: 'max', limit: 1.0, label: '<= 1.0x baseline' },
      runs,
      note: `${events.toLocaleString('en-US')} events; scan timed to process exit, the baseline's read loop only`,
    },
    {
      name: `headless: \`scan DIR --json\` peak resident, ${label}`,
      unit: 'MB',
      value: peaks.length > 0 ? median(peaks) : null,
      baseline: null,
      baselineLabel: '',
      goal: { on: 'value', kind: 'max', limit: 300, label: '<= 300 MB' },
      runs: peaks.length,
      note: 'maxRSS of the scan process, its worker threads included',
    },
  ];
}
