import { describe, expect, it } from 'vitest';
import { attachOptionValues, combineFilter, parseCommandArgs, UsageError } from '../../src/commands/args.js';
import { compileQuery } from '../../src/query/index.js';

const OPTIONS = {
  filter: { type: 'string' },
  output: { type: 'string', short: 'o' },
  json: { type: 'boolean' },
} as const;

describe('command-line options whose values start with -', () => {
  it('takes a negated query as the value of --filter', () => {
    const { values, positionals } = parseCommandArgs(['DIR', '--filter', '-error:*', '--json'], OPTIONS);
    expect(values.filter).toBe('-error:*');
    expect(values.json).toBe(true);
    expect(positionals).toEqual(['DIR']);
  });

  it('keeps -o - (stdout) and short options with values', () => {
    expect(parseCommandArgs(['DIR', '-o', '-'], OPTIONS).values.output).toBe('-');
    expect(attachOptionValues(['-o', '-x.csv', '--json'], OPTIONS)).toEqual(['--output=-x.csv', '--json']);
  });

  it('leaves boolean flags, --name=value and everything after -- alone', () => {
    expect(attachOptionValues(['--json', 'DIR', '--filter=a', '--', '--filter', 'b'], OPTIONS)).toEqual(['--json', 'DIR', '--filter=a', '--', '--filter', 'b']);
  });

  it('still rejects unknown flags', () => {
    expect(() => parseCommandArgs(['--bogus', 'x'], OPTIONS)).toThrow(UsageError);
  });
});

describe('--since and --until', () => {
  it('join the filter as time terms', () => {
    expect(combineFilter('user:alice', '2024-03-05', '2h')).toBe('user:alice since:2024-03-05 until:2h');
  });

  // Was accepted: a summary of 0 events and exit 0, as if nothing had happened in that window.
  it('refuse --since after --until (exit 2), counting --until through the end of what it names', () => {
    expect(() => combineFilter(undefined, '2h', '2024-03-05')).toThrow(/^--since 2h is after --until 2024-03-05: no event can match/);
    expect(() => combineFilter(undefined, '1h', '2h')).toThrow(UsageError);
    expect(() => combineFilter(undefined, '2024-03-06', '2024-03-05')).toThrow(UsageError);
    expect(combineFilter(undefined, '2024-03-05T23:59:59Z', '2024-03-05')).toBe('since:2024-03-05T23:59:59Z until:2024-03-05');
    expect(combineFilter(undefined, '2h', '1h')).toBe('since:2h until:1h');
  });

  it('report a bad value against the option, not a position in a built query', () => {
    expect(() => combineFilter('user:alice', '3x', undefined)).toThrow(/^--since 3x: bad duration/);
    expect(() => combineFilter(undefined, undefined, 'yesterday')).toThrow(/^--until yesterday: /);
  });

  it('say what an option value looks like, not the query term', () => {
    expect(() => combineFilter(undefined, 'bogus', undefined)).toThrow(/^--since bogus: bad duration 'bogus' \(give 30m, 2h, 7d or an ISO time/);
  });

  // Was `since:2024-03-05 14:00`: a date and a second term `14:00` (a path that no record has),
  // so `scan --since '2024-03-05 14:00'` counted 0 events and exited 0.
  it('take an ISO time written with a space between date and time as one time', () => {
    const source = combineFilter(undefined, '2024-03-05 14:00', '2024-03-05 15:30:00+01:00');
    expect(source).toBe('since:"2024-03-05 14:00" until:"2024-03-05 15:30:00+01:00"');
    const compiled = compileQuery(source);
    if (!compiled.ok) throw new Error(compiled.error.message);
    expect(compiled.query.timeRange).toEqual({ min: Date.UTC(2024, 2, 5, 14, 0), max: Date.UTC(2024, 2, 5, 14, 30, 0, 999) });
    expect(compiled.query.deep).toBe(false);
  });

  // Was `name:GetObject OR since:2024-03-05`: GetObject at any time, or anything since then (exit 0).
  it('refuse a filter that does not parse alone, rather than let the time term complete it', () => {
    expect(() => combineFilter('name:GetObject OR', '2024-03-05', undefined)).toThrow(/^bad filter at position 16: OR needs a term after it/);
    expect(() => combineFilter('name:GetObject AND', undefined, '2h')).toThrow(/^bad filter at position 16: /);
    expect(() => combineFilter('name:GetObject NOT', '2h', undefined)).toThrow(/^bad filter at position 16: /);
    // Record paths and params: are the commands' to allow: the filter alone is checked with them.
    expect(combineFilter('requestParameters.bucketName:logs params:x', '2h', undefined)).toBe('requestParameters.bucketName:logs params:x since:2h');
    expect(combineFilter('name:a OR name:b', '2h', undefined)).toBe('name:a OR name:b since:2h');
  });

  it('refuse a value that adds query terms to the filter', () => {
    expect(() => combineFilter(undefined, '2024-08-01 error:*', undefined)).toThrow(/^--since 2024-08-01 error:\*: not a single time/);
    expect(() => combineFilter('user:alice', undefined, '2h OR name:x')).toThrow(UsageError);
  });
});

// Last-one-wins dropped the first: `--filter user:alice --filter name:Delete*` exported every Delete by anyone.
describe('a value option given twice', () => {
  const OPTIONS = { filter: { type: 'string' }, output: { type: 'string', short: 'o' }, rules: { type: 'string', multiple: true }, json: { type: 'boolean' } } as const;

  it('is a usage error naming the option', () => {
    expect(() => parseCommandArgs(['DIR', '--filter', 'user:alice', '--filter', 'name:Delete*'], OPTIONS)).toThrow(/^--filter given more than once \(put the terms in one --filter/);
    expect(() => parseCommandArgs(['DIR', '-o', '-', '--output=x.csv'], OPTIONS)).toThrow(/^--output given more than once \(it takes one value\)$/);
  });

  it('leaves repeatable options and flags alone', () => {
    expect(parseCommandArgs(['DIR', '--rules', 'a', '--rules', 'b', '--json', '--json'], OPTIONS).values).toEqual({ rules: ['a', 'b'], json: true });
  });
});
