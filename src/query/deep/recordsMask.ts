import { deepPart, type QueryNode } from '../ast.js';
import { compileRecordMatcher, type RecordMatcher } from '../recordMatch.js';

let last: { ast: QueryNode; key: string; matcher: RecordMatcher } | null = null;

/**
 * 1 for each record the query's deep part (ast.ts deepPart) matches, 0 for
 * the others: for headless readers that have the records in hand (scan's
 * workers read them with the rows) and test the rest of the query on the
 * rows. Only the deep part: a record read back is the CloudTrail event
 * alone, without what its row took from around it (a lookup-events
 * element's Resources, Username, EventId), so a summary term decided on
 * the record could drop an event its row matches. The matcher is compiled
 * once per distinct AST.
 */
export function recordsMask(records: readonly unknown[], ast: QueryNode): Uint8Array {
  let matcher: RecordMatcher;
  if (last && last.ast === ast) matcher = last.matcher;
  else {
    const key = JSON.stringify(ast);
    matcher = last && last.key === key ? last.matcher : compileRecordMatcher(deepPart(ast));
    last = { ast, key, matcher };
  }
  const mask = new Uint8Array(records.length);
  for (let k = 0; k < records.length; k++) if (matcher(records[k])) mask[k] = 1;
  return mask;
}
