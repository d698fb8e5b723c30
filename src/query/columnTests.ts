import type { EventRow, ResourceRef } from '../model/types.js';
import { ON_ROW_ID, type ListColumn, type RowColumns, type ScalarKey } from '../store/columns.js';
import { runSliced, SLICE_IDS, SLICE_ROWS, slicedValue, type Sliced } from './sliced.js';

/** A test of the row at one seq (index into the store's log and columns). */
export type SeqTest = (seq: number) => boolean;

/** What a compiled query binds to: the store's columns and, for values they do not hold, its rows. */
export interface ColumnContext {
  readonly columns: RowColumns;
  readonly log: readonly EventRow[];
  /** How many rows the scan will test: small scans decide values lazily, large ones all at once. */
  readonly scanRows: number;
  /** Seqs of rows the store wrote over since they were added (EventStore.rewritten): caches built from their old values read them again. */
  readonly rewritten?: readonly number[];
}

/** A test no row passes, and one every row passes: combinators and scans skip them. */
export const NEVER: SeqTest = () => false;
export const ALWAYS: SeqTest = () => true;

/**
 * A test's answer for every seq below `end` at once, one byte a row (1:
 * passes); null when the test cannot make it without reading rows one by
 * one. A scan over most of a big store reads these bytes instead of calling
 * the test tree per row: a negation or two field terms cost each row five or
 * six calls and as many id arrays read in newest-first order, while a byte
 * array per term is made in one tight pass over its ids. Arrays a test
 * returns may be its own: callers do not write into them.
 */
export type DenseAnswers = (end: number) => Uint8Array | null;

/**
 * DenseAnswers a slice at a time (sliced.ts): a field term over values kept
 * on the rows (ip:10.*, resource:acme* at a million high-cardinality events)
 * reads every such row to make them, most of a second in one go.
 */
export type SlicedDenseAnswers = (end: number) => Sliced<Uint8Array | null>;

const denseForms = new WeakMap<SeqTest, SlicedDenseAnswers>();

/** `test`, with its answers for all rows at once (made in no time worth slicing). */
export function withDense(test: SeqTest, dense: DenseAnswers): SeqTest {
  denseForms.set(test, (end) => slicedValue(dense(end)));
  return test;
}

/** `test`, with its answers for all rows at once, made a slice at a time. */
export function withSlicedDense(test: SeqTest, dense: SlicedDenseAnswers): SeqTest {
  denseForms.set(test, dense);
  return test;
}

/** The answers of `test` for seqs [0, end) (see DenseAnswers); null when it has no such form. */
export function denseAnswers(test: SeqTest, end: number): Uint8Array | null {
  return runSliced(denseAnswersSliced(test, end));
}

/** denseAnswers a slice at a time. */
export function* denseAnswersSliced(test: SeqTest, end: number): Sliced<Uint8Array | null> {
  if (test === NEVER) return new Uint8Array(end);
  if (test === ALWAYS) return new Uint8Array(end).fill(1);
  const dense = denseForms.get(test);
  return dense === undefined ? null : yield* dense(end);
}

/** The terms of each everyTest: a scan can answer the ones with dense forms at once and call only the rest. */
const conjuncts = new WeakMap<SeqTest, readonly SeqTest[]>();

/** Rows [0, end) answered at once where `answers` is 0; where it is 1, `rest` (when not null) decides. */
export interface DenseSplit {
  readonly answers: Uint8Array;
  readonly rest: SeqTest | null;
}

/**
 * `test` as dense answers and a rest: all of it when it has a dense form;
 * for an everyTest whose terms only partly have one (a term that reads rows,
 * or decides values as rows ask), those terms at once and the others per row
 * they pass; null when none has.
 */
export function denseSplit(test: SeqTest, end: number): DenseSplit | null {
  return runSliced(denseSplitSliced(test, end));
}

/** denseSplit a slice at a time. */
export function* denseSplitSliced(test: SeqTest, end: number): Sliced<DenseSplit | null> {
  const whole = yield* denseAnswersSliced(test, end);
  if (whole !== null) return { answers: whole, rest: null };
  const terms = conjuncts.get(test);
  if (terms === undefined) return null;
  const dense: Uint8Array[] = [];
  const rest: SeqTest[] = [];
  for (const term of terms) {
    const answers = yield* denseAnswersSliced(term, end);
    if (answers === null) rest.push(term);
    else dense.push(answers);
  }
  if (dense.length === 0) return null;
  return { answers: andAll(dense, end), rest: everyTest(rest) };
}

function andAll(answers: readonly Uint8Array[], end: number): Uint8Array {
  const out = answers[0]!.slice(0, end);
  for (let k = 1; k < answers.length; k++) {
    const next = answers[k]!;
    for (let seq = 0; seq < end; seq++) out[seq]! &= next[seq]!;
  }
  return out;
}

/** The children's answers, or null when one has none. */
function* allDense(tests: readonly SeqTest[], end: number): Sliced<Uint8Array[] | null> {
  const all: Uint8Array[] = [];
  for (const test of tests) {
    const answers = yield* denseAnswersSliced(test, end);
    if (answers === null) return null;
    all.push(answers);
  }
  return all;
}

const READ_COST = SLICE_IDS / SLICE_ROWS;

const UNKNOWN = 0;
const NO = 1;
const YES = 2;

/** Below this many scanned rows per distinct value, deciding every value up front costs more than it saves. */
const EAGER_ROWS_PER_VALUE = 4;

/**
 * A test by a column of dictionary ids: each id is decided once and the
 * answer kept in a byte table, so a million rows cost a million lookups.
 * When the scan is large against the dictionary, every id is decided up
 * front, and a column where no value (or every value) passes becomes NEVER
 * (or ALWAYS), so a word that matches only event names never looks at the
 * other columns. Rows whose value the column did not keep are read.
 */
function dictionaryTest(
  ids: ArrayLike<number>,
  size: number,
  decide: (id: number) => boolean,
  onRow: (seq: number) => boolean,
  overflowed: boolean,
  scanRows: number,
): SeqTest {
  const answers = new Uint8Array(size);
  if (size * EAGER_ROWS_PER_VALUE <= scanRows) {
    let passing = 0;
    for (let id = 0; id < size; id++) {
      if (id === ON_ROW_ID) continue;
      const pass = decide(id);
      answers[id] = pass ? YES : NO;
      if (pass) passing++;
    }
    if (!overflowed && passing === 0) return NEVER;
    if (!overflowed && passing === size - 1) return ALWAYS;
    const test: SeqTest = (seq) => {
      const id = ids[seq]!;
      if (id === ON_ROW_ID) return onRow(seq);
      // Ids past the table belong to values added after binding.
      if (id >= size) return decide(id);
      return answers[id] === YES;
    };
    let made: Uint8Array | null = null;
    return withSlicedDense(test, function* (end) {
      if (end > ids.length) return null;
      // An `and` counts a term's rows (compile.ts narrowedBy) before the scan asks for them again.
      if (made !== null && made.length === end) return made;
      const pass = new Uint8Array(size);
      for (let id = 0; id < size; id++) pass[id] = answers[id] === YES ? 1 : 0;
      const out = new Uint8Array(end);
      // A row read (its own value, onRow) costs about what READ_COST id lookups do: a slice is SLICE_IDS of either.
      let spent = 0;
      for (let seq = 0; seq < end; seq++) {
        const id = ids[seq]!;
        if (id === ON_ROW_ID) {
          // The rows that keep their own value (ON_ROW_ID's pass byte is 0); read only in a column that has some.
          if (overflowed) {
            if (onRow(seq)) out[seq] = 1;
            spent += READ_COST;
          }
        } else out[seq] = id < size ? pass[id]! : decide(id) ? 1 : 0;
        if (++spent >= SLICE_IDS) {
          spent = 0;
          yield;
        }
      }
      made = out;
      return out;
    });
  }
  return (seq) => {
    const id = ids[seq]!;
    if (id === ON_ROW_ID) return onRow(seq);
    if (id >= size) return decide(id);
    let answer = answers[id]!;
    if (answer === UNKNOWN) {
      answer = decide(id) ? YES : NO;
      answers[id] = answer;
    }
    return answer === YES;
  };
}

/** `visit` over one scalar column's values; `id` is the value's dictionary id, undefined for a value read from its row. */
export function scalarTest(
  context: ColumnContext,
  key: ScalarKey,
  visit: (value: string, id?: number) => boolean,
  /** Decides the rows whose value the column did not keep, instead of visit() on each row's value. */
  onRow?: (seq: number) => boolean,
): SeqTest {
  const column = context.columns.scalars[key];
  const values = column.values;
  const log = context.log;
  return dictionaryTest(
    column.rows.ids,
    values.length,
    (id) => visit(values[id]!, id),
    onRow ?? ((seq) => visit(log[seq]![key], undefined)),
    column.overflowed,
    context.scanRows,
  );
}

/** `decide` over one list column: once per shared list; unshared lists are read from the row. */
export function listTest<T>(
  context: ColumnContext,
  column: ListColumn<T>,
  read: (row: EventRow) => readonly T[],
  decide: (list: readonly T[], id?: number) => boolean,
  /** Decides the rows whose list the column did not keep, instead of decide() on each row's list. */
  onRow?: (seq: number) => boolean,
): SeqTest {
  const lists = column.lists;
  const log = context.log;
  return dictionaryTest(
    column.rows.ids,
    lists.length,
    (id) => decide(lists[id]!, id),
    onRow ?? ((seq) => decide(read(log[seq]!), undefined)),
    column.overflowed,
    context.scanRows,
  );
}

export function userNamesTest(context: ColumnContext, decide: (names: readonly string[]) => boolean): SeqTest {
  return listTest(context, context.columns.userNames, (row) => row.userNames, decide);
}

export function resourcesTest(
  context: ColumnContext,
  decide: (resources: readonly ResourceRef[]) => boolean,
  onRow?: (seq: number) => boolean,
): SeqTest {
  return listTest(context, context.columns.resources, (row) => row.resources, decide, onRow);
}

/** True when any of the tests is. */
export function anyTest(all: readonly SeqTest[]): SeqTest {
  if (all.includes(ALWAYS)) return ALWAYS;
  const tests = all.filter((test) => test !== NEVER);
  if (tests.length <= 1) return tests[0] ?? NEVER;
  return withSlicedDense(anyTestOf(tests), function* (end) {
    const answers = yield* allDense(tests, end);
    if (answers === null) return null;
    const out = answers[0]!.slice(0, end);
    for (let k = 1; k < answers.length; k++) {
      const next = answers[k]!;
      for (let seq = 0; seq < end; seq++) out[seq]! |= next[seq]!;
    }
    return out;
  });
}

function anyTestOf(tests: readonly SeqTest[]): SeqTest {
  switch (tests.length) {
    case 2: {
      const [a, b] = tests as [SeqTest, SeqTest];
      return (seq) => a(seq) || b(seq);
    }
    case 3: {
      const [a, b, c] = tests as [SeqTest, SeqTest, SeqTest];
      return (seq) => a(seq) || b(seq) || c(seq);
    }
    default:
      return (seq) => {
        for (let k = 0; k < tests.length; k++) if (tests[k]!(seq)) return true;
        return false;
      };
  }
}

/** True when every test is. */
export function everyTest(all: readonly SeqTest[]): SeqTest {
  if (all.includes(NEVER)) return NEVER;
  const tests = all.filter((test) => test !== ALWAYS);
  if (tests.length <= 1) return tests[0] ?? ALWAYS;
  const test = withSlicedDense(everyTestOf(tests), function* (end) {
    const answers = yield* allDense(tests, end);
    return answers === null ? null : andAll(answers, end);
  });
  conjuncts.set(test, tests);
  return test;
}

function everyTestOf(tests: readonly SeqTest[]): SeqTest {
  switch (tests.length) {
    case 2: {
      const [a, b] = tests as [SeqTest, SeqTest];
      return (seq) => a(seq) && b(seq);
    }
    default:
      return (seq) => {
        for (let k = 0; k < tests.length; k++) if (!tests[k]!(seq)) return false;
        return true;
      };
  }
}

export function notTest(test: SeqTest): SeqTest {
  if (test === NEVER) return ALWAYS;
  if (test === ALWAYS) return NEVER;
  return withSlicedDense(
    (seq) => !test(seq),
    function* (end) {
      const answers = yield* denseAnswersSliced(test, end);
      if (answers === null) return null;
      const out = new Uint8Array(end);
      for (let seq = 0; seq < end; seq++) out[seq] = answers[seq]! ^ 1;
      return out;
    },
  );
}

