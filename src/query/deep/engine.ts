import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../ingest/startWorker.js';
import { stopWorker } from '../../ingest/workerStop.js';
import type { EventRow } from '../../model/types.js';
import { deepPart, type QueryNode } from '../ast.js';
import { cancelFlag, raise, raised, type DeepReply, type DeepRequest, type FileAsk, type FileSpans } from './protocol.js';
import { Matchers, runAsk } from './run.js';

// Where a caller of the engine finds it (commands/scan.ts); it lives with the AST, as the scan workers need it too.
export { deepPart };

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
  run(request: Omit<DeepRequest, 'id'>): Promise<Answer>;
  /** Settles when no request is being worked on (after a cancel: when the readers have stopped). */
  idle(): Promise<void>;
  /** Requests one runner should have in flight to keep busy. */
  readonly lanes: number;
  close(): void;
}

/** What a request found: positions of matches in its records, and the spans of the files it scanned (DeepReply). */
interface Answer {
  matched: Int32Array;
  spans: (FileSpans | null)[];
}

/**
 * Spans of the files searches have scanned, so the next search over the
 * same files (the query refined, a term added) skips the span scan. About
 * 9 bytes a record, 8 more per key a KeyProbe notes (32 MB: 1M records
 * with two keys); past `limit` bytes the oldest files are dropped.
 */
class SpanCache {
  private readonly files = new Map<string, FileSpans>();
  private bytes = 0;

  constructor(private readonly limit: number) {}

  get(file: string): FileSpans | null {
    return this.files.get(file) ?? null;
  }

  clear(): void {
    this.files.clear();
    this.bytes = 0;
  }

  set(file: string, spans: FileSpans): void {
    const old = this.files.get(file);
    if (old) {
      this.bytes -= sizeOf(old);
      this.files.delete(file);
    }
    this.files.set(file, spans);
    this.bytes += sizeOf(spans);
    for (const [oldest, dropped] of this.files) {
      if (this.bytes <= this.limit) break;
      this.files.delete(oldest);
      this.bytes -= sizeOf(dropped);
    }
  }
}

function sizeOf(spans: FileSpans): number {
  return spans.starts.byteLength + spans.ends.byteLength + spans.flags.byteLength + (spans.values?.byteLength ?? 0);
}

/** Bytes of spans kept: 3.5M records, or 1M with the values of two keys. */
const SPAN_CACHE_BYTES = 32_000_000;

/** How a search is cut into requests (see Plan). */
export interface PlanSizes {
  /** Records of the first request; each next one doubles, up to `records`. */
  firstRecords: number;
  /** Records per request: a request is the unit of progress and of balance between the workers. */
  records: number;
  files: number;
  /** Candidates grouped by file at a time, growing 4x up to `maxWindow`: the first requests go out before a million candidates are planned. */
  firstWindow: number;
  maxWindow: number;
}

const SIZES: PlanSizes = { firstRecords: 100, records: 1_500, files: 24, firstWindow: 2_048, maxWindow: 65_536 };

/**
 * Reads the candidates' records back and keeps those the query's deep part
 * matches (the dashboard's deep terms, and the headless commands'). Files
 * go to workers as the JSON export's records do (each worker parses the
 * files it is given; answers are merged back in candidate order). Searches
 * are independent; an aborted search raises its shared cancel flag, which
 * the workers read between records, so they stop at once and its queued
 * requests are answered empty.
 */
export class DeepEngine {
  private nextSearch = 0;
  private readonly spans = new SpanCache(SPAN_CACHE_BYTES);

  constructor(
    private readonly runner: Runner,
    private readonly sizes: PlanSizes = SIZES,
  ) {}

  /** With workers when the compiled worker exists, else in this thread. */
  static create(workers = Math.max(1, Math.min(availableParallelism(), 4)), sizes: PlanSizes = SIZES): DeepEngine {
    return new DeepEngine(existsSync(fileURLToPath(WORKER_URL)) ? new PoolRunner(workers) : new LocalRunner(), sizes);
  }

  /** An engine that reads in this thread, yielding between files (tests; tools without workers). */
  static local(sizes: PlanSizes = SIZES): DeepEngine {
    return new DeepEngine(new LocalRunner(), sizes);
  }

  /** The candidates whose records match `ast`'s deep part, in candidate order; null when aborted. */
  async search(candidates: readonly EventRow[], ast: QueryNode, options: DeepSearchOptions): Promise<EventRow[] | null> {
    const { signal, onUpdate } = options;
    const everyMs = options.everyMs ?? 100;
    const part = deepPart(ast);
    const search = this.nextSearch++;
    const total = candidates.length;
    const plan = new Plan(candidates, this.sizes, (file) => this.spans.get(file));
    const found = new Found(candidates);
    const cancel = cancelFlag();
    let done = 0;
    let lastUpdate = -Infinity;
    const update = (): void => {
      if (!onUpdate || signal.aborted) return;
      const now = performance.now();
      // The first matches at once; then as often as the list can usefully redraw.
      if ((found.shown === 0 && found.count > 0) || now - lastUpdate >= everyMs) {
        lastUpdate = now;
        onUpdate({ rows: found.rows(), done, total });
      }
    };
    const aborted = new Promise<null>((resolve) => {
      const stop = (): void => {
        raise(cancel);
        resolve(null);
      };
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
    });
    const lane = async (): Promise<void> => {
      for (let chunk = plan.next(); chunk !== null && !signal.aborted; chunk = plan.next()) {
        const { matched, spans } = await this.runner.run({ search, ast: part, files: chunk.files, cancel });
        spans.forEach((scanned, f) => {
          if (scanned) this.spans.set(chunk.files[f]!.file, scanned);
        });
        if (signal.aborted) return;
        for (const at of matched) found.add(chunk.positions[at]!);
        done += chunk.records;
        update();
      }
    };
    const lanes = Array.from({ length: Math.max(1, this.runner.lanes) }, lane);
    const finished = Promise.all(lanes).then(() => (signal.aborted ? null : found.rows()));
    // After an abort nobody awaits `finished`: a late failure must not go unhandled.
    finished.catch(() => undefined);
    return Promise.race([finished, aborted]);
  }

  /** Drops the spans kept from earlier searches: the next search scans its files again (the bench's first-search figure). */
  forgetSpans(): void {
    this.spans.clear();
  }

  /** Settles when the record readers are not working on any search (a cancelled one has stopped). */
  idle(): Promise<void> {
    return this.runner.idle();
  }

  close(): void {
    this.runner.close();
  }
}

/** One request: files with the records to test, and where each record's candidate is. */
interface Chunk {
  files: FileAsk[];
  /** Per record of the request, file by file, index by index: the candidate's position. */
  positions: Int32Array;
  records: number;
}

/**
 * Candidates grouped by file into requests, files in order of their first
 * (newest) candidate, a window of candidates at a time: the first window
 * is small, so the newest matches are asked for at once, and a million
 * candidates are never grouped in one go. A file whose candidates fall in
 * two windows is read once for each.
 */
class Plan {
  private from = 0;
  private window: number;
  private limit: number;
  private readonly ready: Chunk[] = [];

  constructor(
    private readonly candidates: readonly EventRow[],
    private readonly sizes: PlanSizes,
    private readonly spansOf: (file: string) => FileSpans | null,
  ) {
    this.window = sizes.firstWindow;
    this.limit = sizes.firstRecords;
  }

  next(): Chunk | null {
    if (this.ready.length === 0) this.planWindow();
    return this.ready.shift() ?? null;
  }

  private planWindow(): void {
    const { candidates } = this;
    if (this.from >= candidates.length) return;
    const to = Math.min(candidates.length, this.from + this.window);
    this.window = Math.min(this.sizes.maxWindow, this.window * 4);
    const byFile = new Map<string, { indexes: number[]; positions: number[]; identity: string }>();
    for (let i = this.from; i < to; i++) {
      const row = candidates[i]!;
      const file = row.batch.file;
      let entry = byFile.get(file);
      if (!entry) {
        entry = { indexes: [], positions: [], identity: row.batch.identity };
        byFile.set(file, entry);
      } else if (entry.identity !== row.batch.identity) entry.identity = '';
      entry.indexes.push(row.recordIndex);
      entry.positions.push(i);
    }
    this.from = to;
    let files: FileAsk[] = [];
    let positions: number[] = [];
    for (const [file, entry] of byFile) {
      const [indexes, places] = ascending(entry.indexes, entry.positions);
      files.push({ file, indexes, spans: this.spansOf(file), identity: entry.identity });
      for (const place of places) positions.push(place);
      if (positions.length >= this.limit || files.length >= this.sizes.files) {
        this.ready.push({ files, positions: Int32Array.from(positions), records: positions.length });
        files = [];
        positions = [];
        // The first requests are small, so the newest matches show at once; then they grow to CHUNK_RECORDS.
        this.limit = Math.min(this.sizes.records, this.limit * 2);
      }
    }
    if (files.length > 0) this.ready.push({ files, positions: Int32Array.from(positions), records: positions.length });
  }
}

/** A pair (record index, candidate position) as one number: index * PAIR + position, exact below 2^53. */
const PAIR = 2 ** 32;
/** Record indexes below this pair exactly with any position (a candidate position is below 2^32). */
const PAIRED_INDEXES = 2 ** 21;

/**
 * A file's record indexes in ascending order, with their candidates'
 * positions alongside. Newest first, a file's rows usually come in
 * descending index order: reversed in place, not sorted. Otherwise (a
 * trail file is not in time order) both are sorted in place as pairs in
 * one Float64Array, which sorts natively: 2x less of the list's thread
 * than a sort of an index array through a compare function.
 */
function ascending(indexes: number[], positions: number[]): [number[], number[]] {
  const n = indexes.length;
  let up = true;
  let down = true;
  let max = 0;
  for (let k = 1; k < n && (up || down); k++) {
    if (indexes[k]! < indexes[k - 1]!) up = false;
    else if (indexes[k]! > indexes[k - 1]!) down = false;
  }
  if (up) return [indexes, positions];
  if (down) return [indexes.reverse(), positions.reverse()];
  for (let k = 0; k < n; k++) max = Math.max(max, indexes[k]!);
  if (max >= PAIRED_INDEXES) {
    const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => indexes[a]! - indexes[b]!);
    return [order.map((k) => indexes[k]!), order.map((k) => positions[k]!)];
  }
  const pairs = new Float64Array(n);
  for (let k = 0; k < n; k++) pairs[k] = indexes[k]! * PAIR + positions[k]!;
  pairs.sort();
  for (let k = 0; k < n; k++) {
    const index = Math.floor(pairs[k]! / PAIR);
    indexes[k] = index;
    positions[k] = pairs[k]! - index * PAIR;
  }
  return [indexes, positions];
}

/** The candidates found to match, kept as sorted positions: rows() in candidate order costs one merge of what is new. */
class Found {
  private sorted = new Int32Array(0);
  private fresh: number[] = [];
  private list: EventRow[] = [];
  /** Matches in the last rows(). */
  shown = 0;

  constructor(private readonly candidates: readonly EventRow[]) {}

  get count(): number {
    return this.sorted.length + this.fresh.length;
  }

  add(position: number): void {
    this.fresh.push(position);
  }

  rows(): EventRow[] {
    if (this.fresh.length > 0) {
      const fresh = Int32Array.from(this.fresh).sort();
      this.fresh = [];
      const old = this.sorted;
      const merged = new Int32Array(old.length + fresh.length);
      let i = 0;
      let j = 0;
      let k = 0;
      while (i < old.length && j < fresh.length) merged[k++] = old[i]! <= fresh[j]! ? old[i++]! : fresh[j++]!;
      while (i < old.length) merged[k++] = old[i++]!;
      while (j < fresh.length) merged[k++] = fresh[j++]!;
      this.sorted = merged;
      const list = new Array<EventRow>(merged.length);
      for (let m = 0; m < merged.length; m++) list[m] = this.candidates[merged[m]!]!;
      this.list = list;
    }
    this.shown = this.list.length;
    // Never changed once handed out: a merge makes a new list.
    return this.list;
  }
}

class LocalRunner implements Runner {
  readonly lanes = 1;
  private readonly matchers = new Matchers();
  private busy = 0;
  private waiters: (() => void)[] = [];

  async run(request: Omit<DeepRequest, 'id'>): Promise<Answer> {
    this.busy++;
    try {
      return await runAsk(request, this.matchers, () => raised(request.cancel));
    } finally {
      if (--this.busy === 0) for (const wake of this.waiters.splice(0)) wake();
    }
  }

  idle(): Promise<void> {
    return this.busy === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {}
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

class PoolRunner implements Runner {
  readonly lanes: number;
  private readonly workers: Worker[] = [];
  /** Requests in flight per worker: a request goes to the least busy one. */
  private readonly load: number[] = [];
  private readonly pending = new Map<number, { worker: number; resolve: (answer: Answer) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private failure: Error | null = null;
  private held = false;
  private waiters: (() => void)[] = [];

  constructor(size: number) {
    // Two requests per worker: one running, one waiting, so a worker never idles between answers.
    this.lanes = size * 2;
    for (let w = 0; w < size; w++) {
      const worker = startWorker(WORKER_URL);
      worker.on('message', (reply: DeepReply) => this.settle(reply));
      worker.on('error', (error) => this.fail(new Error(`record search failed: ${error.message}`)));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`record search stopped (exit code ${code})`));
      });
      // Idle workers must not keep the process alive (an engine nobody closed); busy ones must,
      // or a command awaiting only their answers would end early. See hold().
      worker.unref();
      this.workers.push(worker);
      this.load.push(0);
    }
  }

  run(request: Omit<DeepRequest, 'id'>): Promise<Answer> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    let w = 0;
    for (let k = 1; k < this.workers.length; k++) if (this.load[k]! < this.load[w]!) w = k;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { worker: w, resolve, reject });
      this.load[w]!++;
      this.hold();
      const message: DeepRequest = { id, ...request };
      this.workers[w]!.postMessage(message);
    });
  }

  idle(): Promise<void> {
    return this.pending.size === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Workers keep the process alive exactly while answers are awaited. */
  private hold(): void {
    const busy = this.pending.size > 0;
    if (!busy) for (const wake of this.waiters.splice(0)) wake();
    if (busy === this.held) return;
    this.held = busy;
    for (const worker of this.workers) {
      if (busy) worker.ref();
      else worker.unref();
    }
  }

  close(): void {
    this.fail(new Error('record search closed'));
    for (const worker of this.workers) void stopWorker(worker);
  }

  private settle(reply: DeepReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    this.load[waiting.worker]!--;
    this.hold();
    if ('matched' in reply) waiting.resolve({ matched: reply.matched, spans: reply.spans });
    else waiting.reject(new Error(reply.failed));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
    this.load.fill(0);
    this.hold();
  }
}
