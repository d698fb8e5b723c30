import type { EventRow, ResourceRef } from '../model/types.js';
import { READ_ONLY_FALSE, READ_ONLY_NULL, READ_ONLY_TRUE } from '../store/columns.js';
import {
  anyTest,
  everyTest,
  notTest,
  resourcesTest,
  scalarTest,
  userNamesTest,
  type ColumnContext,
  type SeqTest,
} from './columnTests.js';
import type { QueryError } from './errors.js';
import { fieldSpellings, FIELDS, FUZZY_FIELDS, lookupField, type BooleanField, type TextField } from './fields.js';
import { toPattern, valueTester, type ValuePattern } from './pattern.js';
import { parseTimeValue } from './time.js';
import { tokenize, type RawTerm } from './tokenize.js';
import { FUZZY_MAX_LENGTH, FUZZY_MIN_LENGTH, type Vocabulary } from './vocabulary.js';
import { wordTest } from './wordColumns.js';
import { containsInOrder, containsWord } from './words.js';

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
  readonly isEmpty: boolean;
  test(row: EventRow): boolean;
  /**
   * The same test over the store's columns, by seq, for every term except the
   * time range: callers apply that by slicing the newest-first order (timeSlice).
   */
  seqTest(context: ColumnContext): SeqTest;
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
}

type Predicate = (row: EventRow) => boolean;

/** Cheap tests run first so most rows are rejected before the text scan. */
const COST_TIME = 0;
const COST_BOOLEAN = 1;
const COST_FIELD = 2;
const COST_UNIQUE = 3;
const COST_WORD = 4;
const COST_FUZZY = 5;

interface Step {
  cost: number;
  test: Predicate;
  /** The column form of `test`; null when the step needs no test there (the time range); absent: read the row. */
  bind?: (context: ColumnContext) => SeqTest | null;
}

function failure(message: string, position: number, hint: string): CompileResult {
  return { ok: false, error: { message, position, hint } };
}

export function compileQuery(source: string, options: CompileOptions = {}): CompileResult {
  const tokens = tokenize(source);
  if (!tokens.ok) return tokens;
  const now = options.now ?? Date.now();
  const steps: Step[] = [];
  const fuzzyWords: FuzzyWord[] = [];
  const positive = new Map<TextField, ValuePattern[]>();
  const booleans = new Map<BooleanField, Set<boolean>>();
  let min = -Infinity;
  let max = Infinity;
  let hasTime = false;
  let relativeTime = false;

  for (const term of tokens.terms) {
    if (term.field === null) {
      const step = wordStep(term, options.vocabulary);
      if (step instanceof FuzzyWord) {
        fuzzyWords.push(step);
        steps.push({ cost: COST_FUZZY, test: step.test.bind(step), bind: step.inText ? undefined : (context) => step.bindColumns(context) });
      } else if (step) {
        steps.push(step);
      }
      continue;
    }
    const field = lookupField(term.field);
    if (!field) return unknownField(term);
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
      relativeTime ||= time.relative;
      if (field.bound === 'lower') min = Math.max(min, time.at);
      else max = Math.min(max, time.at + time.span - 1);
      continue;
    }
    if (field.kind === 'boolean') {
      const text = term.value.glob ? '' : term.value.text.toLowerCase();
      if (text !== 'true' && text !== 'false') {
        return failure(`${field.name}: must be true or false, not '${term.value.text}'`, term.valueStart, `e.g. ${field.example}`);
      }
      const wanted = text === 'true';
      if (term.negated) {
        const code = wanted ? READ_ONLY_TRUE : READ_ONLY_FALSE;
        steps.push({
          cost: COST_BOOLEAN,
          test: (row) => field.get(row) !== wanted,
          bind: (context) => {
            const ids = context.columns.readOnly.ids;
            return (seq) => ids[seq] !== code;
          },
        });
      } else {
        const allowed = booleans.get(field) ?? new Set<boolean>();
        allowed.add(wanted);
        booleans.set(field, allowed);
      }
      continue;
    }
    const pattern = toPattern(term.value);
    if (term.negated) {
      const step = fieldStep(field, [pattern]);
      steps.push({ cost: step.cost, test: negate(step.test), bind: step.bind && ((context) => notTest(step.bind!(context)!)) });
    } else {
      const list = positive.get(field) ?? [];
      list.push(pattern);
      positive.set(field, list);
    }
  }

  // The same field repeated means either value: one tester per field over all its patterns.
  for (const [field, patterns] of positive) steps.push(fieldStep(field, patterns));
  for (const [field, allowed] of booleans) {
    if (allowed.size === 2) {
      // readonly:true readonly:false: either, but rows without the flag are neither.
      steps.push({
        cost: COST_BOOLEAN,
        test: (row) => field.get(row) !== null,
        bind: (context) => {
          const ids = context.columns.readOnly.ids;
          return (seq) => ids[seq] !== READ_ONLY_NULL;
        },
      });
    } else {
      const wanted = allowed.has(true);
      const code = wanted ? READ_ONLY_TRUE : READ_ONLY_FALSE;
      steps.push({
        cost: COST_BOOLEAN,
        test: (row) => field.get(row) === wanted,
        bind: (context) => {
          const ids = context.columns.readOnly.ids;
          return (seq) => ids[seq] === code;
        },
      });
    }
  }
  if (hasTime) {
    const lo = min;
    const hi = max;
    // NaN times fail both comparisons: rows whose time did not parse are outside every range.
    steps.push({ cost: COST_TIME, test: (row) => row.time >= lo && row.time <= hi, bind: () => null });
  }

  steps.sort((a, b) => a.cost - b.cost);
  const tests = steps.map((s) => s.test);
  return {
    ok: true,
    query: {
      source,
      isEmpty: tests.length === 0,
      test: combine(tests),
      seqTest: (context) => bindSteps(steps, context),
      timeRange: hasTime ? { min, max } : null,
      relativeTime,
      explain: (limit = 8) => fuzzyWords.map((w) => w.explain(limit)),
    },
  };
}

/** Whether any of the row's values for the field matches any of the patterns: on the row, and by column. */
function fieldStep(field: TextField, patterns: readonly ValuePattern[]): Step {
  const matches = valueTester(field, patterns);
  const columns = field.columns;
  return {
    cost: costOf(field),
    test: (row) => field.anyValue(row, matches),
    bind:
      columns &&
      ((context) => {
        const tests = columns.scalars.map((key) => scalarTest(context, key, matches));
        if (columns.userNames) tests.push(userNamesTest(context, (names) => names.some(matches)));
        const resource = columns.resource;
        if (resource) tests.push(resourcesTest(context, (resources) => resources.some((r) => resource(r, matches))));
        return anyTest(tests);
      }),
  };
}

function negate(test: Predicate): Predicate {
  return (row) => !test(row);
}


/**
 * The steps as one test by seq: column steps first (cheapest first, as
 * sorted), then the steps that must read the row, so most rows are decided
 * without fetching their objects.
 */
function bindSteps(steps: readonly Step[], context: ColumnContext): SeqTest {
  const byColumn: SeqTest[] = [];
  const byRow: Predicate[] = [];
  for (const step of steps) {
    if (!step.bind) {
      byRow.push(step.test);
      continue;
    }
    const bound = step.bind(context);
    if (bound) byColumn.push(bound);
  }
  if (byRow.length === 0) return everyTest(byColumn);
  const log = context.log;
  const rowTest = combine(byRow);
  return everyTest([...byColumn, (seq) => rowTest(log[seq]!)]);
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
function wordStep(term: RawTerm, vocabulary: Vocabulary | undefined): Step | FuzzyWord | null {
  const value = term.value;
  if (value.text === '' && !value.glob) return null;
  const segments = value.segments.map((s) => s.toLowerCase());
  let test: Predicate;
  if (value.glob) {
    test = containsInOrder(segments);
  } else {
    const word = segments[0]!;
    if (!term.negated && !value.quoted && vocabulary && word.length >= FUZZY_MIN_LENGTH && word.length <= FUZZY_MAX_LENGTH) {
      return new FuzzyWord(word, vocabulary);
    }
    test = containsWord(word);
  }
  // One remembered answer per distinct value: only a single run without a line break is bound to columns.
  const runs = segments.filter((s) => s !== '');
  const single = runs.length === 1 && !runs[0]!.includes('\n') ? runs[0]! : null;
  const bind = single === null ? undefined : (context: ColumnContext) => wordTest(context, single);
  if (term.negated) {
    return { cost: COST_WORD, test: negate(test), bind: bind && ((context) => notTest(bind(context))) };
  }
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
    if (row.errorCode !== '' && (this.flagsOf(row.errorCode) & this.errorMask) !== 0) return true;
    if (row.region !== '' && (this.flagsOf(row.region) & 1) !== 0) return true;
    return row.accessKey !== '' && (this.flagsOf(row.accessKey) & 1) !== 0;
  }

  /** The test by column: the same parts and value sets as test(), decided once per distinct value. */
  bindColumns(context: ColumnContext): SeqTest {
    this.sync();
    const setOf = (field: string): ReadonlySet<string> | undefined => {
      const set = this.sets[FUZZY_FIELDS.findIndex((f) => f.name === field)];
      return set && set.size > 0 ? set : undefined;
    };
    const user = setOf('user');
    return wordTest(context, this.word, {
      scalars: { name: setOf('name'), source: setOf('source'), actor: user, errorCode: setOf('error') },
      userNames: user,
      resourceNames: setOf('resource'),
    });
  }

  private flagsOf(value: string): number {
    let flags = this.flags.get(value);
    if (flags === undefined) {
      flags = value.toLowerCase().includes(this.word) ? 1 : 0;
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

function unknownField(term: RawTerm): CompileResult {
  const typed = term.field!;
  const guess = closestField(typed.toLowerCase());
  const hint = guess
    ? `did you mean ${guess}:? (quote the word to search text)`
    : `fields: ${FIELDS.map((f) => f.name).join(' ')}; quote the word to search text`;
  return failure(`unknown field '${typed}'`, term.fieldStart, hint);
}

function badTime(term: RawTerm): CompileResult {
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
