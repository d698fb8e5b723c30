/**
 * Runs a rule set over parsed records, where the records are parsed (the
 * parse workers, or the main thread for small files): the only place the
 * full record object exists without reading the file again.
 *
 * Per record: one map lookup on (eventSource, eventName) gives the rules that
 * can fire for that pair (prefilter.ts, decided once per distinct pair with
 * the one record matcher), and only those run in full. A record whose pair
 * no rule names costs the lookup alone.
 */
import type { QueryNode } from '../query/ast.js';
import { alwaysCandidate, relax } from './prefilter.js';
import type { RuleSpec } from './rule.js';

/** Compiles an AST into a test over a raw parsed record (src/query/recordMatch.ts in the product). */
export type RecordMatcherFactory = (ast: QueryNode) => (record: Record<string, unknown>) => boolean;

/** The interface the ingest side sees: one parsed record in, the indexes of the rules it fired out. */
export interface RecordDetector {
  /** Rules (indexes into the rule set) that fire on this record; null when none. */
  test(record: unknown): number[] | null;
}

/** Distinct (eventSource, eventName) pairs remembered; past this the memo starts over (hostile logs). */
const MEMO_LIMIT = 20_000;

export class Detector implements RecordDetector {
  private readonly full: ((record: Record<string, unknown>) => boolean)[];
  private readonly relaxed: (((record: Record<string, unknown>) => boolean) | null)[];
  private readonly memo = new Map<string, readonly number[]>();
  private readonly probe: Record<string, unknown> = {};

  constructor(specs: readonly RuleSpec[], compile: RecordMatcherFactory) {
    this.full = specs.map((spec) => compile(spec.ast));
    this.relaxed = specs.map((spec) => {
      const relaxed = relax(spec.ast);
      // No eventSource/eventName test the prefilter can use: a candidate for every record.
      if (alwaysCandidate(relaxed)) return null;
      // A relaxed rule that is constant false can never fire: it never becomes a candidate.
      if (relaxed.kind === 'const') return () => false;
      return compile(relaxed);
    });
  }

  get size(): number {
    return this.full.length;
  }

  test(record: unknown): number[] | null {
    if (record === null || typeof record !== 'object' || Array.isArray(record) || this.full.length === 0) return null;
    const object = record as Record<string, unknown>;
    const candidates = this.candidates(object.eventSource, object.eventName);
    let fired: number[] | null = null;
    for (let k = 0; k < candidates.length; k++) {
      const rule = candidates[k]!;
      if (this.full[rule]!(object)) (fired ??= []).push(rule);
    }
    return fired;
  }

  private candidates(source: unknown, name: unknown): readonly number[] {
    const plain = (source === undefined || typeof source === 'string') && (name === undefined || typeof name === 'string');
    const key = plain ? `${source === undefined ? '\u0001' : source}\u0000${name === undefined ? '\u0001' : name}` : null;
    if (key !== null) {
      const known = this.memo.get(key);
      if (known) return known;
    }
    const probe = this.probe;
    if (source === undefined) delete probe.eventSource;
    else probe.eventSource = source;
    if (name === undefined) delete probe.eventName;
    else probe.eventName = name;
    const list: number[] = [];
    for (let rule = 0; rule < this.relaxed.length; rule++) {
      const test = this.relaxed[rule];
      if (test === null || test(probe)) list.push(rule);
    }
    if (key !== null) {
      if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
      this.memo.set(key, list);
    }
    return list;
  }
}
