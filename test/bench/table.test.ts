import { describe, expect, it } from 'vitest';
import { evaluate, formatTable, formatValue, median, slope, tableJson, type Figure } from '../../src/bench/table.js';

function figure(overrides: Partial<Figure> = {}): Figure {
  return {
    name: 'query `error:AccessDenied`, 100k',
    unit: 'ms',
    value: 12,
    baseline: 6,
    baselineLabel: 'substring',
    goal: { on: 'value', kind: 'max', limit: 16, label: '<= 16 ms' },
    runs: 5,
    ...overrides,
  };
}

describe('median', () => {
  it('takes the middle of an odd count and the mean of the two middles of an even one, unsorted input', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('is NaN for no values and does not reorder its input', () => {
    expect(median([])).toBeNaN();
    const input = [3, 1, 2];
    median(input);
    expect(input).toEqual([3, 1, 2]);
  });
});

describe('slope', () => {
  it('is the least-squares slope', () => {
    expect(slope([[0, 1], [1, 3], [2, 5]])).toBeCloseTo(2);
    expect(slope([[0, 10], [10, 10]])).toBe(0);
    expect(slope([[1, 1]])).toBe(0);
  });
});

describe('evaluate', () => {
  it('computes the ratio against the baseline and checks value goals', () => {
    const met = evaluate(figure());
    expect(met.ratio).toBe(2);
    expect(met.met).toBe(true);
    expect(evaluate(figure({ value: 17 })).met).toBe(false);
  });

  it('checks ratio goals and minimum goals', () => {
    const ratioGoal = { on: 'ratio', kind: 'max', limit: 1.4, label: '<= 1.4x' } as const;
    expect(evaluate(figure({ value: 14, baseline: 10, goal: ratioGoal })).met).toBe(true);
    expect(evaluate(figure({ value: 15, baseline: 10, goal: ratioGoal })).met).toBe(false);
    const rate = { on: 'value', kind: 'min', limit: 150_000, label: '>= 150k' } as const;
    expect(evaluate(figure({ unit: 'rows/s', value: 149_999, goal: rate })).met).toBe(false);
    expect(evaluate(figure({ unit: 'rows/s', value: 150_000, goal: rate })).met).toBe(true);
  });

  it('leaves met and ratio empty without a value, a baseline or a goal', () => {
    const missing = evaluate(figure({ value: null }));
    expect(missing.ratio).toBeNull();
    expect(missing.met).toBeNull();
    expect(evaluate(figure({ baseline: null })).ratio).toBeNull();
    expect(evaluate(figure({ goal: null })).met).toBeNull();
    expect(evaluate(figure({ baseline: null, goal: { on: 'ratio', kind: 'max', limit: 1, label: '' } })).met).toBeNull();
  });
});

describe('formatValue', () => {
  it('uses the unit with at most three significant digits', () => {
    expect(formatValue(12.345, 'ms')).toBe('12.3 ms');
    expect(formatValue(0.0123, 'ms')).toBe('0.012 ms');
    expect(formatValue(15_300, 'ms')).toBe('15.3 s');
    expect(formatValue(183_456, 'rows/s')).toBe('183k rows/s');
    expect(formatValue(1_520_000, 'events/s')).toBe('1.52M events/s');
    expect(formatValue(412.4, 'MB')).toBe('412 MB');
    expect(formatValue(null, 'ms')).toBe('n/a');
    expect(formatValue(Number.NaN, 'ms')).toBe('n/a');
  });
});

describe('formatTable', () => {
  it('prints an aligned Markdown table with one row per figure and notes after it', () => {
    const text = formatTable([evaluate(figure()), evaluate(figure({ name: 'export | CSV', value: 20, note: 'slow disk' }))]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^\| figure +\| value +\| same-run baseline +\| ratio +\| goal +\| met\? \|$/);
    expect(lines[1]).toMatch(/^\|-+\|-+\|-+\|-+\|-+\|-+\|$/);
    expect(lines[2]).toContain('12.0 ms (med. 5)');
    expect(lines[2]).toContain('6.00 ms substring');
    expect(lines[2]).toContain('2.00x');
    expect(lines[2]).toMatch(/\| yes +\|$/);
    expect(lines[3]).toContain('export \\| CSV');
    expect(lines[3]).toMatch(/\| NO +\|$/);
    expect(new Set(lines.slice(0, 4).map((l) => l.length)).size).toBe(1);
    expect(lines).toContain('- export | CSV: slow disk');
  });
});

describe('tableJson', () => {
  it('keeps numbers raw and turns non-finite ones into null', () => {
    const parsed = JSON.parse(tableJson([evaluate(figure({ value: Number.NaN }))], { cores: 2 })) as {
      machine: { cores: number };
      figures: Array<{ value: number | null; baseline: number; met: boolean | null }>;
    };
    expect(parsed.machine.cores).toBe(2);
    expect(parsed.figures[0]!.value).toBeNull();
    expect(parsed.figures[0]!.baseline).toBe(6);
    expect(parsed.figures[0]!.met).toBeNull();
  });
});
