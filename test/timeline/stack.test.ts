import { describe, expect, it } from 'vitest';
import { EventStore } from '../../src/store/eventStore.js';
import { histogram, parseBucketSize, stackFor } from '../../src/timeline/index.js';
import { eventRow } from '../support/rows.js';

describe('stacking by a field with the store', () => {
  it('the top values counted by column ids are those a Map of row values finds', () => {
    const store = new EventStore(0);
    const sources = ['s3', 'iam', 'ec2', 'sts', 'kms', 'lambda', 'sns'];
    const rows = [];
    for (let i = 0; i < 700; i++) {
      const k = i % 100 < 40 ? 0 : i % 100 < 60 ? 1 : i % 100 < 75 ? 2 : i % 100 < 85 ? 3 : i % 100 < 92 ? 4 : i % 100 < 97 ? 5 : 6;
      rows.push(eventRow({ id: `e${i}`, time: Date.UTC(2024, 2, 5, 14) + i * 7000, source: `${sources[k]}.amazonaws.com`, region: i % 3 ? 'us-east-1' : 'eu-west-1' }));
    }
    store.add(rows);
    const newestFirst = store.rows();
    for (const field of ['source', 'user', 'region'] as const) {
      expect(stackFor(newestFirst, field, store).values).toEqual(stackFor(newestFirst, field).values.filter((v) => v !== ''));
    }
    const stack = stackFor(newestFirst, 'source', store);
    expect(stack.values).toEqual(['s3.amazonaws.com', 'iam.amazonaws.com', 'ec2.amazonaws.com', 'sts.amazonaws.com', 'kms.amazonaws.com']);
    const h = histogram(newestFirst, { size: parseBucketSize('1h')!, zone: 'utc', stack });
    const total = h.buckets.reduce((n, b) => n + b.count, 0);
    expect(total).toBe(700);
    // lambda and sns (8 in 100) are Other.
    expect(h.buckets.reduce((n, b) => n + b.parts[5]!, 0)).toBe(56);
    // By column ids or by a Map of values: the same parts, also for rows that arrive after the spec was made.
    const byMap = histogram(newestFirst, { size: parseBucketSize('1h')!, zone: 'utc', stack: { field: 'source', values: stack.values } });
    expect(h.buckets.map((b) => b.parts)).toEqual(byMap.buckets.map((b) => b.parts));
    store.add([eventRow({ id: 'late', time: Date.UTC(2024, 2, 5, 14, 30), source: 'iam.amazonaws.com' }), eventRow({ id: 'late2', time: Date.UTC(2024, 2, 5, 14, 31), source: 'brand-new.amazonaws.com' })]);
    const after = store.rows();
    const again = histogram(after, { size: parseBucketSize('1h')!, zone: 'utc', stack });
    const againByMap = histogram(after, { size: parseBucketSize('1h')!, zone: 'utc', stack: { field: 'source', values: stack.values } });
    expect(again.buckets.map((b) => b.parts)).toEqual(againByMap.buckets.map((b) => b.parts));
  });
});

describe('errors in the histogram', () => {
  it('follow the one failure rule: a failed console sign-in is an error without an errorCode', () => {
    const t = Date.UTC(2024, 2, 5, 14);
    const rows = [
      eventRow({ id: 'a', time: t + 3000, name: 'ConsoleLogin', errorMessage: 'Failed authentication' }),
      eventRow({ id: 'b', time: t + 2000, name: 'ConsoleLogin' }),
      eventRow({ id: 'c', time: t + 1000, name: 'GetObject', errorCode: 'AccessDenied' }),
    ];
    const h = histogram(rows, { size: parseBucketSize('1m')!, zone: 'utc' });
    expect(h.buckets[0]!.errors).toBe(2);
    expect(h.buckets[0]!.parts).toEqual([1, 2]);
    const bySource = histogram(rows, { size: parseBucketSize('1m')!, zone: 'utc', stack: stackFor(rows, 'source') });
    expect(bySource.buckets[0]!.errors).toBe(2);
  });
});
