/**
 * The built-in finding for conflicting duplicates (issue 20): copies of one
 * eventID whose content differs. Real CloudTrail duplicates are identical
 * copies, so a difference is a log rewritten after delivery (tampering) or a
 * broken shipper: a responder must see it beside the rule findings. It comes
 * from the loading itself (store/progress.ts), not from a Sigma rule.
 */
import { FALSE } from '../query/ast.js';
import type { EventStore } from '../store/eventStore.js';
import type { Finding } from './findings.js';
import type { Level, Rule } from './rule.js';

export const CONFLICT_FINDING_ID = 'trailtop-conflicting-duplicates';
export const CONFLICT_FINDING_TITLE = 'Conflicting duplicates: same eventID, different content (log tampering?)';
export const CONFLICT_FINDING_LEVEL: Level = 'high';

const CONFLICT_TAGS = ['attack.defense_evasion', 'attack.t1565.001'];

/**
 * The finding as a rule of its own, for the dashboard's findings view beside the Sigma rules. No record
 * fires it (its detection is FALSE): it comes from the load, and its events are the bad-files view's.
 */
export const CONFLICT_RULE: Rule = {
  id: CONFLICT_FINDING_ID,
  title: CONFLICT_FINDING_TITLE,
  level: CONFLICT_FINDING_LEVEL,
  status: 'built-in',
  description:
    'Copies of one eventID whose content differs. CloudTrail delivers an event more than once only as identical copies, ' +
    'so a difference means a log file rewritten after delivery (tampering) or a broken shipper. The copy read first is kept; ' +
    'the bad-files view (b) lists each conflict with the files and the field that differs.',
  references: [],
  tags: CONFLICT_TAGS,
  author: 'trailtop',
  falsepositives: ['A log shipper or converter that rewrites records it forwards'],
  path: 'builtin',
  origin: 'builtin',
  ast: FALSE,
};

/** The store's conflicting duplicates as a finding of CONFLICT_RULE (the findings view's row), or null when there are none. */
export function conflictRuleFinding(store: EventStore): Finding | null {
  return conflictRuleFindingOf(conflictFinding(store));
}

/** A built-in finding (conflictFindingOf) as the findings view's row; null for none. */
export function conflictRuleFindingOf(found: BuiltinFinding | null): Finding | null {
  if (!found) return null;
  const time = (iso: string | null): number => (iso === null ? Number.NaN : Date.parse(iso));
  return { rule: CONFLICT_RULE, count: found.count, first: time(found.first), last: time(found.last) };
}

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
    tags: CONFLICT_TAGS,
    count,
    first: Number.isFinite(first) ? new Date(first).toISOString() : null,
    last: Number.isFinite(last) ? new Date(last).toISOString() : null,
  };
}
