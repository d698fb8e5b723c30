/**
 * One Sigma field entry (`field|mod|mod: value or list`) as a query AST node.
 *
 * Sigma 2.x value rules, as compiled here:
 * - Strings match whole values, any case. `*` is any run of characters, `?`
 *   one character, `\` escapes `*`, `?` and `\` (a `\` before anything else
 *   is itself). Values without `?` become a glob (ast.ts GlobPattern, literal
 *   runs between `*`); a `?`, or `cased`, needs a regex anchored at both ends.
 * - Numbers and booleans are compared as their text, as the AST compares
 *   record numbers and booleans (`42`, `true`).
 * - `null` matches a missing or null field: not(exists).
 * - contains/startswith/endswith add `*` around the value; wildcards in the
 *   value keep their meaning (`|contains: '*'` is "any value": present).
 * - A list matches when any value does; with `all`, when every value does;
 *   an empty list is Unsupported (neither has a meaning with no value).
 * - `re` is a regular expression, unanchored, case-sensitive unless
 *   `|re|i` or a leading `(?i)`; `m` and `s` add those flags (sigmaRegex.ts
 *   turns Sigma's PCRE-flavoured syntax into JavaScript's).
 * - `exists: true|false`; `cidr` is an IPv4 or IPv6 block.
 * - `fieldref` names another field: the value of this one equals its value
 *   (any case), or with contains/startswith/endswith holds it there (ast.ts
 *   compare node).
 * - Everything else (expand placeholders, base64, wide, windash,
 *   numeric comparisons, neq, time parts) throws Unsupported: the rule is listed
 *   as not run, with this reason, never run with the term dropped.
 */
import { and, not, or, splitPath, type CompareNode, type PathRef, type QueryNode, type ValueMatch } from '../query/ast.js';
import { foldPattern } from '../query/fold.js';
import { asPcre, sigmaRegex } from './sigmaRegex.js';
import { Unsupported } from './unsupported.js';

// Callers import it from here; it lives apart so sigmaRegex.ts can throw it without an import cycle.
export { Unsupported };

const TRANSFORMS = new Set(['contains', 'startswith', 'endswith']);
const REGEX_FLAGS: Record<string, string> = { i: 'i', ignorecase: 'i', m: 'm', multiline: 'm', s: 's', dotall: 's' };
const NOT_SUPPORTED: Record<string, string> = {
  expand: 'placeholders (|expand) need values from the runtime that trailtop does not have',
  base64: 'the |base64 modifier is not supported',
  base64offset: 'the |base64offset modifier is not supported',
  utf16: 'the |utf16 modifier is not supported',
  utf16le: 'the |utf16le modifier is not supported',
  utf16be: 'the |utf16be modifier is not supported',
  wide: 'the |wide modifier is not supported',
  windash: 'the |windash modifier is not supported (Windows command lines)',
  gt: 'numeric comparisons (|gt) are not supported',
  gte: 'numeric comparisons (|gte) are not supported',
  lt: 'numeric comparisons (|lt) are not supported',
  lte: 'numeric comparisons (|lte) are not supported',
  neq: 'the |neq modifier (not equal) is not supported',
  minute: 'time parts (|minute) are not supported',
  hour: 'time parts (|hour) are not supported',
  day: 'time parts (|day) are not supported',
  week: 'time parts (|week) are not supported',
  month: 'time parts (|month) are not supported',
  year: 'time parts (|year) are not supported',
};

type Scalar = string | number | boolean | null;

/** One piece of a Sigma string value: a literal character run, `*` or `?`. */
type Piece = { kind: 'text'; text: string } | { kind: 'star' } | { kind: 'one' };

/** Splits a Sigma string into literal runs and wildcards, applying `\` escapes. */
export function sigmaPieces(value: string): Piece[] {
  const pieces: Piece[] = [];
  let text = '';
  const flush = () => {
    if (text !== '') pieces.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\') {
      const next = value[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        text += next;
        i++;
      } else {
        text += c;
      }
    } else if (c === '*') {
      flush();
      if (pieces[pieces.length - 1]?.kind !== 'star') pieces.push({ kind: 'star' });
    } else if (c === '?') {
      flush();
      pieces.push({ kind: 'one' });
    } else {
      text += c;
    }
  }
  flush();
  return pieces;
}

const REGEX_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

/** A whole-value match for pieces: a glob when it can be one, else an anchored regex. */
export function piecesMatch(pieces: readonly Piece[], cased: boolean): ValueMatch {
  if (!cased && pieces.every((p) => p.kind !== 'one')) {
    const segments: string[] = [''];
    let glob = false;
    for (const piece of pieces) {
      if (piece.kind === 'star') {
        segments.push('');
        glob = true;
      } else if (piece.kind === 'text') {
        segments[segments.length - 1] += foldPattern(piece.text);
      }
    }
    return { kind: 'glob', pattern: { segments, glob } };
  }
  let source = '^';
  for (const piece of pieces) {
    if (piece.kind === 'star') source += '[\\s\\S]*';
    else if (piece.kind === 'one') source += '[\\s\\S]';
    else source += piece.text.replace(REGEX_SYNTAX, '\\$&');
  }
  source += '$';
  return { kind: 'regex', source, flags: cased ? 'u' : 'iu' };
}

function withTransform(pieces: Piece[], transform: string | null): Piece[] {
  const star: Piece = { kind: 'star' };
  let out = pieces;
  if (transform === 'contains' || transform === 'endswith') out = [star, ...out];
  if (transform === 'contains' || transform === 'startswith') out = [...out, star];
  // Runs of stars collapse into one.
  return out.filter((p, i) => !(p.kind === 'star' && out[i - 1]?.kind === 'star'));
}

/** The text a YAML scalar is compared as. */
function scalarText(value: Scalar): string {
  return typeof value === 'string' ? value : String(value);
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const IPV6_CIDR = /^[0-9a-f:.]+\/(\d{1,3})$/i;

function checkCidr(text: string): void {
  const v4 = IPV4_CIDR.exec(text);
  if (v4) {
    if (v4.slice(1, 5).every((n) => Number(n) <= 255) && Number(v4[5]) <= 32) return;
  } else if (IPV6_CIDR.test(text) && text.includes(':') && Number(text.split('/')[1]) <= 128) {
    return;
  }
  throw new Unsupported(`'${text}' is not a CIDR block`);
}

/**
 * The same unanchored regex without its costliest idiom: `.+X` or `.*X` at the
 * start and `X.+` or `X.*` at the end (SigmaHQ writes `.+:assumed-role/aws:.+`)
 * backtrack over every start position, quadratic in the value's length. For a
 * search (does it match anywhere?) `.*` at either end matches nothing extra
 * and `.+` only asks for one more non-line-break character on that side, so
 * they become nothing or a lookaround: 35x faster on ARNs, the same answers
 * (a test checks it on random patterns and texts). Sources with alternation
 * are left alone (a leading `.+` there belongs to one branch only).
 */
export function simplifyRegex(source: string): string {
  if (source.includes('|')) return source;
  let out = source;
  const lead = /^\.([+*])\??/.exec(out);
  if (lead && !/^[*+?{]/.test(out.slice(lead[0].length))) out = (lead[1] === '+' ? '(?<=.)' : '') + out.slice(lead[0].length);
  const trail = /\.([+*])\??$/.exec(out);
  if (trail) {
    const before = out.slice(0, trail.index);
    const escaped = /\\*$/.exec(before)![0].length % 2 === 1;
    if (!escaped && !before.endsWith('(?<=') && !/\[[^\]]*$/.test(before)) out = before + (trail[1] === '+' ? '(?=.)' : '');
  }
  return out;
}

/** Parses `field|mod|mod` into the field's reference and its modifiers. */
function parseKey(key: string): { field: string; modifiers: string[] } {
  const [field = '', ...modifiers] = key.split('|');
  return { field: field.trim(), modifiers: modifiers.map((m) => m.trim().toLowerCase()) };
}

/** `field|modifiers: value` as a node. Throws Unsupported for what Sigma allows and trailtop cannot run, or what is not valid Sigma. */
export function compileFieldEntry(key: string, raw: unknown): QueryNode {
  const { field, modifiers } = parseKey(key);
  if (field === '') throw new Unsupported(`'${key}': keyword searches (no field name) are not supported`);
  let transform: string | null = null;
  let all = false;
  let regex = false;
  let regexFlags = '';
  let exists = false;
  let cidr = false;
  let cased = false;
  let fieldref = false;
  for (const modifier of modifiers) {
    const reason = NOT_SUPPORTED[modifier];
    if (reason) throw new Unsupported(`${field}: ${reason}`);
    if (TRANSFORMS.has(modifier)) {
      if (transform) throw new Unsupported(`${field}: |${transform} and |${modifier} together`);
      transform = modifier;
    } else if (modifier === 'all') all = true;
    else if (modifier === 're') regex = true;
    else if (regex && REGEX_FLAGS[modifier]) regexFlags += REGEX_FLAGS[modifier];
    else if (modifier === 'exists') exists = true;
    else if (modifier === 'cidr') cidr = true;
    else if (modifier === 'cased') cased = true;
    else if (modifier === 'fieldref') fieldref = true;
    else throw new Unsupported(`${field}: unknown modifier |${modifier}`);
  }
  if ([transform !== null, regex, exists, cidr].filter(Boolean).length > 1 || (fieldref && (regex || exists || cidr || cased))) {
    throw new Unsupported(`${field}: modifiers ${modifiers.map((m) => `|${m}`).join('')} do not combine`);
  }
  const ref: PathRef = { kind: 'path', path: splitPath(field) };
  const values = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  // No value to test: an OR of none is false and an AND of none true, so `x: []` never fired and
  // `x|contains|all: []` fired on every event; Sigma gives neither a meaning, so the rule is listed.
  if (values.length === 0) throw new Unsupported(`${field}: an empty list of values`);
  const nodes = values.map((value): QueryNode => {
    if (value !== null && typeof value === 'object') throw new Unsupported(`${field}: a value is a ${Array.isArray(value) ? 'nested list' : 'map'}, not a string`);
    if (fieldref) return compareNode(field, ref, value, transform);
    const scalar = value as Scalar;
    if (exists) {
      const wanted = typeof scalar === 'boolean' ? scalar : scalarText(scalar).toLowerCase();
      if (wanted !== true && wanted !== false && wanted !== 'true' && wanted !== 'false') {
        throw new Unsupported(`${field}|exists: value must be true or false`);
      }
      const node: QueryNode = { kind: 'field', ref, match: { kind: 'exists' } };
      return wanted === true || wanted === 'true' ? node : not(node);
    }
    if (scalar === null) {
      if (regex || cidr || transform) throw new Unsupported(`${field}: null with a modifier`);
      // null: the field is missing or null, i.e. it has no value.
      return not({ kind: 'field', ref, match: { kind: 'exists' } });
    }
    const text = scalarText(scalar);
    if (regex) {
      const { source, flags } = sigmaRegex(field, text, regexFlags);
      // Simplified first: simplifyRegex reads the edges' dots, which asPcre then spells as PCRE means them.
      return { kind: 'field', ref, match: { kind: 'regex', ...asPcre(simplifyRegex(source), flags) } };
    }
    if (cidr) {
      checkCidr(text);
      return { kind: 'field', ref, match: { kind: 'cidr', cidr: text } };
    }
    return { kind: 'field', ref, match: piecesMatch(withTransform(sigmaPieces(text), transform), cased) };
  });
  return all ? and(nodes) : or(nodes);
}

/** `field|fieldref: other`: this field's value against the value of the field `other` names. */
function compareNode(field: string, ref: PathRef, value: unknown, transform: string | null): QueryNode {
  if (typeof value !== 'string' || value.trim() === '') throw new Unsupported(`${field}|fieldref: the value must name a field`);
  const position = transform === null ? 'equals' : (transform as CompareNode['position']);
  return { kind: 'compare', left: ref, right: { kind: 'path', path: splitPath(value.trim()) }, position };
}

/**
 * A search identifier: a map (every entry matches) or a list of maps (any
 * does). A list of plain values is a keyword search: unsupported.
 */
export function compileSearch(name: string, value: unknown): QueryNode {
  if (Array.isArray(value)) {
    if (value.length === 0) throw new Unsupported(`${name}: an empty list`);
    if (value.every((v) => isMap(v))) return or(value.map((v) => compileMap(name, v as Record<string, unknown>)));
    throw new Unsupported(`${name}: keyword searches (a list of values without field names) are not supported`);
  }
  if (isMap(value)) return compileMap(name, value);
  throw new Unsupported(`${name}: a search identifier must be a map or a list of maps`);
}

function compileMap(name: string, map: Record<string, unknown>): QueryNode {
  const entries = Object.entries(map);
  if (entries.length === 0) throw new Unsupported(`${name}: an empty map`);
  return and(entries.map(([key, value]) => compileFieldEntry(key, value)));
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
