/**
 * Which rules can fire at all for a given (eventSource, eventName), decided
 * once per distinct pair, so a rule set costs what its distinct tests cost
 * rather than rules x events.
 *
 * Each rule's AST is relaxed: every test on another field is replaced by the
 * constant that can only make the rule *more* true (true where it is reached
 * through an even number of `not`s, false under an odd number). The relaxed
 * rule is then a test on eventSource and eventName alone, evaluated with the
 * one record matcher on a record holding just those two keys. If it is false,
 * the full rule is false for every record with that pair (and, or are
 * monotone, and each replaced leaf only moved toward true), so the rule is
 * skipped; otherwise it is a candidate and the full rule runs on the record.
 */
import { FALSE, TRUE, type QueryNode } from '../query/ast.js';

/** The record keys the prefilter decides on: top-level, string-valued in CloudTrail. */
export const PREFILTER_KEYS = ['eventSource', 'eventName'] as const;

function isKept(node: QueryNode): boolean {
  return node.kind === 'field' && node.ref.kind === 'path' && node.ref.path.length === 1 && (PREFILTER_KEYS as readonly string[]).includes(node.ref.path[0]!);
}

/** The rule with every test not on a kept key replaced by the constant that over-approximates it. */
export function relax(node: QueryNode, positive = true): QueryNode {
  switch (node.kind) {
    case 'and':
    case 'or': {
      const children = node.children.map((c) => relax(c, positive));
      const absorbing = node.kind === 'and' ? false : true;
      if (children.some((c) => c.kind === 'const' && c.value === absorbing)) return absorbing ? TRUE : FALSE;
      const rest = children.filter((c) => c.kind !== 'const');
      if (rest.length === 0) return node.kind === 'and' ? TRUE : FALSE;
      return rest.length === 1 ? rest[0]! : { kind: node.kind, children: rest };
    }
    case 'not': {
      const child = relax(node.child, !positive);
      if (child.kind === 'const') return child.value ? FALSE : TRUE;
      return { kind: 'not', child };
    }
    case 'const':
      return node;
    default:
      return isKept(node) ? node : positive ? TRUE : FALSE;
  }
}

/** True when the relaxed rule is always true: the prefilter cannot rule it out for any pair. */
export function alwaysCandidate(relaxed: QueryNode): boolean {
  return relaxed.kind === 'const' && relaxed.value;
}
