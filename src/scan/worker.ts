/** Worker entry of `scan`: reads the files it is sent, one at a time, and answers with their digests. */
import { parentPort, workerData } from 'node:worker_threads';
import { createDetector } from '../detect/recordDetector.js';
import { setReadLimits, type ReadLimits } from '../ingest/limits.js';
import type { RuleSpec } from '../detect/rule.js';
import { runScanJob, type ScanJob, type ScanReply } from './job.js';

const port = parentPort;
if (port) {
  // Detection rules, when a rule: filter needs them, run here on the parsed records.
  const data = workerData as { rules?: readonly RuleSpec[]; limits?: Partial<ReadLimits> } | null;
  // The main thread's --max-decompressed.
  if (data?.limits) setReadLimits(data.limits);
  const rules = data?.rules;
  const detector = rules && rules.length > 0 ? createDetector(rules) : undefined;
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (job: ScanJob) => {
    chain = chain.then(async () => {
      const reply: ScanReply = await runScanJob(job, detector);
      port.postMessage(reply);
    });
  });
}
