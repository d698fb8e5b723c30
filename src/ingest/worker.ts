/**
 * Worker entry: parses files off the main thread so keystrokes stay live
 * during a big load. Jobs run one at a time in arrival order; rows go back
 * in batches as they are ready.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setReadLimits } from './limits.js';
import type { RecordDetector } from '../detect/detector.js';
import { rowHitsBuffers } from '../detect/hitCodec.js';
import { readEventFile } from './read.js';
import { RowPacker } from './rowCodec.js';
import { exitOnStop } from './workerStop.js';
import { errorText, runReadJob, type ReadJob } from './readJob.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './pool.js';

const port = parentPort;
if (port) {
  // The main thread's --max-decompressed and friends.
  const data = workerData as WorkerSetup | null;
  if (data?.limits) setReadLimits(data.limits);
  // The rules run here, on the parsed records: the only place they exist without reading the file again.
  // Their engine (the query compiler, 25 of this thread's 45 modules) is loaded only when there are rules:
  // a worker's start is on the path to the dashboard's first screen.
  const rules = data?.rules;
  const detectorReady: Promise<RecordDetector | undefined> = rules
    ? import('../detect/recordDetector.js').then(({ createDetector }) => {
        const detector = createDetector(rules);
        // The pool stops this thread when one rule test runs past its budget (detect/ruleWatch.ts).
        if (data?.beat) detector.watchWith(data.beat);
        // The rules it stopped, on any thread of this pool: not run again.
        if (data?.off) detector.skipWith(data.off);
        return detector;
      })
    : Promise.resolve(undefined);
  // One dictionary for every batch this worker sends: the pool's RowUnpacker for this worker keeps its copy.
  const packer = new RowPacker();
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (request: WorkerRequest) => {
    if (exitOnStop(request)) return;
    chain = chain.then(() => handle(request.id, request.job));
  });

  async function handle(id: number, job: ReadJob): Promise<void> {
    try {
      const detector = await detectorReady;
      const { summary, rows, hits } = await runReadJob(
        job,
        (batch, batchHits) => {
          const packed = packer.pack(batch);
          port!.postMessage({ id, packed, ...(batchHits ? { hits: batchHits } : {}) } satisfies WorkerReply, batchHits ? rowHitsBuffers(batchHits) : []);
        },
        readEventFile,
        detector,
      );
      const packed = rows.length > 0 ? packer.pack(rows) : undefined;
      port!.postMessage({ id, summary, packed, ...(hits ? { hits } : {}) } satisfies WorkerReply, hits ? rowHitsBuffers(hits) : []);
    } catch (error) {
      port!.postMessage({ id, error: errorText(error) } satisfies WorkerReply);
    }
  }
}
