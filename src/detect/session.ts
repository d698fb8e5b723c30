/**
 * A rule set wired for one load: the Findings that collect hits on the main
 * thread, and the openFolder option that runs the rules where records are
 * parsed and sends the hits there.
 */
import type { OpenFolderOptions } from '../ingest/open.js';
import { Findings } from './findings.js';
import type { RuleHit, RuleSet } from './rule.js';

export interface DetectionSession {
  readonly findings: Findings;
  /** Pass as openFolder's `detection`; undefined when no rule loaded. */
  readonly detection: OpenFolderOptions['detection'];
  /** Hits by eventID, for readers without a store (headless scan). */
  readonly onHits: (hits: readonly RuleHit[]) => void;
}

export function detectionSession(set: RuleSet, notifyIntervalMs?: number): DetectionSession {
  const findings = new Findings(set, notifyIntervalMs);
  const rules = set.rules.map((rule) => ({ ast: rule.ast, name: `${rule.title} (${rule.path})` }));
  return {
    findings,
    detection: rules.length > 0 ? { rules, findings } : undefined,
    onHits: (hits) => void findings.add(hits),
  };
}
