import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { verifiedRef } from '../model/contentCheck.js';
import type { EventRow, RecordRef } from '../model/types.js';
import { ExportFailed } from './errors.js';
import type { RecordPlacement } from './json.js';
import type { RecordBytes, RecordFraming } from './recordBytes.js';
import type { RecordTextReply, RecordTextRequest } from './recordWorker.js';

/**
 * Reads original records back as JSON text, for rows[start, end), in order,
 * and hands where they lie to `use`; the memory is reused once `use` returns.
 */
export type RecordTextsReader = <T>(rows: readonly EventRow[], start: number, end: number, use: (placement: RecordPlacement) => T) => Promise<T>;

interface Pending {
  resolve: (answer: RecordBytes) => void;
  reject: (error: Error) => void;
  /** The shared slot the answer may be written to, or null. */
  slot: Slot | null;
}

/**
 * A third of a worker's shared memory. Three per worker: the export reads
 * two chunks ahead while it writes the last, so three answers can be waiting.
 */
interface Slot {
  memory: SharedArrayBuffer;
  offset: number;
  busy: boolean;
}

/** Bytes of one slot: a worker's share of a chunk is 4,000 records of about 1.5 KB; a bigger answer is transferred instead. */
const SLOT_BYTES = 12 * 1024 * 1024;
const SLOTS = 3;

const NOTHING: RecordBytes = { bytes: new Uint8Array(0), ends: new Uint32Array(0), ascii: true };

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
  private readonly slots: Slot[][] = [];
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
      const worker = new Worker(WORKER_URL);
      worker.on('message', (reply: RecordTextReply) => this.settle(reply));
      worker.on('error', (error) => this.fail(new ExportFailed('source', `record reader failed: ${error.message}`, { cause: error })));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new ExportFailed('source', `record reader stopped (exit code ${code})`));
      });
      this.workers.push(worker);
      // Answers written here reach the export thread without a new buffer each: fresh buffers of
      // megabytes count as external memory, and enough of it makes V8 mark the whole heap again.
      const memory = new SharedArrayBuffer(SLOTS * slotBytes);
      this.slots.push(Array.from({ length: SLOTS }, (_, k) => ({ memory, offset: k * slotBytes, busy: false })));
    }
  }

  /** Where the JSON text of each row's original record lies in the workers' answers, in row order. */
  readonly texts: RecordTextsReader = async (rows, start, end, use) => {
    if (this.failure) throw this.failure;
    const count = this.workers.length;
    const refs: RecordRef[][] = Array.from({ length: count }, () => []);
    const part = new Uint8Array(end - start);
    const slot = new Uint32Array(end - start);
    for (let i = start; i < end; i++) {
      const ref = verifiedRef(rows[i]!);
      let w = this.workerOf.get(ref.file);
      if (w === undefined) {
        w = fileHash(ref.file) % count;
        this.workerOf.set(ref.file, w);
      }
      part[i - start] = w;
      slot[i - start] = refs[w]!.length;
      refs[w]!.push(ref);
    }
    const slots = refs.map((list, w) => (list.length === 0 ? null : this.takeSlot(w)));
    const asks = refs.map((list, w) => (list.length === 0 ? Promise.resolve(NOTHING) : this.ask(w, list, slots[w]!)));
    try {
      return use({ parts: await Promise.all(asks), part, slot });
    } finally {
      // Free a slot once its worker has answered (it may still be writing when another worker failed).
      asks.forEach((ask, w) => {
        const taken = slots[w];
        if (taken) void ask.then(() => (taken.busy = false), () => (taken.busy = false));
      });
    }
  };

  private takeSlot(w: number): Slot | null {
    const free = this.slots[w]!.find((candidate) => !candidate.busy) ?? null;
    if (free) free.busy = true;
    return free;
  }

  async close(): Promise<void> {
    this.fail(new ExportFailed('source', 'record reader closed'));
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private ask(w: number, refs: RecordRef[], slot: Slot | null): Promise<RecordBytes> {
    const id = this.nextId++;
    return new Promise<RecordBytes>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, slot });
      const request: RecordTextRequest = {
        id,
        refs,
        framing: this.framing,
        slot: slot ? { memory: slot.memory, offset: slot.offset, length: this.slotBytes } : null,
      };
      this.workers[w]!.postMessage(request);
    });
  }

  private settle(reply: RecordTextReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if ('bytes' in reply) {
      waiting.resolve(reply);
      return;
    }
    if ('shared' in reply && waiting.slot) {
      const bytes = new Uint8Array(waiting.slot.memory, waiting.slot.offset, reply.shared);
      waiting.resolve({ bytes, ends: reply.ends, ascii: reply.ascii });
      return;
    }
    if ('shared' in reply) {
      waiting.reject(new ExportFailed('source', 'record reader answered in memory it was not given'));
      return;
    }
    waiting.reject(new ExportFailed('source', reply.failed));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
  }
}
