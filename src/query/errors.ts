/** Why a query did not parse; callers keep applying the last valid query. */
export interface QueryError {
  message: string;
  /** 0-based character offset in the query text where the problem starts (a string index; show it with errorColumn). */
  position: number;
  hint: string;
}

/**
 * The column people count to (1-based), for every message that names where
 * a query went wrong: the CLI's `at position N` and the query bar's agree.
 */
export function errorColumn(error: QueryError): number {
  return error.position + 1;
}
