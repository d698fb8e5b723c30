import { describe, expect, it } from 'vitest';
import { hitsOfRows, packRowHits } from '../../src/detect/hitCodec.js';
import type { RuleHit } from '../../src/detect/rule.js';

const hit = (index: number, rules: number[]): RuleHit => ({ id: `e${index}`, time: 0, index, rules });

/** The (row position, rules) pairs packed hits stand for. */
function pairs(packed: { at: Int32Array; ends: Int32Array; rules: Int32Array }): [number, number[]][] {
  const out: [number, number[]][] = [];
  let start = 0;
  for (let h = 0; h < packed.at.length; h++) {
    out.push([packed.at[h]!, Array.from(packed.rules.subarray(start, packed.ends[h]!))]);
    start = packed.ends[h]!;
  }
  return out;
}

describe('rule hits packed by row position for the trip from a parse worker', () => {
  it('survive a structured clone: one rule, several, none at all', () => {
    const packed = structuredClone(packRowHits([0, 5, 1999], [[3], [0, 12, 74], [5]]));
    expect(pairs(packed)).toEqual([
      [0, [3]],
      [5, [0, 12, 74]],
      [1999, [5]],
    ]);
    expect(pairs(structuredClone(packRowHits([], [])))).toEqual([]);
  });

  it('split a file\'s hits along its batches of rows, passing over records without a row', () => {
    // Records 0..9; record 3 was skipped (no row), records below 2 were loaded before (no row either).
    const rows = [2, 4, 5, 6, 7, 8, 9].map((recordIndex) => ({ recordIndex }));
    const hits = [hit(0, [1]), hit(3, [2]), hit(4, [0]), hit(6, [1, 2]), hit(9, [4])];
    const first = hitsOfRows(rows.slice(0, 3), hits);
    expect(pairs(first.hits)).toEqual([[1, [0]]]);
    const second = hitsOfRows(rows.slice(3), hits, first.next);
    expect(pairs(second.hits)).toEqual([
      [0, [1, 2]],
      [3, [4]],
    ]);
    expect(second.next).toBe(hits.length);
    expect(pairs(hitsOfRows([], hits).hits)).toEqual([]);
  });
});
