/**
 * Formula-injection guard for CSV cells (cloudtrail.md section 5, OWASP CSV
 * Injection, ASVS 5.0 1.2.10): a spreadsheet runs a cell as a formula when it
 * starts with one of these characters, possibly after white space, so such a
 * value gets a leading `'`, which spreadsheets show as text and do not run.
 *
 * Triggers: = + - @ tab CR LF NUL, and their full-width forms (= + - @ as
 * U+FF1D U+FF0B U+FF0D U+FF20), which some spreadsheets normalise to ASCII.
 */

/** White space other than tab/CR/LF (which are triggers themselves), then a trigger. */
const DANGEROUS_START = /^[^\S\t\r\n]*[=+\-@\t\r\n\0\uFF1D\uFF0B\uFF0D\uFF20]/;

/** The prefix added to a dangerous value; the original is the cell minus this one character. */
export const GUARD_PREFIX = "'";

/** True when a spreadsheet could read `value` as a formula. */
export function isDangerous(value: string): boolean {
  if (value.length === 0) return false;
  const first = value.charCodeAt(0);
  // Fast path for the common case: a letter or digit first can never be dangerous.
  if ((first >= 0x30 && first <= 0x39) || (first >= 0x41 && first <= 0x5a) || (first >= 0x61 && first <= 0x7a)) {
    return false;
  }
  return DANGEROUS_START.test(value);
}

/** The value as it may be written to a CSV cell: unchanged, or with GUARD_PREFIX in front. */
export function neutralise(value: string): string {
  return isDangerous(value) ? GUARD_PREFIX + value : value;
}
