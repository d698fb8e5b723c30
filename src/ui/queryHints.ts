/**
 * Hints for query text that is valid but does not mean what it looks like.
 * The boolean operators are `OR`, `AND` and `NOT` in capitals; typed in
 * lower case between two terms they are searched as plain words and usually
 * match nothing, silently. So does a rule: term that names none of the
 * loaded rules.
 */
import { unnamedRuleTerm } from '../detect/ruleTerms.js';

const HINTS: Readonly<Record<string, string>> = {
  or: "'or' is a word here: OR in capitals means either (name:A OR user:B)",
  and: "'and' is a word here: AND in capitals means both (name:A AND user:B)",
  not: "'not' is a word here: NOT in capitals, or -term, excludes",
};

/** The hint for the first lowercase or/and/not between two terms outside quotes, or for a rule: term naming none of `rules`, or ''. */
export function queryHint(text: string, rules?: readonly { readonly id: string; readonly title: string }[]): string {
  // A quoted "or" is meant as typed.
  const words = text.replace(/"[^"]*"?/g, ' ').split(/\s+/).filter(Boolean);
  for (let k = 1; k < words.length - 1; k++) {
    const hint = HINTS[words[k]!];
    if (hint) return hint;
  }
  return (rules && unnamedRuleTerm(text, rules)) || '';
}
