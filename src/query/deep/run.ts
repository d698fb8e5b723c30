import type { QueryNode } from '../ast.js';
import { prefilterOf } from '../prefilter.js';
import { compileRowRecordMatcher } from '../recordMatch.js';
import { keyProbeOf } from './keyProbe.js';
import { matchFile, type RecordTests } from './matchFile.js';
import type { FileAsk, FileSpans } from './protocol.js';

/** The compiled matcher and prefilter of the latest search's AST (compiled once per search, not per request). */
export class Matchers {
  private search = -1;
  private compiled: RecordTests | null = null;

  of(search: number, ast: QueryNode): RecordTests {
    if (this.search !== search || !this.compiled) {
      this.search = search;
      const probe = keyProbeOf(ast);
      // The probe looks for path keys itself, case-sensitively (prefilter.ts PrefilterOptions).
      this.compiled = { matcher: compileRowRecordMatcher(ast), prefilter: prefilterOf(ast, { pathKeys: probe === null }), probe };
    }
    return this.compiled;
  }
}

/** Yields to the event loop (a keystroke, a render) between files. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The matching records of a request, as positions in its records counted
 * file by file (DeepReply.matched), and per file the spans it scanned
 * (DeepReply.spans). Stops at once when `stopped()` says so,
 * between files and between records. `budgetMs` is how long it runs before
 * yielding to the event loop: for the thread that also draws (no workers);
 * a worker passes Infinity.
 */
export async function runAsk(
  request: { search: number; ast: QueryNode; files: readonly FileAsk[] },
  matchers: Matchers,
  stopped: () => boolean,
  budgetMs = 8,
): Promise<{ matched: Int32Array; spans: (FileSpans | null)[] }> {
  const tests = matchers.of(request.search, request.ast);
  const out: number[] = [];
  const spans: (FileSpans | null)[] = [];
  let base = 0;
  let slice = performance.now();
  for (const ask of request.files) {
    if (stopped()) break;
    spans.push(await matchFile(ask.file, ask.indexes, tests, stopped, (k) => out.push(base + k), ask.spans ?? null, ask.identity ?? ''));
    base += ask.indexes.length;
    if (budgetMs !== Infinity && performance.now() - slice > budgetMs) {
      await nextTurn();
      slice = performance.now();
    }
  }
  return { matched: Int32Array.from(out), spans };
}
