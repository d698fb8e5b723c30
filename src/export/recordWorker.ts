/**
 * Worker thread for JSON export: reads original records back from their files
 * and returns their JSON text, so parsing runs on another core than the
 * export loop (and the dashboard). Requests are handled one at a time, in
 * order, each file by file, so the ingest layer's per-file cache sees each
 * file's rows together.
 */
import { parentPort } from 'node:worker_threads';
import { readRecord } from '../ingest/read.js';
import { stringifyJson } from '../model/stringify.js';
import { terminalSafeJson } from '../term/jsonText.js';
import type { RecordRef } from '../model/types.js';
import { readGrouped } from './records.js';

export interface RecordTextRequest {
  id: number;
  refs: RecordRef[];
}

export type RecordTextReply =
  | { id: number; texts: string[] }
  /** The message of the typed 'source' failure (which record, which file, why). */
  | { id: number; failed: string };

async function answer(request: RecordTextRequest): Promise<RecordTextReply> {
  try {
    const records = await readGrouped(readRecord, request.refs);
    const texts = new Array<string>(records.length);
    for (let k = 0; k < records.length; k++) texts[k] = terminalSafeJson(stringifyJson(records[k]));
    return { id: request.id, texts };
  } catch (error) {
    return { id: request.id, failed: error instanceof Error ? error.message : String(error) };
  }
}

const port = parentPort;
if (port) {
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (request: RecordTextRequest) => {
    queue = queue.then(async () => port.postMessage(await answer(request)));
  });
}
