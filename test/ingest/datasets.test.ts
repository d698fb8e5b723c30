/**
 * Scans every folder of ../shared/datasets (real CloudTrail data) and checks
 * exact figures. The expected numbers were counted independently with jq
 * (events per file, eventIDs, `jq -S` for records without an eventID).
 */
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarizeStore, type ScanSummary } from '../../src/commands/scanSummary.js';
import { loadFolder } from '../../src/ingest/scanFolder.js';
import { EventStore } from '../../src/store/eventStore.js';
import { rowInsight, sharedEventIdOf, timeRawOf } from '../../src/model/recordBatch.js';

const DATASETS = resolve(__dirname, '../../../shared/datasets');
const present = existsSync(DATASETS);
if (!present && process.env.CI) throw new Error(`datasets folder missing: ${DATASETS} (required when CI is set)`);
if (!present) console.warn(`SKIPPED: ${DATASETS} is absent, so the real-data figures are not checked`);

async function scan(name: string): Promise<{ summary: ScanSummary; store: EventStore }> {
  const store = new EventStore();
  await loadFolder(join(DATASETS, name), store);
  return { summary: summarizeStore(store), store };
}

const names = (files: { path: string }[]) => files.map((f) => basename(f.path)).sort();

describe.skipIf(!present)('real datasets', () => {
  it('stratus-red-team: 310 events in 35 bare-array files, anonymised values loaded as they are', async () => {
    const { summary, store } = await scan('stratus-red-team');
    expect(summary.files.read).toBe(35);
    expect(summary.files.byShape).toEqual({ array: 35, 'not-cloudtrail': 1 });
    expect(names(summary.files.skipped)).toEqual(['LICENSE']);
    expect(summary.files.bad).toEqual([]);
    expect(summary.events).toMatchObject({ read: 310, unique: 310, duplicates: 0, badTime: 0 });
    expect(summary.errorsByCode).toEqual([
      { code: 'Client.UnauthorizedOperation', count: 46 },
      { code: 'AccessDenied', count: 5 },
      { code: 'EntityTemporarilyUnmodifiableException', count: 1 },
    ]);
    expect(store.log().filter((r) => r.eventType === 'AwsConsoleSignIn')).toHaveLength(1);
    expect(store.log().some((r) => r.sourceIp === '211.9.016.253')).toBe(true);
  });

  it('traildiscover: 584 files (21 empty), 563 events read, 249 duplicates by eventID, script.js skipped', async () => {
    const { summary } = await scan('traildiscover');
    expect(summary.files.read).toBe(584);
    expect(summary.files.byShape).toEqual({ array: 543, empty: 21, single: 20, 'not-cloudtrail': 3 });
    expect(summary.files.bad).toEqual([]);
    expect(names(summary.files.skipped)).toEqual(['LICENSE', 'index.html', 'script.js']);
    expect(summary.files.skipped.find((f) => f.path.endsWith('script.js'))?.reason).toMatch(/^not JSON/);
    expect(summary.events).toMatchObject({ read: 563, unique: 314, duplicates: 249, total: 314 });
  });

  it('aws-docs-examples: 2 digests skipped, Insights records read, console sign-ins', async () => {
    const { summary, store } = await scan('aws-docs-examples');
    expect(summary.files.digests).toBe(2);
    expect(summary.files.read).toBe(20);
    expect(summary.files.byShape).toEqual({ records: 8, single: 12, digest: 2 });
    expect(summary.files.bad).toEqual([]);
    expect(summary.files.skipped).toEqual([]);
    expect(summary.events).toMatchObject({ read: 21, unique: 18, duplicates: 3 });
    // Three Insights records: one lone Start and one Start/End pair, i.e. two Insights events by sharedEventID.
    const insights = store.log().filter((r) => rowInsight(r) !== null);
    expect(summary.events.insights).toBe(3);
    expect(new Set(insights.map((r) => sharedEventIdOf(r))).size).toBe(2);
    expect(insights.map((r) => r.name).sort()).toEqual(['CompleteLifecycleAction', 'UpdateInstanceInformation', 'UpdateInstanceInformation']);
    const service = store.log().find((r) => r.identityType === '' && r.actor === 'AWS Internal');
    expect(service).toBeDefined();
    expect(summary.topEventNames[0]).toEqual({ name: 'ConsoleLogin', count: 5 });
  });

  it('lookup-events: 6 events with their local-offset times converted to UTC', async () => {
    const { summary, store } = await scan('lookup-events');
    expect(summary.files.byShape).toEqual({ 'lookup-events': 1, 'not-cloudtrail': 1 });
    expect(summary.events).toMatchObject({ read: 6, unique: 6, duplicates: 0 });
    expect(store.rows().map((r) => [r.name, new Date(r.time).toISOString()])).toEqual([
      ['DescribeInstances', '2022-02-07T22:23:37.000Z'],
      ['TerminateInstances', '2022-02-07T22:23:18.000Z'],
      ['StopInstances', '2022-02-07T22:23:03.000Z'],
      ['SharedSnapshotVolumeCreated', '2022-02-07T22:19:07.000Z'],
      ['RunInstances', '2022-02-07T22:19:05.000Z'],
      ['CreateSecurityGroup', '2022-02-07T22:19:04.000Z'],
    ]);
    expect(summary.time).toEqual({ first: '2022-02-07T22:19:04.000Z', last: '2022-02-07T22:23:37.000Z' });
  });

  it('robustness: the invalid files reported by name, every valid one loaded', async () => {
    const { summary, store } = await scan('robustness');
    expect(names(summary.files.bad)).toEqual(['SerializerTestFileBadJsonFormat.json', 'malformed-records-array.json']);
    for (const bad of summary.files.bad) expect(bad.reason).toMatch(/^invalid JSON at byte \d+ \(line \d+, column \d+\): /);
    expect(summary.files.read).toBe(12);
    expect(summary.files.byShape).toEqual({ records: 12, bad: 2, 'not-cloudtrail': 2 });
    // 41 records, none with an eventID: 20 distinct contents (jq -S -c | sort -u).
    expect(summary.events).toMatchObject({ read: 41, unique: 20, duplicates: 21, badTime: 4 });
    const wrong = store.log().find((r) => timeRawOf(r) === 'ThisIsAWrongEventTime');
    expect(wrong?.time).toBeNaN();
    expect(store.log().every((r) => r.id.startsWith('content:'))).toBe(true);
  });
});
