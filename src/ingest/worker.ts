/**
 * Worker entry: parses files off the main thread so keystrokes stay live
 * during a big load. Jobs run one at a time in arrival order; rows go back
 * in batches as they are ready.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setReadLimits, type ReadLimits } from './limits.js';
import { packRows } from './rowCodec.js';
import { errorText, runReadJob, type ReadJob } from './readJob.js';
import type { WorkerReply, WorkerRequest } from './pool.js';

const port = parentPort;
if (port) {
  // The main thread's --max-decompressed and friends.
  const data = workerData as { limits?: Partial<ReadLimits> } | null;
  if (data?.limits) setReadLimits(data.limits);
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (request: WorkerRequest) => {
    chain = chain.then(() => handle(request.id, request.job));
  });

  async function handle(id: number, job: ReadJob): Promise<void> {
    try {
      const { summary, rows } = await runReadJob(job, (batch) => {
        const packed = packRows(batch);
        port!.postMessage({ id, packed } satisfies WorkerReply);
      });
      const packed = rows.length > 0 ? packRows(rows) : undefined;
      port!.postMessage({ id, summary, packed } satisfies WorkerReply);
    } catch (error) {
      port!.postMessage({ id, error: errorText(error) } satisfies WorkerReply);
    }
  }
}
