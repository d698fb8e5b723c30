/** foldCase (query/fold.ts): toLowerCase, letter by letter, as SQL's lower() folds, plus every sigma as σ. */
import { describe, expect, it } from 'vitest';
import { foldCase } from '../../src/query/fold.js';
import { int, rng, seedFor } from '../robustness/random.js';

describe('foldCase', () => {
  it('folds İ to i and every sigma to σ, where toLowerCase gives i + U+0307 and a final ς', () => {
    expect(foldCase('İSTANBUL')).toBe('istanbul');
    expect('İSTANBUL'.toLowerCase()).toBe('i\u0307stanbul');
    expect(foldCase('ΟΔΟΣ')).toBe('οδοσ');
    expect('ΟΔΟΣ'.toLowerCase()).toBe('οδος');
    expect(foldCase('οδος')).toBe('οδοσ');
    // A glob's pieces fold as the whole value does (ΟΔΟ*Σ against ΟΔΟΣ).
    expect(foldCase('ΟΔΟ') + foldCase('Σ')).toBe(foldCase('ΟΔΟΣ'));
    expect(foldCase('i\u0307')).toBe('i\u0307');
  });

  it('is toLowerCase on text without İ, Σ or ς, keeps the length, and folds a folded text to itself', () => {
    const random = rng(seedFor(0xf01d));
    const alphabet = ['A', 'z', 'É', 'ß', 'ẞ', 'İ', 'ı', 'Σ', 'σ', 'ς', 'K', 'ǅ', 'Ａ', '😀', '\ud800', ' ', '-'];
    for (let n = 0; n < 2000; n++) {
      const text = Array.from({ length: int(random, 0, 12) }, () => alphabet[int(random, 0, alphabet.length - 1)]).join('');
      const folded = foldCase(text);
      expect(folded.length, text).toBe(text.length);
      expect(foldCase(folded), text).toBe(folded);
      if (!/[İΣς]/.test(text)) expect(folded, text).toBe(text.toLowerCase());
    }
  });
});
