/**
 * Rules a main thread must not test itself. A rule test there has no watchdog (ruleWatch.ts: only a
 * worker can be stopped mid-regex), so one crafted value under a backtracking regex would hang the
 * process for good. Only a regex can run that long, and a compare (Sigma's |fieldref): it tests every
 * value of one path against every value of the other, so two long lists in one record cost their
 * product (two lists of 16,000 short strings: 2 s; a 1 MB record: minutes). The other value tests
 * (globs, CIDR blocks, exists, booleans) take time linear in the value. A read on the main thread
 * that meets a record one such rule must test stops (RuleNeedsWorker) and hands the file to a
 * worker; the records no such rule is a candidate for (most: the prefilter keys them out by
 * eventName) are still read there.
 */
import type { QueryNode } from '../query/ast.js';

/** Thrown by a guarded Detector (Detector.guardOnThisThread) where it would run such a rule. */
export class RuleNeedsWorker extends Error {
  constructor(readonly rule: number) {
    super(`rule #${rule + 1} holds a regex or a field comparison: tested on a worker, where the watchdog can stop it`);
    this.name = 'RuleNeedsWorker';
  }
}

/** Whether a rule's detection holds a regex or a compare, the tests whose time a crafted value can blow up. */
export function mayBacktrack(node: QueryNode): boolean {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.children.some(mayBacktrack);
    case 'not':
      return mayBacktrack(node.child);
    case 'field':
    case 'tag':
      return node.match.kind === 'regex';
    case 'compare':
      return true;
    default:
      return false;
  }
}
