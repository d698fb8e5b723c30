/**
 * Workers optimize on their own thread (ingest/startWorker.ts): Node 20 aborted now and then
 * (`Assertion failed: (data.first) != nullptr`, exit 134) when a reader was terminated while a
 * background TurboFan job of its isolate still ran. The race is too rare to provoke in a test; what
 * can be checked is that a worker started this way has no background compile job at all (V8's
 * --trace-opt says how each function was compiled), while the main thread keeps its own.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const module = fileURLToPath(new URL('../../dist/ingest/startWorker.js', import.meta.url));

// Each hot function holds its own loop, so V8 compiles it by name (a small one is only inlined).
const CHILD = `
import { startWorker } from ${JSON.stringify(module)};
function mainHot(n) { let t = 0; for (let i = 0; i < n; i++) t += i & 3; return t; }
let s = 0;
for (let k = 0; k < 300; k++) s += mainHot(1e5);
const worker = startWorker(\`
  const { parentPort } = await import('node:worker_threads');
  function workerHot(n) { let t = 0; for (let i = 0; i < n; i++) t += i & 3; return t; }
  let s = 0;
  for (let k = 0; k < 300; k++) s += workerHot(1e5);
  parentPort.postMessage(s);
\`, { eval: true });
worker.on('message', () => void worker.terminate());
`;

/** The --trace-opt lines that say how `name` was compiled. */
function compiles(trace: string, name: string): string[] {
  return trace.split('\n').filter((line) => line.startsWith('[compiling method') && line.includes(`<JSFunction ${name} `));
}

describe.skipIf(!existsSync(module))('startWorker', () => {
  it('starts workers that optimize synchronously; the main thread still compiles in the background', () => {
    const run = spawnSync(process.execPath, ['--trace-opt', '--input-type=module', '-e', CHILD], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const worker = compiles(run.stdout, 'workerHot');
    expect(worker.length).toBeGreaterThan(0);
    for (const line of worker) expect(line).toContain('ConcurrencyMode::kSynchronous');
    const main = compiles(run.stdout, 'mainHot');
    expect(main.length).toBeGreaterThan(0);
    expect(main.some((line) => line.includes('ConcurrencyMode::kConcurrent'))).toBe(true);
  });
});
