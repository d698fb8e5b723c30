/** Why a query did not parse; callers keep applying the last valid query. */
export interface QueryError {
  message: string;
  /** 0-based character offset in the query text where the problem starts. */
  position: number;
  hint: string;
}
