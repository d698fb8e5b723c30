import type { QueryNode } from '../ast.js';
import { prefilterOf, type Prefilter } from '../prefilter.js';
import { compileRecordMatcher, type RecordMatcher } from '../recordMatch.js';
import { matchFile } from './matchFile.js';
import type { FileAsk } from './protocol.js';

/** The compiled matcher and prefilter of the latest search's AST (compiled once per search, not per request). */
export class Matchers {
  private search = -1;
  private compiled: { matcher: RecordMatcher; prefilter: Prefilter | null } | null = null;

  of(search: number, ast: QueryNode): { matcher: RecordMatcher; prefilter: Prefilter | null } {
    if (this.search !== search || !this.compiled) {
      this.search = search;
      this.compiled = { matcher: compileRecordMatcher(ast), prefilter: prefilterOf(ast) };
    }
    return this.compiled;
  }
}

/** Yields to the event loop (a cancel message, a keystroke) between files. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The matching indexes of each file of a request; files after a cancel are answered empty. */
export async function runAsk(
  request: { search: number; ast: QueryNode; files: readonly FileAsk[] },
  matchers: Matchers,
  cancelled: () => boolean,
  budgetMs = 8,
): Promise<number[][]> {
  const { matcher, prefilter } = matchers.of(request.search, request.ast);
  const out: number[][] = [];
  let slice = performance.now();
  for (const ask of request.files) {
    if (cancelled()) {
      out.push([]);
      continue;
    }
    out.push(await matchFile(ask.file, ask.indexes, matcher, prefilter));
    if (performance.now() - slice > budgetMs) {
      await nextTurn();
      slice = performance.now();
    }
  }
  return out;
}
