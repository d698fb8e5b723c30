import type { EventRow } from '../model/types.js';
import type { RowColumns } from '../store/columns.js';
import { ALWAYS, NEVER, denseSplitSliced, type SeqTest } from './columnTests.js';
import type { CompiledQuery } from './compile.js';
import { runPaced, slicedRange, type Sliced } from './sliced.js';

const SIGNAL_CHECK_EVERY = 16_384;
/** Rows a slice of the scan tests (a few milliseconds at most). */
const SCAN_SLICE = 16_384;
/** Below this many scanned rows (or half the log), a test called per row costs less than answering every row at once. */
const DENSE_MIN_ROWS = 16_384;

export interface FilterOptions {
  /** Rows are in compareNewestFirst order: a time range then only scans its own slice. */
  newestFirst?: boolean;
}

/** The rows a query keeps, in the order given. Throws the signal's reason once it is aborted. */
export function filterRows(
  rows: readonly EventRow[],
  query: CompiledQuery,
  signal?: AbortSignal,
  options: FilterOptions = {},
): EventRow[] {
  if (query.isEmpty) return rows.slice();
  const [first, last] = options.newestFirst ? timeSlice(rows, query) : [0, rows.length];
  const test = query.test;
  const out: EventRow[] = [];
  for (let start = first; start < last; start += SIGNAL_CHECK_EVERY) {
    signal?.throwIfAborted();
    const end = Math.min(last, start + SIGNAL_CHECK_EVERY);
    for (let i = start; i < end; i++) {
      const row = rows[i]!;
      if (test(row)) out.push(row);
    }
  }
  return out;
}

/** What filterStore reads of an EventStore. */
export interface ColumnarRows {
  /** Newest first. */
  rows(): readonly EventRow[];
  /** rows() as seqs. */
  order(): Int32Array;
  /** Arrival order: log()[seq]. */
  log(): readonly EventRow[];
  columns(): RowColumns;
  /** Seqs of rows written over since they were added (EventStore.rewritten). */
  rewritten?(): readonly number[];
}

/** One pass of a query over a store's newest-first order, by column, in steps the caller paces. */
class StoreScan {
  readonly out: EventRow[] = [];
  readonly first: number;
  readonly last: number;
  private readonly order: Int32Array;
  /** Newest first: rows[i] is log[order[i]], read in order rather than by seq. */
  private readonly rows: readonly EventRow[];
  private readonly log: readonly EventRow[];
  /** log.length when the scan began: every seq of `order` is below it (rows arriving while the test is bound come later). */
  private readonly end: number;
  private test: SeqTest = NEVER;
  /** The test's answer for every row at once (columnTests.ts denseSplit), when the scan is big enough to pay for it. */
  private answers: Uint8Array | null = null;
  /** Terms `answers` leaves out (denseSplit): called for the rows it passes. */
  private rest: SeqTest | null = null;

  constructor(
    private readonly store: ColumnarRows,
    private readonly query: CompiledQuery,
  ) {
    const rows = store.rows();
    this.rows = rows;
    [this.first, this.last] = timeSlice(rows, query);
    this.order = store.order();
    this.log = store.log();
    this.end = this.log.length;
  }

  /** The whole pass a slice at a time: the query bound to the columns (sliced.ts), then SCAN_SLICE rows a slice. */
  *steps(): Sliced<void> {
    yield* this.bind();
    yield;
    yield* slicedRange(this.first, this.last, SCAN_SLICE, (from, to) => this.run(from, to));
  }

  private *bind(): Sliced<void> {
    const scanRows = this.last - this.first;
    const store = this.store;
    this.test = yield* this.query.seqTestSliced({ columns: store.columns(), log: this.log, scanRows, rewritten: store.rewritten?.() });
    if (scanRows >= DENSE_MIN_ROWS && scanRows * 2 >= this.end && this.test !== ALWAYS && this.test !== NEVER) {
      // Sliced too: a field term over values kept on the rows reads each of them here.
      const split = yield* denseSplitSliced(this.test, this.end);
      if (split !== null) {
        this.answers = split.answers;
        this.rest = split.rest;
      }
    }
  }

  /** Tests order[from, to) and keeps the matches. */
  run(from: number, to: number): void {
    const { order, log, test, out } = this;
    if (test === NEVER) return;
    if (test === ALWAYS) {
      for (let i = from; i < to; i++) out.push(log[order[i]!]!);
      return;
    }
    const answers = this.answers;
    if (answers !== null) {
      // The order was taken with the log: every seq in it has an answer.
      const rows = this.rows;
      const rest = this.rest;
      if (rest === null) {
        for (let i = from; i < to; i++) if (answers[order[i]!] === 1) out.push(rows[i]!);
      } else {
        for (let i = from; i < to; i++) {
          const seq = order[i]!;
          if (answers[seq] === 1 && rest(seq)) out.push(rows[i]!);
        }
      }
      return;
    }
    for (let i = from; i < to; i++) {
      const seq = order[i]!;
      if (test(seq)) out.push(log[seq]!);
    }
  }
}

/**
 * The store's rows a query keeps, newest first, the same as filterRows over
 * store.rows() but tested by column (store/columns.ts): most rows are
 * decided from a few bytes, without fetching their objects.
 */
export function filterStore(store: ColumnarRows, query: CompiledQuery, signal?: AbortSignal): EventRow[] {
  if (query.isEmpty) return store.rows().slice();
  const scan = new StoreScan(store, query);
  const work = scan.steps();
  for (;;) {
    signal?.throwIfAborted();
    if (work.next().done) return scan.out;
  }
}

/**
 * filterStore in chunks of about `budgetMs`, yielding between them; null when
 * `signal` is aborted. Binding the query to the columns is chunked too: a
 * plain word over a million rows reads rows and builds text for most of a
 * second, and a key typed meanwhile waited for all of it.
 */
export async function filterStoreChunked(
  store: ColumnarRows,
  query: CompiledQuery,
  signal: AbortSignal,
  budgetMs = 8,
): Promise<EventRow[] | null> {
  if (query.isEmpty) return store.rows().slice();
  const scan = new StoreScan(store, query);
  return (await runPaced(scan.steps(), signal, budgetMs)) === null ? null : scan.out;
}

/**
 * The index range of newest-first rows that can fall inside the query's time
 * range. Rows whose time did not parse sort last and lie outside every range.
 */
export function timeSlice(rows: readonly EventRow[], query: CompiledQuery): [number, number] {
  const range = query.timeRange;
  if (!range) return [0, rows.length];
  const { min, max } = range;
  // First row not newer than max, then first row older than min (or untimed).
  const start = firstIndex(rows, (row) => !(row.time > max));
  const end = firstIndex(rows, (row) => !(row.time >= min));
  return [start, Math.max(start, end)];
}

/** Binary search: the first index where `past` holds, given it holds for a suffix. */
function firstIndex(rows: readonly EventRow[], past: (row: EventRow) => boolean): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (past(rows[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
