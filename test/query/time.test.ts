import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../src/query/index.js';
import { parseDuration, parseIsoTime } from '../../src/query/time.js';
import { makeRow } from './rows.js';

const NOW = Date.UTC(2024, 2, 10, 12, 0, 0);

function keeps(query: string, time: number): boolean {
  const result = compileQuery(query, { now: NOW });
  if (!result.ok) throw new Error(`${query}: ${result.error.message}`);
  return result.query.test(makeRow({ time }));
}

describe('relative times', () => {
  it.each([
    ['30s', 30_000],
    ['15m', 15 * 60_000],
    ['2h', 2 * 3_600_000],
    ['7d', 7 * 86_400_000],
    ['1w', 7 * 86_400_000],
    ['1h30m', 90 * 60_000],
    ['2H', 2 * 3_600_000],
  ])('since:%s keeps rows up to that long ago', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(keeps(`since:${text}`, NOW - ms)).toBe(true);
    expect(keeps(`since:${text}`, NOW - ms + 1)).toBe(true);
    expect(keeps(`since:${text}`, NOW - ms - 1)).toBe(false);
    expect(keeps(`until:${text}`, NOW - ms)).toBe(true);
    expect(keeps(`until:${text}`, NOW - ms + 1)).toBe(false);
    expect(keeps(`until:${text}`, NOW - ms - 1)).toBe(true);
  });

  it('rows whose time did not parse are outside every time range', () => {
    expect(keeps('since:7d', Number.NaN)).toBe(false);
    expect(keeps('until:7d', Number.NaN)).toBe(false);
    expect(keeps('name:DescribeInstances', Number.NaN)).toBe(true);
  });
});

describe('absolute times', () => {
  it('date-only is UTC midnight, and to: includes the whole day', () => {
    const day = Date.UTC(2024, 2, 5);
    expect(keeps('from:2024-03-05', day)).toBe(true);
    expect(keeps('from:2024-03-05', day - 1)).toBe(false);
    expect(keeps('to:2024-03-05', day + 86_400_000 - 1)).toBe(true);
    expect(keeps('to:2024-03-05', day + 86_400_000)).toBe(false);
    expect(keeps('from:2024-03-05 to:2024-03-05', day + 12 * 3_600_000)).toBe(true);
    expect(keeps('from:2024-03-05 to:2024-03-05', day - 1)).toBe(false);
  });

  it('minute precision with Z; to: includes the minute written', () => {
    const at = Date.UTC(2024, 2, 5, 14, 0);
    expect(keeps('from:2024-03-05T14:00Z', at)).toBe(true);
    expect(keeps('from:2024-03-05T14:00Z', at - 1)).toBe(false);
    expect(keeps('to:2024-03-05T14:00Z', at + 59_999)).toBe(true);
    expect(keeps('to:2024-03-05T14:00Z', at + 60_000)).toBe(false);
    // Without Z or an offset a time is UTC too.
    expect(keeps('from:2024-03-05T14:00', at)).toBe(true);
    expect(keeps('from:2024-03-05T14:00', at - 1)).toBe(false);
  });

  it('offsets: +11:00, -05:00, +0530', () => {
    expect(parseIsoTime('2024-03-05T14:00:00+11:00')!.at).toBe(Date.UTC(2024, 2, 5, 3, 0, 0));
    expect(parseIsoTime('2024-03-05T14:00:00-05:00')!.at).toBe(Date.UTC(2024, 2, 5, 19, 0, 0));
    expect(parseIsoTime('2024-03-05T14:00+0530')!.at).toBe(Date.UTC(2024, 2, 5, 8, 30, 0));
    expect(parseIsoTime('2024-03-05 14:00:00Z')!.at).toBe(Date.UTC(2024, 2, 5, 14, 0, 0));
    expect(parseIsoTime('2024-03-05T14:00:00.250Z')!.at).toBe(Date.UTC(2024, 2, 5, 14, 0, 0, 250));
    const at = Date.UTC(2024, 2, 5, 3, 0, 0);
    expect(keeps('since:2024-03-05T14:00:00+11:00', at)).toBe(true);
    expect(keeps('since:2024-03-05T14:00:00+11:00', at - 1)).toBe(false);
    expect(keeps('until:2024-03-05T14:00:00+11:00', at + 999)).toBe(true);
    expect(keeps('until:2024-03-05T14:00:00+11:00', at + 1000)).toBe(false);
  });

  it('several bounds intersect', () => {
    const q = 'from:2024-03-01 to:2024-03-09 since:2024-03-05';
    expect(keeps(q, Date.UTC(2024, 2, 4))).toBe(false);
    expect(keeps(q, Date.UTC(2024, 2, 6))).toBe(true);
    expect(keeps(q, Date.UTC(2024, 2, 10))).toBe(false);
  });

  it('reports the time range it applies', () => {
    const result = compileQuery('from:2024-03-05 until:1h', { now: NOW });
    expect(result.ok && result.query.timeRange).toEqual({ min: Date.UTC(2024, 2, 5), max: NOW - 3_600_000 });
    expect(result.ok && result.query.relativeTime).toBe(true);
    const none = compileQuery('name:x');
    expect(none.ok && none.query.timeRange).toBeNull();
    expect(none.ok && none.query.relativeTime).toBe(false);
    const absolute = compileQuery('from:2024-03-05 to:2024-03-06T10:00Z');
    expect(absolute.ok && absolute.query.relativeTime).toBe(false);
  });
});
