import { objectOf, text } from '../model/actor.js';
import { normalize } from '../model/normalize.js';
import { RecordBatch } from '../model/recordBatch.js';
import type { EventRow } from '../model/types.js';
import type { CompareNode, FieldNode, QueryNode } from './ast.js';
import { booleanDecider, compileNode, fieldVisitor, tagMembership, type CompileOptions } from './compile.js';
import { lookupField } from './fields.js';
import { foldCase } from './fold.js';
import { pathValueMatcher } from './valueMatch.js';

type Loose = Readonly<Record<string, unknown>>;

/** Whether a raw parsed CloudTrail record (the event itself, not an envelope) matches. */
export type RecordMatcher = (record: unknown) => boolean;

/**
 * A RecordMatcher that may be given the row the loader made of the record's
 * item: summary terms are then decided on it, so what a lookup-events
 * element adds around its record (Resources, Username) counts as it does in
 * the event list. With null it is a RecordMatcher.
 */
export type RowRecordMatcher = (record: unknown, row: EventRow | null) => boolean;

/** The record fields params: searches, in this order. */
export const PARAMS_KEYS = ['requestParameters', 'responseElements', 'additionalEventData', 'serviceEventDetails'] as const;

const EMPTY: Loose = {};

/** How a compare node's left value (folded) stands to a right one. */
const RELATIONS: Record<CompareNode['position'], (left: string, right: string) => boolean> = {
  equals: (left, right) => left === right,
  contains: (left, right) => left.includes(right),
  startswith: (left, right) => left.startsWith(right),
  endswith: (left, right) => left.endsWith(right),
};

/** Cheap parts first: a path walk or a plain field costs little, normalizing the record more, the params text most. */
const COST_DIRECT = 1;
const COST_ROW = 3;
const COST_PARAMS = 4;

interface Part {
  readonly cost: number;
  readonly test: () => boolean;
}

/**
 * Compiles any QueryNode (ast.ts) to a test of raw parsed records: what the
 * Sigma engine runs in parse workers, what deep terms run in the dashboard
 * and headless, and what the SQL differential test compares against.
 *
 * Summary refs whose field reads a plain record key (name, source, region,
 * ip, error, key, account, category, eventtype, readonly) are read straight
 * from the record; every other summary ref, words and time ranges normalize
 * the record into a row once per call (only when reached) and use the same
 * row test as the event list, so both agree by construction. Path refs walk
 * the record; params reads the JSON text of PARAMS_KEYS; tags look up the
 * eventID in `options.tags`.
 *
 * Compile once, call many times; not reentrant (one call at a time).
 */
export function compileRecordMatcher(ast: QueryNode, options: CompileOptions = {}): RecordMatcher {
  const matcher = compileRowRecordMatcher(ast, options);
  return (record) => matcher(record, null);
}

/** compileRecordMatcher for callers that have the loader's row of each record at hand (see RowRecordMatcher). */
export function compileRowRecordMatcher(ast: QueryNode, options: CompileOptions = {}): RowRecordMatcher {
  const state: MatchState = { record: EMPTY, row: null, rowGiven: false };
  const rowOf = (): EventRow => (state.row ??= normalize(state.record, new RecordBatch(''), 0));
  const compiler = new RecordCompiler(options, state, rowOf);
  const root = compiler.compile(ast).test;
  return (raw, row) => {
    state.record = objectOf(raw) ?? EMPTY;
    state.row = row;
    state.rowGiven = row !== null;
    return root();
  };
}

interface MatchState {
  record: Loose;
  row: EventRow | null;
  /** The caller gave the loader's row: summary terms read it, not the record's own keys. */
  rowGiven: boolean;
}

class RecordCompiler {
  constructor(
    private readonly options: CompileOptions,
    private readonly state: MatchState,
    private readonly rowOf: () => EventRow,
  ) {}

  compile(node: QueryNode): Part {
    switch (node.kind) {
      case 'const': {
        const value = node.value;
        return { cost: 0, test: () => value };
      }
      case 'and':
      case 'or': {
        const parts = node.children.map((child) => this.compile(child)).sort((a, b) => a.cost - b.cost);
        const tests = parts.map((p) => p.test);
        const cost = parts.reduce((m, p) => Math.max(m, p.cost), 0);
        if (node.kind === 'and') {
          return {
            cost,
            test: () => {
              for (let k = 0; k < tests.length; k++) if (!tests[k]!()) return false;
              return true;
            },
          };
        }
        return {
          cost,
          test: () => {
            for (let k = 0; k < tests.length; k++) if (tests[k]!()) return true;
            return false;
          },
        };
      }
      case 'not': {
        const part = this.compile(node.child);
        const test = part.test;
        return { cost: part.cost, test: () => !test() };
      }
      case 'field':
        return this.field(node);
      case 'tag': {
        const member = tagMembership(node, this.options.tags);
        const state = this.state;
        const rowOf = this.rowOf;
        // Tags are keyed by row.id: the eventID, or for a record without one the id the row gets.
        return {
          cost: COST_DIRECT,
          test: () => {
            const id = text(state.record.eventID);
            return member({ id: id !== '' ? id : rowOf().id, seq: -1 });
          },
        };
      }
      case 'word':
      case 'time':
        return this.byRow(node);
      case 'compare':
        return this.compare(node);
    }
  }

  /** Sigma's `|fieldref`: the right path's values, folded, then each left value against them (ast.ts). */
  private compare(node: CompareNode): Part {
    const state = this.state;
    const { left, right } = node;
    const relates = RELATIONS[node.position];
    const rights: string[] = [];
    const collect = (value: string): boolean => {
      rights.push(foldCase(value));
      return false;
    };
    const related = (value: string): boolean => {
      const folded = foldCase(value);
      for (let k = 0; k < rights.length; k++) if (relates(folded, rights[k]!)) return true;
      return false;
    };
    return {
      cost: COST_DIRECT,
      test: () => {
        rights.length = 0;
        visitPath(state.record, right.path, 0, collect);
        return rights.length > 0 && visitPath(state.record, left.path, 0, related);
      },
    };
  }

  /** The event list's own row test over the normalized record. */
  private byRow(node: QueryNode): Part {
    const test = compileNode(node, this.options).test;
    const rowOf = this.rowOf;
    return { cost: COST_ROW, test: () => test(rowOf()) };
  }

  private field(node: FieldNode): Part {
    const ref = node.ref;
    const state = this.state;
    if (ref.kind === 'path') {
      const path = ref.path;
      const visit = pathValueMatcher(node.match);
      return { cost: COST_DIRECT, test: () => visitPath(state.record, path, 0, visit) };
    }
    if (ref.kind === 'params') {
      const matches = pathValueMatcher(node.match);
      return {
        cost: COST_PARAMS,
        test: () => {
          const params = paramsText(state.record);
          return params !== null && matches(params);
        },
      };
    }
    const field = lookupField(ref.name);
    if (field?.kind === 'boolean') {
      const decide = booleanDecider(node.match);
      const onRow = this.byRow(node).test;
      return { cost: COST_DIRECT, test: () => (state.rowGiven ? onRow() : decide(field.fromRecord(state.record))) };
    }
    if (field?.kind !== 'text' || !field.fromRecord) return this.byRow(node);
    const fromRecord = field.fromRecord;
    const visit = fieldVisitor(field, node.match);
    const slow = this.byRow(node).test;
    return {
      cost: COST_DIRECT,
      test: () => {
        if (state.rowGiven) return slow();
        const answer = fromRecord(state.record, visit);
        if (answer === undefined) return slow();
        return answer;
      },
    };
  }
}

/**
 * Visits the values a path ref yields (ast.ts): keys walked case-sensitively
 * (own keys only), arrays on the way fanned out, and at the end a scalar as
 * its text, an array as each scalar element and its JSON text, an object as
 * its JSON text; null and missing keys yield nothing. Stops at the first
 * value `visit` accepts.
 */
export function visitPath(value: unknown, path: readonly string[], at: number, visit: (value: string) => boolean): boolean {
  if (at === path.length) return visitEnd(value, visit);
  if (Array.isArray(value)) {
    for (let k = 0; k < value.length; k++) if (visitPath(value[k], path, at, visit)) return true;
    return false;
  }
  if (typeof value !== 'object' || value === null) return false;
  const key = path[at]!;
  if (!Object.hasOwn(value, key)) return false;
  return visitPath((value as Loose)[key], path, at + 1, visit);
}

function visitEnd(value: unknown, visit: (value: string) => boolean): boolean {
  switch (typeof value) {
    case 'string':
      return visit(value);
    case 'number':
      // 1e400 in a log parses to Infinity, which JSON writes as null (the JSON view, export --db, the
      // archive's columns): no value, not the text "null".
      return Number.isFinite(value) && visit(JSON.stringify(value));
    case 'boolean':
      return visit(JSON.stringify(value));
    case 'object': {
      if (value === null) return false;
      if (Array.isArray(value)) {
        if (value.length === 0) return false;
        for (let k = 0; k < value.length; k++) {
          const element: unknown = value[k];
          const kind = typeof element;
          if ((kind === 'string' || kind === 'number' || kind === 'boolean') && visitEnd(element, visit)) return true;
        }
      }
      return visit(JSON.stringify(value));
    }
    default:
      return false;
  }
}

/**
 * The top-level record keys whose values alone decide `ast` for
 * compileRecordMatcher, when it reads nothing else: path refs read their
 * first key, params PARAMS_KEYS; any other term (summary fields, words,
 * time, tags) reads more, and gives null. The matcher then gives the same
 * answer on an object holding just those keys' values as on the whole
 * record, so a reader may parse only them (query/deep/matchFile.ts).
 */
export function recordKeysRead(ast: QueryNode): string[] | null {
  const keys = new Set<string>();
  const visit = (node: QueryNode): boolean => {
    switch (node.kind) {
      case 'const':
        return true;
      case 'and':
      case 'or':
        return node.children.every(visit);
      case 'not':
        return visit(node.child);
      case 'field':
        if (node.ref.kind === 'path') keys.add(node.ref.path[0]!);
        else if (node.ref.kind === 'params') for (const key of PARAMS_KEYS) keys.add(key);
        else return false;
        return true;
      case 'compare':
        keys.add(node.left.path[0]!);
        keys.add(node.right.path[0]!);
        return true;
      default:
        return false;
    }
  };
  return visit(ast) ? [...keys] : null;
}

/** The one value of a params ref: the JSON text of the PARAMS_KEYS the record has (not null), one per line; null when none. */
export function paramsText(record: Loose): string | null {
  let out: string | null = null;
  for (const key of PARAMS_KEYS) {
    if (!Object.hasOwn(record, key)) continue;
    const value = record[key];
    if (value === null || value === undefined) continue;
    const json = JSON.stringify(value);
    out = out === null ? json : `${out}\n${json}`;
  }
  return out;
}
