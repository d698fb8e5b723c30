/**
 * `rule:` terms that name none of the loaded rules: a typo or a --rules
 * folder left out. Such a term matches nothing (negated, everything) in
 * silence, which reads as "the rule did not fire"; the commands refuse it
 * (commands/rules.ts) and the dashboard says so under the query bar
 * (ui/queryHints.ts), as an archive's query does (archive/filter.ts).
 */
import { forEachLeaf, type QueryNode, type TagNode } from '../query/ast.js';
import { parseQuery } from '../query/parse.js';
import { textMatcher } from '../query/valueMatch.js';

/** The `rule:` terms of a query, in order. */
export function ruleTags(node: QueryNode): TagNode[] {
  const out: TagNode[] = [];
  forEachLeaf(node, (leaf) => {
    if (leaf.kind === 'tag' && leaf.tag === 'rule') out.push(leaf);
  });
  return out;
}

function tagText(node: TagNode): string {
  const m = node.match;
  if (m.kind === 'exists') return 'rule:*';
  if (m.kind === 'glob') return `rule:${m.pattern.segments.join('*')}`;
  return 'rule:...';
}

/** Why the first rule: term of `source` names none of `rules` (by id or title), or null when each names one (or the text does not parse). */
export function unnamedRuleTerm(source: string, rules: readonly { readonly id: string; readonly title: string }[]): string | null {
  const parsed = parseQuery(source, { deepTerms: true });
  if (!parsed.ok) return null;
  for (const tag of ruleTags(parsed.ast)) {
    const matches = textMatcher(tag.match);
    if (rules.some((rule) => matches(rule.id) || matches(rule.title))) continue;
    return `${tagText(tag)} names none of the ${rules.length} detection rules loaded (rule: matches a rule's id or title, * globs; --rules DIR adds a folder)`;
  }
  return null;
}
