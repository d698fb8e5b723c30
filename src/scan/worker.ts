/** Worker entry of `scan`: reads the files it is sent, one at a time, and answers with their digests. */
import { parentPort } from 'node:worker_threads';
import { runScanJob, type ScanJob, type ScanReply } from './job.js';

const port = parentPort;
if (port) {
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (job: ScanJob) => {
    chain = chain.then(async () => {
      const reply: ScanReply = await runScanJob(job);
      port.postMessage(reply);
    });
  });
}
