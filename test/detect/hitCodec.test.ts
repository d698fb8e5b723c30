import { describe, expect, it } from 'vitest';
import { packHits, unpackHits } from '../../src/detect/hitCodec.js';
import type { RuleHit } from '../../src/detect/rule.js';

describe('rule hits packed for the trip from a parse worker', () => {
  it('come back as they left: ids, times (NaN included), indexes, one or several rules, none at all', () => {
    const hits: RuleHit[] = [
      { id: 'a', time: 1_700_000_000_000, index: 0, rules: [3] },
      { id: 'content:1f', time: Number.NaN, index: 7, rules: [0, 12, 74] },
      { id: '\u001b[31m', time: -1, index: 2_000_000, rules: [5] },
    ];
    const packed = structuredClone(packHits(hits));
    expect(unpackHits(packed)).toEqual(hits);
    expect(unpackHits(structuredClone(packHits([])))).toEqual([]);
  });
});
