/** Worker entry of the headless `detect`: reads the files it is sent, one at a time, and answers with their ids and hits. */
import { parentPort, workerData } from 'node:worker_threads';
import { setReadLimits, type ReadLimits } from '../ingest/limits.js';
import { exitOnStop } from '../ingest/workerStop.js';
import { detectRules, runDetectJob, type DetectJob, type DetectReply } from './fileJob.js';
import type { RuleSpec } from './rule.js';

const port = parentPort;
if (port) {
  const data = workerData as { rules: readonly RuleSpec[]; limits?: Partial<ReadLimits>; beat?: Int32Array; off?: Int32Array };
  // The main thread's --max-decompressed.
  if (data.limits) setReadLimits(data.limits);
  const rules = detectRules(data.rules);
  // The pool stops this thread when one rule test runs past its budget (scan/workerPool.ts watchdog).
  if (data.beat) rules.detector.watchWith(data.beat);
  // The rules it stopped, on any worker of this run: not run again.
  if (data.off) rules.detector.skipWith(data.off);
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (job: DetectJob) => {
    if (exitOnStop(job)) return;
    chain = chain.then(async () => {
      const reply: DetectReply = await runDetectJob(job, rules);
      // Each array was made for this reply alone: moved, not copied.
      port.postMessage(reply, [reply.ids.buffer, reply.fingerprints.buffer, reply.times.buffer, reply.hitAt.buffer, reply.hitEnds.buffer, reply.hitRules.buffer] as ArrayBuffer[]);
    });
  });
}
