import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EventRow } from '../../model/types.js';
import { and, hasDeepTerm, type QueryNode } from '../ast.js';
import type { DeepReply, DeepRequest, FileAsk } from './protocol.js';
import { Matchers, runAsk } from './run.js';

/**
 * The part of a query the records must decide: the children of a top-level
 * `and` that hold a deep term (the rest the summary columns already
 * decided for every candidate), or the whole tree. A child that mixes deep
 * and summary terms is decided whole from the record; its words are then
 * substring-only and its rule:/mark: terms false (the worker has no
 * vocabulary or tags). The query bar never writes such a child.
 */
export function deepPart(ast: QueryNode): QueryNode {
  if (ast.kind !== 'and') return ast;
  return and(ast.children.filter(hasDeepTerm));
}

export interface DeepUpdate {
  /** Matches so far, in candidate order (newest first when the candidates are). */
  rows: readonly EventRow[];
  /** Candidates decided so far, of `total`. */
  done: number;
  total: number;
}

export interface DeepSearchOptions {
  signal: AbortSignal;
  /** Called at the first match at once, then at most every `everyMs` (and not after the end). */
  onUpdate?: (update: DeepUpdate) => void;
  everyMs?: number;
}

/** Runs one request of a search: in this thread (tests, no compiled worker) or on a worker. */
interface Runner {
  run(request: Omit<Extract<DeepRequest, { kind: 'match' }>, 'kind' | 'id'>): Promise<number[][]>;
  cancel(search: number): void;
  /** Requests one runner should have in flight to keep busy. */
  readonly lanes: number;
  close(): void;
}

/** Records per request: a request is the unit of progress and of wasted work after a cancel. */
const CHUNK_RECORDS = 1_500;
const CHUNK_FILES = 24;
const FIRST_CHUNK_RECORDS = 100;

/**
 * Reads the candidates' records back and keeps those the query's deep part
 * matches (the dashboard's deep terms, and the headless commands'). Files
 * go to workers as the JSON export's records do (each worker parses the
 * files it is given; answers are merged back in candidate order). Searches
 * are independent; an aborted search stops dispatching at once and its
 * queued requests are dropped by the workers.
 */
export class DeepEngine {
  private nextSearch = 0;

  constructor(private readonly runner: Runner) {}

  /** With workers when the compiled worker exists, else in this thread. */
  static create(workers = Math.max(1, Math.min(availableParallelism(), 4))): DeepEngine {
    return new DeepEngine(existsSync(fileURLToPath(WORKER_URL)) ? new PoolRunner(workers) : new LocalRunner());
  }

  /** An engine that reads in this thread, yielding between files (tests; tools without workers). */
  static local(): DeepEngine {
    return new DeepEngine(new LocalRunner());
  }

  /** The candidates whose records match `ast`'s deep part, in candidate order; null when aborted. */
  async search(candidates: readonly EventRow[], ast: QueryNode, options: DeepSearchOptions): Promise<EventRow[] | null> {
    const { signal, onUpdate } = options;
    const everyMs = options.everyMs ?? 100;
    const part = deepPart(ast);
    const search = this.nextSearch++;
    const total = candidates.length;
    const plan = planFiles(candidates);
    const marked = new Uint8Array(total);
    let done = 0;
    let matches = 0;
    let lastUpdate = -Infinity;
    let shownMatches = 0;
    const collect = (): EventRow[] => {
      const rows: EventRow[] = [];
      for (let i = 0; i < total; i++) if (marked[i] === 1) rows.push(candidates[i]!);
      return rows;
    };
    const update = (): void => {
      if (!onUpdate || signal.aborted) return;
      const now = performance.now();
      // The first matches at once; then as often as the list can usefully redraw.
      if ((shownMatches === 0 && matches > 0) || now - lastUpdate >= everyMs) {
        lastUpdate = now;
        shownMatches = matches;
        onUpdate({ rows: collect(), done, total });
      }
    };
    const aborted = new Promise<null>((resolve) => {
      if (signal.aborted) resolve(null);
      signal.addEventListener('abort', () => resolve(null), { once: true });
    });
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < plan.length && !signal.aborted) {
        const chunk = plan[next++]!;
        const matched = await this.runner.run({ search, ast: part, files: chunk.files });
        if (signal.aborted) return;
        matched.forEach((indexes, f) => {
          const positions = chunk.positions[f]!;
          const ask = chunk.files[f]!;
          // Both ascending: walk them together.
          let j = 0;
          for (const index of indexes) {
            while (ask.indexes[j] !== index) j++;
            marked[positions[j]!] = 1;
            matches++;
          }
        });
        done += chunk.records;
        update();
      }
    };
    const lanes = Array.from({ length: Math.max(1, this.runner.lanes) }, lane);
    const finished = Promise.all(lanes).then(() => (signal.aborted ? null : collect()));
    // After an abort nobody awaits `finished`: a late failure must not go unhandled.
    finished.catch(() => undefined);
    const result = await Promise.race([finished, aborted]);
    if (result === null) this.runner.cancel(search);
    return result;
  }

  close(): void {
    this.runner.close();
  }
}

interface Chunk {
  files: FileAsk[];
  /** Per file, per index: the candidate's position. */
  positions: number[][];
  records: number;
}

/** Candidates grouped by file, files in order of their first (newest) candidate, in chunks. */
function planFiles(candidates: readonly EventRow[]): Chunk[] {
  const byFile = new Map<string, { indexes: number[]; positions: number[] }>();
  for (let i = 0; i < candidates.length; i++) {
    const row = candidates[i]!;
    const file = row.batch.file;
    let entry = byFile.get(file);
    if (!entry) {
      entry = { indexes: [], positions: [] };
      byFile.set(file, entry);
    }
    entry.indexes.push(row.recordIndex);
    entry.positions.push(i);
  }
  const chunks: Chunk[] = [];
  let current: Chunk = { files: [], positions: [], records: 0 };
  // The first chunks are small, so the newest matches show at once; then they grow to CHUNK_RECORDS.
  let limit = FIRST_CHUNK_RECORDS;
  for (const [file, entry] of byFile) {
    // Ascending indexes (rows of one file may come in any order).
    const order = entry.indexes.map((_, k) => k).sort((a, b) => entry.indexes[a]! - entry.indexes[b]!);
    const indexes = order.map((k) => entry.indexes[k]!);
    const positions = order.map((k) => entry.positions[k]!);
    current.files.push({ file, indexes });
    current.positions.push(positions);
    current.records += indexes.length;
    if (current.records >= limit || current.files.length >= CHUNK_FILES) {
      chunks.push(current);
      current = { files: [], positions: [], records: 0 };
      limit = Math.min(CHUNK_RECORDS, limit * 2);
    }
  }
  if (current.files.length > 0) chunks.push(current);
  return chunks;
}

class LocalRunner implements Runner {
  readonly lanes = 1;
  private readonly matchers = new Matchers();
  private readonly cancelled = new Set<number>();

  run(request: { search: number; ast: QueryNode; files: FileAsk[] }): Promise<number[][]> {
    return runAsk(request, this.matchers, () => this.cancelled.has(request.search));
  }

  cancel(search: number): void {
    this.cancelled.add(search);
  }

  close(): void {}
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

class PoolRunner implements Runner {
  readonly lanes: number;
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (matched: number[][]) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private turn = 0;
  private failure: Error | null = null;
  private held = false;

  constructor(size: number) {
    // Two requests per worker: one running, one waiting, so a worker never idles between answers.
    this.lanes = size * 2;
    for (let w = 0; w < size; w++) {
      const worker = new Worker(WORKER_URL);
      worker.on('message', (reply: DeepReply) => this.settle(reply));
      worker.on('error', (error) => this.fail(new Error(`record search failed: ${error.message}`)));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`record search stopped (exit code ${code})`));
      });
      // Idle workers must not keep the process alive (an engine nobody closed); busy ones must,
      // or a command awaiting only their answers would end early. See hold().
      worker.unref();
      this.workers.push(worker);
    }
  }

  run(request: { search: number; ast: QueryNode; files: FileAsk[] }): Promise<number[][]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const worker = this.workers[this.turn++ % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.hold();
      const message: DeepRequest = { kind: 'match', id, ...request };
      worker.postMessage(message);
    });
  }

  /** Workers keep the process alive exactly while answers are awaited. */
  private hold(): void {
    const busy = this.pending.size > 0;
    if (busy === this.held) return;
    this.held = busy;
    for (const worker of this.workers) {
      if (busy) worker.ref();
      else worker.unref();
    }
  }

  cancel(search: number): void {
    const message: DeepRequest = { kind: 'cancel', search };
    for (const worker of this.workers) worker.postMessage(message);
  }

  close(): void {
    this.fail(new Error('record search closed'));
    for (const worker of this.workers) void worker.terminate();
  }

  private settle(reply: DeepReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    this.hold();
    if ('matched' in reply) waiting.resolve(reply.matched);
    else waiting.reject(new Error(reply.failed));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
    this.hold();
  }
}
