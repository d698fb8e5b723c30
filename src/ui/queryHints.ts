/**
 * Hints for query text that is valid but does not mean what it looks like.
 * The query language has no boolean words: `OR`, `AND` and `NOT` typed in
 * capitals are searched as plain words and usually match nothing, silently.
 * So does a rule: term that names none of the loaded rules.
 */
import { unnamedRuleTerm } from '../detect/ruleTerms.js';

const HINTS: Readonly<Record<string, string>> = {
  OR: 'OR is not an operator: repeat a field for either (name:A name:B)',
  AND: 'AND is not an operator: terms of different fields must all match (name:A user:B)',
  NOT: 'NOT is not an operator: put - before a term to exclude it (-name:A)',
};

/** The hint for the first capitalised OR/AND/NOT outside quotes, or for a rule: term naming none of `rules`, or ''. */
export function queryHint(text: string, rules?: readonly { readonly id: string; readonly title: string }[]): string {
  // A quoted "OR" is meant as typed.
  const unquoted = text.replace(/"[^"]*"?/g, ' ');
  for (const word of unquoted.split(/\s+/)) {
    const hint = HINTS[word];
    if (hint) return hint;
  }
  return (rules && unnamedRuleTerm(text, rules)) || '';
}
