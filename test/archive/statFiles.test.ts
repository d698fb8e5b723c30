import { existsSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { statAll, statFiles, type FileStats, type StatQuestion } from '../../src/archive/statFiles.js';
import { readLimits } from '../../src/ingest/limits.js';
import { WORKER_HEAP_MB } from '../../src/ingest/pool.js';
import { WarmWorkers } from '../../src/scan/workerPool.js';
import { tempFolder } from '../support/files.js';

const ROOT = resolve(import.meta.dirname, '../..');
const IMPORT_WORKER = join(ROOT, 'dist/archive/importWorker.js');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A listing of 10,000 entries over a few real files (sizes and mtimes told apart) and some that are gone. */
function listing(): string[] {
  const folder = tempFolder('trailtop-stat-');
  cleanups.push(folder.remove);
  const real = Array.from({ length: 7 }, (_, k) => {
    const path = join(folder.dir, `f${k}.json`);
    writeFileSync(path, 'x'.repeat(k * 3));
    utimesSync(path, new Date(), new Date(1_700_000_000_000 + k * 1_234.5));
    return path;
  });
  return Array.from({ length: 10_000 }, (_, k) => (k % 11 === 10 ? join(folder.dir, `gone-${k}`) : real[k % 7]!));
}

function expected(files: readonly string[]): { sizes: number[]; mtimes: number[] } {
  return {
    sizes: files.map((f) => (existsSync(f) ? statSync(f).size : -1)),
    mtimes: files.map((f) => (existsSync(f) ? statSync(f).mtimeMs : -1)),
  };
}

const plain = (stats: FileStats) => ({ sizes: [...stats.sizes], mtimes: [...stats.mtimes] });

describe("a listing's stats", () => {
  it('are every file\'s size and mtime, -1 for one that is gone, alone or with a helper taking the second half', async () => {
    const files = listing();
    expect(plain(await statFiles(files, undefined))).toEqual(expected(files));
    const asked: number[] = [];
    const helper = {
      ask: <A>(question: unknown): Promise<A | null> => {
        const paths = (question as StatQuestion).stat;
        asked.push(paths.length);
        return Promise.resolve(statAll(paths) as A);
      },
    };
    expect(plain(await statFiles(files, undefined, helper))).toEqual(expected(files));
    // This thread stat'ed only its half.
    expect(asked).toEqual([5_000]);
    // A helper gone before it answered: this thread does its share.
    const gone = { ask: <A>(): Promise<A | null> => Promise.resolve(null) };
    expect(plain(await statFiles(files, undefined, gone))).toEqual(expected(files));
    // A few files are not worth a message.
    asked.length = 0;
    expect(plain(await statFiles(files.slice(0, 100), undefined, helper))).toEqual(expected(files.slice(0, 100)));
    expect(asked).toEqual([]);
  });

  it('stop at once when aborted, not waiting for a helper still at its half (Ctrl-C on a slow mount)', async () => {
    const files = listing();
    const controller = new AbortController();
    // A reader stat'ing its half over s3fs or NFS: no answer for a long time.
    const slow = { ask: <A>(): Promise<A | null> => new Promise<A | null>(() => undefined) };
    setTimeout(() => controller.abort(), 30);
    const hung = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 3_000).unref());
    const stats = await Promise.race([statFiles(files, controller.signal, slow), hung]);
    expect(stats).not.toBe('hung');
    // The second half, not reached, is -1 (read again by the next run).
    expect((stats as FileStats).sizes[files.length - 1]).toBe(-1);
  });

  it('a reader whose question is given up is stopped and never handed out to read (its answer would pass for a reply)', async () => {
    if (!existsSync(IMPORT_WORKER)) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
    const files = listing();
    const warm = new WarmWorkers(new URL(`file://${IMPORT_WORKER}`), 1, { limits: readLimits() }, WORKER_HEAP_MB);
    cleanups.push(() => warm.close());
    const controller = new AbortController();
    const asked = warm.ask<FileStats>({ stat: [...files, ...files, ...files] } satisfies StatQuestion, controller.signal);
    controller.abort();
    expect(await asked).toBeNull();
    expect(warm.alive).toBe(0);
    expect(warm.take()).toBeNull();
  });

  it('a reader given up while stat\'ing a big listing ends at once, not after the grace a reader inside zlib gets', async () => {
    if (!existsSync(IMPORT_WORKER)) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
    const warm = new WarmWorkers(new URL(`file://${IMPORT_WORKER}`), 1, { limits: readLimits() }, WORKER_HEAP_MB);
    cleanups.push(() => warm.close());
    const worker = (warm as unknown as { idle: import('node:worker_threads').Worker[] }).idle[0]!;
    // Seconds of stat'ing (a slow mount's half of a big trail).
    const folder = tempFolder('trailtop-stat-');
    cleanups.push(folder.remove);
    const gone = join(folder.dir, 'gone');
    const asked = warm.ask<FileStats>({ stat: Array.from({ length: 1_500_000 }, (_, k) => `${gone}/${k}`) } satisfies StatQuestion, AbortSignal.timeout(300));
    expect(await asked).toBeNull();
    const stopped = Date.now();
    // A thread that has exited has no id left (the pool's own exit listeners are gone with the question).
    while (worker.threadId >= 0 && Date.now() - stopped < 3_000) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(Date.now() - stopped).toBeLessThan(600);
  });

  it("an import reader started ahead answers the question (the built worker entry)", async () => {
    if (!existsSync(IMPORT_WORKER)) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
    const files = listing();
    const warm = new WarmWorkers(new URL(`file://${IMPORT_WORKER}`), 1, { limits: readLimits() }, WORKER_HEAP_MB);
    cleanups.push(() => warm.close());
    const answer = await warm.ask<FileStats>({ stat: files.slice(4_000) } satisfies StatQuestion);
    expect(answer && plain(answer)).toEqual(expected(files.slice(4_000)));
    // Still there to be taken for reading after it answered.
    expect(warm.alive).toBe(1);
    expect(plain(await statFiles(files, undefined, warm))).toEqual(expected(files));
  });
});
