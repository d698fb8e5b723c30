/**
 * Worker thread for JSON export: reads original records' JSON text back from
 * their files (their original bytes where possible, see recordBytes.ts), so
 * the reading runs on another core than the export loop (and the dashboard).
 * Each answer is one buffer, transferred rather than copied. Requests are
 * handled one at a time, in order, each file by file, so the caches see each
 * file's rows together.
 */
import { parentPort } from 'node:worker_threads';
import type { RecordRef } from '../model/types.js';
import { RecordBytesReader, type RecordBytes, type RecordFraming } from './recordBytes.js';

export interface RecordTextRequest {
  id: number;
  refs: RecordRef[];
  framing: RecordFraming;
}

export type RecordTextReply =
  | ({ id: number } & RecordBytes)
  /** The message of the typed 'source' failure (which record, which file, why). */
  | { id: number; failed: string };

const reader = new RecordBytesReader();

async function answer(request: RecordTextRequest): Promise<RecordTextReply> {
  try {
    return { id: request.id, ...(await reader.read(request.refs, request.framing)) };
  } catch (error) {
    return { id: request.id, failed: error instanceof Error ? error.message : String(error) };
  }
}

const port = parentPort;
if (port) {
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (request: RecordTextRequest) => {
    queue = queue.then(async () => {
      const reply = await answer(request);
      // Both are plain ArrayBuffers of their own (allocUnsafeSlow, new Uint32Array), never shared memory.
      port.postMessage(reply, 'bytes' in reply ? [reply.bytes.buffer as ArrayBuffer, reply.ends.buffer as ArrayBuffer] : []);
    });
  });
}
