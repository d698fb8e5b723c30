import type { TextField, ValueVisitor } from './fields.js';
import type { RawValue } from './tokenize.js';
import { foldCase, foldPattern } from './fold.js';

/** A field value to match, lowercased once at compile time. */
export interface ValuePattern {
  /** Literal runs between wildcards, lowercase; one run when there is no wildcard. */
  readonly segments: readonly string[];
  readonly glob: boolean;
}

export function toPattern(value: RawValue): ValuePattern {
  return { segments: value.segments.map(foldPattern), glob: value.glob };
}

/** Whole-value match of a lowercase value: equal, or glob with `*` for any run (anchored at both ends). */
export function matchesWhole(lower: string, pattern: ValuePattern): boolean {
  const segments = pattern.segments;
  if (!pattern.glob) return lower === segments[0];
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  if (lower.length < first.length + last.length) return false;
  if (!lower.startsWith(first) || !lower.endsWith(last)) return false;
  let at = first.length;
  const end = lower.length - last.length;
  for (let k = 1; k < segments.length - 1; k++) {
    const segment = segments[k]!;
    const found = lower.indexOf(segment, at);
    if (found < 0 || found + segment.length > end) return false;
    at = found + segment.length;
  }
  return true;
}

/** Unanchored match inside a lowercase text: the runs appear in order (plain words with `*`). */
export function matchesInside(text: string, segments: readonly string[]): boolean {
  let at = 0;
  for (const segment of segments) {
    if (segment === '') continue;
    const found = text.indexOf(segment, at);
    if (found < 0) return false;
    at = found + segment.length;
  }
  return true;
}

function isAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 127) return false;
  return true;
}

/**
 * Case-insensitive equality against an already-lowercase ASCII pattern
 * without allocating a lowercased copy: ids are compared a million times a query.
 */
function equalsLowerAscii(value: string, lowerPattern: string): boolean {
  if (value.length !== lowerPattern.length) return false;
  // From the end: ARNs, ids and addresses of one account share long prefixes.
  for (let i = value.length - 1; i >= 0; i--) {
    let c = value.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    else if (c > 127) {
      // Some non-ASCII letters fold to ASCII (the Kelvin sign to k, İ to i); none change length.
      const lowered = foldCase(String.fromCharCode(c));
      c = lowered.length === 1 ? lowered.charCodeAt(0) : -1;
    }
    if (c !== lowerPattern.charCodeAt(i)) return false;
  }
  return true;
}

/** Past this many distinct values a term stops remembering answers (high-cardinality fields). */
const MEMO_LIMIT = 200_000;

/**
 * Builds the per-value test for one field and the patterns OR-ed on it.
 * Empty values never match, so `key:*` means "has an access key".
 * Answers are remembered per distinct value: rows share interned strings, so
 * after the first few rows a test is one Map lookup.
 */
export function valueTester(field: TextField, patterns: readonly ValuePattern[]): ValueVisitor {
  const shortForm = field.shortForm;
  const arnPrefixes = field.arnPrefix
    ? patterns.filter((p) => !p.glob && p.segments[0]!.startsWith('arn:')).map((p) => p.segments[0]!)
    : [];
  const decide = (value: string): boolean => {
    const lower = foldCase(value);
    const short = shortForm ? shortForm(lower) : lower;
    for (const pattern of patterns) {
      if (matchesWhole(lower, pattern)) return true;
      if (short !== lower && matchesWhole(short, pattern)) return true;
    }
    // A row's ARNPrefix `arn:aws:s3:::bucket/` covers the query ARN `arn:aws:s3:::bucket/key`.
    if (arnPrefixes.length > 0 && lower.endsWith('/')) {
      for (const arn of arnPrefixes) if (arn.startsWith(lower)) return true;
    }
    return false;
  };
  const exact = patterns.every((p) => !p.glob && isAscii(p.segments[0]!));
  if (exact && !shortForm) {
    // Exact ASCII values compare without allocating: a length check rejects most rows at once.
    const wanted = patterns.map((p) => p.segments[0]!);
    return (value) => {
      // An empty pattern (an AST built without the parser) must not find the empty values a row has for none.
      if (value === '') return false;
      for (let k = 0; k < wanted.length; k++) if (equalsLowerAscii(value, wanted[k]!)) return true;
      return arnPrefixes.length > 0 && value.endsWith('/') && decide(value);
    };
  }
  const longForm = field.longForm;
  if (exact && longForm) {
    // A short form (`source:s3`) is the same as also naming its long form (`s3.amazonaws.com`).
    const wanted = patterns.flatMap((p) => [p.segments[0]!, longForm(p.segments[0]!)]);
    // Such values are few and common (every S3 event): the value that matched last is usually
    // the very same interned string, which spares comparing the long form character by character.
    let lastMatch = '';
    let lastLength = -1;
    return (value) => {
      if (value === '') return false;
      if (value.length === lastLength && value === lastMatch) return true;
      for (let k = 0; k < wanted.length; k++) {
        if (equalsLowerAscii(value, wanted[k]!)) {
          lastMatch = value;
          lastLength = value.length;
          return true;
        }
      }
      return arnPrefixes.length > 0 && value.endsWith('/') && decide(value);
    };
  }
  if (field.unique) return (value) => value !== '' && decide(value);
  const memo = new Map<string, boolean>();
  return (value) => {
    if (value === '') return false;
    let answer = memo.get(value);
    if (answer === undefined) {
      answer = decide(value);
      if (memo.size < MEMO_LIMIT) memo.set(value, answer);
    }
    return answer;
  };
}
