import { deepPart, type QueryNode } from '../ast.js';
import type { EventRow } from '../../model/types.js';
import { compileRowRecordMatcher, type RowRecordMatcher } from '../recordMatch.js';

let last: { ast: QueryNode; key: string; matcher: RowRecordMatcher } | null = null;

/**
 * 1 for each record the query's deep part (ast.ts deepPart) matches, 0 for
 * the others: for headless readers that have the records in hand (scan's
 * workers read them with the rows) and test the rest of the query on the
 * rows. Only the deep part: a summary term ANDed beside it is already
 * decided on the row; one inside a group with a record path is decided on
 * `rows[k]`, the loader's row of record k, so what a lookup-events element
 * adds around its record (Resources, Username) counts as in the event list.
 * The matcher is compiled once per distinct AST.
 */
export function recordsMask(records: readonly unknown[], ast: QueryNode, rows: readonly EventRow[]): Uint8Array {
  let matcher: RowRecordMatcher;
  if (last && last.ast === ast) matcher = last.matcher;
  else {
    const key = JSON.stringify(ast);
    matcher = last && last.key === key ? last.matcher : compileRowRecordMatcher(deepPart(ast));
    last = { ast, key, matcher };
  }
  const mask = new Uint8Array(records.length);
  for (let k = 0; k < records.length; k++) if (matcher(records[k], rows[k] ?? null)) mask[k] = 1;
  return mask;
}
