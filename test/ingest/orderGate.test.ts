import { describe, expect, it } from 'vitest';
import { FileOrderGate } from '../../src/ingest/order.js';

describe('FileOrderGate', () => {
  it('passes rows on in ticket order and counts the rows it holds back', () => {
    const delivered: string[] = [];
    const gate = new FileOrderGate<string>((rows) => delivered.push(...rows));
    const first = gate.ticket();
    const second = gate.ticket();
    const third = gate.ticket();
    gate.rows(second, ['b1', 'b2']);
    gate.rows(third, ['c1']);
    gate.done(third);
    expect(delivered).toEqual([]);
    expect(gate.heldRows).toBe(3);
    gate.rows(first, ['a1']);
    expect(delivered).toEqual(['a1']);
    expect(gate.heldRows).toBe(3);
    gate.done(first);
    // The second read is not done: its rows so far go on, the third's wait for it.
    expect(delivered).toEqual(['a1', 'b1', 'b2']);
    expect(gate.heldRows).toBe(1);
    gate.done(second);
    expect(delivered).toEqual(['a1', 'b1', 'b2', 'c1']);
    expect(gate.heldRows).toBe(0);
  });
});
