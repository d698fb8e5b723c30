/**
 * The built-in finding for conflicting duplicates (issue 20): copies of one
 * eventID whose content differs. Real CloudTrail duplicates are identical
 * copies, so a difference is a log rewritten after delivery (tampering) or a
 * broken shipper: a responder must see it beside the rule findings. It comes
 * from the loading itself (store/progress.ts), not from a Sigma rule.
 */
import type { EventStore } from '../store/eventStore.js';
import type { Level } from './rule.js';

export const CONFLICT_FINDING_ID = 'trailtop-conflicting-duplicates';
export const CONFLICT_FINDING_TITLE = 'Conflicting duplicates: same eventID, different content (log tampering?)';
export const CONFLICT_FINDING_LEVEL: Level = 'high';

export interface BuiltinFinding {
  id: string;
  title: string;
  level: Level;
  tags: string[];
  count: number;
  first: string | null;
  last: string | null;
}

/** The finding for the store's conflicting duplicates, or null when there are none. */
export function conflictFinding(store: EventStore): BuiltinFinding | null {
  const { conflictCount, conflicts } = store.progress;
  return conflictFindingOf(conflictCount, conflicts.map((conflict) => store.get(conflict.eventID)?.time ?? NaN));
}

/**
 * The finding for `count` conflicting duplicates, first and last from the
 * times of the kept copies of those listed (LoadProgress.conflicts).
 */
export function conflictFindingOf(count: number, keptTimes: readonly number[]): BuiltinFinding | null {
  if (count === 0) return null;
  let first = Infinity;
  let last = -Infinity;
  for (const time of keptTimes) {
    if (time < first) first = time;
    if (time > last) last = time;
  }
  return {
    id: CONFLICT_FINDING_ID,
    title: CONFLICT_FINDING_TITLE,
    level: CONFLICT_FINDING_LEVEL,
    tags: ['attack.defense_evasion', 'attack.t1565.001'],
    count,
    first: Number.isFinite(first) ? new Date(first).toISOString() : null,
    last: Number.isFinite(last) ? new Date(last).toISOString() : null,
  };
}
