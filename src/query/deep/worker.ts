/**
 * Worker thread of the deep search (engine.ts): reads records back from
 * their files and tests them against the deep part of a query, so the
 * dashboard's thread only merges answers. Requests are handled in order; a
 * search's requests stop as soon as its shared cancel flag is raised (the
 * ones still queued are answered empty at once).
 */
import { parentPort } from 'node:worker_threads';
import { raised, type DeepReply, type DeepRequest } from './protocol.js';
import { Matchers, runAsk } from './run.js';
import { exitOnStop } from '../../ingest/workerStop.js';

const port = parentPort;
if (port) {
  const matchers = new Matchers();
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (request: DeepRequest) => {
    if (exitOnStop(request)) return;
    queue = queue.then(async () => {
      let reply: DeepReply;
      try {
        // No yielding: nothing else runs on this thread, and the flag is read between records.
        const { matched, spans } = await runAsk(request, matchers, () => raised(request.cancel), Infinity);
        reply = { id: request.id, matched, spans };
      } catch (error) {
        reply = { id: request.id, failed: error instanceof Error ? error.message : String(error) };
      }
      // The typed arrays were made here (Int32Array.from ...): plain ArrayBuffers, moved rather than copied.
      const moved: ArrayBuffer[] = [];
      if ('matched' in reply) {
        moved.push(reply.matched.buffer as ArrayBuffer);
        for (const found of reply.spans) {
          if (!found) continue;
          moved.push(found.starts.buffer as ArrayBuffer, found.ends.buffer as ArrayBuffer, found.flags.buffer as ArrayBuffer);
          if (found.values) moved.push(found.values.buffer as ArrayBuffer);
        }
      }
      port.postMessage(reply, moved);
    });
  });
}
