/**
 * Hints for query text that is valid but does not mean what it looks like:
 * a lowercase or/and/not (query/operatorWords.ts, which the commands print
 * too), time terms that leave no time between them (query/timeRangeHint.ts),
 * or a rule: term that names none of the loaded rules.
 */
import { unnamedRuleTerm } from '../detect/ruleTerms.js';
import { operatorWordHint } from '../query/operatorWords.js';
import { timeRangeHint } from '../query/timeRangeHint.js';

/** The hint for the first lowercase or/and/not between two terms outside quotes, for an empty time range, or for a rule: term naming none of `rules`, or ''. */
export function queryHint(text: string, rules?: readonly { readonly id: string; readonly title: string }[]): string {
  return operatorWordHint(text) || timeRangeHint(text) || (rules && unnamedRuleTerm(text, rules)) || '';
}
