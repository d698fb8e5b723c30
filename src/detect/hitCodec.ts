/**
 * Rule hits between a parse worker and the main thread as a few arrays
 * rather than one object per hit: structured cloning ~600k hit objects (one
 * noisy SigmaHQ rule fires on most AssumedRole events of a 1M load) cost the
 * main thread about a second; arrays of numbers and one of strings clone far
 * faster, and the hits are made again as plain objects here.
 */
import type { RuleHit } from './rule.js';

export interface PackedHits {
  ids: string[];
  times: Float64Array;
  indexes: Int32Array;
  /** Hit h's rules are rules[ruleEnds[h - 1] .. ruleEnds[h]). */
  ruleEnds: Int32Array;
  rules: Int32Array;
}

export function packHits(hits: readonly RuleHit[]): PackedHits {
  const count = hits.length;
  const ids: string[] = new Array<string>(count);
  const times = new Float64Array(count);
  const indexes = new Int32Array(count);
  const ruleEnds = new Int32Array(count);
  let total = 0;
  for (let h = 0; h < count; h++) ruleEnds[h] = total += hits[h]!.rules.length;
  const rules = new Int32Array(total);
  let o = 0;
  for (let h = 0; h < count; h++) {
    const hit = hits[h]!;
    ids[h] = hit.id;
    times[h] = hit.time;
    indexes[h] = hit.index;
    for (const rule of hit.rules) rules[o++] = rule;
  }
  return { ids, times, indexes, ruleEnds, rules };
}

export function unpackHits(packed: PackedHits): RuleHit[] {
  const { ids, times, indexes, ruleEnds, rules } = packed;
  const out: RuleHit[] = new Array<RuleHit>(ids.length);
  let start = 0;
  for (let h = 0; h < ids.length; h++) {
    const end = ruleEnds[h]!;
    // Most hits fire one rule.
    const fired = end - start === 1 ? [rules[start]!] : Array.from(rules.subarray(start, end));
    out[h] = { id: ids[h]!, time: times[h]!, index: indexes[h]!, rules: fired };
    start = end;
  }
  return out;
}
