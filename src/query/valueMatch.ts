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

/**
 * Whether a path or params value is also tried with each `\"` read as `"`
 * (ast.ts): only for a glob whose text holds a quote, the one case where
 * reading the escape can change the answer.
 */
export function triesUnescapedQuotes(match: ValueMatch): boolean {
  return match.kind === 'glob' && match.pattern.segments.some((segment) => segment.includes('"'));
}

/** The value with each `\"` read as `"`, as SQL's replace() does it (leftmost first, no overlaps). */
function unescapeQuotes(value: string): string {
  return value.replaceAll('\\"', '"');
}

/**
 * The test of a path or params value (ast.ts): textMatcher's, and for a glob
 * holding a quote, the same test on the value with its `\"` read as `"`, so
 * `"s3:GetObject"` is found in a policy document kept as a string inside
 * requestParameters' JSON text.
 */
export function pathValueMatcher(match: ValueMatch): (value: string) => boolean {
  const matches = textMatcher(match);
  if (!triesUnescapedQuotes(match)) return matches;
  return (value) => matches(value) || (value.includes('\\"') && matches(unescapeQuotes(value)));
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
