import type { ValueMatch } from './ast.js';
import { cidrTester, parseCidr } from './cidr.js';
import { matchesWhole } from './pattern.js';
import { regexLiteral } from './regexLiteral.js';
import { foldCase } from './fold.js';

/**
 * A test of one text value (a string, or a number or boolean as its JSON
 * text) against a ValueMatch, as ast.ts defines it. `exists` accepts every
 * value given (callers pass only present, non-null values).
 */
export function textMatcher(match: ValueMatch): (value: string) => boolean {
  switch (match.kind) {
    case 'exists':
      return () => true;
    case 'glob': {
      const pattern = match.pattern;
      if (!pattern.glob) {
        const wanted = pattern.segments[0]!;
        // Folding keeps a string's length: a longer value cannot match.
        return (value) => value.length <= wanted.length && foldCase(value) === wanted;
      }
      return (value) => matchesWhole(foldCase(value), pattern);
    }
    case 'regex': {
      const regex = compileRegex(match.source, match.flags);
      // A case-sensitive pattern's required run (regexLiteral.ts) rules most values out with one includes():
      // SigmaHQ's '.+:assumed-role/aws:.+' is tried on every record's ARN.
      const run = match.flags.includes('i') ? null : regexLiteral(match.source);
      return run === null ? (value) => regex.test(value) : (value) => value.includes(run) && regex.test(value);
    }
    case 'cidr': {
      const block = parseCidr(match.cidr);
      return block ? cidrTester(block) : () => false;
    }
    case 'boolean': {
      const wanted = match.value ? 'true' : 'false';
      return (value) => value.length <= wanted.length && value.toLowerCase() === wanted;
    }
  }
}

/** The JSON escapes a glob reads in a path or params value besides its text as it is (ast.ts). */
export interface EscapesRead {
  /** `\"` as `"`: the glob holds a quote. */
  readonly quotes: boolean;
  /** `\\` as `\` (after the quotes): the glob holds a backslash. */
  readonly backslashes: boolean;
}

/**
 * Which escapes a path or params value is also tried with read (ast.ts): only
 * for a glob whose text holds a quote or a backslash, the cases where reading
 * the escape can change the answer; null for every other match.
 */
export function escapesRead(match: ValueMatch): EscapesRead | null {
  if (match.kind !== 'glob') return null;
  const quotes = match.pattern.segments.some((segment) => segment.includes('"'));
  const backslashes = match.pattern.segments.some((segment) => segment.includes('\\'));
  return quotes || backslashes ? { quotes, backslashes } : null;
}

/**
 * Whether `\\` is read as `\` in this value: JSON text (an object's or list's, the params text), which
 * starts with `{` or `[`; a plain string (`a\\b` in a user agent) keeps its two backslashes.
 */
function readsBackslashes(value: string): boolean {
  return value.startsWith('{') || value.startsWith('[');
}

/** The value with those escapes read, as SQL's replace() does it (leftmost first, no overlaps; quotes, then backslashes). */
function unescape(value: string, reads: EscapesRead): string {
  const unquoted = reads.quotes ? value.replaceAll('\\"', '"') : value;
  return reads.backslashes && readsBackslashes(value) ? unquoted.replaceAll('\\\\', '\\') : unquoted;
}

/**
 * The test of a path or params value (ast.ts): textMatcher's, and for a glob
 * holding a quote or a backslash, the same test on the value with its `\"`
 * or `\\` read as `"` or `\`, so `"s3:GetObject"` is found in a policy
 * document kept as a string inside requestParameters' JSON text, and
 * `C:\Windows` in an object holding that path.
 */
export function pathValueMatcher(match: ValueMatch): (value: string) => boolean {
  const matches = textMatcher(match);
  const reads = escapesRead(match);
  if (reads === null) return matches;
  return (value) => matches(value) || (value.includes('\\') && matches(unescape(value, reads)));
}

/**
 * A RegExp without the stateful g and y flags, so test() gives the same answer every time; with the
 * u flag where the source is valid with it (ast.ts): Unicode's case pairs for i (the Kelvin sign is a
 * k), `.` a whole character, as SQL's engines read every regex. A source only valid without u (an
 * escape such as `\-`) runs as written.
 */
export function compileRegex(source: string, flags: string): RegExp {
  const kept = flags.replace(/[gy]/g, '');
  if (kept.includes('u') || kept.includes('v')) return new RegExp(source, kept);
  try {
    return new RegExp(source, kept + 'u');
  } catch {
    return new RegExp(source, kept);
  }
}
