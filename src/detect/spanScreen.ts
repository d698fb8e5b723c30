/**
 * Which records of a file the rules could fire on, from the file's bytes
 * alone (the span scanner's item spans), so `detect` parses only those.
 *
 * A record's top-level eventSource and eventName and its userIdentity.type,
 * as the scanner notes them (RecordSpans.fields), go through the detector's
 * own per-key prefilter (detector.ts candidatesOf): the rules it leaves are
 * the only ones that can fire. Rules that key hardly narrows (broadRules: a
 * userAgent or ARN test alone, or a rule saying what the event is not) are
 * narrowed further by their literals (query/prefilter.ts): such a rule
 * alone keeps a record only when its bytes hold the literals. Both tests
 * only ever drop records a rule cannot fire on; anything unusual (a value
 * that is not a plain string, an escape) keeps the record.
 */
import { FIELD_NOT_STRING, SPAN_NON_ASCII, type RecordSpans } from '../ingest/recordSpans.js';
import type { QueryNode } from '../query/ast.js';
import { prefilterOf, spanMask, type Prefilter } from '../query/prefilter.js';
import type { Detector } from './detector.js';
import type { RuleSpec } from './rule.js';

const BACKSLASH = 0x5c;
/** What a key's rule list asks of a record: nothing, its parse, or its broad rules' literals. */
const SKIP = 0;
const PARSE = 1;
const LITERALS = 2;

export class SpanScreen {
  private readonly broad: ReadonlySet<number>;
  /** One clause: any literal of any broad rule (null: some broad rule has none, so broad rules keep every record). */
  private readonly literals: Prefilter | null;
  private readonly kinds = new WeakMap<readonly number[], number>();
  private readonly identity: { type?: string } = {};

  constructor(
    private readonly detector: Detector,
    specs: readonly RuleSpec[],
  ) {
    const broad = detector.broadRules();
    this.broad = new Set(broad);
    this.literals = broadLiterals(broad.map((rule) => specs[rule]!.ast));
  }

  /** 1 for each span whose record a rule could fire on (or that only a parse can tell), 0 for the rest. */
  mask(spans: RecordSpans): Uint8Array {
    const { bytes, fields, flags, starts, ends } = spans;
    const count = starts.length;
    const out = new Uint8Array(count);
    let literalMask: Uint8Array | null = null;
    const identity = this.identity;
    for (let k = 0; k < count; k++) {
      const f = k * 6;
      const utf8 = (flags[k]! & SPAN_NON_ASCII) !== 0;
      const source = fieldText(bytes, fields[f]!, fields[f + 1]!, utf8);
      const name = fieldText(bytes, fields[f + 2]!, fields[f + 3]!, utf8);
      const type = fieldText(bytes, fields[f + 4]!, fields[f + 5]!, utf8);
      if (source === null || name === null || type === null) {
        out[k] = 1;
        continue;
      }
      let kind = SKIP;
      if (type === undefined) kind = this.kindOf(this.detector.candidatesOf(source, name, undefined));
      else {
        identity.type = type;
        kind = this.kindOf(this.detector.candidatesOf(source, name, identity));
      }
      if (kind === LITERALS) {
        literalMask ??= this.literals ? spanMask(this.literals, bytes, starts, ends, flags) : new Uint8Array(count).fill(1);
        out[k] = literalMask[k]!;
      } else out[k] = kind;
    }
    return out;
  }

  private kindOf(list: readonly number[]): number {
    let kind = this.kinds.get(list);
    if (kind === undefined) {
      kind = list.length === 0 ? SKIP : list.every((rule) => this.broad.has(rule)) ? LITERALS : PARSE;
      this.kinds.set(list, kind);
    }
    return kind;
  }
}

/**
 * A field's text from its span: undefined when the record has none, null
 * when only a parse can tell (not a string, or escaped).
 */
function fieldText(bytes: Buffer, start: number, end: number, utf8: boolean): string | undefined | null {
  if (start < 0) return start === FIELD_NOT_STRING ? null : undefined;
  const at = bytes.indexOf(BACKSLASH, start);
  if (at >= 0 && at < end) return null;
  return bytes.toString(utf8 ? 'utf8' : 'latin1', start, end);
}

/**
 * The literals of the broad rules as one clause: for each rule, its most
 * selective clause that names no field (a key's name is in nearly every
 * record); null when a rule has no such clause.
 */
function broadLiterals(asts: readonly QueryNode[]): Prefilter | null {
  const words = new Set<string>();
  for (const ast of asts) {
    const keys = new Set<string>();
    pathKeys(ast, keys);
    const clauses = (prefilterOf(ast)?.clauses ?? []).filter((clause) => clause.every((word) => !keys.has(word)));
    if (clauses.length === 0) return null;
    let best = clauses[0]!;
    for (const clause of clauses) if (clause.length < best.length || (clause.length === best.length && shortest(clause) > shortest(best))) best = clause;
    for (const word of best) words.add(word);
  }
  return words.size === 0 ? null : { clauses: [[...words]] };
}

function shortest(clause: readonly string[]): number {
  return Math.min(...clause.map((word) => word.length));
}

/** Every key of every record path the rule tests, lowercased. */
function pathKeys(node: QueryNode, out: Set<string>): void {
  switch (node.kind) {
    case 'and':
    case 'or':
      for (const child of node.children) pathKeys(child, out);
      return;
    case 'not':
      pathKeys(node.child, out);
      return;
    case 'field':
      if (node.ref.kind === 'path') for (const key of node.ref.path) out.add(key.toLowerCase());
      return;
    default:
      return;
  }
}
