/**
 * Time terms that leave no time between them (`from:2024-03-06 to:2024-03-05`, `since:1h until:2h`)
 * are valid and match nothing, silently: the list just says no event matches. `--since` after
 * `--until` is refused on the command line; in a query it is said as a hint, like a lowercase `or`
 * (query/operatorWords.ts), under the query bar and on a command's stderr.
 */
import { parseQuery } from './parse.js';

/** The hint for the query's top-level time terms when their range is empty, or ''. */
export function timeRangeHint(text: string, now = Date.now()): string {
  const parsed = parseQuery(text, { now, deepTerms: true });
  if (!parsed.ok) return '';
  const top = parsed.ast.kind === 'and' ? parsed.ast.children : [parsed.ast];
  let min = -Infinity;
  let max = Infinity;
  for (const node of top) {
    if (node.kind !== 'time') continue;
    min = Math.max(min, node.min);
    max = Math.min(max, node.max);
  }
  // Short enough for the line under an 80-column query bar, as the operator hints are.
  return min > max ? 'from/since is after to/until: no event can match (swapped?)' : '';
}
