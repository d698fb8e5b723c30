/** Worker entry of `archive`: reads and stages the files it is sent, one at a time, in the order sent (and stats a listing's files when asked). */
import { parentPort, workerData } from 'node:worker_threads';
import { setReadLimits, type ReadLimits } from '../ingest/limits.js';
import { exitOnStop } from '../ingest/workerStop.js';
import { runImportJob, type ImportJob } from './importJob.js';
import { isStatQuestion, statAll, type StatQuestion } from './statFiles.js';

const port = parentPort;
if (port) {
  // The main thread's --max-decompressed and friends.
  const data = workerData as { limits?: Partial<ReadLimits> } | null;
  if (data?.limits) setReadLimits(data.limits);
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (job: ImportJob | StatQuestion) => {
    if (exitOnStop(job)) return;
    if (isStatQuestion(job)) {
      // Asked while started ahead, before any job (WarmWorkers.ask): the second half of a listing's stats.
      const stats = statAll(job.stat);
      port.postMessage(stats, [stats.sizes.buffer, stats.mtimes.buffer]);
      return;
    }
    chain = chain.then(async () => {
      const reply = await runImportJob(job);
      // The staging bytes are this reply's own: moved, not copied.
      const bytes = reply.lines;
      const buffer = bytes?.buffer;
      const moved = bytes && buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength ? [buffer] : [];
      port.postMessage(reply, moved);
    });
  });
}
