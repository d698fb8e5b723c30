/**
 * Which rules can fire at all for a given (eventSource, eventName,
 * userIdentity.type), decided once per distinct triple, so a rule set costs
 * what its distinct tests cost rather than rules x events.
 *
 * Each rule's AST is relaxed: every test on another field is replaced by the
 * constant that can only make the rule *more* true (true where it is reached
 * through an even number of `not`s, false under an odd number). The relaxed
 * rule is then a test on those three paths alone, evaluated with the one
 * record matcher on a record holding just them. If it is false, the full
 * rule is false for every record with those values (and, or are
 * monotone, and each replaced leaf only moved toward true), so the rule is
 * skipped; otherwise it is a candidate and the full rule runs on the record.
 */
import { FALSE, TRUE, type QueryNode } from '../query/ast.js';

/** The record paths the prefilter decides on: string-valued in CloudTrail, few distinct values. */
export const PREFILTER_PATHS: readonly (readonly string[])[] = [['eventSource'], ['eventName'], ['userIdentity', 'type']];

function isKept(node: QueryNode): boolean {
  if (node.kind !== 'field' || node.ref.kind !== 'path') return false;
  const path = node.ref.path;
  return PREFILTER_PATHS.some((kept) => kept.length === path.length && kept.every((key, i) => key === path[i]));
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

/** True when the relaxed rule is always true: the prefilter cannot rule it out for any key. */
export function alwaysCandidate(relaxed: QueryNode): boolean {
  return relaxed.kind === 'const' && relaxed.value;
}
