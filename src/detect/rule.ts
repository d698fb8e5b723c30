import type { QueryNode } from '../query/ast.js';

/**
 * A detection rule as trailtop runs it: a Sigma rule whose detection has been
 * compiled into the one query AST (src/query/ast.ts). Everything else is what
 * the findings view, `detect` and the details panel show.
 */
export interface Rule {
  /** Sigma `id` (a UUID in SigmaHQ rules); unique in a rule set. */
  readonly id: string;
  readonly title: string;
  readonly level: Level;
  readonly status: string;
  readonly description: string;
  readonly references: readonly string[];
  /** Sigma tags as written (`attack.t1078`, `attack.persistence` ...). */
  readonly tags: readonly string[];
  readonly author: string;
  readonly falsepositives: readonly string[];
  /** The file it came from, and 'builtin' or the --rules folder it was found under. */
  readonly path: string;
  readonly origin: string;
  /** The detection: true for a record the rule fires on. */
  readonly ast: QueryNode;
}

/** A rule file (or one rule in it) that does not run, and why. Never silently dropped. */
export interface SkippedRule {
  readonly path: string;
  readonly reason: string;
}

/** Sigma levels, lowest first. */
export const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Level = (typeof LEVELS)[number];

export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

export function isLevel(value: string): value is Level {
  return (LEVELS as readonly string[]).includes(value);
}

/** What the parse workers need of a rule: its position in the set and its AST (plain data, structured-cloneable). */
export interface RuleSpec {
  readonly ast: QueryNode;
  /** `title (path)`, for a reason naming the rule (ruleWatch.ts). */
  readonly name?: string;
}

/** A loaded rule set: the rules that run, in a stable order (their index is their number in hits), and the ones that do not. */
export interface RuleSet {
  readonly rules: readonly Rule[];
  readonly skipped: readonly SkippedRule[];
}

/**
 * One record that fired one or more rules, as the parse side reports it:
 * the row's id (eventID or content hash), its time (epoch ms, NaN when it did
 * not parse), the record's index in its file, and the rules' indexes.
 */
export interface RuleHit {
  readonly id: string;
  readonly time: number;
  readonly index: number;
  readonly rules: readonly number[];
}
