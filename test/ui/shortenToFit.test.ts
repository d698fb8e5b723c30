import { describe, expect, it } from 'vitest';
import { shortenToFit } from '../../src/ui/shortenToFit.js';

describe('shortenToFit', () => {
  const line = (p: { a: string; b: string; c: string }): string => [p.a, p.b, p.c].filter(Boolean).join(' ');
  const steps = [
    (p: { a: string; b: string; c: string }) => (p.c = ''),
    (p: { a: string; b: string; c: string }) => (p.b = 'b'),
    (p: { a: string; b: string; c: string }) => (p.a = ''),
  ];
  const start = () => ({ a: 'alpha', b: 'bravo', c: 'charlie' });

  it('applies the steps in order, least needed first, and stops as soon as the parts fit', () => {
    expect(line(shortenToFit(start(), steps, (p) => line(p).length <= 100))).toBe('alpha bravo charlie');
    expect(line(shortenToFit(start(), steps, (p) => line(p).length <= 11))).toBe('alpha bravo');
    expect(line(shortenToFit(start(), steps, (p) => line(p).length <= 7))).toBe('alpha b');
    expect(line(shortenToFit(start(), steps, (p) => line(p).length <= 1))).toBe('b');
  });

  it('applies every step when the parts never fit, and checks after each one only', () => {
    const checked: string[] = [];
    shortenToFit(start(), steps, (p) => (checked.push(line(p)), false));
    expect(checked).toEqual(['alpha bravo charlie', 'alpha bravo', 'alpha b']);
  });
});
