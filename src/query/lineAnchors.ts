/**
 * `^` and `$` of a multi-line regex as PCRE and RE2 read them (only \n breaks
 * a line; JavaScript's m flag also breaks at \r, U+2028 and U+2029), written
 * as lookarounds on \n so JavaScript runs them without the flag. Sigma rules
 * compile to these (detect/sigmaRegex.ts pcreLines); the SQL compiler gives
 * RE2, which has no lookaround, the same tests as `(?m:^)` and `(?m:$)`.
 */
export const LINE_START = '(?<![^\\n])';
export const LINE_END = '(?![^\\n])';

/**
 * PCRE's `$` without the m flag: the end of the value, or just before a \n
 * that ends it (JavaScript's and RE2's `$` is the end alone), so a value with
 * a trailing line break does not slip past `^...$`. Sigma rules compile to it
 * (detect/sigmaRegex.ts pcreSyntax); the SQL compiler gives RE2 `(?:\n?$)`,
 * the same search where nothing can match after it.
 */
export const FINAL_END = '(?=\\n?(?![\\s\\S]))';
