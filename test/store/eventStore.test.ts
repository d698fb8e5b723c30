import { describe, expect, it } from 'vitest';
import { compareNewestFirst } from '../../src/model/order.js';
import { RecordBatch } from '../../src/model/recordBatch.js';
import type { EventRow } from '../../src/model/types.js';
import { EventStore, mergeSorted } from '../../src/store/eventStore.js';
import { plainRow } from '../../src/model/plainRow.js';

let counter = 0;
function row(id: string, time: number, extra: Partial<EventRow> = {}): EventRow {
  return {
    id, time, name: 'GetObject', source: 's3.amazonaws.com', region: 'us-east-1', actor: 'alice',
    identityType: 'IAMUser', principalArn: '', userNames: [], account: '1', recipientAccount: '', accessKey: '',
    sourceIp: '', userAgent: '', errorCode: '', errorMessage: '', readOnly: true, eventType: '', category: '',
    resources: [], batch: new RecordBatch('f'), recordIndex: counter++,
    seq: -1, ...extra,
  };
}

/** A small deterministic PRNG so failures reproduce. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

describe('EventStore', () => {
  it('deduplicates by id, counts duplicates, and keeps arrival order in log()', () => {
    const store = new EventStore();
    expect(store.add([row('a', 1), row('b', 2)])).toBe(2);
    expect(store.add([row('b', 2), row('c', 3)])).toBe(1);
    expect(store.log().map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(store.log().map((r) => r.seq)).toEqual([0, 1, 2]);
    expect(store.progress.duplicates).toBe(1);
    expect(store.progress.eventsRead).toBe(4);
    expect(store.has('c')).toBe(true);
  });

  it('does not count a record read again from its own place in its file (a file re-read whole) as a copy', () => {
    const store = new EventStore();
    const batch = new RecordBatch('/logs/stream.jsonl');
    store.add([row('a', 1, { batch, recordIndex: 0 })]);
    // The one-line file grew and was read again from the start: 'a' again at index 0, then new lines.
    const again = new RecordBatch('/logs/stream.jsonl');
    expect(store.add([row('a', 1, { batch: again, recordIndex: 0 }), row('b', 2, { batch: again, recordIndex: 1 })])).toBe(1);
    expect(store.progress.eventsRead).toBe(2);
    expect(store.progress.duplicates).toBe(0);
    // A copy in another file (or elsewhere in the same one) still is one.
    store.add([row('a', 1, { batch: new RecordBatch('/logs/other.json'), recordIndex: 0 }), row('b', 2, { batch: again, recordIndex: 5 })]);
    expect(store.progress.eventsRead).toBe(4);
    expect(store.progress.duplicates).toBe(2);
  });

  it('keeps rows() newest first across many out-of-order batches, NaN times last', () => {
    const random = prng(7);
    const store = new EventStore();
    const all: EventRow[] = [];
    for (let batch = 0; batch < 60; batch++) {
      const rows: EventRow[] = [];
      // Batches that land at the top, at the bottom, and across the middle.
      const base = batch % 3 === 0 ? 1e6 + batch * 1000 : batch % 3 === 1 ? 1000 - batch * 10 : 500_000;
      for (let k = 0; k < 40; k++) {
        const time = random() < 0.03 ? Number.NaN : Math.floor(base + random() * 2000);
        rows.push(row(`r${batch}-${k}`, time));
      }
      store.add(rows);
      all.push(...rows);
      if (batch % 5 === 0) store.rows(); // merge now and then, as a UI would
    }
    const expected = all.slice().sort(compareNewestFirst).map((r) => r.id);
    expect(store.rows().map((r) => r.id)).toEqual(expected);
  });

  it('mergeSorted equals a full sort, whichever way the inputs overlap', () => {
    const random = prng(11);
    for (let trial = 0; trial < 200; trial++) {
      const a = Array.from({ length: Math.floor(random() * 30) }, (_, k) => ({ ...row(`a${k}`, Math.floor(random() * 50)), seq: k }));
      const b = Array.from({ length: Math.floor(random() * 30) }, (_, k) => ({ ...row(`b${k}`, Math.floor(random() * 50) + (trial % 3) * 25), seq: 100 + k }));
      a.sort(compareNewestFirst);
      b.sort(compareNewestFirst);
      expect(mergeSorted(a, b)).toEqual([...a, ...b].sort(compareNewestFirst));
    }
  });

  it('shares repeated strings, user-name lists and resource lists between rows', () => {
    const store = new EventStore();
    const resources = () => [{ type: 'AWS::S3::Bucket', name: 'logs', arn: 'arn:aws:s3:::logs', accountId: '' }];
    const first = row('x', 1, { actor: ['ali', 'ce'].join(''), userNames: ['alice'], resources: resources() });
    const second = row('y', 2, { actor: ['al', 'ice'].join(''), userNames: ['alice'], resources: resources() });
    store.add([first, second]);
    expect(second.userNames).toBe(first.userNames);
    expect(second.resources).toBe(first.resources);
    expect(second.resources[0]!.name).toBe('logs');
    expect(Object.isFrozen(first.resources)).toBe(true);
    const empty = row('z', 3);
    const emptier = row('w', 4);
    store.add([empty, emptier]);
    expect(empty.userNames).toBe(emptier.userNames);
    expect(empty.resources).toEqual([]);
  });

  it('shares one resource named by many lists only when its type, name, ARN and account all match', () => {
    // Lists that never repeat (an S3 object and its bucket) give their table up; the bucket is still shared by itself.
    const store = new EventStore(0, { dictionaryProbe: 16 });
    const bucket = (accountId: string, name = 'logs') => ({ type: 'AWS::S3::Bucket', name, arn: 'arn:aws:s3:::logs', accountId });
    const rows = Array.from({ length: 64 }, (_, k) =>
      row(`r${k}`, k, { resources: [{ type: 'AWS::S3::Object', name: `logs/${k}`, arn: `arn:aws:s3:::logs/${k}`, accountId: '' }, bucket(k % 4 === 3 ? '2' : '1', k % 8 === 5 ? 'other' : 'logs')] }),
    );
    store.add(rows);
    const stored = store.log();
    expect(stored[9]!.resources[1]).toBe(stored[1]!.resources[1]);
    for (const [k, kept] of stored.entries()) {
      expect(kept.resources[1]).toEqual(bucket(k % 4 === 3 ? '2' : '1', k % 8 === 5 ? 'other' : 'logs'));
      expect(kept.resources[0]!.name).toBe(`logs/${k}`);
    }
  });

  it('does not share lists whose parts only look alike when joined', () => {
    const store = new EventStore();
    const a = row('a', 1, { userNames: ['ab', 'c'] });
    const b = row('b', 2, { userNames: ['a', 'bc'] });
    store.add([a, b]);
    expect(b.userNames).toEqual(['a', 'bc']);
    expect(a.userNames).toEqual(['ab', 'c']);
  });

  it('coalesces change notifications to about ten a second, and flush() delivers at once', async () => {
    const store = new EventStore(100);
    let calls = 0;
    const unsubscribe = store.subscribe(() => calls++);
    const start = Date.now();
    let adds = 0;
    while (Date.now() - start < 500) {
      store.add([row(`n${counter}`, counter)]);
      adds++;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await new Promise((resolve) => setTimeout(resolve, 120));
    // Bounds from the time that really passed, so a loaded machine (timers late) cannot fail it:
    // notified while the adds go on, never more than about ten times a second, far fewer than the adds.
    const elapsed = Date.now() - start;
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(calls).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 1);
    expect(calls).toBeLessThan(adds / 5);
    const before = calls;
    const version = store.version;
    store.add([row('late', 1)]);
    expect(store.getSnapshot()).toBe(version + 1);
    store.flush();
    expect(calls).toBe(before + 1);
    unsubscribe();
    store.add([row('after', 1)]);
    store.flush();
    expect(calls).toBe(before + 1);
  });
});

describe('stored rows (storedRow.ts)', () => {
  const batchAt = (file: string, deliveredAt: number): RecordBatch => Object.assign(new RecordBatch(file), { deliveredAt });

  it('read back every field the row came with, from the columns', () => {
    const store = new EventStore(0, { columnDictionaryLimit: 2 });
    const given = [
      row('a', 10, { identityType: 'AssumedRole', userAgent: 'cli', errorMessage: 'denied', readOnly: null, sourceIp: '10.0.0.1', userNames: ['bob'] }),
      row('b', 20, { identityType: 'Root', userAgent: 'console', errorMessage: '', readOnly: false, sourceIp: '10.0.0.2' }),
      // A third distinct value of each: past the dictionaries' limit of 2, kept as the row's own.
      row('c', Number.NaN, { identityType: 'IAMUser', userAgent: 'sdk', errorMessage: 'throttled', readOnly: true, sourceIp: '10.0.0.3' }),
    ];
    const plain = given.map((r) => plainRow(r));
    store.add(given);
    for (const expected of plain) {
      const kept = store.get(expected.id)!;
      expect(Object.getPrototypeOf(kept)).not.toBe(Object.prototype);
      expect({ ...plainRow(kept), seq: expected.seq }).toEqual(expected);
    }
  });

  it('an earlier conflicting copy is written over the kept row, and rows added after it keep their own fields', () => {
    const store = new EventStore(0);
    store.add([row('a', 10, { batch: batchAt('later.json', 2000), userAgent: 'new', identityType: 'Root' }), row('b', 20)]);
    store.add([row('a', 30, { batch: batchAt('earlier.json', 1000), userAgent: 'old', identityType: 'IAMUser', name: 'PutObject' })]);
    store.add([row('c', 40, { userAgent: 'third', identityType: 'AssumedRole', name: 'ListBuckets' })]);
    const a = store.get('a')!;
    expect([a.time, a.userAgent, a.identityType, a.name, a.batch.file, a.seq]).toEqual([30, 'old', 'IAMUser', 'PutObject', 'earlier.json', 0]);
    const c = store.get('c')!;
    expect([c.time, c.userAgent, c.identityType, c.name, c.seq]).toEqual([40, 'third', 'AssumedRole', 'ListBuckets', 2]);
    expect(store.columns().times.length).toBe(3);
    expect(store.rows().map((r) => r.id)).toEqual(['c', 'a', 'b']);
  });

  it('a field set on a stored row is read back, and only for that row', () => {
    const store = new EventStore(0);
    store.add([row('a', 10), row('b', 20)]);
    const a = store.get('a')!;
    a.region = 'eu-west-1';
    a.time = 15;
    a.readOnly = null;
    expect([a.region, a.time, a.readOnly]).toEqual(['eu-west-1', 15, null]);
    const b = store.get('b')!;
    expect([b.region, b.time, b.readOnly]).toEqual(['us-east-1', 20, true]);
  });
});
