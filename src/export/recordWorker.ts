/**
 * Worker thread for JSON export: reads original records back from their files
 * and returns their JSON text, so parsing runs on another core than the
 * export loop (and the dashboard). Requests are handled one at a time, in
 * order, so the ingest layer's per-file cache sees each file's rows together.
 */
import { parentPort } from 'node:worker_threads';
import { readRecord } from '../ingest/read.js';
import { stringifyJson } from '../model/stringify.js';
import type { RecordRef } from '../model/types.js';

export interface RecordTextRequest {
  id: number;
  refs: RecordRef[];
}

export type RecordTextReply =
  | { id: number; texts: string[] }
  | { id: number; failed: { ref: RecordRef; detail: string } };

async function answer(request: RecordTextRequest): Promise<RecordTextReply> {
  const texts = new Array<string>(request.refs.length);
  for (let k = 0; k < request.refs.length; k++) {
    const ref = request.refs[k]!;
    let record: Record<string, unknown> | null;
    try {
      record = await readRecord(ref);
    } catch (error) {
      return { id: request.id, failed: { ref, detail: error instanceof Error ? error.message : String(error) } };
    }
    if (record === null) return { id: request.id, failed: { ref, detail: 'the file is gone or changed' } };
    texts[k] = stringifyJson(record);
  }
  return { id: request.id, texts };
}

const port = parentPort;
if (port) {
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (request: RecordTextRequest) => {
    queue = queue.then(async () => port.postMessage(await answer(request)));
  });
}
