import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where generated benchmark folders live: never inside the repository. */
export const CACHE_ROOT = path.join(tmpdir(), 'trailtop-bench-cache');

const here = path.dirname(fileURLToPath(import.meta.url));
const samplesDir = path.resolve(here, '../samples');

/**
 * A short hash of the compiled generator: a change to the generator makes a
 * new cache folder instead of benchmarking stale files.
 */
export function generatorVersion(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(samplesDir).filter((n) => n.endsWith('.js')).sort()) {
    hash.update(name).update('\0').update(readFileSync(path.join(samplesDir, name))).update('\0');
  }
  return hash.digest('hex').slice(0, 10);
}

/** The generator's data shapes (`--cardinality`): its personas, or samples/highCardinality.ts. */
export type Shape = 'default' | 'high';

export interface Dataset {
  events: number;
  shape: Shape;
  dir: string;
  /** The generator's own summary line (files, records, bytes). */
  summary: string;
  /** Seconds the generation took, or null when the folder came from the cache. */
  generatedSeconds: number | null;
}

/** Every .json.gz file under `dir` (the trail files the benchmarks read), sorted. */
export function listTrailFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile() && entry.name.endsWith('.json.gz')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Returns the cached folder for `events`, generating it first when absent.
 * The generator runs in a child process (it is synchronous and streams in
 * bounded memory) into a temporary name that is renamed once complete, so an
 * interrupted run never leaves a half-made folder that looks cached.
 */
export function ensureDataset(events: number, log: (line: string) => void, shape: Shape = 'default'): Dataset {
  const prefix = shape === 'high' ? `${events}-high-` : `${events}-`;
  const dir = path.join(CACHE_ROOT, `${prefix}${generatorVersion()}`);
  // Beside the folder, not in it: the loader reads every file under the folder.
  const marker = `${dir}.generated.txt`;
  if (existsSync(marker)) {
    return { events, shape, dir, summary: readFileSync(marker, 'utf8').trim(), generatedSeconds: null };
  }
  mkdirSync(CACHE_ROOT, { recursive: true });
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  log(`generating ${events.toLocaleString('en-US')} ${shape}-cardinality events into ${dir} (first run only; 1M takes a few minutes)...`);
  const started = performance.now();
  const args = [path.join(samplesDir, 'generate.js'), '--out', partial, '--events', String(events), '--cardinality', shape];
  const child = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`sample generator failed (exit ${child.status ?? child.signal})`);
  const seconds = (performance.now() - started) / 1000;
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  writeFileSync(marker, child.stdout);
  removeStaleVersions(prefix, path.basename(dir));
  return { events, shape, dir, summary: child.stdout.trim(), generatedSeconds: seconds };
}

/**
 * Folders of the same size and shape made by older generators: nothing reads them any more (the 1M one is
 * ~140 MB). `prefix` is followed by the 10 hex digits of a version, so `1000000-` never matches `1000000-high-`.
 */
function removeStaleVersions(prefix: string, keep: string): void {
  for (const name of readdirSync(CACHE_ROOT)) {
    const rest = name.slice(prefix.length);
    if (name.startsWith(prefix) && /^[0-9a-f]{10}/.test(rest) && name !== keep && !name.includes('.partial-') && !name.startsWith(`${keep}.`)) {
      rmSync(path.join(CACHE_ROOT, name), { recursive: true, force: true });
    }
  }
}

/** Total size of the listed files, bytes. */
export function totalBytes(files: readonly string[]): number {
  let sum = 0;
  for (const f of files) sum += statSync(f).size;
  return sum;
}
