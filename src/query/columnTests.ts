import type { EventRow, ResourceRef } from '../model/types.js';
import { ON_ROW_ID, type ListColumn, type ListKey, type RowColumns, type ScalarKey } from '../store/columns.js';

/** A test of the row at one seq (index into the store's log and columns). */
export type SeqTest = (seq: number) => boolean;

/** What a compiled query binds to: the store's columns and, for values they do not hold, its rows. */
export interface ColumnContext {
  readonly columns: RowColumns;
  readonly log: readonly EventRow[];
  /** How many rows the scan will test: small scans decide values lazily, large ones all at once. */
  readonly scanRows: number;
}

/** A test no row passes, and one every row passes: combinators and scans skip them. */
export const NEVER: SeqTest = () => false;
export const ALWAYS: SeqTest = () => true;

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
    return (seq) => {
      const id = ids[seq]!;
      if (id === ON_ROW_ID) return onRow(seq);
      // Ids past the table belong to values added after binding.
      if (id >= size) return decide(id);
      return answers[id] === YES;
    };
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
  switch (tests.length) {
    case 0:
      return NEVER;
    case 1:
      return tests[0]!;
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
  switch (tests.length) {
    case 0:
      return ALWAYS;
    case 1:
      return tests[0]!;
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
  return (seq) => !test(seq);
}

