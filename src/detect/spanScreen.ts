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
import { forEachLeaf, type QueryNode } from '../query/ast.js';
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
  /** Kinds by a hash of the fields' bytes, with those bytes (null: the field is absent) to tell collisions apart. */
  private readonly byBytes = new Map<number, { kind: number; bytes: (Buffer | null)[] }>();

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
    // Spans only the broad rules' literals can decide: searched together, once, below.
    const pending: number[] = [];
    for (let k = 0; k < count; k++) {
      const kind = this.kindAt(bytes, fields, k * 6, (flags[k]! & SPAN_NON_ASCII) !== 0);
      if (kind === LITERALS) pending.push(k);
      else out[k] = kind;
    }
    if (pending.length > 0) {
      if (this.literals === null) for (const k of pending) out[k] = 1;
      else {
        const hits = spanMask(
          this.literals,
          bytes,
          pending.map((k) => starts[k]!),
          pending.map((k) => ends[k]!),
          pending.map((k) => flags[k]!),
        );
        pending.forEach((k, j) => (out[k] = hits[j]!));
      }
    }
    return out;
  }

  /**
   * What the rules ask of the record whose fields start at fields[f]:
   * remembered by the fields' bytes (a hash, then the bytes compared), so
   * most records cost a hash and no string.
   */
  private kindAt(bytes: Buffer, fields: readonly number[], f: number, utf8: boolean): number {
    let h = 0x811c9dc5;
    for (let slot = 0; slot < 6; slot += 2) {
      const start = fields[f + slot]!;
      const end = fields[f + slot + 1]!;
      if (start === FIELD_NOT_STRING) return PARSE;
      h = Math.imul(h ^ (start < 0 ? 0x100 : end - start), 0x01000193);
      for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
    }
    const known = this.byBytes.get(h);
    if (known !== undefined && sameFields(known.bytes, bytes, fields, f)) return known.kind;
    const source = fieldText(bytes, fields[f]!, fields[f + 1]!, utf8);
    const name = fieldText(bytes, fields[f + 2]!, fields[f + 3]!, utf8);
    const type = fieldText(bytes, fields[f + 4]!, fields[f + 5]!, utf8);
    // An escape: only the parsed record can tell.
    if (source === null || name === null || type === null) return PARSE;
    let kind: number;
    if (type === undefined) kind = this.kindOf(this.detector.candidatesOf(source, name, undefined));
    else {
      this.identity.type = type;
      kind = this.kindOf(this.detector.candidatesOf(source, name, this.identity));
    }
    if (this.byBytes.size >= MEMO_LIMIT) this.byBytes.clear();
    if (known === undefined) this.byBytes.set(h, { kind, bytes: fieldBytes(bytes, fields, f) });
    return kind;
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

/** Distinct field values remembered; past this the memo starts over (hostile logs). */
const MEMO_LIMIT = 20_000;

/** Copies of the three fields' bytes (null: absent). */
function fieldBytes(bytes: Buffer, fields: readonly number[], f: number): (Buffer | null)[] {
  const out: (Buffer | null)[] = [];
  for (let slot = 0; slot < 6; slot += 2) {
    const start = fields[f + slot]!;
    out.push(start < 0 ? null : Buffer.from(bytes.subarray(start, fields[f + slot + 1]!)));
  }
  return out;
}

/** Whether the record's three fields hold exactly these bytes. */
function sameFields(known: readonly (Buffer | null)[], bytes: Buffer, fields: readonly number[], f: number): boolean {
  for (let slot = 0; slot < 3; slot++) {
    const start = fields[f + slot * 2]!;
    const end = fields[f + slot * 2 + 1]!;
    const want = known[slot]!;
    if (want === null || start < 0) {
      if (want !== null || start >= 0) return false;
      continue;
    }
    if (end - start !== want.length) return false;
    for (let i = 0; i < want.length; i++) if (bytes[start + i] !== want[i]) return false;
  }
  return true;
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
  forEachLeaf(node, (leaf) => {
    if (leaf.kind === 'field' && leaf.ref.kind === 'path') for (const key of leaf.ref.path) out.add(key.toLowerCase());
  });
}
