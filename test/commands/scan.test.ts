import { describe, expect, it } from 'vitest';
import { formatSummary, safeJson } from '../../src/commands/scan.js';
import { summarizeStore } from '../../src/commands/scanSummary.js';
import { normalize } from '../../src/model/normalize.js';
import { EventStore } from '../../src/store/eventStore.js';
import { RecordBatch } from '../../src/model/recordBatch.js';

let recordIndex = 0;

/** A row of f.json, each at its own place in the file (a record read again in place is no duplicate). */
function row(id: string, name: string, time: string, extra: Record<string, unknown> = {}) {
  return normalize({ eventID: id, eventName: name, eventTime: time, userIdentity: { type: 'IAMUser', userName: 'alice' }, ...extra }, new RecordBatch('f.json'), recordIndex++);
}

function loaded(): EventStore {
  const store = new EventStore();
  store.add([
    row('1', 'RunInstances', '2024-03-05T14:00:00Z', { errorCode: 'AccessDenied' }),
    row('2', 'RunInstances', '2024-03-05T15:00:00Z'),
    row('3', 'ConsoleLogin', '2024-03-04T01:02:03Z', { userIdentity: { type: 'Root' } }),
    row('1', 'RunInstances', '2024-03-05T14:00:00Z', { errorCode: 'AccessDenied' }),
    row('4', 'x', 'garbage', { eventType: 'AwsCloudTrailInsight', insightDetails: { state: 'Start' } }),
  ]);
  store.updateProgress((p) => {
    p.shapes = { records: 2, empty: 1, digest: 1, 'not-cloudtrail': 1, bad: 1 };
    p.digests = 1;
    p.skippedFiles.push({ path: 'a.txt', reason: 'not JSON' });
    p.badFiles.push({ path: 'b.json', reason: 'invalid JSON at byte 3' });
  });
  return store;
}

describe('summarizeStore', () => {
  it('counts files, events, times, top lists and errors', () => {
    const s = summarizeStore(loaded(), null, { folder: 'logs' });
    expect(s.files).toEqual({
      read: 3,
      digests: 1,
      skipped: [{ path: 'a.txt', reason: 'not JSON' }],
      bad: [{ path: 'b.json', reason: 'invalid JSON at byte 3' }],
      byShape: { records: 2, empty: 1, digest: 1, 'not-cloudtrail': 1, bad: 1 },
    });
    expect(s.events).toEqual({ read: 5, unique: 4, duplicates: 1, total: 4, insights: 1, badTime: 1, conflicts: 0 });
    expect(s.time).toEqual({ first: '2024-03-04T01:02:03.000Z', last: '2024-03-05T15:00:00.000Z' });
    expect(s.topEventNames).toEqual([
      { name: 'RunInstances', count: 2 },
      { name: 'ConsoleLogin', count: 1 },
      { name: 'x', count: 1 },
    ]);
    expect(s.topActors).toEqual([
      { name: 'alice', count: 3 },
      { name: 'root', count: 1 },
    ]);
    expect(s.errorsByCode).toEqual([{ code: 'AccessDenied', count: 1 }]);
  });

  it('with a matcher, describes the matching events and keeps the folder total', () => {
    const s = summarizeStore(loaded(), { test: (r) => r.name === 'RunInstances' }, { filter: 'name:RunInstances', matchedRead: 3 });
    expect(s.filter).toBe('name:RunInstances');
    expect(s.events).toEqual({ read: 3, unique: 2, duplicates: 1, total: 4, insights: 0, badTime: 0, conflicts: 0 });
    expect(s.time).toEqual({ first: '2024-03-05T14:00:00.000Z', last: '2024-03-05T15:00:00.000Z' });
    expect(s.topActors).toEqual([{ name: 'alice', count: 2 }]);
  });

  it('says, rather than counts as 0, that copies are not known (an archive under a filter)', () => {
    const s = summarizeStore(loaded(), { test: (r) => r.name === 'RunInstances' }, { filter: 'name:RunInstances', matchedRead: 3 });
    const text = formatSummary({ ...s, events: { ...s.events, read: null, duplicates: null } });
    expect(text).toContain('Events    2 unique (matching; 4 unique in all; copies read are not counted under a filter: an archive keeps one of each)');
    expect(text).not.toMatch(/null|0 duplicates/);
  });

  it('renders a human summary with hostile strings made visible, not executed', () => {
    const store = loaded();
    store.add([row('5', 'Evil\u001b[2J', '2024-03-05T16:00:00Z')]);
    const text = formatSummary(summarizeStore(store, null, { folder: 'logs' }));
    expect(text).toContain('Files     3 read (records 2, empty 1), 1 digest skipped, 1 skipped, 1 bad');
    expect(text).toContain('Events    6 read, 5 unique, 1 duplicate, 1 with an unreadable time');
    expect(text).toContain('Time      2024-03-04T01:02:03.000Z .. 2024-03-05T16:00:00.000Z (UTC)');
    expect(text).toContain('Insights  1 event');
    expect(text).toContain('  b.json: invalid JSON at byte 3');
    expect(text).not.toContain('\u001b');
    expect(text).toContain('Evil\\x1b[2J');
  });

  it('prints JSON with terminal controls escaped, and the same value', () => {
    const value = { name: 'a\u001b]52;c;x\u0007b\u009b2J\u202ec' };
    const text = safeJson(value);
    expect(text).not.toMatch(/[\u001b\u0007\u009b\u202e]/);
    expect(text).toContain('\\u009b');
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('formatSummary: the file shapes line', () => {
  it('names the shapes in one order however they were counted (an archive counts them in GROUP BY order)', () => {
    const s = summarizeStore(loaded(), null, { folder: 'logs' });
    const line = (byShape: typeof s.files.byShape): string => formatSummary({ ...s, files: { ...s.files, byShape } }).split('\n').find((l) => l.startsWith('Files'))!;
    const one = line({ empty: 21, single: 32, 'lookup-events': 1, array: 578, records: 20, digest: 2 });
    const other = line({ records: 20, array: 578, digest: 2, single: 32, empty: 21, 'lookup-events': 1 });
    expect(one).toBe(other);
    expect(one).toContain('(records 20, array 578, single 32, lookup-events 1, empty 21)');
  });
});

