/**
 * The boolean operators are `OR`, `AND` and `NOT` in capitals; typed in
 * lower case between two terms they are searched as plain words and usually
 * match nothing, silently. The query bar shows this hint under the query and
 * every command that reads one prints it on stderr, so both say the same.
 */

const HINTS: Readonly<Record<string, string>> = {
  or: "'or' is a word here: OR in capitals means either (name:A OR user:B)",
  and: "'and' is a word here: AND in capitals means both (name:A AND user:B)",
  not: "'not' is a word here: NOT in capitals, or -term, excludes",
};

/** The hint for the first lowercase or/and/not between two terms outside quotes, or ''. */
export function operatorWordHint(text: string): string {
  // A quoted "or" is meant as typed.
  const words = text.replace(/"[^"]*"?/g, ' ').split(/\s+/).filter(Boolean);
  for (let k = 1; k < words.length - 1; k++) {
    const hint = HINTS[words[k]!];
    if (hint) return hint;
  }
  return '';
}
