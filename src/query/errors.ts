/** Why a query did not parse; callers keep applying the last valid query. */
export interface QueryError {
  message: string;
  /** 0-based character offset in the query text where the problem starts (a string index; show it with errorColumn). */
  position: number;
  hint: string;
}

/**
 * The column people count to (1-based, in characters of `source`, the query
 * the error is about), for every message that names where a query went
 * wrong: the CLI's `at position N` and the query bar's agree. Characters,
 * not string indexes: an emoji is one character but two UTF-16 units, and
 * counted as two every position after it was one too many.
 */
export function errorColumn(error: QueryError, source: string): number {
  // Past the end of `source` (a caller without the text passes ''), each index counts as one.
  return Array.from(source.slice(0, error.position)).length + Math.max(0, error.position - source.length) + 1;
}
