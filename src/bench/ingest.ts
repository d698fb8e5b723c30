import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTimed } from './child.js';
import type { IngestRun } from './ingestChild.js';
import { median, type Figure } from './table.js';

const childScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'ingestChild.js');

/** One child's run, and how many cores other processes kept busy meanwhile (null where /proc/stat is missing). */
interface MeasuredRun {
  run: IngestRun;
  otherCores: number | null;
}

async function ingestOnce(mode: 'trailtop' | 'baseline', dir: string): Promise<MeasuredRun> {
  const busyBefore = machineBusyMs();
  const result = await runTimed(process.execPath, ['--expose-gc', childScript, mode, dir]);
  const busyAfter = machineBusyMs();
  if (result.code !== 0) throw new Error(`ingest child (${mode}) failed: ${result.stderr.trim().split('\n').slice(-3).join(' ')}`);
  const run = JSON.parse(result.stdout) as IngestRun;
  const otherCores = busyBefore === null || busyAfter === null ? null : Math.max(0, busyAfter - busyBefore - run.cpuMs) / result.ms;
  return { run, otherCores };
}

/** CPU time all cores have spent busy since boot, ms (Linux /proc/stat, in USER_HZ = 100 ticks); null elsewhere. */
function machineBusyMs(): number | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    if (fields.length < 5 || fields.some((n) => !Number.isFinite(n))) return null;
    const total = fields.reduce((sum, n) => sum + n, 0);
    const idle = fields[3]! + fields[4]!; // idle + iowait
    return (total - idle) * 10;
  } catch {
    return null;
  }
}

/**
 * Other processes busier than this (in cores) during either run of a pair make
 * the pair unfair: trailtop uses both cores and the baseline one, so a
 * neighbour taking a core slows trailtop by a third and the baseline hardly
 * at all. Such a pair is run again, at most `runs` times in all.
 */
const CONTENDED_CORES = 0.25;

/**
 * Loads `dir` with openFolder and with the plain baseline, in pairs run back
 * to back (which goes first alternates); medians of `runs` pairs. A pair
 * during which other processes kept the machine busy is run again (see
 * CONTENDED_CORES), and the note says how busy it was and what each pair's
 * ratio was, so a reader can tell a slow load from a busy machine.
 */
export async function benchIngest(dir: string, label: string, runs: number, withMemory: boolean): Promise<Figure[]> {
  const ours: IngestRun[] = [];
  const plain: IngestRun[] = [];
  const others: number[] = [];
  let redone = 0;
  while (ours.length < runs) {
    const baselineFirst = (ours.length + redone) % 2 === 0;
    const first = await ingestOnce(baselineFirst ? 'baseline' : 'trailtop', dir);
    const second = await ingestOnce(baselineFirst ? 'trailtop' : 'baseline', dir);
    const [base, mine] = baselineFirst ? [first, second] : [second, first];
    const busiest = Math.max(base.otherCores ?? 0, mine.otherCores ?? 0);
    if (busiest > CONTENDED_CORES && redone < runs) {
      redone++;
      continue;
    }
    plain.push(base.run);
    ours.push(mine.run);
    if (base.otherCores !== null && mine.otherCores !== null) others.push(base.otherCores, mine.otherCores);
  }
  const pairRatios = ours.map((run, k) => `${(run.loadedMs / plain[k]!.loadedMs).toFixed(2)}x`).join(' ');
  const contention =
    others.length === 0
      ? ''
      : `; pairs ${pairRatios}; other processes kept ${median(others).toFixed(2)} cores busy (median, max ${Math.max(...others).toFixed(2)})` +
        (redone > 0 ? `, ${redone} busier pair${redone === 1 ? '' : 's'} run again` : '');
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
      goal: { on: 'ratio', kind: 'max', limit: 1.5, label: '<= 1.5x baseline' }, // issue 13 (was issue 4's 1.4x)
      runs,
      note: `${events.toLocaleString('en-US')} unique events; trailtop ${Math.round(events / (m(ours, (r) => r.loadedMs) / 1000)).toLocaleString('en-US')}/s, baseline ${Math.round(plain[0]!.events / (m(plain, (r) => r.loadedMs) / 1000)).toLocaleString('en-US')}/s${contention}`,
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
