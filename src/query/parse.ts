import { and, hasDeepTerm, not, or, splitPath, type FieldNode, type FieldRef, type GlobPattern, type QueryNode, type TagNode, type TimeNode, type WordNode } from './ast.js';
import type { QueryError } from './errors.js';
import { looksLikeCidr } from './cidr.js';
import { fieldSpellings, FIELDS, lookupField, RECORD_KEYS, type FieldSpec } from './fields.js';
import { parseTimeValue } from './time.js';
import { tokenize, valueGroupEnd, type RawTerm, type RawValue, type Token } from './tokenize.js';
import { FUZZY_MAX_LENGTH, FUZZY_MIN_LENGTH } from './vocabulary.js';
import { foldPattern } from './fold.js';

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
 * The query bar's text as a QueryNode (ast.ts).
 *
 * Terms side by side must all hold, except that the same field side by
 * side is either value (`name:A name:B`); an explicit `AND` is strict, so
 * `name:A AND name:B` needs both. `OR` joins terms either of which may hold,
 * and binds tighter than AND, as in Splunk: `a b OR c` is `a AND (b OR c)`,
 * so a term appended to a query (a pivot) narrows the whole of it. `NOT x` is
 * `-x`; parentheses group, `-(...)` excludes a group. A `field:( … )` group
 * of values alone (side by side or with OR) is the field repeated side by
 * side, so it joins that field's other values there: `user:(alice) user:bob`
 * is either.
 *
 * Each conjunction (the query, or a group's inside) is an `and` of, in this
 * order: the words, negated terms, OR chains and groups as typed, then one
 * `or` per positive field and run of terms between explicit ANDs (the same
 * field repeated side by side is either value), then the readonly: terms
 * likewise, then one TimeNode for its bare time terms (they intersect). A group's conjunction joins its parent's children (AND is
 * associative), so the time terms of a group ANDed in still narrow the range
 * callers slice by. `field:*` is `exists`; every other value is a
 * whole-value glob.
 */
export function parseQuery(source: string, options: ParseOptions = {}): ParseResult {
  const tokens = tokenize(source);
  if (!tokens.ok) return tokens;
  const parser = new Parser(tokens.tokens, options.now ?? Date.now(), options.deepTerms ?? false);
  try {
    const ast = parser.query();
    parser.checkRecordGroups(ast);
    return { ok: true, ast };
  } catch (error) {
    if (error instanceof ParseFailure) return { ok: false, error: error.error };
    throw error;
  }
}

class ParseFailure extends Error {
  constructor(readonly error: QueryError) {
    super(error.message);
  }
}

function fail(message: string, position: number, hint: string): never {
  throw new ParseFailure({ message, position, hint });
}

function orFail(result: QueryNode | { error: QueryError }): QueryNode {
  if ('error' in result) throw new ParseFailure(result.error);
  return result;
}

/**
 * A term not yet made a node (its conjunction groups fields and time terms), a node already made, or
 * a `field:( … )` group of values: side by side in a run its terms join that field's others, as the
 * field repeated would (`user:(alice) user:bob` is either); in an OR or under NOT it is its node.
 */
type TermItem = { kind: 'term'; term: RawTerm; negated: boolean };
type NodeItem = { kind: 'node'; node: QueryNode };
type Item = TermItem | NodeItem | { kind: 'values'; terms: TermItem[]; node: QueryNode };

/**
 * Recursive descent over the tokens. `negative` is whether the place being
 * read is under an odd number of negations: a word there is not fuzzy, as a
 * negated word is not (excluding everything a word might mean is rarely
 * what was meant).
 */
class Parser {
  private at = 0;
  /** Where each word and tag was typed, for the check made on the finished tree. */
  private readonly positions = new Map<QueryNode, number>();

  constructor(
    private readonly tokens: readonly Token[],
    private readonly now: number,
    private readonly deepTerms: boolean,
  ) {}

  query(): QueryNode {
    return this.conjunction(false);
  }

  /**
   * A top-level child that holds a record path is decided from the record
   * alone (ast.ts deepPart), where no vocabulary and no marks or rule hits
   * are at hand: a fuzzy word or a tag there would be answered differently
   * than anywhere else, so it is refused at its position. Such a child is an
   * OR (parenthesised or not) or a negation (groups ANDed in are inlined),
   * and the message names which, so it holds without parentheses too.
   */
  checkRecordGroups(ast: QueryNode): void {
    const top = ast.kind === 'and' ? ast.children : [ast];
    for (const child of top) {
      if (child.kind === 'field' || !hasDeepTerm(child)) continue;
      forEachLeafIn(child, false, (leaf, inOr) => {
        const at = this.positions.get(leaf) ?? 0;
        const where = inOr ? 'in an OR' : 'under a NOT';
        const out = inOr ? 'move it out of the OR' : 'move it out of the negated group';
        if (leaf.kind === 'word' && leaf.fuzzy) {
          fail(`a fuzzy word ('${leaf.text}') cannot be ${where} with a record path`, at, `quote it to search text only ("${leaf.text}"), or ${out}`);
        }
        if (leaf.kind === 'tag') {
          fail(`${leaf.tag}: cannot be ${where} with a record path`, at, `records are read without marks and rule hits: ${out}`);
        }
      });
    }
  }

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  /**
   * Until the end or a group's `)`: items side by side or joined by AND. The
   * items come in runs split at each explicit AND: only a run's own terms
   * are side by side, so only they make an either-group of a field.
   */
  private conjunction(negative: boolean): QueryNode {
    const runs: Item[][] = [[]];
    let pendingAnd: Token | null = null;
    for (let token = this.peek(); token && token.kind !== 'close'; token = this.peek()) {
      if (token.kind === 'and') {
        if (runs.at(-1)!.length === 0) fail('AND needs a term before it', token.start, 'write a AND b, or just a b');
        pendingAnd = token;
        runs.push([]);
        this.at++;
        continue;
      }
      if (token.kind === 'or') fail('OR needs a term before it', token.start, 'write a OR b');
      runs.at(-1)!.push(this.disjunction(negative));
      pendingAnd = null;
    }
    if (pendingAnd) fail('AND needs a term after it', pendingAnd.start, 'write a AND b, or just a b');
    return this.build(runs, negative);
  }

  /** An item, or items joined by OR. */
  private disjunction(negative: boolean): Item {
    const first = this.unary(negative);
    if (this.peek()?.kind !== 'or') return first;
    const operands = [this.nodeOf(first, negative)];
    for (let token = this.peek(); token?.kind === 'or'; token = this.peek()) {
      this.at++;
      if (!this.startsItem()) fail('OR needs a term after it', token.start, 'write a OR b');
      operands.push(this.nodeOf(this.unary(negative), negative));
    }
    return { kind: 'node', node: or(operands) };
  }

  private startsItem(): boolean {
    const next = this.peek();
    return next !== undefined && (next.kind === 'term' || next.kind === 'open' || next.kind === 'not');
  }

  /** A term, `NOT` item, or a group. */
  private unary(negative: boolean): Item {
    const token = this.peek()!;
    if (token.kind === 'not') {
      this.at++;
      if (!this.startsItem()) fail('NOT needs a term after it', token.start, 'write NOT name:x, or -name:x');
      const item = this.unary(!negative);
      if (item.kind === 'term') return { kind: 'term', term: item.term, negated: !item.negated };
      return { kind: 'node', node: not(item.node) };
    }
    if (token.kind === 'open') {
      const from = this.at++;
      if (this.peek()?.kind === 'close') fail('empty group', token.paren, 'put terms between the parentheses, or remove them');
      const inside = this.conjunction(token.negated ? !negative : negative);
      this.at++; // the group's ')': tokenize() checked every '(' is closed
      const node = token.negated ? not(inside) : inside;
      // Not a time field's: side by side its terms intersect, where its OR is either range.
      const end = valueGroupEnd(this.tokens, from);
      if (end !== null && lookupField(token.field!)?.kind !== 'time') {
        const terms = this.tokens.slice(from + 1, end - 1).flatMap((t): TermItem[] => (t.kind === 'term' ? [{ kind: 'term', term: t.term, negated: false }] : []));
        return { kind: 'values', terms, node };
      }
      return { kind: 'node', node };
    }
    if (token.kind !== 'term') fail('expected a term', token.start, 'write a term before and after AND and OR');
    this.at++;
    return { kind: 'term', term: token.term, negated: token.term.negated };
  }

  /** One item as a node of its own (an OR's operand): a time term is its own range. */
  private nodeOf(item: Item, negative: boolean): QueryNode {
    return item.kind === 'term' ? this.build([[item]], negative) : item.node;
  }

  /**
   * A conjunction's runs of items (split at explicit ANDs) as its `and` (see
   * parseQuery for the order). A field repeated within a run is either
   * value; across an explicit AND both must hold, so `user:bob AND
   * user:carol` is what it says (nothing, for a field of one value).
   */
  private build(runs: readonly (readonly Item[])[], negative: boolean): QueryNode {
    const inline: QueryNode[] = [];
    // Keyed by run and canonical field name, in order of first appearance.
    const positive = new Map<string, QueryNode[]>();
    const booleans = new Map<string, QueryNode[]>();
    let min = -Infinity;
    let max = Infinity;
    let hasTime = false;
    let relative = false;

    for (const [run, items] of runs.entries()) {
      for (const item of items.flatMap((each): (TermItem | NodeItem)[] => (each.kind === 'values' ? each.terms : [each]))) {
        if (item.kind === 'node') {
          // A group ANDed in: its children are this conjunction's.
          if (item.node.kind === 'and') inline.push(...item.node.children);
          else inline.push(item.node);
          continue;
        }
        const { term, negated } = item;
        if (term.field === null) {
          const word = wordNode(term, negated !== negative);
          if (word) {
            this.positions.set(word, term.start);
            inline.push(negated ? not(word) : word);
          }
          continue;
        }
        const field = lookupField(term.field);
        if (!field) {
          if (!term.field.includes('.') && !RECORD_KEYS.has(term.field)) unknownField(term);
          if (!this.deepTerms) notHere(term);
          const node = orFail(pathTerm(term));
          if (negated) inline.push(not(node));
          else {
            // Keyed by the path as typed: the same path repeated is either value, like a field.
            const key = `${run}.${term.field}`;
            const list = positive.get(key) ?? [];
            list.push(node);
            positive.set(key, list);
          }
          continue;
        }
        if (term.value.text === '' && !term.value.glob) {
          fail(
            `empty value for ${term.field}:`,
            term.fieldStart,
            `give a value, e.g. ${field.example}${field.kind === 'text' ? `, or ${field.name}:* for any` : ''}`,
          );
        }
        if (field.kind === 'time') {
          if (negated) {
            fail(`${term.field}: cannot be negated`, term.start, 'use until: instead of -since:, since: instead of -until:');
          }
          const time = term.value.glob ? null : parseTimeValue(term.value.text, this.now);
          if (!time) badTime(term);
          hasTime = true;
          relative ||= time.relative;
          if (field.bound === 'lower') min = Math.max(min, time.at);
          else max = Math.min(max, time.at + time.span - 1);
          continue;
        }
        if (field.kind === 'params' && !this.deepTerms) notHere(term);
        const node = orFail(fieldTerm(field, term));
        if (node.kind === 'tag') this.positions.set(node, term.fieldStart);
        if (negated) {
          inline.push(not(node));
          continue;
        }
        const groups = field.kind === 'boolean' ? booleans : positive;
        const key = `${run}:${field.name}`;
        const list = groups.get(key) ?? [];
        list.push(node);
        groups.set(key, list);
      }
    }

    const children = [...inline];
    for (const group of positive.values()) children.push(or(group));
    for (const group of booleans.values()) children.push(or(group));
    if (hasTime) {
      const time: TimeNode = { kind: 'time', min, max, relative };
      children.push(time);
    }
    return and(children);
  }
}

/** forEachLeaf, also saying whether an OR lies between `node` and the leaf. */
function forEachLeafIn(node: QueryNode, inOr: boolean, visit: (leaf: QueryNode, inOr: boolean) => void): void {
  if (node.kind === 'and' || node.kind === 'or') for (const child of node.children) forEachLeafIn(child, inOr || node.kind === 'or', visit);
  else if (node.kind === 'not') forEachLeafIn(node.child, inOr, visit);
  else visit(node, inOr);
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
  return { segments: value.segments.map(foldPattern), glob: value.glob };
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
      const runs = value.segments.map(foldPattern);
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
function wordNode(term: RawTerm, negative: boolean): WordNode | null {
  const value = term.value;
  if (value.text === '' && !value.glob) return null;
  const segments = value.segments.map(foldPattern);
  const length = segments[0]!.length;
  const fuzzy = !negative && !value.quoted && !value.glob && length >= FUZZY_MIN_LENGTH && length <= FUZZY_MAX_LENGTH;
  return { kind: 'word', text: value.text, segments, fuzzy };
}

function notHere(term: RawTerm): never {
  fail(`${term.field}: reads whole records, not available here`, term.fieldStart, 'use the summary fields (see ?)');
}

function unknownField(term: RawTerm): never {
  const typed = term.field!;
  const guess = closestField(typed.toLowerCase());
  const hint = guess
    ? `did you mean ${guess}:? (quote the word to search text)`
    : `fields: ${FIELDS.map((f) => f.name).join(' ')}; quote the word to search text`;
  fail(`unknown field '${typed}'`, term.fieldStart, hint);
}

function badTime(term: RawTerm): never {
  const text = term.value.text;
  const looksLikeDuration = /^\d+(\.\d+)?[a-z]*$/i.test(text) || /^[a-z]+$/i.test(text);
  const field = term.field!.toLowerCase();
  return looksLikeDuration
    ? fail(`bad duration '${text}'`, term.valueStart, `use a number and s, m, h, d or w, e.g. ${field}:30m or ${field}:7d`)
    : fail(
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
