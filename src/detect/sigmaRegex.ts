/**
 * A Sigma `|re` value as the AST's regex (ast.ts: JavaScript syntax, run by
 * JavaScript in memory and by DuckDB's RE2 on the archive).
 *
 * Sigma's regular expressions are PCRE-flavoured (what SIEM backends and RE2
 * run); five things rules write mean something else, or nothing, to
 * JavaScript, and are translated here so both engines read the rule alike:
 * - A leading inline flag group, `(?i)`, `(?s)`, `(?m)` or a mix (`(?is)`),
 *   is a syntax error in JavaScript: it becomes the same flags, as `|re|i`.
 *   Flags other than i, m, s, or a flag group anywhere else (`a(?i)b`,
 *   `(?i:x)`), have no JavaScript spelling: the rule is refused with that
 *   reason, never run with the group dropped.
 * - Without the `u` flag JavaScript reads `\p{L}` as the letters `p{L}` and
 *   an astral character (😀) as two characters: the pattern runs with `u`
 *   when it is valid so (as RE2, which always reads code points), and as it
 *   was when it is not (PCRE allows escapes like `\-` or `\:` that `u`
 *   refuses; they mean the character itself either way).
 * - JavaScript's `.` does not match \r, U+2028 or U+2029, PCRE's and RE2's
 *   only leave out \n: without the s flag each `.` outside a class is
 *   written `[^\n]` (pcreDots), so a carriage return an attacker puts in a
 *   user agent cannot hide a match from the rule in memory alone.
 * - JavaScript's `\s` is any Unicode space (U+00A0 ...), RE2's the ASCII
 *   ones without \v, PCRE's the ASCII ones: `\s` and `\S` are written as
 *   PCRE's class (pcreSpaces), which both engines read alike.
 * - Under the m flag JavaScript's `^` and `$` also match at \r, U+2028 and
 *   U+2029, PCRE's and RE2's only at \n: they are written as lookarounds on
 *   \n without the flag (pcreLines), which the SQL compiler gives RE2 as
 *   `(?m:^)` and `(?m:$)`.
 * - JavaScript (without u) reads an escaped letter it does not know as the
 *   letter, and a class as closed by its first `]`: PCRE's `\A` was an `A`,
 *   `[[:digit:]]` the class `[[:digit:]` then a `]`, `[]a]` a class of nothing,
 *   and RE2 read them as PCRE does, so memory and the archive disagreed.
 *   PCRE's `$` (without m) and `\Z` are also just before a final \n.
 *   pcreSyntax writes those as FINAL_END, `\A` and `\z` as `^` and `$` (not
 *   under m), `\v`, `\h` (vertical, horizontal white space), their negations
 *   and `\R` as classes, POSIX classes as their ASCII ranges, `\x{41}` as
 *   `\u0041`, `\a` and `\e` as `\x07` and `\x1b`, and a `]` first in a class
 *   as `\]`; any other escaped letter PCRE gives a meaning (`\Q`, `\G`,
 *   `\K` ...) is refused with that reason.
 */
import { FINAL_END, LINE_END, LINE_START } from '../query/lineAnchors.js';
import { nestedRepetition } from './regexNesting.js';
import { exponentialAmbiguity, type Ambiguity } from './regexAmbiguity.js';
import { Unsupported } from './unsupported.js';

const LEADING_FLAGS = /^\(\?([A-Za-z]+)\)/;
/** An inline flag group, `(?i)` or `(?i:` or `(?-i)`, as JavaScript cannot read it. */
const INLINE_FLAGS = /\(\?(?:[A-Za-z]+-?[A-Za-z]*|-[A-Za-z]+)[:)]/;

export interface SigmaRegex {
  readonly source: string;
  readonly flags: string;
}

/** `text` with the flags its modifiers gave (`|i` `|m` `|s`), as the AST's regex; throws Unsupported for what cannot run. */
export function sigmaRegex(field: string, text: string, modifierFlags: string): SigmaRegex {
  let source = text;
  let flags = modifierFlags;
  const leading = LEADING_FLAGS.exec(source);
  if (leading) {
    const letters = leading[1]!;
    const unknown = [...letters].filter((c) => !'ims'.includes(c));
    if (unknown.length > 0) throw new Unsupported(`${field}|re: the inline flag${unknown.length > 1 ? 's' : ''} ${unknown.join('')} of (?${letters}) ha${unknown.length > 1 ? 've' : 's'} no JavaScript equivalent`);
    source = source.slice(leading[0].length);
    for (const c of letters) if (!flags.includes(c)) flags += c;
  }
  source = pcreSyntax(field, source, flags);
  const nested = nestedRepetition(source);
  if (nested) throw new Unsupported(`${field}|re: ${nested} repeats a repetition, which a crafted value can keep busy for ever (2^n tries); write the inner part repeated once`);
  try {
    new RegExp(source, flags + 'u');
    return unambiguous(field, source, flags + 'u');
  } catch (error) {
    if (error instanceof Unsupported) throw error;
    // Not valid with u (an escape only PCRE allows): it runs as written.
  }
  // Without u, \p{L} would be the letters p{L}.
  if (/(^|[^\\])(\\\\)*\\[pP]\{/.test(source)) {
    throw new Unsupported(`${field}|re: a Unicode class (\\p{...}) beside an escape only valid without Unicode mode (such as \\-) is not supported`);
  }
  try {
    new RegExp(source, flags);
  } catch (error) {
    if (INLINE_FLAGS.test(source)) throw new Unsupported(`${field}|re: inline flags are supported only as a group at the start of the pattern, as (?i)`);
    throw new Unsupported(`${field}|re: bad regular expression: ${error instanceof Error ? error.message : String(error)}`);
  }
  return unambiguous(field, source, flags);
}

/** The regex as it is, or Unsupported when a crafted value could make V8 backtrack through it for ever (regexAmbiguity.ts). */
function unambiguous(field: string, source: string, flags: string): SigmaRegex {
  let found: Ambiguity | null;
  try {
    found = exponentialAmbiguity(source, flags);
  } catch {
    found = { kind: 'too-complex' };
  }
  if (found?.kind === 'exponential') {
    throw new Unsupported(`${field}|re: ${found.part} can match the same text in many ways (what it repeats overlaps itself), which a crafted value can keep busy for ever (2^n tries)`);
  }
  if (found) throw new Unsupported(`${field}|re: too complex to check for repetitions a crafted value could keep busy for ever`);
  return { source, flags };
}

/** PCRE's and RE2's POSIX classes (ASCII, as PCRE reads them without UCP), as the inside of a JavaScript class. */
const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7f',
  blank: ' \\t',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** Escaped letters JavaScript reads as PCRE does (`\c`, `\x`, `\u`, `\k`, `\p` are checked with what follows). */
const SAME_LETTERS = 'dDwWsSbBnrtf';

/** PCRE's vertical (`\v`, which JavaScript and RE2 read as the one character \x0b) and horizontal (`\h`) white space, as a class's inside. */
const VERTICAL = '\\n\\x0b\\f\\r\\x85\\u2028\\u2029';
const HORIZONTAL = '\\t \\xa0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000';

/**
 * `source` with what PCRE (and RE2) read otherwise than JavaScript written as
 * JavaScript reads the same (see the module comment); throws Unsupported for
 * an escaped letter with no such spelling.
 */
export function pcreSyntax(field: string, source: string, flags: string): string {
  const refuse = (what: string): never => {
    throw new Unsupported(`${field}|re: ${what} means something else to JavaScript than to PCRE, and is not supported`);
  };
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const e = source[i + 1] ?? '';
      i++;
      if (!/[A-Za-z]/.test(e) || SAME_LETTERS.includes(e)) {
        out += c + e;
        continue;
      }
      const rest = source.slice(i + 1);
      const space = e === 'v' || e === 'V' ? VERTICAL : e === 'h' || e === 'H' ? HORIZONTAL : null;
      if (space !== null && (e === 'v' || e === 'h')) out += inClass ? space : `[${space}]`;
      else if (space !== null && !inClass) out += `[^${space}]`;
      else if (e === 'R' && !inClass) out += '(?:\\r\\n|[\\n\\x0b\\f\\r\\x85\\u2028\\u2029])';
      else if (e === 'c' && /^[A-Za-z]/.test(rest)) out += c + e;
      else if (e === 'x' && /^[0-9A-Fa-f]{2}/.test(rest)) out += c + e;
      else if (e === 'u' && /^[0-9A-Fa-f]{4}/.test(rest)) out += c + e;
      else if ((e === 'p' || e === 'P') && rest.startsWith('{')) out += c + e;
      else if (e === 'k' && rest.startsWith('<') && /\(\?<[A-Za-z]/.test(source)) out += c + e;
      else if (e === 'x' && /^\{[0-9A-Fa-f]{1,4}\}/.test(rest)) {
        const hex = /^\{([0-9A-Fa-f]{1,4})\}/.exec(rest)![1]!;
        out += `\\u${hex.padStart(4, '0')}`;
        i += hex.length + 2;
      } else if (e === 'a' || e === 'e') out += e === 'a' ? '\\x07' : '\\x1b';
      else if (e === 'Z' && !inClass) out += FINAL_END;
      else if ((e === 'A' || e === 'z') && !inClass && !flags.includes('m')) out += e === 'A' ? '^' : '$';
      else refuse(`\\${e}${e === 'x' && rest.startsWith('{') ? '{...}' : ''}${(e === 'A' || e === 'z') && !inClass ? ' under the m flag' : ''}`);
      continue;
    }
    if (inClass) {
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(source.slice(i));
      if (c === '[' && posix) {
        const ranges = POSIX_CLASSES[posix[2]!];
        if (!ranges || posix[1]) refuse(posix[0]);
        out += ranges;
        i += posix[0].length - 1;
        continue;
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      const negated = source[i + 1] === '^';
      out += negated ? '[^' : '[';
      if (negated) i++;
      // PCRE reads a ] first in a class as itself; JavaScript as the class's end.
      if (source[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    // Under m, pcreLines makes it a line end.
    out += c === '$' && !flags.includes('m') ? FINAL_END : c;
  }
  return out;
}

/**
 * `source` with every `.` outside a character class written `[^\n]`, the
 * dot of PCRE and RE2 (JavaScript's also leaves out \r, U+2028 and U+2029);
 * unchanged under the s flag, where every engine's dot is any character.
 */
export function pcreDots(source: string, flags: string): string {
  if (flags.includes('s')) return source;
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      out += c + (source[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else out += c === '.' ? '[^\\n]' : c;
  }
  return out;
}

/** PCRE's \s: the ASCII white space characters (\v included, as PCRE2 has it). */
const SPACES = '\\t\\n\\v\\f\\r ';

/**
 * `source` with `\s` and `\S` as PCRE's ASCII classes. Inside a class `\s`
 * becomes its characters; a class that also holds `\S` (`[\s\S]`, any
 * character) is left as it is, its meaning the same in every engine, and so
 * is one with a `-` beside `\s` (`[\s-a]`: spelt out, the space would start
 * a range).
 */
export function pcreSpaces(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const e = source[i + 1] ?? '';
      out += e === 's' ? `[${SPACES}]` : e === 'S' ? `[^${SPACES}]` : c + e;
      i++;
    } else if (c === '[') {
      const end = classEnd(source, i);
      const text = source.slice(i, end);
      const keep = /(^|[^\\])(\\\\)*\\S/.test(text) || /\\s-|-\\s/.test(text);
      out += keep ? text : text.replace(/\\./g, (escape) => (escape === '\\s' ? SPACES : escape));
      i = end - 1;
    } else out += c;
  }
  return out;
}

/** The index just past the class that opens at `start` (JavaScript's reading: the first unescaped ] closes it). */
function classEnd(source: string, start: number): number {
  for (let i = start + 1; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === ']') return i + 1;
  }
  return source.length;
}


/**
 * Under the m flag, `source` with each `^` and `$` outside a class written
 * as LINE_START and LINE_END, and the flag dropped (it changes nothing else
 * in JavaScript); unchanged without it.
 */
export function pcreLines(source: string, flags: string): SigmaRegex {
  if (!flags.includes('m')) return { source, flags };
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      out += c + (source[i + 1] ?? '');
      i++;
    } else if (c === '[') {
      const end = classEnd(source, i);
      out += source.slice(i, end);
      i = end - 1;
    } else out += c === '^' ? LINE_START : c === '$' ? LINE_END : c;
  }
  return { source: out, flags: flags.replace('m', '') };
}

/** A simplified Sigma regex (sigmaValues.ts simplifyRegex) with its dots, spaces and line anchors as PCRE reads them. */
export function asPcre(source: string, flags: string): SigmaRegex {
  return pcreLines(pcreSpaces(pcreDots(source, flags)), flags);
}
