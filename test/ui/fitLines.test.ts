import { describe, expect, it } from 'vitest';
import { fitLines } from '../../src/ui/fitLines.js';
import { wrapWords } from '../../src/ui/wrap.js';

describe('fitLines', () => {
  const parts = [
    { lines: ['title'], rank: 3 },
    { lines: ['note 1', 'note 2', 'note 3'], rank: 4, partial: true },
    { lines: ['field'], rank: 0 },
    { lines: ['blank'], rank: 9 },
    { lines: ['hints'], rank: 2 },
  ];
  const text = (budget: number) => fitLines(parts, budget).map((l) => (l.cut ? `${l.line}…` : l.line));

  it('keeps every part in order when there is room', () => {
    expect(text(10)).toEqual(['title', 'note 1', 'note 2', 'note 3', 'field', 'blank', 'hints']);
  });

  it('drops the least important parts first, keeping the order of the rest', () => {
    expect(text(6)).toEqual(['title', 'note 1', 'note 2', 'note 3', 'field', 'hints']);
    expect(text(3)).toEqual(['title', 'field', 'hints']);
    expect(text(1)).toEqual(['field']);
    expect(text(0)).toEqual([]);
  });

  it('shows the start of a partial part and marks where it was cut', () => {
    expect(text(5)).toEqual(['title', 'note 1', 'note 2…', 'field', 'hints']);
  });
});

describe('wrapWords', () => {
  it('breaks at spaces within the width, and hard-wraps a word longer than it', () => {
    expect(wrapWords('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrapWords('ab abcdefghijk c', 5)).toEqual(['ab', 'abcde', 'fghij', 'k c']);
  });
});
