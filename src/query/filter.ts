import type { EventRow } from '../model/types.js';
import type { CompiledQuery } from './compile.js';

const SIGNAL_CHECK_EVERY = 16_384;

/** The rows a query keeps, in the order given. Throws the signal's reason once it is aborted. */
export function filterRows(rows: readonly EventRow[], query: CompiledQuery, signal?: AbortSignal): EventRow[] {
  if (query.isEmpty) return rows.slice();
  const test = query.test;
  const out: EventRow[] = [];
  for (let start = 0; start < rows.length; start += SIGNAL_CHECK_EVERY) {
    signal?.throwIfAborted();
    const end = Math.min(rows.length, start + SIGNAL_CHECK_EVERY);
    for (let i = start; i < end; i++) {
      const row = rows[i]!;
      if (test(row)) out.push(row);
    }
  }
  return out;
}

/** Yields to the event loop so keystrokes and renders get in between chunks. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * filterRows in chunks of about `budgetMs`, yielding between them; resolves to
 * null when `signal` is aborted, so a newer query simply wins.
 */
export async function filterRowsChunked(
  rows: readonly EventRow[],
  query: CompiledQuery,
  signal: AbortSignal,
  budgetMs = 8,
): Promise<EventRow[] | null> {
  if (query.isEmpty) return rows.slice();
  const test = query.test;
  const out: EventRow[] = [];
  let i = 0;
  while (i < rows.length) {
    if (signal.aborted) return null;
    const deadline = performance.now() + budgetMs;
    do {
      const end = Math.min(rows.length, i + 4096);
      for (; i < end; i++) {
        const row = rows[i]!;
        if (test(row)) out.push(row);
      }
    } while (i < rows.length && performance.now() < deadline);
    if (i < rows.length) await nextTurn();
  }
  return signal.aborted ? null : out;
}
