import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../ingest/startWorker.js';
import { stopWorker } from '../ingest/workerStop.js';
import type { EventRow } from '../model/types.js';
import { ExportFailed } from './errors.js';
import type { RecordPlacement } from './json.js';
import type { RecordBytes, RecordFraming } from './recordBytes.js';
import { RefBatchBuilder, type RefBatch } from './refBatch.js';
import type { RecordTextReply, RecordTextRequest } from './recordWorker.js';

/** A chunk's records as bytes in the workers' answers; `release` hands the memory back once they are copied out. */
export interface PlacedChunk {
  placement: RecordPlacement;
  release(): void;
}

interface Pending {
  resolve: (answer: RecordBytes) => void;
  reject: (error: Error) => void;
  slot: Slot;
}

/** A part of a worker's shared memory that one answer at a time is written to. */
interface Slot {
  memory: SharedArrayBuffer;
  offset: number;
}

/**
 * Bytes of one slot: a worker's share of a chunk is a few thousand records
 * of about 1.5 KB; a bigger answer is transferred instead. Only the pages an
 * answer touches count as resident.
 */
const SLOT_BYTES = 8 * 1024 * 1024;
/**
 * Answers each worker may hold at once: the chunk being copied out and two
 * read ahead. A request beyond them waits for a release (the writer's
 * backpressure), so however slow the writer, the records read back and not
 * yet written stay within SLOTS answers a worker.
 */
export const SLOTS = 3;

/**
 * Each worker's heap holds the records of one request and the scans it keeps
 * (recordBytes.ts): the default young generation (3 x 16 MB) only delays
 * collecting them. The old generation keeps the default: a file too big for
 * the span scanner is parsed whole (readRecord), as before.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 };

const NOTHING: RecordBytes = { bytes: new Uint8Array(0), ends: new Uint32Array(0) };

/** The compiled worker beside this module; absent when running from TypeScript sources (tests). */
const WORKER_URL = new URL('./recordWorker.js', import.meta.url);

export function recordWorkersAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_URL));
}

/** Same file, same worker: each worker parses its own files once, and no file is parsed by two. */
function fileHash(file: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < file.length; i++) hash = Math.imul(hash ^ file.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * A few worker threads that read records' JSON text back, so a JSON
 * export uses every core: rows are split among the workers by file, and the
 * answers are put back in row order.
 */
export class RecordTextPool {
  private readonly workers: Worker[];
  private readonly free: Slot[][] = [];
  /** Requests waiting for a slot of their worker, first come first served; null: the pool failed. */
  private readonly waiting: ((slot: Slot | null) => void)[][] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly workerOf = new Map<string, number>();
  private nextId = 0;
  private failure: Error | null = null;

  /** `framing` as the export's flavour; at most 255 workers (a row's worker is kept in a byte); `slotBytes` for tests. */
  constructor(
    private readonly framing: RecordFraming,
    size = Math.max(1, Math.min(availableParallelism(), 4)),
    private readonly slotBytes = SLOT_BYTES,
  ) {
    this.workers = [];
    for (let w = 0; w < size; w++) {
      const worker = startWorker(WORKER_URL, { resourceLimits: WORKER_LIMITS });
      worker.on('message', (reply: RecordTextReply) => this.settle(reply));
      worker.on('error', (error) => this.fail(new ExportFailed('source', `record reader failed: ${error.message}`, { cause: error })));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new ExportFailed('source', `record reader stopped (exit code ${code})`));
      });
      this.workers.push(worker);
      // Answers written here reach the export thread without a new buffer each: fresh buffers of
      // megabytes count as external memory, and enough of it makes V8 mark the whole heap again.
      const memory = new SharedArrayBuffer(SLOTS * slotBytes);
      this.free.push(Array.from({ length: SLOTS }, (_, k) => ({ memory, offset: k * slotBytes })));
      this.waiting.push([]);
    }
  }

  /**
   * Where the JSON text of each row of rows[start, end) lies, in row order.
   * The bytes stay valid until release(); a request waits while its worker's
   * slots are all held. Rows of a file that has none in the next end - start
   * rows are its last: the worker then forgets the file.
   */
  async read(rows: readonly EventRow[], start: number, end: number): Promise<PlacedChunk> {
    if (this.failure) throw this.failure;
    const count = this.workers.length;
    const part = new Uint8Array(end - start);
    const sizes = new Array<number>(count).fill(0);
    for (let i = start; i < end; i++) sizes[(part[i - start] = this.workerFor(rows[i]!.batch.file))]!++;
    const builders = sizes.map((size) => new RefBatchBuilder(size));
    const slot = new Uint32Array(end - start);
    for (let i = start; i < end; i++) slot[i - start] = builders[part[i - start]!]!.add(rows[i]!);
    // Rows of a file are close together in a list sorted by time; a file needed again later is just read again.
    const later = new Set<string>();
    for (let i = end, ahead = Math.min(rows.length, end + (end - start)); i < ahead; i++) later.add(rows[i]!.batch.file);
    const asks = builders.map((builder, w) => {
      if (builder.length === 0) return null;
      const refs = builder.build();
      return this.ask(w, refs, refs.files.filter((file) => !later.has(file)));
    });
    const release = (): void => {
      // A slot is free once its worker has answered (it may still be writing when another worker failed).
      for (const ask of asks) if (ask) void ask.then((taken) => this.give(taken.w, taken.slot), (taken: unknown) => taken);
    };
    let parts: RecordBytes[];
    try {
      parts = await Promise.all(asks.map(async (ask) => (ask ? (await ask).bytes : NOTHING)));
    } catch (error) {
      release();
      throw error;
    }
    let released = false;
    return {
      placement: { parts, part, slot },
      release: () => {
        if (released) return;
        released = true;
        release();
      },
    };
  }

  async close(): Promise<void> {
    this.fail(new ExportFailed('source', 'record reader closed'));
    await Promise.all(this.workers.map((worker) => stopWorker(worker)));
  }

  private workerFor(file: string): number {
    let w = this.workerOf.get(file);
    if (w === undefined) {
      w = fileHash(file) % this.workers.length;
      this.workerOf.set(file, w);
    }
    return w;
  }

  private takeSlot(w: number): Promise<Slot | null> {
    const slot = this.free[w]!.shift();
    if (slot) return Promise.resolve(slot);
    return new Promise<Slot | null>((resolve) => this.waiting[w]!.push(resolve));
  }

  private give(w: number, slot: Slot): void {
    const next = this.waiting[w]!.shift();
    if (next) next(slot);
    else this.free[w]!.push(slot);
  }

  /** Waits for a slot of worker w, then asks it; resolves with the answer and the slot it holds. */
  private async ask(w: number, refs: RefBatch, forget: string[]): Promise<{ bytes: RecordBytes; w: number; slot: Slot }> {
    const slot = await this.takeSlot(w);
    if (!slot) throw this.failure ?? new ExportFailed('source', 'record reader closed');
    try {
      if (this.failure) throw this.failure;
      const bytes = await new Promise<RecordBytes>((resolve, reject) => {
        const id = this.nextId++;
        this.pending.set(id, { resolve, reject, slot });
        const request: RecordTextRequest = {
          id,
          refs,
          framing: this.framing,
          slot: { memory: slot.memory, offset: slot.offset, length: this.slotBytes },
          forget,
        };
        this.workers[w]!.postMessage(request);
      });
      return { bytes, w, slot };
    } catch (error) {
      this.give(w, slot);
      throw error;
    }
  }

  private settle(reply: RecordTextReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if ('bytes' in reply) {
      waiting.resolve(reply);
      return;
    }
    if ('shared' in reply) {
      const bytes = new Uint8Array(waiting.slot.memory, waiting.slot.offset, reply.shared);
      waiting.resolve({ bytes, ends: reply.ends });
      return;
    }
    waiting.reject(new ExportFailed('source', reply.failed));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
    for (const queue of this.waiting) for (const wake of queue.splice(0)) wake(null);
  }
}
