// CONTRACT STUB — the query helper replaces the body; keep these exported names and shapes.
import type { EventRow } from '../model/types.js';

export interface QueryError {
  message: string;
  /** 0-based character offset in the query text where the problem starts. */
  position: number;
  hint: string;
}

export interface CompiledQuery {
  readonly source: string;
  readonly isEmpty: boolean;
  test(row: EventRow): boolean;
}

export type CompileResult = { ok: true; query: CompiledQuery } | { ok: false; error: QueryError };

export interface CompileOptions {
  /** "now" for relative time terms (since:30m); defaults to Date.now(). */
  now?: number;
}

export function compileQuery(source: string, _options: CompileOptions = {}): CompileResult {
  return { ok: true, query: { source, isEmpty: source.trim() === '', test: () => true } };
}
