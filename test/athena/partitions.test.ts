/** Partition predicates from the whole query tree: OR groups prune too, and never narrower than the query. */
import { describe, expect, it } from 'vitest';
import { partitionPredicates, readsEveryDay } from '../../src/athena/statement.js';
import { parseQuery } from '../../src/query/parse.js';

const NOW = Date.UTC(2024, 2, 5, 12);

function predicates(query: string): string[] {
  const parsed = parseQuery(query, { now: NOW, deepTerms: true });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return partitionPredicates(parsed.ast, ['region', 'timestamp']);
}

describe('partition predicates', () => {
  it('says when a query on a date-partitioned table reads every day: no lower time bound for the whole query', () => {
    const every = (query: string, partitions: ('region' | 'timestamp')[] = ['region', 'timestamp']) => {
      const parsed = parseQuery(query, { now: NOW, deepTerms: true });
      if (!parsed.ok) throw new Error(parsed.error.message);
      return readsEveryDay(parsed.ast, partitions);
    };
    expect(every('')).toBe(true);
    expect(every('error:* region:eu-west-1')).toBe(true);
    expect(every('until:1d')).toBe(true);
    expect(every('since:2h OR name:x')).toBe(true);
    expect(every('since:2h error:*')).toBe(false);
    expect(every('from:2024-03-01 to:2024-03-02')).toBe(false);
    expect(every('(since:2h name:a) OR (since:1d name:b)')).toBe(false);
    // The table has no date partition, or the user dropped it: nothing to say.
    expect(every('error:*', ['region'])).toBe(false);
    expect(every('error:*', [])).toBe(false);
  });

  it('regions: a term, either of a field repeated, the parts of an OR each limited, an AND of limits', () => {
    expect(predicates('region:eu-west-1 name:x')).toEqual(["region IN ('eu-west-1')"]);
    expect(predicates('region:eu-west-1 region:us-east-1')).toEqual(["region IN ('eu-west-1', 'us-east-1')"]);
    expect(predicates('(region:eu-west-1 error:*) OR (region:us-east-1 name:x)')).toEqual(["region IN ('eu-west-1', 'us-east-1')"]);
    expect(predicates('region:(eu-west-1 OR us-east-1) (region:us-east-1 OR name:x)')).toEqual(["region IN ('eu-west-1', 'us-east-1')"]);
    expect(predicates('region:(eu-west-1 OR us-east-1) (region:us-east-1 OR region:ap-south-1)')).toEqual(["region IN ('us-east-1')"]);
    // An explicit AND is strict: one region and another is none (no predicate: the query itself answers nothing).
    expect(predicates('region:eu-west-1 region:us-east-1 AND region:us-east-1')).toEqual(["region IN ('us-east-1')"]);
    expect(predicates('region:eu-west-1 AND region:us-east-1')).toEqual([]);
  });

  it('no region limit where some part allows any region', () => {
    expect(predicates('region:eu-west-1 OR error:*')).toEqual([]);
    expect(predicates('-region:eu-west-1')).toEqual([]);
    expect(predicates('region:eu-*')).toEqual([]);
  });

  it('days: the range of an AND, the span of an OR whose every part has one, a day late at the end', () => {
    expect(predicates('from:2024-03-02 to:2024-03-03')).toEqual([`"timestamp" >= '2024/03/02'`, `"timestamp" <= '2024/03/04'`]);
    expect(predicates('(from:2024-03-02 to:2024-03-02 name:x) OR (from:2024-02-20 to:2024-02-21 error:*)')).toEqual([
      `"timestamp" >= '2024/02/20'`,
      `"timestamp" <= '2024/03/03'`,
    ]);
    expect(predicates('(from:2024-03-02 name:x) to:2024-03-03')).toEqual([`"timestamp" >= '2024/03/02'`, `"timestamp" <= '2024/03/04'`]);
    expect(predicates('from:2024-03-02 OR error:*')).toEqual([]);
    expect(predicates('-(from:2024-03-02) name:x')).toEqual([]);
  });
});
