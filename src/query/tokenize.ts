import type { QueryError } from './errors.js';

/**
 * A value as typed. `*` outside quotes is a wildcard; inside quotes it is a
 * literal star. `segments` are the literal runs between wildcards, so a value
 * without wildcards has exactly one segment.
 */
export interface RawValue {
  /** The unescaped text (quotes removed), for messages. */
  text: string;
  segments: string[];
  glob: boolean;
  /** Some part of the value was quoted. */
  quoted: boolean;
}

export interface RawTerm {
  negated: boolean;
  /** The field name (or dotted record path) as typed, or null for a plain word. */
  field: string | null;
  /** Offset of the term's first character (the '-' when negated). */
  start: number;
  /** Offset of the field name (equals the value offset for plain words). */
  fieldStart: number;
  /** Offset of the value's first character. */
  valueStart: number;
  /** Offset just past the term. */
  end: number;
  value: RawValue;
}

/**
 * What the query is made of: terms, and the boolean syntax between them.
 * `OR`, `AND` and `NOT` are operators only in capitals, unquoted and alone
 * (lowercase `or` is a word); `(` opens a group where a term could start,
 * `-(` a negated one and `field:(` one whose bare words are that field's
 * values; inside a group an unquoted `)` ends the value before it, and
 * closes the group, so text right after it is an error (quote the value).
 */
export type Token =
  | { readonly kind: 'term'; readonly term: RawTerm }
  /**
   * `(`, `-(`, or `field:(` whose bare words are values of that field (`name:(A OR B)`, as in Lucene).
   * `start` is where the item starts (the `-` or the field name), `paren` the `(` itself, where a
   * message about the group points.
   */
  | { readonly kind: 'open'; readonly start: number; readonly paren: number; readonly negated: boolean; readonly field: string | null }
  | { readonly kind: 'close'; readonly start: number }
  | { readonly kind: 'or' | 'and' | 'not'; readonly start: number; readonly end: number };

export type TokenizeResult = { ok: true; tokens: Token[] } | { ok: false; error: QueryError };

/**
 * An operator written against the `(` of its group (`NOT(a)`, `a OR(b)`), or after a group's `)`
 * (`(a)OR(b)`): read as with a space. As a word it matched nothing, in silence.
 */
const GLUED_OPERATOR = /(OR|AND|NOT)\(/y;
/** An operator word right after a group's `)`, ending at a space, a `(` or the end. */
const OPERATOR_AFTER_CLOSE = /(?:OR|AND|NOT)(?=[\s(]|$)/y;

/**
 * `name:` (letters only, so `s3:GetObject` stays a word) or a dotted record
 * path `requestParameters.bucketName:` (keys may hold digits, _ and -).
 */
const FIELD_PREFIX = /(?:[A-Za-z]+|[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)+):/y;
/**
 * A dotted path with a key missing (`requestParameters.:x`, `a..b:x`): FIELD_PREFIX refuses it, and
 * as a word it searched the text for the whole term and found nothing, in silence.
 */
const PATH_MISSING_KEY = /[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]*)+:/y;

const OPERATORS: Readonly<Record<string, 'or' | 'and' | 'not'>> = { OR: 'or', AND: 'and', NOT: 'not' };

/**
 * Splunk's and Lucene's spellings, alone between terms: searched as words they would match nearly
 * nothing, in silence, so they are an error naming the operator meant. Quoted, they are words.
 */
const FOREIGN_OPERATORS: Readonly<Record<string, string>> = {
  '||': 'write OR (capitals) for either: name:A OR name:B; quote it to search for the text',
  '|': 'write OR (capitals) for either: name:A OR name:B; quote it to search for the text',
  '&&': 'write AND (capitals), or just put the terms side by side; quote it to search for the text',
};

/** Quotes around the parentheses only: stars outside quotes still glob (inside them they are literal). */
const QUOTE_PARENTHESIS = 'quote a value that holds a parenthesis, the stars outside the quotes: agent:*"(linux)"*';

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/**
 * Splits a query into tokens: terms (`word`, `"quoted words"`,
 * `field:value`, `field:"quoted value"`, each optionally preceded by `-`),
 * operators and parentheses. A word that starts with `arn:` is a plain word,
 * so a pasted ARN searches the text. Outside a group a `)` inside a value is
 * part of it, so a query typed before groups existed means what it meant.
 */
export function tokenize(source: string): TokenizeResult {
  const tokens: Token[] = [];
  const opened: { paren: number; field: string | null }[] = [];
  let i = 0;
  const n = source.length;
  while (i < n) {
    const ch = source[i]!;
    if (isSpace(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (ch === '(' || (ch === '-' && source[i + 1] === '(')) {
      const negated = ch === '-';
      i += negated ? 2 : 1;
      const field = opened.at(-1)?.field ?? null;
      opened.push({ paren: i - 1, field });
      tokens.push({ kind: 'open', start, paren: i - 1, negated, field });
      continue;
    }
    if (ch === ')') {
      if (opened.length === 0) return fail("')' without a '(' before it", start, QUOTE_PARENTHESIS);
      // Text right after a group's ')' was most likely a value holding one (agent:*(x)* in a group): the
      // ')' cut it and closed the group early, and the query quietly meant something else. An operator
      // there (`(a)OR(b)`) is what it looks like.
      const next = source[i + 1];
      OPERATOR_AFTER_CLOSE.lastIndex = i + 1;
      if (next !== undefined && !isSpace(next) && next !== ')' && !OPERATOR_AFTER_CLOSE.test(source)) {
        return fail("')' closes the group here, but text follows it", start, `put a space after ')', or ${QUOTE_PARENTHESIS}`);
      }
      opened.pop();
      i++;
      tokens.push({ kind: 'close', start });
      continue;
    }
    GLUED_OPERATOR.lastIndex = i;
    const glued = GLUED_OPERATOR.exec(source);
    if (glued) {
      i += glued[1]!.length;
      tokens.push({ kind: OPERATORS[glued[1]!]!, start, end: i });
      continue;
    }
    let negated = false;
    if (ch === '-') {
      if (i + 1 >= n || isSpace(source[i + 1]!) || source[i + 1] === ')') {
        return fail("'-' must be followed by a term", start, 'write -field:value, -word or -(group), without a space');
      }
      // `--user:alice` read as "not the text -user:alice" matched nearly everything, in silence.
      if (source[i + 1] === '-') {
        let end = i + 2;
        while (end < n && !isSpace(source[end]!) && !(opened.length > 0 && source[end] === ')')) end++;
        const meant = source.slice(i + 1, end);
        return fail("'--' is not an operator", start, meant === '-' ? '-term excludes' : `${meant} excludes; quote the text to search for it`);
      }
      negated = true;
      i++;
    }
    let field: string | null = null;
    const fieldStart = i;
    FIELD_PREFIX.lastIndex = i;
    const prefix = FIELD_PREFIX.exec(source);
    if (prefix && prefix[0].toLowerCase() !== 'arn:') {
      field = prefix[0].slice(0, -1);
      i += prefix[0].length;
    }
    if (!prefix) {
      PATH_MISSING_KEY.lastIndex = i;
      const broken = PATH_MISSING_KEY.exec(source)?.[0].slice(0, -1);
      if (broken) return fail(`'${broken}' is not a field path: a key is missing after a dot`, i, 'write path.key:value, e.g. requestParameters.bucketName:logs; quote the term to search text');
    }
    const valueStart = i;
    const group = opened.at(-1)?.field ?? null;
    if (field !== null && source[i] === '(') {
      if (group !== null) return fieldInGroup(`${field}:( ... )`, group, fieldStart);
      opened.push({ paren: i, field });
      tokens.push({ kind: 'open', start, paren: i, negated, field });
      i++;
      continue;
    }
    const value = readValue(source, i, opened.length > 0);
    if ('error' in value) return { ok: false, error: value.error };
    i = value.end;
    // `name:(user:alice)` read as user:alice dropped the name: in silence.
    if (field !== null && group !== null) return fieldInGroup(source.slice(fieldStart, i), group, fieldStart);
    const operator = !negated && field === null && !value.value.quoted ? OPERATORS[value.value.text] : undefined;
    const foreign = !negated && field === null && !value.value.quoted ? FOREIGN_OPERATORS[value.value.text] : undefined;
    if (foreign) return fail(`'${value.value.text}' is not an operator here`, start, foreign);
    if (operator) {
      tokens.push({ kind: operator, start, end: i });
      continue;
    }
    // Inside `field:( )` a bare word is a value of that field.
    if (field === null) field = opened.at(-1)?.field ?? null;
    tokens.push({ kind: 'term', term: { negated, field, start, fieldStart, valueStart, end: i, value: value.value } });
  }
  if (opened.length > 0) return fail("'(' is never closed", opened[opened.length - 1]!.paren, "close the group with ')'");
  return { ok: true, tokens };
}

/**
 * Past the `field:( ... )` group opened at `tokens[k]` when it holds only values of its field, side by
 * side or joined by OR (`user:(alice OR bob)`): written out, those are the field repeated side by
 * side, so they join the field's other values there (parse.ts, and a pivot's `+`). Null for any
 * other token or group: a negated one, or one with AND, NOT, `-` or a group inside, keeps its own
 * meaning as a unit.
 */
export function valueGroupEnd(tokens: readonly Token[], k: number): number | null {
  const open = tokens[k];
  if (open?.kind !== 'open' || open.field === null || open.negated) return null;
  for (let j = k + 1; j < tokens.length; j++) {
    const token = tokens[j]!;
    if (token.kind === 'close') return j + 1;
    if (token.kind !== 'or' && (token.kind !== 'term' || token.term.negated)) return null;
  }
  return null;
}

/** The terms alone, in order (for callers that read no syntax). */
export function termsOf(tokens: readonly Token[]): RawTerm[] {
  return tokens.flatMap((token) => (token.kind === 'term' ? [token.term] : []));
}

/** A field term typed inside another field's group: the group gives its words to its own field only. */
function fieldInGroup(typed: string, group: string, position: number): TokenizeResult {
  return fail(`a field group holds values only: ${typed} is inside ${group}:( ... )`, position, `write ${typed} outside ${group}:( ... ); quote a value that holds a colon`);
}

function fail(message: string, position: number, hint: string): TokenizeResult {
  return { ok: false, error: { message, position, hint } };
}

type ReadValue = { value: RawValue; end: number } | { error: QueryError };

/** `\u{...}` inside quotes: 1-6 hex digits, at most U+10FFFF. */
const CODE_POINT_ESCAPE = /^\\u\{(0*(?:10|[0-9a-fA-F])?[0-9a-fA-F]{1,4})\}/;

/** Reads unquoted and quoted runs up to the next space outside quotes (or, inside a group, the next unquoted `)`). */
function readValue(source: string, from: number, inGroup: boolean): ReadValue {
  const segments: string[] = [];
  let current = '';
  let text = '';
  let glob = false;
  let quoted = false;
  let i = from;
  const n = source.length;
  while (i < n && !isSpace(source[i]!) && !(inGroup && source[i] === ')')) {
    const ch = source[i]!;
    if (ch === '"') {
      quoted = true;
      const open = i;
      i++;
      let closed = false;
      while (i < n) {
        const c = source[i]!;
        if (c === '\\' && i + 1 < n && (source[i + 1] === '"' || source[i + 1] === '\\')) {
          current += source[i + 1];
          text += source[i + 1];
          i += 2;
          continue;
        }
        // \u{1b}: a code point by number, how a pivot writes a value's control characters (investigate/pivot.ts).
        const escaped = c === '\\' ? CODE_POINT_ESCAPE.exec(source.slice(i, i + 11)) : null;
        if (escaped) {
          const ch = String.fromCodePoint(parseInt(escaped[1]!, 16));
          current += ch;
          text += ch;
          i += escaped[0].length;
          continue;
        }
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        current += c;
        text += c;
        i++;
      }
      if (!closed) {
        return {
          error: { message: 'unterminated quote', position: open, hint: 'close the quote with "; write \\" for a quote inside' },
        };
      }
      continue;
    }
    if (ch === '*') {
      glob = true;
      segments.push(current);
      current = '';
    } else {
      current += ch;
    }
    text += ch;
    i++;
  }
  segments.push(current);
  return { value: { text, segments, glob, quoted }, end: i };
}
