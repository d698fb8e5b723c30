import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FileWorkers } from '../../src/scan/workerPool.js';
import { tempFolder } from '../watch/helpers.js';

const temp = tempFolder('trailtop-workerpool-');
afterAll(() => temp.remove());

interface Job {
  id: number;
  path: string;
}
interface Reply {
  id: number;
  /** Jobs in the message that carried this one (0: a single job, not an array). */
  batch: number;
  failed?: string;
}

// A worker entry that answers each message as scan/worker.ts does, and dies on a path ending in 'die'.
const entry = join(temp.dir, 'echo-worker.mjs');
writeFileSync(
  entry,
  `import { parentPort } from 'node:worker_threads';
parentPort.on('message', (message) => {
  const jobs = Array.isArray(message) ? message : [message];
  const replies = [];
  for (const job of jobs) {
    if (job.path.endsWith('die')) process.exit(3);
    replies.push({ id: job.id, batch: Array.isArray(message) ? jobs.length : 0 });
  }
  parentPort.postMessage(Array.isArray(message) ? replies : replies[0]);
});
`,
);

async function run(files: string[], filesPerJob?: number): Promise<Reply[]> {
  const applied: Reply[] = [];
  await new FileWorkers<Job, Reply>({
    url: pathToFileURL(entry),
    count: 2,
    files,
    job: (id, path) => ({ id, path }),
    apply: (reply) => applied.push(reply),
    failed: (id, _path, reason) => ({ id, batch: -1, failed: reason }),
    workerData: null,
    heapMb: 64,
    filesPerJob,
  }).run();
  return applied;
}

describe('FileWorkers filesPerJob', () => {
  it('sends several files a message and applies the replies one by one in file order', async () => {
    const files = Array.from({ length: 23 }, (_, k) => `file-${k}`);
    const batched = await run(files, 5);
    expect(batched.map((reply) => reply.id)).toEqual(files.map((_, k) => k));
    expect(batched.every((reply) => reply.batch >= 1 && reply.batch <= 5)).toBe(true);
    expect(batched.filter((reply) => reply.batch === 5).length).toBeGreaterThanOrEqual(15);
    expect((await run(files)).every((reply) => reply.batch === 0)).toBe(true);
  });

  it('a worker that dies in a batch fails the file it was reading; the rest of its batch is read by another', async () => {
    const files = Array.from({ length: 12 }, (_, k) => (k === 6 ? 'file-6-die' : `file-${k}`));
    const applied = await run(files, 4);
    expect(applied.map((reply) => reply.id)).toEqual(files.map((_, k) => k));
    expect(applied.filter((reply) => reply.failed !== undefined).map((reply) => reply.id)).toEqual([6]);
    expect(applied[6]!.failed).toMatch(/exited with code 3/);
  });
});
