/**
 * Worker thread of the deep search (engine.ts): reads records back from
 * their files and tests them against the deep part of a query, so the
 * dashboard's thread only merges answers. Requests are handled in order; a
 * cancelled search's queued requests are answered empty at once.
 */
import { parentPort } from 'node:worker_threads';
import type { DeepReply, DeepRequest } from './protocol.js';
import { Matchers, runAsk } from './run.js';

const port = parentPort;
if (port) {
  const cancelled = new Set<number>();
  const matchers = new Matchers();
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (request: DeepRequest) => {
    if (request.kind === 'cancel') {
      cancelled.add(request.search);
      return;
    }
    queue = queue.then(async () => {
      let reply: DeepReply;
      try {
        reply = { id: request.id, matched: await runAsk(request, matchers, () => cancelled.has(request.search)) };
      } catch (error) {
        reply = { id: request.id, failed: error instanceof Error ? error.message : String(error) };
      }
      port.postMessage(reply);
    });
  });
}
