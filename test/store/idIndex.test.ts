import { describe, expect, it } from 'vitest';
import { IdIndex } from '../../src/store/idIndex.js';

describe('IdIndex', () => {
  it('answers like a Set over many ids, through growth, including near-identical and empty ids', () => {
    const ids: string[] = [];
    const index = new IdIndex((row) => ids[row]!);
    const reference = new Set<string>();
    const position = new Map<string, number>();
    const candidates = ['', 'a', 'b', 'ab', 'ba'];
    for (let k = 0; k < 20_000; k++) candidates.push(`e${k}`, `e${k % 997}`, `${k}-x`);
    for (const id of candidates) {
      expect(index.has(id)).toBe(reference.has(id));
      expect(index.addIfAbsent(id, ids.length)).toBe(!reference.has(id));
      if (!reference.has(id)) {
        position.set(id, ids.length);
        ids.push(id);
        reference.add(id);
      }
      expect(index.find(id)).toBe(position.get(id));
    }
    expect(index.size).toBe(reference.size);
    for (const id of ['zz', 'e20000', 'e-1', ' a']) expect(index.has(id)).toBe(false);
    for (const id of reference) expect(index.has(id)).toBe(true);
  });
});
