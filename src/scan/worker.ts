/** Worker entry of `scan`: reads the files it is sent, one at a time, and answers with their digests. */
import { parentPort, workerData } from 'node:worker_threads';
import { createDetector } from '../detect/recordDetector.js';
import { setReadLimits, type ReadLimits } from '../ingest/limits.js';
import { exitOnStop } from '../ingest/workerStop.js';
import type { RuleSpec } from '../detect/rule.js';
import { runScanJob, type ScanJob, type ScanReply } from './job.js';

const port = parentPort;
if (port) {
  // Detection rules, when a rule: filter needs them, run here on the parsed records.
  const data = workerData as { rules?: readonly RuleSpec[]; limits?: Partial<ReadLimits>; beat?: Int32Array; off?: Int32Array } | null;
  // The main thread's --max-decompressed.
  if (data?.limits) setReadLimits(data.limits);
  const rules = data?.rules;
  const detector = rules && rules.length > 0 ? createDetector(rules) : undefined;
  // The pool stops this thread when one rule test runs past its budget, and turns that rule off for all (detect/ruleWatch.ts).
  if (detector && data?.beat) detector.watchWith(data.beat);
  if (detector && data?.off) detector.skipWith(data.off);
  let chain: Promise<void> = Promise.resolve();
  // A batch of jobs (scan/workerPool.ts filesPerJob) is answered with one message of their replies.
  port.on('message', (job: ScanJob | ScanJob[]) => {
    if (exitOnStop(job)) return;
    chain = chain.then(async () => {
      if (!Array.isArray(job)) {
        const reply: ScanReply = await runScanJob(job, detector);
        port.postMessage(reply, transferable(reply));
        return;
      }
      const replies: ScanReply[] = [];
      for (const one of job) replies.push(await runScanJob(one, detector));
      port.postMessage(replies, replies.flatMap(transferable));
    });
  });
}

/** The reply's own typed arrays (each made for this reply alone), moved rather than copied to the main thread. */
function transferable(reply: ScanReply): ArrayBuffer[] {
  const arrays: (ArrayBufferView | null | undefined)[] = [reply.matches, reply.deep, reply.matchedTexts?.bytes, reply.matchedTexts?.ends];
  const digest = reply.digest;
  if (digest) arrays.push(digest.ids, digest.times, digest.cols, digest.flags, digest.fingerprints);
  const out = new Set<ArrayBuffer>(reply.transfer);
  for (const array of arrays) {
    if (array && array.buffer instanceof ArrayBuffer && array.byteOffset === 0 && array.byteLength === array.buffer.byteLength) out.add(array.buffer);
  }
  return [...out];
}
