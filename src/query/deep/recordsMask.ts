import type { QueryNode } from '../ast.js';
import { compileRecordMatcher, type RecordMatcher } from '../recordMatch.js';

let last: { ast: QueryNode; key: string; matcher: RecordMatcher } | null = null;

/**
 * 1 for each record the query's deep part matches, 0 for the others: for
 * headless readers that have the records in hand (scan's workers read them
 * with the rows). The matcher is compiled once per distinct AST.
 */
export function recordsMask(records: readonly unknown[], ast: QueryNode): Uint8Array {
  let matcher: RecordMatcher;
  if (last && last.ast === ast) matcher = last.matcher;
  else {
    const key = JSON.stringify(ast);
    matcher = last && last.key === key ? last.matcher : compileRecordMatcher(ast);
    last = { ast, key, matcher };
  }
  const mask = new Uint8Array(records.length);
  for (let k = 0; k < records.length; k++) if (matcher(records[k])) mask[k] = 1;
  return mask;
}
