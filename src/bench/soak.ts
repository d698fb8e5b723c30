import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gunzipSync, gzipSync } from 'node:zlib';
import { openFolder } from '../ingest/open.js';
import { compileQuery, FilteredView } from '../query/index.js';
import { slope, type Figure } from './table.js';

const MB = 1024 * 1024;

/** A full GC when the process allows one to be exposed (bench runs without --expose-gc). */
export function exposeGc(): (() => void) | null {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}

export interface SoakOptions {
  minutes: number;
  eventsPerSecond: number;
  sampleSeconds: number;
  log: (line: string) => void;
}

/**
 * Issue 9's soak: a watched folder, the dashboard's FilteredView with a query
 * running over it, and a writer landing a file of `eventsPerSecond` events every
 * second. RSS and heap are sampled (after a GC) every `sampleSeconds`; the
 * slopes say whether memory grows beyond the events held.
 */
export async function benchSoak(templateFile: string, options: SoakOptions): Promise<Figure[]> {
  const gc = exposeGc();
  const root = mkdtempSync(path.join(tmpdir(), 'trailtop-bench-soak-'));
  const watched = path.join(root, 'trail');
  const staging = path.join(root, 'staging');
  mkdirSync(watched, { recursive: true });
  mkdirSync(staging);
  const template = (JSON.parse(gunzipSync(readFileSync(templateFile)).toString('utf8')) as { Records: Array<Record<string, unknown>> }).Records;
  const folder = openFolder(watched, { watch: true });
  const view = new FilteredView(folder.store);
  // A plain word (fuzzy over the vocabulary) that matches the template's events, so the view keeps growing too.
  const word = String(template[0]?.['eventName'] ?? 'GetObject').toLowerCase();
  const compiled = compileQuery(`${word} -error:*`, { vocabulary: view.vocabulary });
  if (!compiled.ok) throw new Error('soak query does not parse');
  void view.setQuery(compiled.query);
  await folder.ready;
  const samples: Array<{ minute: number; rss: number; heap: number; events: number }> = [];
  const started = performance.now();
  const sample = (): void => {
    gc?.();
    const usage = process.memoryUsage();
    samples.push({ minute: (performance.now() - started) / 60_000, rss: usage.rss / MB, heap: usage.heapUsed / MB, events: folder.store.size });
  };
  let written = 0;
  let file = 0;
  const writer = setInterval(() => {
    const records = Array.from({ length: options.eventsPerSecond }, (_, k) => ({
      ...template[(written + k) % template.length],
      eventID: `soak-${process.pid}-${written + k}`,
      eventTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    }));
    written += records.length;
    const name = `111122223333_CloudTrail_us-east-1_soak_${file++}.json.gz`;
    const staged = path.join(staging, name);
    writeFileSync(staged, gzipSync(Buffer.from(JSON.stringify({ Records: records }))));
    const day = path.join(watched, `hour${Math.floor(file / 3600)}`);
    mkdirSync(day, { recursive: true });
    renameSync(staged, path.join(day, name));
  }, 1000);
  sample();
  const sampler = setInterval(() => {
    sample();
    const last = samples[samples.length - 1]!;
    options.log(`soak ${last.minute.toFixed(1)} min: ${last.events} events, RSS ${last.rss.toFixed(1)} MB, heap ${last.heap.toFixed(1)} MB, view ${view.size}`);
  }, options.sampleSeconds * 1000);
  await new Promise((resolve) => setTimeout(resolve, options.minutes * 60_000));
  clearInterval(writer);
  clearInterval(sampler);
  sample();
  view.dispose();
  await folder.close();
  rmSync(root, { recursive: true, force: true });

  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const rssSlope = slope(samples.map((s) => [s.minute, s.rss] as const));
  const heapSlope = slope(samples.map((s) => [s.minute, s.heap] as const));
  const eventsPerMinute = options.eventsPerSecond * 60;
  // What the events held explain, at the store's ~0.5 KB a row (the compact target).
  const heldSlope = (eventsPerMinute * 0.5 * 1024) / MB;
  return [
    {
      name: `soak: RSS slope, ${options.minutes} min at ${options.eventsPerSecond} events/s`,
      unit: 'MB/min',
      value: rssSlope,
      baseline: heldSlope,
      baselineLabel: 'events held at 0.5 KB',
      goal: { on: 'value', kind: 'max', limit: Math.max(1, 3 * heldSlope), label: `<= ${Math.max(1, 3 * heldSlope).toFixed(1)} MB/min` },
      runs: 1,
      note: `${samples.length} samples${gc ? ' after GC' : ''}; RSS ${first.rss.toFixed(0)} -> ${last.rss.toFixed(0)} MB; ${last.events.toLocaleString('en-US')} events held, view ${view.size.toLocaleString('en-US')}; RSS also holds the parse workers' heaps, which this GC does not collect`,
    },
    {
      name: `soak: JS heap slope (main thread), ${options.minutes} min`,
      unit: 'MB/min',
      value: heapSlope,
      baseline: heldSlope,
      baselineLabel: 'events held at 0.5 KB',
      goal: { on: 'ratio', kind: 'max', limit: 2, label: '<= 2x events held' },
      runs: 1,
      note: `heap ${first.heap.toFixed(1)} -> ${last.heap.toFixed(1)} MB after GC`,
    },
  ];
}
