/**
 * The headless commands start without the dashboard's packages (Ink, React)
 * or packages only some runs need (fuse.js for plain words, yaml for rule
 * files, chokidar for a watch, csv-stringify for CSV, DuckDB for an archive):
 * each costs tens to hundreds of ms before any work, on every run.
 * The child records every module it loads, ES modules through a loader hook
 * and CommonJS through require's cache, and the test reads the list back.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { event, tempDir, write } from '../ingest/helpers.js';

const ROOT = resolve(__dirname, '../..');

/** Runs the CLI and returns the packages (names under node_modules) it loaded. */
function packagesLoaded(args: string[]): { code: number | null; packages: string[]; stderr: string; modules: string[] } {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test builds first)');
  const dir = tempDir();
  const log = join(dir, 'loaded.txt');
  writeFileSync(log, '');
  const hooks = write(
    dir,
    'hooks.mjs',
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, result.url + '\\n');
  return result;
}`,
  );
  const preload = write(
    dir,
    'preload.mjs',
    `import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
register(${JSON.stringify(pathToFileURL(hooks).href)});
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => appendFileSync(${JSON.stringify(log)}, Object.keys(cache).join('\\n') + '\\n'));`,
  );
  const run = spawnSync(process.execPath, ['--import', pathToFileURL(preload).href, join(ROOT, 'bin/trailtop.js'), ...args], { encoding: 'utf8', timeout: 30_000 });
  const packages = new Set<string>();
  const modules = new Set<string>();
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const own = /[\\/]dist[\\/](.+\.js)$/.exec(line);
    if (own && !line.includes('node_modules')) modules.add(own[1]!.replace(/\\/g, '/'));
    const match = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(line);
    if (match) packages.add(match[1]!.replace('\\', '/'));
  }
  return { code: run.status, packages: [...packages].sort(), stderr: run.stderr, modules: [...modules].sort() };
}

function folder(): string {
  const dir = tempDir();
  write(dir, 'a.json', JSON.stringify({ Records: [event('a'), event('b', { errorCode: 'AccessDenied' })] }));
  return dir;
}

const DASHBOARD_ONLY = ['ink', 'react', 'ink-text-input'];

describe('headless start-up', () => {
  it('scan --json and scan --filter with literals load no package', () => {
    const dir = folder();
    for (const args of [['scan', dir, '--json'], ['scan', dir, '--filter', 'error:AccessDenied']]) {
      const run = packagesLoaded(args);
      expect(run.code, run.stderr).toBe(0);
      expect(run.packages).toEqual([]);
    }
  });

  it('export to JSON lines loads neither csv-stringify nor chokidar; CSV loads csv-stringify', () => {
    const dir = folder();
    const jsonl = packagesLoaded(['export', dir, '--format', 'jsonl', '-o', '-']);
    expect(jsonl.code, jsonl.stderr).toBe(0);
    expect(jsonl.packages).toEqual([]);
    const csv = packagesLoaded(['export', dir, '--format', 'csv', '-o', '-']);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.packages).toEqual(['csv-stringify']);
  });

  it('a plain word loads fuse.js, which a literal filter does not', () => {
    const run = packagesLoaded(['scan', folder(), '--filter', 'assumrole']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.packages).toEqual(['fuse.js']);
  });

  it('detect, chain and sql load none of the dashboard, watch or archive packages', () => {
    const dir = folder();
    for (const args of [['detect', dir], ['chain', dir, 'a'], ['sql', '--dialect', 'duckdb', 'error:AccessDenied']]) {
      const run = packagesLoaded(args);
      for (const name of [...DASHBOARD_ONLY, 'chokidar', '@duckdb/node-api', 'fuse.js', 'csv-stringify']) expect(run.packages, args.join(' ')).not.toContain(name);
    }
  });

  it("scan --db loads neither the archive's importer nor detect's folder reader (only with a DIR to import, or detect --db)", () => {
    const dir = folder();
    const db = join(tempDir(), 'a.duckdb');
    expect(spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), 'archive', dir, '--db', db, '--quiet'], { encoding: 'utf8', timeout: 60_000 }).status).toBe(0);
    const run = packagesLoaded(['scan', '--db', db, '--filter', 'error:AccessDenied', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.modules).toContain('archive/query.js');
    // Nor the folder scanner, the histogram's folder reader, the rule loader or the exporters: a query on an archive pays for none of them.
    for (const module of ['archive/import.js', 'commands/detect.js', 'detect/headless.js', 'scan/run.js', 'commands/scanHistogram.js', 'detect/loadRules.js', 'export/csv.js']) {
      expect(run.modules).not.toContain(module);
    }
  });
});
