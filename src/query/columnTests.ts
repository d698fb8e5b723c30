import type { EventRow, ResourceRef } from '../model/types.js';
import { ON_ROW_ID, type ListColumn, type ListKey, type RowColumns, type ScalarKey } from '../store/columns.js';

/** A test of the row at one seq (index into the store's log and columns). */
export type SeqTest = (seq: number) => boolean;

/** What a compiled query binds to: the store's columns and, for values they do not hold, its rows. */
export interface ColumnContext {
  readonly columns: RowColumns;
  readonly log: readonly EventRow[];
}

const UNKNOWN = 0;
const NO = 1;
const YES = 2;

/**
 * `visit` over one scalar column: decided once per distinct value and
 * remembered in a byte table, so a million rows cost a million table lookups.
 * Values the column did not keep are read from the row.
 */
export function scalarTest(context: ColumnContext, key: ScalarKey, visit: (value: string) => boolean): SeqTest {
  const column = context.columns.scalars[key];
  const ids = column.rows.ids;
  const values = column.values;
  const answers = new Uint8Array(values.length);
  const log = context.log;
  return (seq) => {
    const id = ids[seq]!;
    if (id === ON_ROW_ID) return visit(log[seq]![key]);
    // Ids past the table belong to values added after binding.
    if (id >= answers.length) return visit(values[id]!);
    let answer = answers[id]!;
    if (answer === UNKNOWN) {
      answer = visit(values[id]!) ? YES : NO;
      answers[id] = answer;
    }
    return answer === YES;
  };
}

/** `decide` over one list column: once per shared list; unshared lists are read from the row. */
export function listTest<T>(
  context: ColumnContext,
  column: ListColumn<T>,
  read: (row: EventRow) => readonly T[],
  decide: (list: readonly T[]) => boolean,
): SeqTest {
  const ids = column.rows.ids;
  const lists = column.lists;
  const answers = new Uint8Array(lists.length);
  const log = context.log;
  return (seq) => {
    const id = ids[seq]!;
    if (id === ON_ROW_ID) return decide(read(log[seq]!));
    if (id >= answers.length) return decide(lists[id]!);
    let answer = answers[id]!;
    if (answer === UNKNOWN) {
      answer = decide(lists[id]!) ? YES : NO;
      answers[id] = answer;
    }
    return answer === YES;
  };
}

export function userNamesTest(context: ColumnContext, decide: (names: readonly string[]) => boolean): SeqTest {
  return listTest(context, context.columns.userNames, (row) => row.userNames, decide);
}

export function resourcesTest(context: ColumnContext, decide: (resources: readonly ResourceRef[]) => boolean): SeqTest {
  return listTest(context, context.columns.resources, (row) => row.resources, decide);
}

/** True when any of the tests is. */
export function anyTest(tests: readonly SeqTest[]): SeqTest {
  switch (tests.length) {
    case 0:
      return () => false;
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
export function everyTest(tests: readonly SeqTest[]): SeqTest {
  switch (tests.length) {
    case 0:
      return () => true;
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

/**
 * The parts of a row plain words search (model/searchText.ts anySearchPart),
 * as column tests: `visitFor(key)` decides the scalar parts, `names` and
 * `resources` the list parts. Cheap, low-cardinality columns come first.
 */
export function searchPartsTest(
  context: ColumnContext,
  visitFor: (key: SearchScalar) => (value: string) => boolean,
  names: (names: readonly string[]) => boolean,
  resources: (resources: readonly ResourceRef[]) => boolean,
): SeqTest {
  return anyTest([
    ...SEARCH_SCALARS.map((key) => scalarTest(context, key, visitFor(key))),
    userNamesTest(context, names),
    resourcesTest(context, resources),
  ]);
}

/** The scalar fields of anySearchPart. */
export const SEARCH_SCALARS = ['name', 'source', 'actor', 'errorCode', 'region', 'sourceIp', 'accessKey'] as const;
export type SearchScalar = (typeof SEARCH_SCALARS)[number];

export type { ListKey, ScalarKey };
