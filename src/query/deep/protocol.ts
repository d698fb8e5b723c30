import type { QueryNode } from '../ast.js';

/** One file's records to test: RecordRef.index values, ascending. */
export interface FileAsk {
  file: string;
  indexes: number[];
}

export type DeepRequest =
  /** Test these records of these files against `ast` (the deep part of a query). */
  | { kind: 'match'; id: number; search: number; ast: QueryNode; files: FileAsk[] }
  /** Requests of this search still queued are answered empty without reading anything. */
  | { kind: 'cancel'; search: number };

export type DeepReply =
  /** Per file of the request, the indexes that match. */
  | { id: number; matched: number[][] }
  | { id: number; failed: string };
