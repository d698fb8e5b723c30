import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTimed } from './child.js';
import type { IngestRun } from './ingestChild.js';
import { median, type Figure } from './table.js';

const childScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'ingestChild.js');

async function ingestOnce(mode: 'trailtop' | 'baseline', dir: string): Promise<IngestRun> {
  const result = await runTimed(process.execPath, ['--expose-gc', childScript, mode, dir]);
  if (result.code !== 0) throw new Error(`ingest child (${mode}) failed: ${result.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return JSON.parse(result.stdout) as IngestRun;
}

/**
 * Loads `dir` with openFolder and with the plain baseline, alternating the two
 * so a burst of load from other processes hits both alike; medians of `runs`.
 */
export async function benchIngest(dir: string, label: string, runs: number, withMemory: boolean): Promise<Figure[]> {
  const ours: IngestRun[] = [];
  const plain: IngestRun[] = [];
  for (let i = 0; i < runs; i++) {
    plain.push(await ingestOnce('baseline', dir));
    ours.push(await ingestOnce('trailtop', dir));
  }
  const m = (runsOf: IngestRun[], pick: (r: IngestRun) => number): number => median(runsOf.map(pick));
  const events = ours[0]!.events;
  const baselineLabel = 'gunzip+JSON.parse, 1 core';
  const figures: Figure[] = [
    {
      name: `ingest: first 1,000 events, ${label}`,
      unit: 'ms',
      value: m(ours, (r) => r.firstMs),
      baseline: m(plain, (r) => r.firstMs),
      baselineLabel,
      goal: { on: 'value', kind: 'max', limit: 500, label: '<= 500 ms' },
      runs,
    },
    {
      name: `ingest: fully loaded, ${label}`,
      unit: 'ms',
      value: m(ours, (r) => r.loadedMs),
      baseline: m(plain, (r) => r.loadedMs),
      baselineLabel,
      goal: { on: 'ratio', kind: 'max', limit: 1.4, label: '<= 1.4x baseline' },
      runs,
      note: `${events.toLocaleString('en-US')} unique events; trailtop ${Math.round(events / (m(ours, (r) => r.loadedMs) / 1000)).toLocaleString('en-US')}/s, baseline ${Math.round(plain[0]!.events / (m(plain, (r) => r.loadedMs) / 1000)).toLocaleString('en-US')}/s`,
    },
  ];
  if (withMemory) {
    figures.push({
      name: `memory: resident after load, ${label}`,
      unit: 'MB',
      value: m(ours, (r) => r.rssMB),
      baseline: null,
      baselineLabel: '',
      goal: { on: 'value', kind: 'max', limit: 600, label: '<= 600 MB' },
      runs,
      note: `after a full GC, folder open (workers alive); JS heap ${m(ours, (r) => r.heapUsedMB).toFixed(0)} MB; ${m(ours, (r) => r.rssClosedMB ?? Number.NaN).toFixed(0)} MB after close`,
    });
  }
  return figures;
}
