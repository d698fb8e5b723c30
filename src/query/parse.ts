import { and, not, or, splitPath, type FieldNode, type FieldRef, type GlobPattern, type QueryNode, type TagNode, type TimeNode, type WordNode } from './ast.js';
import type { QueryError } from './errors.js';
import { looksLikeCidr } from './cidr.js';
import { fieldSpellings, FIELDS, lookupField, RECORD_KEYS, type FieldSpec } from './fields.js';
import { parseTimeValue } from './time.js';
import { tokenize, type RawTerm, type RawValue } from './tokenize.js';
import { FUZZY_MAX_LENGTH, FUZZY_MIN_LENGTH } from './vocabulary.js';
import { foldCase } from './fold.js';

export type ParseResult = { ok: true; ast: QueryNode } | { ok: false; error: QueryError };

export interface ParseOptions {
  /** "now" for relative time terms (since:30m); defaults to Date.now(). */
  now?: number;
  /**
   * Accept deep terms (record paths, params:), which only a caller that reads
   * the records back can answer (compileRecordMatcher). Without it they are
   * an error at their position rather than a silently wider answer.
   */
  deepTerms?: boolean;
}

/**
 * The query bar's text as a QueryNode (ast.ts). The tree is always an `and`
 * of, in this order: the words and negated terms as typed, then one `or`
 * per positive field (the same field repeated is either value), then the
 * readonly: terms, then one TimeNode for all time terms (they intersect).
 * `field:*` is `exists`; every other value is a whole-value glob.
 */
export function parseQuery(source: string, options: ParseOptions = {}): ParseResult {
  const tokens = tokenize(source);
  if (!tokens.ok) return tokens;
  const now = options.now ?? Date.now();
  const inline: QueryNode[] = [];
  // Keyed by canonical field name, in order of first appearance.
  const positive = new Map<string, QueryNode[]>();
  const booleans = new Map<string, QueryNode[]>();
  let min = -Infinity;
  let max = Infinity;
  let hasTime = false;
  let relative = false;

  for (const term of tokens.terms) {
    if (term.field === null) {
      const word = wordNode(term);
      if (word) inline.push(term.negated ? not(word) : word);
      continue;
    }
    const field = lookupField(term.field);
    if (!field) {
      if (!term.field.includes('.') && !RECORD_KEYS.has(term.field)) return unknownField(term);
      if (!options.deepTerms) return notHere(term);
      const node = pathTerm(term);
      if ('error' in node) return { ok: false, error: node.error };
      if (term.negated) inline.push(not(node));
      else {
        // Keyed by the path as typed: the same path repeated is either value, like a field.
        const key = `.${term.field}`;
        const list = positive.get(key) ?? [];
        list.push(node);
        positive.set(key, list);
      }
      continue;
    }
    if (term.value.text === '' && !term.value.glob) {
      return failure(
        `empty value for ${term.field}:`,
        term.fieldStart,
        `give a value, e.g. ${field.example}${field.kind === 'text' ? `, or ${field.name}:* for any` : ''}`,
      );
    }
    if (field.kind === 'time') {
      if (term.negated) {
        return failure(`${term.field}: cannot be negated`, term.start, 'use until: instead of -since:, since: instead of -until:');
      }
      const time = term.value.glob ? null : parseTimeValue(term.value.text, now);
      if (!time) return badTime(term);
      hasTime = true;
      relative ||= time.relative;
      if (field.bound === 'lower') min = Math.max(min, time.at);
      else max = Math.min(max, time.at + time.span - 1);
      continue;
    }
    if (field.kind === 'params' && !options.deepTerms) return notHere(term);
    const node = fieldTerm(field, term);
    if ('error' in node) return { ok: false, error: node.error };
    if (term.negated) {
      inline.push(not(node));
      continue;
    }
    const groups = field.kind === 'boolean' ? booleans : positive;
    const list = groups.get(field.name) ?? [];
    list.push(node);
    groups.set(field.name, list);
  }

  const children = [...inline];
  for (const group of positive.values()) children.push(or(group));
  for (const group of booleans.values()) children.push(or(group));
  if (hasTime) {
    const time: TimeNode = { kind: 'time', min, max, relative };
    children.push(time);
  }
  return { ok: true, ast: and(children) };
}

/** `a.b.c:value`: a path into the record; an address block (`10.0.0.0/8`) also matches the addresses in it. */
function pathTerm(term: RawTerm): QueryNode | { error: QueryError } {
  const path = splitPath(term.field!);
  const empty = path.findIndex((key) => key === '');
  if (empty >= 0) {
    return { error: { message: `empty key in path '${term.field}'`, position: term.fieldStart, hint: 'write keys between dots: requestParameters.bucketName:x' } };
  }
  if (term.value.text === '' && !term.value.glob) {
    return { error: { message: `empty value for ${term.field}:`, position: term.fieldStart, hint: `give a value, or ${term.field}:* for any` } };
  }
  const ref = { kind: 'path', path } as const;
  return valueNode(ref, term.value);
}

/** A value term on a ref: `*` exists, an address block also by CIDR, else a whole-value glob. */
function valueNode(ref: FieldRef, value: RawValue): QueryNode {
  if (isAnyValue(value)) return { kind: 'field', ref, match: { kind: 'exists' } };
  const glob: FieldNode = { kind: 'field', ref, match: { kind: 'glob', pattern: globOf(value) } };
  // A value with a / that parses as a block: the block's own text (a cidrIp value), or an address inside it.
  if (!value.glob && looksLikeCidr(value.text)) return or([glob, { kind: 'field', ref, match: { kind: 'cidr', cidr: value.text } }]);
  return glob;
}

/** A value as a lowercase glob pattern (one segment when it has no `*`). */
export function globOf(value: RawValue): GlobPattern {
  return { segments: value.segments.map(foldCase), glob: value.glob };
}

/** `*` alone (or only stars): "has a value". */
function isAnyValue(value: RawValue): boolean {
  return value.glob && value.segments.every((s) => s === '');
}

function fieldTerm(field: Exclude<FieldSpec, { kind: 'time' }>, term: RawTerm): QueryNode | { error: QueryError } {
  const value = term.value;
  switch (field.kind) {
    case 'boolean': {
      const text = value.glob ? '' : value.text.toLowerCase();
      if (text !== 'true' && text !== 'false') {
        return { error: { message: `${field.name}: must be true or false, not '${value.text}'`, position: term.valueStart, hint: `e.g. ${field.example}` } };
      }
      const node: FieldNode = { kind: 'field', ref: { kind: 'summary', name: field.name }, match: { kind: 'boolean', value: text === 'true' } };
      return node;
    }
    case 'text': {
      const ref = { kind: 'summary', name: field.name } as const;
      if (field.addresses) {
        // A source address never holds a '/': one typed with it is a block, and a block that does not parse
        // (ip:10.0.0.0/33) would otherwise search text and find nothing, in silence. Quoted, it is text.
        if (!value.glob && !value.quoted && value.text.includes('/') && !looksLikeCidr(value.text)) {
          return { error: { message: `${field.name}: '${value.text}' is not an address block`, position: term.valueStart, hint: 'write a.b.c.d/0-32 or an IPv6 block /0-128, e.g. ip:10.0.0.0/8' } };
        }
        return valueNode(ref, value);
      }
      const node: FieldNode = { kind: 'field', ref, match: isAnyValue(value) ? { kind: 'exists' } : { kind: 'glob', pattern: globOf(value) } };
      return node;
    }
    case 'params': {
      // A substring of the text: the runs anywhere, in order.
      const runs = value.segments.map(foldCase);
      const node: FieldNode = {
        kind: 'field',
        ref: { kind: 'params' },
        match: isAnyValue(value) ? { kind: 'exists' } : { kind: 'glob', pattern: { segments: ['', ...runs, ''], glob: true } },
      };
      return node;
    }
    case 'tag': {
      if (field.tag === 'mark' && !isAnyValue(value)) {
        return { error: { message: `mark: takes only *, not '${value.text}'`, position: term.valueStart, hint: 'mark:* for marked events, -mark:* for the others' } };
      }
      const node: TagNode = {
        kind: 'tag',
        tag: field.tag,
        match: isAnyValue(value) ? { kind: 'exists' } : { kind: 'glob', pattern: globOf(value) },
      };
      return node;
    }
  }
}

/**
 * A plain word. Unquoted, not negated words without `*` of FUZZY_MIN_LENGTH
 * to FUZZY_MAX_LENGTH letters may also match what a vocabulary says they mean.
 * An empty word (`""`) is no term.
 */
function wordNode(term: RawTerm): WordNode | null {
  const value = term.value;
  if (value.text === '' && !value.glob) return null;
  const segments = value.segments.map(foldCase);
  const length = segments[0]!.length;
  const fuzzy = !term.negated && !value.quoted && !value.glob && length >= FUZZY_MIN_LENGTH && length <= FUZZY_MAX_LENGTH;
  return { kind: 'word', text: value.text, segments, fuzzy };
}

function notHere(term: RawTerm): ParseResult {
  return failure(`${term.field}: reads whole records, not available here`, term.fieldStart, 'use the summary fields (see ?)');
}

function failure(message: string, position: number, hint: string): ParseResult {
  return { ok: false, error: { message, position, hint } };
}

function unknownField(term: RawTerm): ParseResult {
  const typed = term.field!;
  const guess = closestField(typed.toLowerCase());
  const hint = guess
    ? `did you mean ${guess}:? (quote the word to search text)`
    : `fields: ${FIELDS.map((f) => f.name).join(' ')}; quote the word to search text`;
  return failure(`unknown field '${typed}'`, term.fieldStart, hint);
}

function badTime(term: RawTerm): ParseResult {
  const text = term.value.text;
  const looksLikeDuration = /^\d+(\.\d+)?[a-z]*$/i.test(text) || /^[a-z]+$/i.test(text);
  const field = term.field!.toLowerCase();
  return looksLikeDuration
    ? failure(`bad duration '${text}'`, term.valueStart, `use a number and s, m, h, d or w, e.g. ${field}:30m or ${field}:7d`)
    : failure(
        `bad time '${text}'`,
        term.valueStart,
        `use an ISO time: 2024-03-05, 2024-03-05T14:00Z or 2024-03-05T14:00:00+11:00 (UTC unless an offset is given)`,
      );
}

function closestField(typed: string): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const spelling of fieldSpellings()) {
    const distance = spelling.startsWith(typed) && typed.length >= 2 ? 0.5 : editDistance(typed, spelling);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = spelling;
    }
  }
  const allowed = typed.length <= 3 ? 1 : 2;
  return bestDistance <= allowed ? best : null;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
