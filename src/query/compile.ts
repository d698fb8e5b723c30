import type { EventRow, ResourceRef } from '../model/types.js';
import { READ_ONLY_FALSE, READ_ONLY_NULL, READ_ONLY_TRUE } from '../store/columns.js';
import {
  ALWAYS,
  anyTest,
  NEVER,
  everyTest,
  notTest,
  resourcesTest,
  scalarTest,
  userNamesTest,
  denseAnswersSliced,
  withDense,
  type ColumnContext,
  type SeqTest,
} from './columnTests.js';
import { forEachLeaf, hasDeepTerm, type FieldNode, type QueryNode, type TagContext, type TagNode, type ValueMatch, type WordNode } from './ast.js';
import type { QueryError } from './errors.js';
import { FUZZY_FIELDS, lookupField, type BooleanField, type TextField, type ValueVisitor } from './fields.js';
import { parseQuery } from './parse.js';
import { valueTester, type ValuePattern } from './pattern.js';
import { textMatcher } from './valueMatch.js';
import { FUZZY_MAX_LENGTH, FUZZY_MIN_LENGTH, type Vocabulary } from './vocabulary.js';
import { offColumnsTest } from './offColumns.js';
import { wordTestSliced } from './wordColumns.js';
import { runSliced, slicedValue, type Sliced } from './sliced.js';
import { containsInOrder, containsWord } from './words.js';
import { foldCase } from './fold.js';
import { isFailedConsoleLogin } from '../model/failure.js';

/** What a fuzzy word was taken to mean, for "assumrole ~ AssumeRole, AssumeRoleWithSAML". */
export interface FuzzyExplanation {
  word: string;
  /** Matched values, best first (at most `limit` of explain()). */
  values: string[];
  /** How many more matched than are listed. */
  more: number;
}

export interface CompiledQuery {
  readonly source: string;
  /** The tree this was compiled from (parse.ts for query text). */
  readonly ast: QueryNode;
  /**
   * The query has a deep term (a path or params ref, ast.ts hasDeepTerm):
   * then `test` and `seqTest` are a superset, keeping every row the query
   * could match; the record decides (compileRecordMatcher in recordMatch.ts).
   */
  readonly deep: boolean;
  readonly isEmpty: boolean;
  test(row: EventRow): boolean;
  /**
   * The same test over the store's columns, by seq, for every term except the
   * time range: callers apply that by slicing the newest-first order (timeSlice).
   */
  seqTest(context: ColumnContext): SeqTest;
  /**
   * seqTest a slice at a time (sliced.ts): a plain word over a million rows
   * builds and searches on-row text and reads rows, most of a second in one
   * go; a paced caller (filter.ts filterStoreChunked) yields or stops between slices.
   */
  seqTestSliced(context: ColumnContext): Sliced<SeqTest>;
  /** Inclusive time bounds from since:/until:/from:/to: (±Infinity when open); null without time terms. */
  readonly timeRange: { readonly min: number; readonly max: number } | null;
  /** A since:/until: duration is counted from compile time: recompile now and then to move the window. */
  readonly relativeTime: boolean;
  /** The values each fuzzy word currently stands for (grows as the vocabulary does). */
  explain(limit?: number): FuzzyExplanation[];
}

export type CompileResult = { ok: true; query: CompiledQuery } | { ok: false; error: QueryError };

export interface CompileOptions {
  /** "now" for relative time terms (since:30m); defaults to Date.now(). */
  now?: number;
  /** Distinct field values that plain words are fuzzily matched against; without it words are substring-only. */
  vocabulary?: Vocabulary;
  /** Accept record paths and params: (see ParseOptions.deepTerms): only callers that read records back. */
  deepTerms?: boolean;
  /** The marks and rule hits rule: and mark: terms read (by eventID, row.id); without them those terms match nothing. */
  tags?: TagContext;
}

type Predicate = (row: EventRow) => boolean;

/** Cheap tests run first so most rows are rejected before the text scan. */
const COST_TIME = 0;
const COST_BOOLEAN = 1;
const COST_FIELD = 2;
const COST_UNIQUE = 3;
const COST_WORD = 4;
const COST_FUZZY = 5;
const COST_TAG = 6;
/** A deep term is decided by reading the record, after every summary test. */
const COST_DEEP = 7;

interface Step {
  cost: number;
  test: Predicate;
  /** The column form of `test`; null when the step needs no test there (the time range); absent: read the row. */
  bind?: Bind;
}

type Bind = (context: ColumnContext) => Sliced<SeqTest | null>;

/** A bind that does its work at once: a column test made from a few arrays, in no time worth slicing. */
function atOnce(bind: (context: ColumnContext) => SeqTest | null): Bind {
  return (context) => slicedValue(bind(context));
}

export function compileQuery(source: string, options: CompileOptions = {}): CompileResult {
  const parsed = parseQuery(source, { now: options.now, deepTerms: options.deepTerms });
  if (!parsed.ok) return parsed;
  return { ok: true, query: compileNode(parsed.ast, options, source) };
}

/**
 * Compiles a query AST for rows: the one compiler behind the query bar and
 * Sigma rules (which build ASTs directly). A deep term (path or params ref)
 * cannot be decided from a row: `test` and `seqTest` then keep every row it
 * might match (see CompiledQuery.deep), and compileRecordMatcher
 * (recordMatch.ts) gives the exact answer from the record.
 */
export function compileNode(ast: QueryNode, options: CompileOptions = {}, source = ''): CompiledQuery {
  const compiler = new Compiler(options);
  // Time terms at the top of the tree are a range callers slice by (timeSlice); anywhere else they test rows.
  const top = ast.kind === 'and' ? ast.children : [ast];
  let min = -Infinity;
  let max = Infinity;
  let hasTime = false;
  for (const child of top) {
    if (child.kind !== 'time') continue;
    hasTime = true;
    min = Math.max(min, child.min);
    max = Math.min(max, child.max);
    compiler.sliced.add(child);
  }
  // A since: inside a group moves with the clock too, though it tests rows rather than slicing them.
  let relativeTime = false;
  forEachLeaf(ast, (leaf) => {
    if (leaf.kind === 'time' && leaf.relative) relativeTime = true;
  });
  const root = compiler.compile(ast, true);
  const isEmpty = ast.kind === 'const' ? ast.value : ast.kind === 'and' && ast.children.length === 0;
  const seqTestSliced = function* (context: ColumnContext): Sliced<SeqTest> {
    const bound = root.bind ? yield* root.bind(context) : null;
    if (bound) return bound;
    if (!root.bind) {
      const log = context.log;
      const test = root.test;
      return (seq) => test(log[seq]!);
    }
    return ALWAYS;
  };
  return {
    source,
    ast,
    deep: hasDeepTerm(ast),
    isEmpty,
    test: root.test,
    seqTest: (context) => runSliced(seqTestSliced(context)),
    seqTestSliced,
    timeRange: hasTime ? { min, max } : null,
    relativeTime,
    explain: (limit = 8) => compiler.fuzzyWords.map((w) => w.explain(limit)),
  };
}

class Compiler {
  readonly fuzzyWords: FuzzyWord[] = [];
  /** Top-level time nodes: applied by slicing newest-first rows, so they need no column test. */
  readonly sliced = new Set<QueryNode>();

  constructor(private readonly options: CompileOptions) {}

  /**
   * `positive`: whether the node counts positively (under an even number of
   * nots). A deep term is taken as true where positive and false where not,
   * so the result keeps every row the exact answer could keep.
   */
  compile(node: QueryNode, positive: boolean): Step {
    switch (node.kind) {
      case 'const':
        return { cost: COST_TIME, test: node.value ? () => true : () => false, bind: atOnce(() => (node.value ? ALWAYS : NEVER)) };
      case 'and': {
        const steps = node.children.map((child) => this.compile(child, positive));
        steps.sort((a, b) => a.cost - b.cost);
        return {
          cost: maxCost(steps),
          test: combine(steps.map((s) => s.test)),
          bind: (context) => bindSteps(steps, context),
        };
      }
      case 'or': {
        const merged = mergedField(node.children);
        if (merged) return fieldStep(merged.field, merged.patterns);
        const steps = node.children.map((child) => this.compile(child, positive));
        const tests = steps.map((s) => s.test);
        const binds = steps.every((s) => s.bind) ? steps.map((s) => s.bind!) : null;
        const bindAll = function* (context: ColumnContext): Sliced<SeqTest> {
          const tests: SeqTest[] = [];
          for (const bind of binds!) tests.push((yield* bind(context)) ?? ALWAYS);
          return anyTest(tests);
        };
        return {
          cost: maxCost(steps),
          test: (row) => {
            for (let k = 0; k < tests.length; k++) if (tests[k]!(row)) return true;
            return false;
          },
          bind: binds ? bindAll : undefined,
        };
      }
      case 'not': {
        const step = this.compile(node.child, !positive);
        const bind = step.bind;
        const bindNot = function* (context: ColumnContext): Sliced<SeqTest> {
          return notTest((yield* bind!(context)) ?? ALWAYS);
        };
        return { cost: step.cost, test: negate(step.test), bind: bind && bindNot };
      }
      case 'field':
        return this.field(node, positive);
      case 'word': {
        const step = wordStep(node, this.options.vocabulary);
        if (step instanceof FuzzyWord) {
          this.fuzzyWords.push(step);
          return { cost: COST_FUZZY, test: step.test.bind(step), bind: step.inText ? undefined : (context) => step.bindColumns(context) };
        }
        return step;
      }
      case 'time': {
        const lo = node.min;
        const hi = node.max;
        // NaN times fail both comparisons: rows whose time did not parse are outside every range.
        const test: Predicate = (row) => row.time >= lo && row.time <= hi;
        if (this.sliced.has(node)) return { cost: COST_TIME, test, bind: atOnce(() => null) };
        return { cost: COST_TIME, test };
      }
      case 'tag': {
        const member = tagMembership(node, this.options.tags);
        return { cost: COST_TAG, test: (row) => member(row) };
      }
      case 'compare':
        return deepStep(positive);
    }
  }

  private field(node: FieldNode, positive: boolean): Step {
    const ref = node.ref;
    if (ref.kind !== 'summary') return deepStep(positive);
    const field = lookupField(ref.name);
    if (!field) throw new Error(`query AST names no field '${ref.name}'`);
    if (field.kind === 'text') {
      const match = node.match;
      if (match.kind === 'glob') return fieldStep(field, [match.pattern]);
      if (match.kind === 'exists') return fieldStep(field, [ANY_VALUE]);
      return fieldStepWith(field, fieldVisitor(field, match));
    }
    if (field.kind === 'boolean') return booleanStep(field, node.match);
    throw new Error(`query AST: ${field.name} is not a value field`);
  }
}

/** `*`: any non-empty value. */
const ANY_VALUE: ValuePattern = { segments: ['', ''], glob: true };

/** The same text field repeated under one `or` (name:A name:B) is one tester over all its patterns. */
function mergedField(children: readonly QueryNode[]): { field: TextField; patterns: ValuePattern[] } | null {
  let field: TextField | null = null;
  const patterns: ValuePattern[] = [];
  for (const child of children) {
    if (child.kind !== 'field' || child.ref.kind !== 'summary') return null;
    const spec = lookupField(child.ref.name);
    if (!spec || spec.kind !== 'text' || (field !== null && spec !== field)) return null;
    field = spec;
    if (child.match.kind === 'glob') patterns.push(child.match.pattern);
    else if (child.match.kind === 'exists') patterns.push(ANY_VALUE);
    else return null;
  }
  return field && { field, patterns };
}

function booleanStep(field: BooleanField, match: ValueMatch): Step {
  if (match.kind === 'boolean') {
    const wanted = match.value;
    const code = wanted ? READ_ONLY_TRUE : READ_ONLY_FALSE;
    return {
      cost: COST_BOOLEAN,
      test: (row) => field.get(row) === wanted,
      bind: atOnce((context) => {
        const ids = context.columns.readOnly.ids;
        return withDense(
          (seq) => ids[seq] === code,
          (end) => readOnlyAnswers(ids, end, (id) => id === code),
        );
      }),
    };
  }
  const decide = booleanDecider(match);
  const yesTrue = decide(true);
  const yesFalse = decide(false);
  return {
    cost: COST_BOOLEAN,
    test: (row) => decide(field.get(row)),
    bind: atOnce((context) => {
      const ids = context.columns.readOnly.ids;
      const passes = (id: number | undefined): boolean => (id === READ_ONLY_NULL ? false : id === READ_ONLY_TRUE ? yesTrue : yesFalse);
      return withDense(
        (seq) => passes(ids[seq]),
        (end) => readOnlyAnswers(ids, end, passes),
      );
    }),
  };
}

/** The readOnly column's answers for seqs [0, end) (columnTests.ts DenseAnswers), by its three codes. */
function readOnlyAnswers(ids: ArrayLike<number>, end: number, passes: (id: number) => boolean): Uint8Array | null {
  if (end > ids.length) return null;
  const byCode = new Uint8Array(3);
  for (const code of [READ_ONLY_NULL, READ_ONLY_FALSE, READ_ONLY_TRUE]) byCode[code] = passes(code) ? 1 : 0;
  const out = new Uint8Array(end);
  for (let seq = 0; seq < end; seq++) out[seq] = byCode[ids[seq]!]!;
  return out;
}

/** A boolean field's value against a match: `boolean` compares the flag, other matches its text (true/false); no flag is no value. */
export function booleanDecider(match: ValueMatch): (value: boolean | null) => boolean {
  if (match.kind === 'boolean') {
    const wanted = match.value;
    return (value) => value === wanted;
  }
  const matches = textMatcher(match);
  const yesTrue = matches('true');
  const yesFalse = matches('false');
  return (value) => (value === null ? false : value ? yesTrue : yesFalse);
}

/** The per-value test a summary text field's match makes (the same one the row and column tests use); '' never matches. */
export function fieldVisitor(field: TextField, match: ValueMatch): ValueVisitor {
  if (match.kind === 'glob') return valueTester(field, [match.pattern]);
  if (match.kind === 'exists') return valueTester(field, [ANY_VALUE]);
  return memoized(textMatcher(match));
}

/** The event a TagNode tests: its eventID, and its row seq in the store (-1 when not a stored row). */
export interface TaggedEvent {
  readonly id: string;
  readonly seq: number;
}

/** Whether the event is in a TagNode's set; false when the context has no such set. */
export function tagMembership(node: TagNode, tags: TagContext | undefined): (event: TaggedEvent) => boolean {
  if (node.tag === 'mark') {
    const matches = node.match.kind === 'exists' ? null : textMatcher(node.match);
    // Marks are event ids: mark:* is membership; any other match tests the id itself.
    return (event) => {
      // A stored row's id is made from bytes at each read (store/eventIds.ts): none is read without marks.
      const marks = tags?.marks;
      if (marks === undefined || marks.size === 0) return false;
      const id = event.id;
      return marks.has(id) && (matches === null || matches(id));
    };
  }
  const matches = textMatcher(node.match);
  const named = new Map<string, boolean>();
  const ruleMatches = (rule: { readonly id: string; readonly title: string }): boolean => {
    const key = `${rule.id}\n${rule.title}`;
    let answer = named.get(key);
    if (answer === undefined) {
      answer = matches(rule.id) || matches(rule.title);
      named.set(key, answer);
    }
    return answer;
  };
  // The rules the term names, picked once per list (a rule's id and title never change; its set grows):
  // a row then costs a set lookup per named rule, not one per loaded rule (75 with the SigmaHQ pack).
  type TagRule = NonNullable<TagContext['rules']>[number];
  let pickedFrom: readonly TagRule[] | null = null;
  let pickedLength = -1;
  let picked: TagRule[] = [];
  return (event) => {
    const rules = tags?.rules;
    if (!rules) return false;
    if (rules !== pickedFrom || rules.length !== pickedLength) {
      picked = rules.filter(ruleMatches);
      pickedFrom = rules;
      pickedLength = rules.length;
    }
    for (let k = 0; k < picked.length; k++) if (picked[k]!.hasRow(event)) return true;
    return false;
  };
}

function memoized(test: (value: string) => boolean): ValueVisitor {
  const memo = new Map<string, boolean>();
  return (value) => {
    if (value === '') return false;
    let answer = memo.get(value);
    if (answer === undefined) {
      answer = test(value);
      if (memo.size < 200_000) memo.set(value, answer);
    }
    return answer;
  };
}

function maxCost(steps: readonly Step[]): number {
  let cost = 0;
  for (const step of steps) cost = Math.max(cost, step.cost);
  return cost;
}

/** Whether any of the row's values for the field matches any of the patterns: on the row, and by column. */
function fieldStep(field: TextField, patterns: readonly ValuePattern[]): Step {
  return fieldStepWith(field, valueTester(field, patterns));
}

/** Whether any of the row's values for the field passes `matches` (which rejects ''): on the row, and by column. */
function fieldStepWith(field: TextField, matches: ValueVisitor): Step {
  const columns = field.columns;
  const off = field.offColumns;
  return {
    cost: costOf(field),
    test: (row) => field.anyValue(row, matches),
    bind:
      columns &&
      atOnce((context) => {
        const tests = columns.scalars.map((key) => scalarTest(context, key, matches));
        if (columns.userNames) tests.push(userNamesTest(context, (names) => names.some(matches)));
        const resource = columns.resource;
        if (resource) tests.push(resourcesTest(context, (resources) => resources.some((r) => resource(r, matches))));
        if (off) {
          const rest = offColumnsTest(context, field, off, matches);
          if (rest) tests.push(rest);
        }
        return anyTest(tests);
      }),
  };
}

/** A term decided from the record (recordMatch.ts): on rows only as wide as it could be. */
function deepStep(positive: boolean): Step {
  return { cost: COST_DEEP, test: positive ? () => true : () => false, bind: atOnce(() => (positive ? ALWAYS : NEVER)) };
}

function negate(test: Predicate): Predicate {
  return (row) => !test(row);
}


/**
 * The steps as one test by seq: column steps first (cheapest first, as
 * sorted), then the steps that must read the row, so most rows are decided
 * without fetching their objects.
 */
function* bindSteps(steps: readonly Step[], context: ColumnContext): Sliced<SeqTest> {
  const byColumn: SeqTest[] = [];
  const byRow: Predicate[] = [];
  let narrowed = context;
  for (const step of steps) {
    if (!step.bind) {
      byRow.push(step.test);
      continue;
    }
    // Counted only when another term follows: the scan itself needs no count.
    const previous = byColumn[byColumn.length - 1];
    if (previous !== undefined) narrowed = yield* narrowedBy(narrowed, previous);
    const bound = yield* step.bind(narrowed);
    if (bound) byColumn.push(bound);
  }
  if (byRow.length === 0) return everyTest(byColumn);
  const log = context.log;
  const rowTest = combine(byRow);
  return everyTest([...byColumn, (seq) => rowTest(log[seq]!)]);
}

/** Below this many scanned rows, counting a term's passing rows costs more than deciding later terms' values up front would waste. */
const NARROW_MIN_ROWS = 65_536;
/** The fewest rows a narrowed term is told it scans (wordColumns.ts searches on-row text from 16,384). */
const NARROW_FLOOR = 16_384;
/** Only a term that passes at most 1/NARROW_SHARE of the rows narrows the next ones. */
const NARROW_SHARE = 16;

/**
 * The context for the terms after `test` in an `and`: they see only the rows
 * it passes. When its answers for every row are at hand (columnTests.ts
 * DenseAnswers), the next terms are told how few rows that is, so a term
 * that passes a few thousand rows (error:AccessDenied) keeps the next one
 * (user:...) from deciding all 45,000 user lists of a high-cardinality
 * store up front; it decides those its rows ask about.
 */
function* narrowedBy(context: ColumnContext, test: SeqTest): Sliced<ColumnContext> {
  if (context.scanRows < NARROW_MIN_ROWS) return context;
  const end = context.log.length;
  const answers = yield* denseAnswersSliced(test, end);
  if (answers === null) return context;
  let passing = 0;
  for (let seq = 0; seq < end; seq++) passing += answers[seq]!;
  // A term passing many rows leaves the next ones as they were: deciding every value at once, and
  // answering every row at once (a word: wordColumns.ts denseWordTest), is cheaper than per row then.
  if (passing * NARROW_SHARE > end) return context;
  // The passing share of the whole log, applied to the rows the scan covers.
  // Not below NARROW_FLOOR: a word then still searches its on-row text once rather than reading
  // thousands of rows' own values (resource lists made again at each read) one by one.
  const scanRows = Math.max(NARROW_FLOOR, Math.ceil((passing * context.scanRows) / Math.max(end, 1)));
  return scanRows < context.scanRows ? { ...context, scanRows } : context;
}

function costOf(field: TextField): number {
  return field.unique ? COST_UNIQUE : COST_FIELD;
}

function combine(tests: Predicate[]): Predicate {
  switch (tests.length) {
    case 0:
      return () => true;
    case 1:
      return tests[0]!;
    case 2: {
      const [a, b] = tests as [Predicate, Predicate];
      return (row) => a(row) && b(row);
    }
    default:
      return (row) => {
        for (let i = 0; i < tests.length; i++) if (!tests[i]!(row)) return false;
        return true;
      };
  }
}

/**
 * A plain word: substring of the row's lowercase text; with `*`, its pieces in
 * order. Unquoted words of FUZZY_MIN_LENGTH to FUZZY_MAX_LENGTH letters also match rows whose
 * field values the vocabulary says the word means. Negated and quoted words
 * are exact text only, so excluding never hides rows by a guess.
 */
function wordStep(node: WordNode, vocabulary: Vocabulary | undefined): Step | FuzzyWord {
  const segments = node.segments;
  const glob = segments.length > 1;
  let test: Predicate;
  if (glob) {
    test = containsInOrder(segments);
  } else {
    const word = segments[0]!;
    if (node.fuzzy && vocabulary && word.length >= FUZZY_MIN_LENGTH && word.length <= FUZZY_MAX_LENGTH) {
      return new FuzzyWord(word, vocabulary);
    }
    test = containsWord(word);
  }
  // One remembered answer per distinct value: only a single run without a line break is bound to columns.
  const runs = segments.filter((s) => s !== '');
  const single = runs.length === 1 && !runs[0]!.includes('\n') ? runs[0]! : null;
  const bind = single === null ? undefined : (context: ColumnContext) => wordTestSliced(context, single);
  return { cost: COST_WORD, test, bind };
}

/**
 * A fuzzy word keeps, per fuzzy field, the set of values fuse.js matched.
 * When the vocabulary grows it searches only the new entries, so rows that
 * arrive later with a new matching value are found without recompiling.
 */
class FuzzyWord {
  private readonly sets: Set<string>[] = FUZZY_FIELDS.map(() => new Set<string>());
  private readonly hits: { value: string; score: number }[] = [];
  private seen = 0;
  /** Per distinct value: bit 0 when it contains the word, bit k+1 when it is in FUZZY_FIELDS[k]'s set. */
  private readonly flags = new Map<string, number>();
  /** Per shared (frozen) user-name or resource list: whether it makes the row match. */
  private readonly lists = new Map<readonly unknown[], boolean>();
  /** Which bits count for each kind of row value (the fuzzy fields' fuzzyValue, spelled out for speed). */
  private readonly nameMask = 1 | fuzzyBit('name');
  private readonly userMask = 1 | fuzzyBit('user');
  private readonly sourceMask = 1 | fuzzyBit('source');
  private readonly resourceMask = 1 | fuzzyBit('resource');
  private readonly errorMask = 1 | fuzzyBit('error');
  /** Only a word with a line break (never typed unquoted) needs the generic, slower walk. */
  readonly inText: ((row: EventRow) => boolean) | null;

  constructor(
    private readonly word: string,
    private readonly vocabulary: Vocabulary,
  ) {
    this.inText = word.includes('\n') ? containsWord(word) : null;
    this.sync();
  }

  test(row: EventRow): boolean {
    if (this.vocabulary.count !== this.seen) this.sync();
    if (this.inText) return this.slowTest(row);
    // One remembered answer per distinct value covers both the text and the fuzzy sets:
    // the search text's values (model/searchText.ts) in its order, each with its field's bit.
    if (row.name !== '' && (this.flagsOf(row.name) & this.nameMask) !== 0) return true;
    if (row.source !== '' && (this.flagsOf(row.source) & this.sourceMask) !== 0) return true;
    if (row.actor !== '' && (this.flagsOf(row.actor) & this.userMask) !== 0) return true;
    if (row.userNames.length > 0 && this.namesMatch(row.userNames)) return true;
    if (row.resources.length > 0 && this.resourcesMatch(row.resources)) return true;
    if (row.sourceIp !== '' && (this.flagsOf(row.sourceIp) & 1) !== 0) return true;
    if (row.errorCode !== '') {
      if ((this.flagsOf(row.errorCode) & this.errorMask) !== 0) return true;
      // A failed sign-in's errorMessage is its error label (searchText.ts): text only, the fuzzy set holds codes.
    } else if (isFailedConsoleLogin(row) && (this.flagsOf(row.errorMessage) & 1) !== 0) return true;
    if (row.region !== '' && (this.flagsOf(row.region) & 1) !== 0) return true;
    return row.accessKey !== '' && (this.flagsOf(row.accessKey) & 1) !== 0;
  }

  /** The test by column: the same parts and value sets as test(), decided once per distinct value. */
  *bindColumns(context: ColumnContext): Sliced<SeqTest> {
    this.sync();
    const setOf = (field: string): ReadonlySet<string> | undefined => {
      const set = this.sets[FUZZY_FIELDS.findIndex((f) => f.name === field)];
      return set && set.size > 0 ? set : undefined;
    };
    const user = setOf('user');
    return yield* wordTestSliced(context, this.word, {
      scalars: { name: setOf('name'), source: setOf('source'), actor: user, errorCode: setOf('error') },
      userNames: user,
      resourceNames: setOf('resource'),
    });
  }

  private flagsOf(value: string): number {
    let flags = this.flags.get(value);
    if (flags === undefined) {
      flags = foldCase(value).includes(this.word) ? 1 : 0;
      const sets = this.sets;
      for (let k = 0; k < sets.length; k++) if (sets[k]!.has(value)) flags |= 2 << k;
      if (this.flags.size < FUZZY_MEMO_LIMIT) this.flags.set(value, flags);
    }
    return flags;
  }

  private namesMatch(names: readonly string[]): boolean {
    let answer = this.lists.get(names);
    if (answer === undefined) {
      answer = false;
      for (let i = 0; i < names.length && !answer; i++) {
        const name = names[i]!;
        answer = name !== '' && (this.flagsOf(name) & this.userMask) !== 0;
      }
      if (this.lists.size < FUZZY_MEMO_LIMIT && Object.isFrozen(names)) this.lists.set(names, answer);
    }
    return answer;
  }

  private resourcesMatch(resources: readonly ResourceRef[]): boolean {
    let answer = this.lists.get(resources);
    if (answer === undefined) {
      answer = false;
      for (let i = 0; i < resources.length && !answer; i++) {
        const { name, arn } = resources[i]!;
        answer =
          (name !== '' && (this.flagsOf(name) & this.resourceMask) !== 0) ||
          (arn !== name && arn !== '' && (this.flagsOf(arn) & 1) !== 0);
      }
      if (this.lists.size < FUZZY_MEMO_LIMIT && Object.isFrozen(resources)) this.lists.set(resources, answer);
    }
    return answer;
  }

  private slowTest(row: EventRow): boolean {
    for (let k = 0; k < FUZZY_FIELDS.length; k++) {
      const set = this.sets[k]!;
      if (set.size > 0 && FUZZY_FIELDS[k]!.fuzzyValue!(row, (value) => set.has(value))) return true;
    }
    return this.inText!(row);
  }

  explain(limit: number): FuzzyExplanation {
    this.sync();
    const best = new Map<string, number>();
    for (const hit of this.hits) {
      const known = best.get(hit.value);
      if (known === undefined || hit.score < known) best.set(hit.value, hit.score);
    }
    const ranked = [...best].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).map(([value]) => value);
    return { word: this.word, values: ranked.slice(0, limit), more: Math.max(0, ranked.length - limit) };
  }

  private sync(): void {
    const vocabulary = this.vocabulary;
    if (vocabulary.count === this.seen) return;
    let grew = false;
    for (const hit of vocabulary.search(this.word, this.seen)) {
      const value = vocabulary.value(hit.entry);
      this.sets[vocabulary.fieldOf(hit.entry)]!.add(value);
      this.hits.push({ value, score: hit.score });
      grew = true;
    }
    this.seen = vocabulary.count;
    if (grew) {
      // Remembered answers were made with smaller sets.
      this.flags.clear();
      this.lists.clear();
    }
  }
}

/** Past this many distinct values a fuzzy word stops remembering answers (source IPs, keys, ARNs). */
const FUZZY_MEMO_LIMIT = 200_000;

/** The flag bit of a fuzzy field's value set (see FuzzyWord.flags); 0 if the field takes no part in fuzzy words. */
function fuzzyBit(name: string): number {
  const k = FUZZY_FIELDS.findIndex((field) => field.name === name);
  return k < 0 ? 0 : 2 << k;
}
