import { loadRuleSet, ruleFolders, RulesFolderError } from '../detect/loadRules.js';
import type { RuleSet } from '../detect/rule.js';
import { parseQuery, type QueryNode } from '../query/index.js';
import type { TagNode } from '../query/ast.js';
import { textMatcher } from '../query/valueMatch.js';
import { sanitize } from '../term/sanitize.js';
import { UsageError } from './args.js';

export { RULES_HELP, RULES_OPTION } from './rulesOption.js';

/** The built-in pack plus --rules and TRAILTOP_RULES; a missing folder is a usage error (exit 2). */
export function commandRules(rules: readonly string[] | undefined): RuleSet {
  try {
    return loadRuleSet(ruleFolders(rules));
  } catch (error) {
    if (error instanceof RulesFolderError) throw new UsageError(sanitize(error.message), false);
    throw error;
  }
}

/** True when a query names detection results (a rule: term), so the command must run the rules to answer it. */
export function filterNeedsRules(source: string): boolean {
  const parsed = parseQuery(source, { deepTerms: true });
  return parsed.ok && hasRuleTag(parsed.ast);
}

function hasRuleTag(node: QueryNode): boolean {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.children.some(hasRuleTag);
    case 'not':
      return hasRuleTag(node.child);
    case 'tag':
      return node.tag === 'rule';
    default:
      return false;
  }
}

function ruleTags(node: QueryNode, out: TagNode[] = []): TagNode[] {
  if (node.kind === 'and' || node.kind === 'or') for (const child of node.children) ruleTags(child, out);
  else if (node.kind === 'not') ruleTags(node.child, out);
  else if (node.kind === 'tag' && node.tag === 'rule') out.push(node);
  return out;
}

function tagText(node: TagNode): string {
  const m = node.match;
  if (m.kind === 'exists') return 'rule:*';
  if (m.kind === 'glob') return `rule:${m.pattern.segments.join('*')}`;
  return 'rule:…';
}

/**
 * A rule: term that names none of the loaded rules (a typo, a rule folder not given) is a usage error,
 * as on an archive (archive/filter.ts): matching nothing in silence would read as "the rule did not fire".
 */
export function requireNamedRules(source: string, set: RuleSet): void {
  const parsed = parseQuery(source, { deepTerms: true });
  if (!parsed.ok) return;
  for (const tag of ruleTags(parsed.ast)) {
    const matches = textMatcher(tag.match);
    if (set.rules.some((rule) => matches(rule.id) || matches(rule.title))) continue;
    throw new UsageError(
      sanitize(`${tagText(tag)} names none of the ${set.rules.length} detection rules loaded (rule: matches a rule's id or title, * globs; --rules DIR adds a folder)`),
      false,
    );
  }
}
