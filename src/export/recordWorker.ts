/**
 * Worker thread for JSON export: reads original records' JSON text back from
 * their files (their original bytes where possible, see recordBytes.ts), so
 * the reading runs on another core than the export loop (and the dashboard).
 * An answer is written into a slot of memory shared with the export thread,
 * or, when it does not fit, sent as one buffer transferred rather than
 * copied. Requests are handled one at a time, in order, each file by file,
 * so the caches see each file's rows together.
 */
import { parentPort } from 'node:worker_threads';
import { RecordBytesReader, type RecordFraming } from './recordBytes.js';
import { refsOf, type RefBatch } from './refBatch.js';
import { exitOnStop } from '../ingest/workerStop.js';

export interface RecordTextRequest {
  id: number;
  refs: RefBatch;
  framing: RecordFraming;
  /** Where to write the answer if it fits: memory[offset, offset + length). */
  slot: { memory: SharedArrayBuffer; offset: number; length: number } | null;
  /** Files whose last rows these are: their bytes are dropped once the answer is made. */
  forget?: string[];
}

export type RecordTextReply =
  /** The answer is in the request's slot, `length` bytes; record k ends at ends[k]. */
  | { id: number; shared: number; ends: Uint32Array }
  | { id: number; bytes: Uint8Array; ends: Uint32Array }
  /** The message of the typed 'source' failure (which record, which file, why). */
  | { id: number; failed: string };

const reader = new RecordBytesReader();

async function answer(request: RecordTextRequest): Promise<RecordTextReply> {
  try {
    const slot = request.slot;
    const target = slot ? new Uint8Array(slot.memory, slot.offset, slot.length) : undefined;
    const { bytes, ends } = await reader.read(refsOf(request.refs), request.framing, target);
    reader.forget(request.forget ?? []);
    if (target && bytes.buffer === target.buffer) return { id: request.id, shared: bytes.length, ends };
    return { id: request.id, bytes, ends };
  } catch (error) {
    return { id: request.id, failed: error instanceof Error ? error.message : String(error) };
  }
}

const port = parentPort;
if (port) {
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (request: RecordTextRequest) => {
    if (exitOnStop(request)) return;
    queue = queue.then(async () => {
      const reply = await answer(request);
      const transfer: ArrayBuffer[] = [];
      // Plain ArrayBuffers of their own (allocUnsafeSlow, new Uint32Array); shared memory is never in the list.
      if ('ends' in reply) transfer.push(reply.ends.buffer as ArrayBuffer);
      if ('bytes' in reply) transfer.push(reply.bytes.buffer as ArrayBuffer);
      port.postMessage(reply, transfer);
    });
  });
}
