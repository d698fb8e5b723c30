/**
 * `detect DIR` without the store: the folder's files are read on worker
 * threads (both cores) by detect/fileJob.ts, and their replies applied to a
 * DetectTally in file order (ingest/order.ts), however the workers finish.
 * Only the records a rule could fire on are parsed where the file allows it;
 * when copies of an eventID differ in their bytes, the folder is read again
 * in full so conflicting duplicates are those the store would find.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { readLimits } from '../ingest/limits.js';
import { WORKER_HEAP_MB } from '../ingest/pool.js';
import { listFolder } from '../ingest/walk.js';
import { pathsInFileOrder } from '../ingest/order.js';
import { FileWorkers } from '../scan/workerPool.js';
import { detectRules, runDetectJob, type DetectJob, type DetectReply } from './fileJob.js';
import type { RuleSpec } from './rule.js';
import { newRulesOff, ruleSlowReason, ruleStopReason } from './ruleWatch.js';
import { RuleNeedsWorker } from './inlineGuard.js';
import type { RuleStop } from '../model/types.js';
import { DetectTally } from './tally.js';

export interface HeadlessDetectOptions {
  /** Worker threads; default min(2, cores). 0 reads on this thread. */
  workers?: number;
  workerHeapMb?: number;
  /** Parse only the records a rule could fire on (default true); false reads every record. */
  fast?: boolean;
  /** Rules stopped so far in this run (ruleWatch.ts newRulesOff): a second pass over the folder does not run them either. */
  off?: Int32Array;
}

export async function detectFolderHeadless(root: string, specs: readonly RuleSpec[], options: HeadlessDetectOptions = {}): Promise<DetectTally> {
  const tally = new DetectTally(specs.length);
  const listing = await listFolder(root);
  tally.addListed(listing.skipped, listing.bad);
  tally.progress.filesTotal = listing.files.length;
  const files = await pathsInFileOrder(listing.files);
  const fast = options.fast !== false;
  const off = options.off ?? newRulesOff(specs.length);
  // Rules the watchdog stopped, by the file they were stopped on: told with that file's reply, which comes from its second read.
  const stops = new Map<number, RuleStop[]>();
  const apply = (reply: DetectReply): void => {
    const stopped = stops.get(reply.id);
    if (stopped) reply.result.ruleStops = [...(reply.result.ruleStops ?? []), ...stopped];
    tally.addFile(reply);
  };

  const workerUrl = new URL('./worker.js', import.meta.url);
  const workers = Math.max(0, options.workers ?? Math.min(2, availableParallelism()));
  const compiled = existsSync(fileURLToPath(workerUrl));
  // From this file on, the workers read (all of them past 8 files).
  let first = 0;
  // vitest runs the TypeScript sources: no compiled worker, so read here.
  if (workers === 0 || files.length <= 8 || !compiled) {
    const rules = detectRules(specs);
    rules.detector.skipWith(off);
    // Waking a worker costs 100-300 ms, a few files parse here in less; but a regex rule here has no watchdog:
    // a file with a record one must test goes to the workers, with the files after it (detect/inlineGuard.ts).
    const guarded = workers > 0 && compiled;
    if (guarded) rules.detector.guardOnThisThread();
    for (first = 0; first < files.length; first++) {
      const trips = rules.detector.trips;
      let reply: DetectReply | null = null;
      try {
        reply = await runDetectJob({ id: first, path: files[first]!, fast }, rules);
      } catch (error) {
        if (!(error instanceof RuleNeedsWorker)) throw error;
      }
      // Tripped: whatever the read made of the throw (a bad file, say) is void.
      if (!reply || rules.detector.trips !== trips) break;
      apply(reply);
    }
  }
  if (first < files.length && workers > 0 && compiled) {
    const rest = files.slice(first);
    await new FileWorkers<DetectJob, DetectReply>({
      url: workerUrl,
      count: Math.min(workers, rest.length),
      files: rest,
      job: (id, path) => ({ id, path, fast }),
      // FileWorkers counts from 0 in `rest`; a file's id is its place in `files`.
      apply: (reply) => apply({ ...reply, id: reply.id + first }),
      failed: (id, path, reason) => failedReply(id, path, reason),
      workerData: { rules: specs, limits: readLimits(), off },
      heapMb: options.workerHeapMb ?? WORKER_HEAP_MB,
      // A regex the load-time check lets through can still backtrack for minutes on a crafted value (n^k tries).
      watchdog: {
        off,
        stopped: (id, rule, kind) => {
          const stop = { rule, reason: kind === 'slow' ? ruleSlowReason(specs, rule) : ruleStopReason(specs, rule) };
          if (id === null) tally.progress.ruleStops.push({ path: root, reason: stop.reason });
          else stops.set(id + first, [...(stops.get(id + first) ?? []), stop]);
        },
      },
    }).run();
  }
  tally.addLossyCopies();
  if (tally.needsFullRead) {
    // The stops of this pass are told once, with the second pass's (which does not run those rules).
    const again = await detectFolderHeadless(root, specs, { ...options, fast: false, off });
    again.progress.ruleStops.unshift(...tally.progress.ruleStops);
    return again;
  }
  return tally;
}

function failedReply(id: number, path: string, reason: string): DetectReply {
  const none = new Int32Array(0);
  return {
    id,
    result: { path, shape: 'bad', reason, skippedRecords: 0, bytes: 0 },
    count: 0,
    ids: none,
    fingerprints: new Uint32Array(0),
    byteFingerprints: false,
    lossy: none,
    times: new Float64Array(0),
    hitAt: none,
    hitEnds: none,
    hitRules: none,
  };
}
