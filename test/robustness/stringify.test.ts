import { describe, expect, it } from 'vitest';
import { MAX_INDENTED_DEPTH, stringifyIteratively, stringifyJson } from '../../src/model/stringify.js';
import { int, pick, rng, seedFor, withSeed } from './random.js';

const SEED = seedFor(0x5eed);

/** A random JSON value as JSON.parse could return it, plus the odd undefined a row may carry. */
function randomValue(random: () => number, depth: number): unknown {
  const kind = depth > 6 ? int(random, 0, 4) : int(random, 0, 7);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return pick(random, [0, -0, 1.5, -3e21, 1e-7, 42, Number.NaN, Number.POSITIVE_INFINITY]);
    case 3:
      return pick(random, ['', 'plain', 'quote " and \\ backslash', '\u0000\u001b[2J\u009b', '中文 😀 é', '\ud800 lone', '\u2028']);
    case 4:
      return undefined;
    case 5:
    case 6: {
      const object: Record<string, unknown> = {};
      for (let k = int(random, 0, 4); k > 0; k--) object[pick(random, ['a', 'b', 'é', '"k"', '', '1', '__proto__x'])] = randomValue(random, depth + 1);
      return object;
    }
    default:
      return Array.from({ length: int(random, 0, 4) }, () => randomValue(random, depth + 1));
  }
}

describe(`stringifyJson (seed ${SEED})`, () => {
  it('the stack-free fallback writes exactly what JSON.stringify writes, compact and indented', () => {
    const random = rng(SEED);
    for (let n = 0; n < 2_000; n++) {
      const value = { Records: [randomValue(random, 0)] };
      withSeed(SEED, `value #${n}`, () => {
        expect(stringifyIteratively(value, 0)).toBe(JSON.stringify(value));
        expect(stringifyIteratively(value, 2)).toBe(JSON.stringify(value, null, 2));
      });
    }
  });

  it('prints a record nested 200,000 deep (where JSON.stringify overflows) and it parses back the same', () => {
    const depth = 200_000;
    const text = `{"eventID":"deep","requestParameters":${'['.repeat(depth)}1${']'.repeat(depth)}}`;
    const record = JSON.parse(text) as unknown;
    expect(() => JSON.stringify(record)).toThrow(RangeError);
    expect(stringifyJson(record)).toBe(text);
    const pretty = stringifyJson(record, 2);
    expect(pretty.length).toBeLessThan(text.length + 20 * MAX_INDENTED_DEPTH * MAX_INDENTED_DEPTH);
    expect(stringifyJson(JSON.parse(pretty))).toBe(text);
  });
});
