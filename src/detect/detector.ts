/**
 * Runs a rule set over parsed records, where the records are parsed (the
 * parse workers, or the main thread for small files): the only place the
 * full record object exists without reading the file again.
 *
 * Per record: one map lookup on (eventSource, eventName, userIdentity.type)
 * gives the rules that can fire for those values (prefilter.ts, decided once
 * per distinct key with the one record matcher), and only those run in full.
 * A record no rule can fire on costs the lookup alone.
 */
import type { QueryNode } from '../query/ast.js';
import { mayBacktrack, RuleNeedsWorker } from './inlineGuard.js';
import { alwaysCandidate, relax } from './prefilter.js';
import type { RuleSpec } from './rule.js';

/** Compiles an AST into a test over a raw parsed record (src/query/recordMatch.ts in the product). */
export type RecordMatcherFactory = (ast: QueryNode) => (record: Record<string, unknown>) => boolean;

/** The interface the ingest side sees: one parsed record in, the indexes of the rules it fired out. */
export interface RecordDetector {
  /** Rules (indexes into the rule set) that fire on this record; null when none. */
  test(record: unknown): number[] | null;
}

/** Distinct (eventSource, eventName, userIdentity.type) keys remembered; past this the memo starts over (hostile logs). */
const MEMO_LIMIT = 20_000;

export class Detector implements RecordDetector {
  private readonly full: ((record: Record<string, unknown>) => boolean)[];
  private readonly relaxed: (((record: Record<string, unknown>) => boolean) | null)[];
  /** Candidates by eventSource, then eventName, then userIdentity.type (undefined: missing); nested so a record's lookup builds no key string. */
  private readonly memo = new Map<string | undefined, Map<string | undefined, Map<string | undefined, readonly number[]>>>();
  private memoSize = 0;
  private readonly probe: Record<string, unknown> = {};
  /**
   * Where the worker pool's watchdog (scan/workerPool.ts) sees this thread at work: [0] counts rule
   * tests begun, [1] is the rule under test plus one (0 between tests). Null where nothing watches.
   */
  private beat: Int32Array | null = null;
  /**
   * Rules the watchdog stopped (non-zero at the rule's index), shared by every thread of one run:
   * a value shape that held one rule test for seconds recurs, so the rule is not run again anywhere.
   */
  private off: Int32Array | null = null;
  /** On a main thread: the rules it must not test (inlineGuard.ts mayBacktrack), by index; null where a watchdog covers the tests. */
  private guarded: Uint8Array | null = null;
  /** The same for the relaxed tests of the prefilter (a regex on eventName or eventSource). */
  private guardedRelaxed: Uint8Array | null = null;
  /**
   * Times a guarded rule was due (guardOnThisThread): a read during which it grew is void, whatever it
   * returned (a reader that turns the RuleNeedsWorker thrown into a bad file included), and its file
   * goes to a worker. A count, not a flag: reads on one thread interleave at their awaits.
   */
  trips = 0;
  private readonly asts: readonly QueryNode[];

  /** Reports each rule test in `beat` from now on (a worker whose pool can stop it). */
  watchWith(beat: Int32Array): void {
    this.beat = beat;
  }

  /** Skips the rules set in `off` (ruleWatch.ts newRulesOff), read at each test: a rule stopped on one thread is skipped on all. */
  skipWith(off: Int32Array): void {
    this.off = off;
  }

  /**
   * For a detector on a main thread, where nothing can stop a test: each test of a rule holding a regex
   * or a compare throws RuleNeedsWorker instead (and counts in `trips`), so the caller reads that file on a worker.
   */
  guardOnThisThread(): void {
    this.guarded = Uint8Array.from(this.asts, (ast) => (mayBacktrack(ast) ? 1 : 0));
    this.guardedRelaxed = Uint8Array.from(this.asts, (ast, rule) => (this.relaxed[rule] && mayBacktrack(relax(ast)) ? 1 : 0));
  }

  private trip(rule: number): never {
    this.trips++;
    throw new RuleNeedsWorker(rule);
  }

  constructor(specs: readonly RuleSpec[], compile: RecordMatcherFactory) {
    this.asts = specs.map((spec) => spec.ast);
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

  /**
   * Rules the prefilter's paths hardly narrow: they can fire on a record
   * without eventSource, eventName or userIdentity (a test on userAgent or
   * an ARN alone, or one that says what the event is not).
   */
  broadRules(): number[] {
    return [...this.candidatesOf(undefined, undefined, undefined)];
  }

  test(record: unknown): number[] | null {
    if (record === null || typeof record !== 'object' || Array.isArray(record) || this.full.length === 0) return null;
    const object = record as Record<string, unknown>;
    const candidates = this.candidates(object);
    let fired: number[] | null = null;
    const beat = this.beat;
    const off = this.off;
    // A test that throws (a record nested past the stack: the reader makes its file bad) must not leave its
    // rule on the beat: the watchdog would take the worker, idle or parsing the next file, for one stalled in it.
    try {
      for (let k = 0; k < candidates.length; k++) {
        const rule = candidates[k]!;
        if (off !== null && off[rule] !== 0) continue;
        if (this.guarded !== null && this.guarded[rule] !== 0) this.trip(rule);
        if (beat) {
          beat[0]!++;
          beat[1] = rule + 1;
        }
        if (this.full[rule]!(object)) (fired ??= []).push(rule);
      }
    } finally {
      if (beat) beat[1] = 0;
    }
    return fired;
  }

  private candidates(record: Record<string, unknown>): readonly number[] {
    return this.candidatesOf(record.eventSource, record.eventName, record.userIdentity);
  }

  /**
   * The rules that can fire on a record with these eventSource, eventName
   * and userIdentity values (undefined: missing), whatever else it holds.
   * The same list (the same array) for the same plain values.
   */
  candidatesOf(source: unknown, name: unknown, identity: unknown): readonly number[] {
    const type = plainType(identity);
    const plain = type !== NOT_PLAIN && (source === undefined || typeof source === 'string') && (name === undefined || typeof name === 'string');
    let byType: Map<string | undefined, readonly number[]> | undefined;
    if (plain) {
      let byName = this.memo.get(source);
      if (byName === undefined) this.memo.set(source, (byName = new Map()));
      byType = byName.get(name);
      if (byType === undefined) byName.set(name, (byType = new Map()));
      const known = byType.get(type);
      if (known) return known;
    }
    // The probe holds the record's own values of the prefilter's paths, so the relaxed rules see exactly what the full ones would.
    const probe = this.probe;
    probe.eventSource = source;
    probe.eventName = name;
    probe.userIdentity = identity;
    const list: number[] = [];
    const beat = this.beat;
    const off = this.off;
    try {
      for (let rule = 0; rule < this.relaxed.length; rule++) {
        const test = this.relaxed[rule];
        // Its relaxed form may hold the regex that stalled (an eventName|re).
        if (off !== null && off[rule] !== 0) continue;
        if (this.guardedRelaxed !== null && this.guardedRelaxed[rule] !== 0) this.trip(rule);
        if (beat) {
          beat[0]!++;
          beat[1] = rule + 1;
        }
        if (test === null || test(probe)) list.push(rule);
      }
    } finally {
      if (beat) beat[1] = 0;
    }
    if (byType) {
      if (this.memoSize >= MEMO_LIMIT) {
        this.memo.clear();
        this.memoSize = 0;
      } else {
        byType.set(type as string | undefined, list);
        this.memoSize++;
      }
    }
    return list;
  }
}

const NOT_PLAIN = Symbol('not plain');

/**
 * A record's userIdentity.type for the memo (undefined: missing, or no
 * identity), or NOT_PLAIN when the values are not plain (a non-string type,
 * a null one, an identity that is not an object): those records are decided one by one.
 */
function plainType(identity: unknown): string | undefined | typeof NOT_PLAIN {
  if (identity === undefined || identity === null) return undefined;
  if (typeof identity !== 'object' || Array.isArray(identity)) return NOT_PLAIN;
  const type = (identity as Record<string, unknown>).type;
  return type === undefined || typeof type === 'string' ? type : NOT_PLAIN;
}
