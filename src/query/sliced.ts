/**
 * Work done a slice at a time: a generator that yields between slices of
 * bounded size. Binding a query to a million rows (a word's on-row text
 * built and searched, rows read one by one) took most of a second in one
 * go; as slices, a paced caller (filter.ts filterStoreChunked) gives the
 * event loop a turn between them, or stops when a newer query came.
 */
export type Sliced<T> = Generator<void, T, void>;

/** The work done at once (for callers that need the answer now). */
export function runSliced<T>(work: Sliced<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

/** A value already at hand, as sliced work. */
export function* slicedValue<T>(value: T): Sliced<T> {
  return value;
}

/**
 * Row objects read (or rows indexed into text) per slice: reading a row's
 * resources makes its list again, about a microsecond a row, so this is a
 * few milliseconds.
 */
export const SLICE_ROWS = 4096;

/** Id-array entries per slice in the tight loops over a column's ids (a byte or two per entry). */
export const SLICE_IDS = 65_536;

/** `body` over [from, to) in ranges of at most `size`, yielding after each range but the last. */
export function* slicedRange(from: number, to: number, size: number, body: (start: number, end: number) => void): Sliced<void> {
  for (let start = from; start < to; start += size) {
    if (start > from) yield;
    body(start, Math.min(to, start + size));
  }
}

/** A turn of the event loop, so keystrokes and renders get in between slices. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * `work` run about `budgetMs` at a time, the event loop getting a turn between
 * runs; null once `signal` is aborted, checked before each run: the work stops
 * between two slices, and what it built so far stays built.
 */
export async function runPaced<T>(work: Sliced<T>, signal: AbortSignal, budgetMs = 8): Promise<{ value: T } | null> {
  for (;;) {
    if (signal.aborted) {
      // Only to run the generator's finally blocks: nobody reads the value.
      work.return(undefined as T);
      return null;
    }
    const deadline = performance.now() + budgetMs;
    let step: IteratorResult<void, T>;
    do step = work.next();
    while (!step.done && performance.now() < deadline);
    if (step.done) return signal.aborted ? null : { value: step.value };
    await nextTurn();
  }
}
