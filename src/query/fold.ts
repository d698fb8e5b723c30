/**
 * Lowercase for case-insensitive matching, the same in memory and in SQL, letter by letter.
 *
 * JavaScript's toLowerCase() differs from DuckDB's and Trino's lower() on two letters, and it also
 * looks at a letter's neighbours:
 * - İ (U+0130) becomes i + U+0307 (two code points) in JavaScript and a plain i in SQL;
 * - Σ at the end of a word becomes ς in JavaScript and σ in SQL.
 *
 * So a search missed the value typed exactly as stored: user:İSTANBUL on an archive, or
 * user:ΟΔΟ*Σ in memory, whose glob pieces were lowercased one by one. This fold makes İ an i and every
 * sigma σ. It is as long as its input, and on Latin-1 text it is toLowerCase() itself: V8 answers the
 * includes() of a character past U+00FF at once on such a string. SQL: query/sql/compile.ts folded().
 */
export function foldCase(text: string): string {
  const lower = (text.includes('\u0130') ? text.replaceAll('\u0130', 'i') : text).toLowerCase();
  return lower.includes('\u03c2') ? lower.replaceAll('\u03c2', '\u03c3') : lower;
}

/** A UTF-16 unit of a surrogate pair with no partner: half of a character. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * foldCase for a pattern's text (a glob's runs, a word), with each lone surrogate made U+FFFD, as
 * UTF-8, and so SQL text, holds it: `\u{d801}` typed in a query, half of 𐐀, then matches no half of
 * a character in memory either (ast.ts). Patterns only: values keep their text (a lone surrogate
 * in a record is the archive's documented exception, archive/rowValues.ts).
 */
export function foldPattern(text: string): string {
  const folded = foldCase(text);
  return /[\ud800-\udfff]/.test(folded) ? folded.replace(LONE_SURROGATE, '\ufffd') : folded;
}

/** The one letter foldCase changes after lowercasing: SQL's lower() keeps ς, so a pattern holding σ needs it too. */
export const FINAL_SIGMA = '\u03c2';
export const SIGMA = '\u03c3';
