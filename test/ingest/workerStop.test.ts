/**
 * Readers are stopped between two of their tasks (ingest/workerStop.ts): Node 20 aborts the whole
 * process (`CompressionStream::Close ... close before init`, exit 134) when a worker is terminated
 * between a gunzip handle's creation and its init. Terminating a worker that makes gunzip streams
 * in a loop did it within 200 stops ten times in ten; the child below makes 200 stops.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { ReadPool } from '../../src/ingest/pool.js';
import { FileWorkers } from '../../src/scan/workerPool.js';

function dist(path: string): string {
  const file = fileURLToPath(new URL(`../../dist/${path}`, import.meta.url));
  if (!existsSync(file)) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
  return file;
}

const stopModule = pathToFileURL(dist('ingest/workerStop.js')).href;
const temp = mkdtempSync(join(tmpdir(), 'trailtop-worker-stop-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** A worker entry that makes gunzip streams without end and, on exit, leaves a file saying how it ended. */
function gunzipLoopEntry(markers: string): URL {
  const file = join(temp, `gunzip-loop-${readdirSync(temp).length}.mjs`);
  writeFileSync(
    file,
    `import { parentPort, threadId } from 'node:worker_threads';
import { writeFileSync } from 'node:fs';
import zlib from 'node:zlib';
import { exitOnStop } from ${JSON.stringify(stopModule)};
process.on('exit', (code) => writeFileSync(${JSON.stringify(markers)} + '/exit-' + threadId, String(code)));
const spin = () => { for (let i = 0; i < 50; i++) zlib.createGunzip().destroy(); setImmediate(spin); };
spin();
parentPort.on('message', (message) => { if (exitOnStop(message)) return; });
`,
  );
  return pathToFileURL(file);
}

function exitsIn(markers: string): string[] {
  return readdirSync(markers).map((name) => readFileSync(join(markers, name), 'utf8'));
}

async function until(test: () => boolean): Promise<void> {
  for (let waited = 0; !test() && waited < 30_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('stopping reader threads', () => {
  it('200 busy gunzip workers stopped at random moments never abort the process', { timeout: 120_000 }, () => {
    const markers = mkdtempSync(join(temp, 'm-'));
    const entry = gunzipLoopEntry(markers);
    const child = `
import { Worker } from 'node:worker_threads';
import { stopWorker } from ${JSON.stringify(stopModule)};
for (let k = 0; k < 200; k++) {
  const worker = new Worker(new URL(${JSON.stringify(entry.href)}));
  await new Promise((resolve) => worker.once('online', resolve));
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
  await stopWorker(worker);
}
process.stdout.write('stopped 200');
`;
    const script = join(temp, 'stop-200.mjs');
    writeFileSync(script, child);
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 110_000 });
    expect(run.stderr).not.toContain('close before init');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe('stopped 200');
    // Each ended in its message handler (0), none was terminated (1).
    expect(exitsIn(markers)).toEqual(Array(200).fill('0'));
  });

  it('a second Ctrl-C exits 130 after the readers stopped between two tasks, not with one inside zlib', { timeout: 60_000 }, () => {
    const markers = mkdtempSync(join(temp, 'm-'));
    const entry = gunzipLoopEntry(markers);
    const child = `
import { startWorker } from ${JSON.stringify(pathToFileURL(dist('ingest/startWorker.js')).href)};
import { abortOnSignals } from ${JSON.stringify(pathToFileURL(dist('commands/signals.js')).href)};
const workers = [0, 1].map(() => startWorker(new URL(${JSON.stringify(entry.href)})));
await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('online', resolve))));
const controller = new AbortController();
abortOnSignals(controller, () => process.stderr.write('before exit\\n'));
process.kill(process.pid, 'SIGINT');
await new Promise((resolve) => setTimeout(resolve, 50));
process.kill(process.pid, 'SIGINT');
setInterval(() => {}, 1000);
`;
    const script = join(temp, 'second-ctrl-c.mjs');
    writeFileSync(script, child);
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 30_000 });
    expect(run.stderr).toBe('before exit\n');
    expect(run.status).toBe(130);
    // Both ended in their message handler (a thread the exit tore down leaves no file).
    expect(exitsIn(markers)).toEqual(['0', '0']);
  });

  it("every reader entry ends on the stop message, with status 0 (a terminated thread's is 1)", { timeout: 60_000 }, async () => {
    const { STOP_MESSAGE } = await import('../../src/ingest/workerStop.js');
    const entries = ['ingest/worker.js', 'scan/worker.js', 'detect/worker.js', 'archive/importWorker.js', 'query/deep/worker.js', 'export/recordWorker.js'];
    const codes: Record<string, number> = {};
    for (const entry of entries) {
      const worker = new Worker(dist(entry), { workerData: entry === 'detect/worker.js' ? { rules: [] } : null });
      const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
      worker.on('error', () => {});
      worker.postMessage(STOP_MESSAGE);
      const timer = setTimeout(() => void worker.terminate(), 20_000);
      codes[entry] = await exited;
      clearTimeout(timer);
    }
    expect(codes).toEqual(Object.fromEntries(entries.map((entry) => [entry, 0])));
  });

  it('a worker that never reaches its message handler is terminated after the grace period; a gone one resolves at once', { timeout: 30_000 }, async () => {
    const { stopWorker } = await import('../../src/ingest/workerStop.js');
    const stuck = new Worker('for (;;) {}', { eval: true });
    await new Promise((resolve) => stuck.once('online', resolve));
    const code = new Promise<number>((resolve) => stuck.once('exit', resolve));
    await stopWorker(stuck, 200);
    expect(await code).toBe(1);
    await stopWorker(stuck, 60_000);
  });

  it('an aborted FileWorkers run stops its busy workers between messages', { timeout: 60_000 }, async () => {
    const markers = mkdtempSync(join(temp, 'm-'));
    const controller = new AbortController();
    const run = new FileWorkers<{ id: number }, { id: number }>({
      url: gunzipLoopEntry(markers),
      count: 2,
      files: ['a', 'b', 'c', 'd'],
      job: (id) => ({ id }),
      apply: () => {},
      failed: (id) => ({ id }),
      workerData: null,
      heapMb: 64,
      signal: controller.signal,
    }).run();
    setTimeout(() => controller.abort(), 300);
    await run;
    await until(() => readdirSync(markers).length === 2);
    expect(exitsIn(markers)).toEqual(['0', '0']);
  });

  it('closing the dashboard\'s read pool stops its busy workers between messages', { timeout: 60_000 }, async () => {
    const markers = mkdtempSync(join(temp, 'm-'));
    const pool = new ReadPool({ workerUrl: gunzipLoopEntry(markers), workers: 2 });
    const reads = ['a.json', 'b.json'].map((path) => pool.read({ path, firstIndex: 0 }, () => {}));
    await until(() => pool.liveWorkers === 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await pool.close();
    expect((await Promise.all(reads)).map((summary) => summary.reason)).toEqual(['reader closed', 'reader closed']);
    await until(() => readdirSync(markers).length === 2);
    expect(exitsIn(markers)).toEqual(['0', '0']);
  });
});
