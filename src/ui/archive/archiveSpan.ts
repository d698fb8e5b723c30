/**
 * `v` in the --db dashboard's histogram: a span of buckets from where `v`
 * was pressed to the cursor, listed with Enter as the folder dashboard's
 * span is (histogramModel spanQuery: `from:`/`to:` on the query). The span's
 * start is kept as a time, so a zoom keeps it on the same moment, as in the
 * folder dashboard. Plain data, no Ink.
 */
import { nothingToList, spanQuery } from '../timeline/histogramModel.js';
import type { Action } from '../keys.js';
import { archivePlace, type ArchiveHere } from './archiveNav.js';
import type { ArchiveUiState, KeyResult } from './archiveModel.js';

interface Bucket {
  start: number;
  end: number;
  count: number;
}

/** Index of the bucket holding `time` (the first or the last when it is outside them). */
function bucketHolding(buckets: readonly Bucket[], time: number): number {
  let at = 0;
  while (at < buckets.length - 1 && buckets[at + 1]!.start <= time) at++;
  return at;
}

/** The buckets of the span (first and last index, oldest first); null without `v`. */
export function histogramSpan(buckets: readonly Bucket[], cursor: number, anchor: number | null): { first: number; last: number } | null {
  if (anchor === null || buckets.length === 0) return null;
  const from = bucketHolding(buckets, anchor);
  const at = Math.max(0, Math.min(cursor, buckets.length - 1));
  return { first: Math.min(from, at), last: Math.max(from, at) };
}

/**
 * `v` starts a span at the cursor's bucket (again: drops it), Esc drops it before it closes the view,
 * Enter lists it (a step `[` comes back from) unless it holds no event; null for other keys (archiveKey goes on).
 */
export function spanKey(state: ArchiveUiState, action: Action | null, buckets: readonly Bucket[], at: number, here: ArchiveHere): KeyResult | null {
  const now = { ...state, status: '' };
  if (action === 'selectSpan') {
    const bucket = buckets[at];
    if (!bucket) return { state };
    return { state: { ...now, spanAnchor: state.spanAnchor === null ? bucket.start : null } };
  }
  if (action === 'back' && state.spanAnchor !== null) return { state: { ...now, spanAnchor: null } };
  if (action === 'applySpan') {
    const span = histogramSpan(buckets, at, state.spanAnchor);
    if (!span) return null;
    const none = nothingToList(buckets.slice(span.first, span.last + 1).reduce((n, b) => n + b.count, 0), true);
    if (none) return { state: { ...now, status: none } };
    const text = spanQuery(state.queryText, buckets[span.first]!.start, buckets[span.last]!.end);
    return { state: { ...now, mode: 'list', draft: text, caret: text.length, spanAnchor: null }, command: { kind: 'apply', text, from: archivePlace(state, here) } };
  }
  return null;
}
