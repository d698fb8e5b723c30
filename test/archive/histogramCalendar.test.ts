/**
 * The --db histogram's buckets are the folder dashboard's (archive/histogramGrain.ts): weeks from Monday
 * midnight and months from the 1st, in UTC and in the local zone, with the same counts, errors and split
 * per bucket as the in-memory histogram on the same events, events right at the bounds included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveHistogram, archiveTimeBounds, archiveTopValues } from '../../src/archive/aggregate.js';
import { archiveHistogramParts } from '../../src/archive/histogramParts.js';
import { loadFolder } from '../../src/ingest/scanFolder.js';
import { EventStore } from '../../src/store/eventStore.js';
import { histogramOpeningSize, parseBucketSize, type BucketSize, type TimelineZone } from '../../src/timeline/buckets.js';
import { histogram, stackFor, TOP_PARTS } from '../../src/timeline/histogram.js';
import { archiveOf, type TestArchive } from './helpers.js';

const H = 3_600_000;
const D = 24 * H;
const SOURCES = ['s3.amazonaws.com', 'iam.amazonaws.com', 'ec2.amazonaws.com', 'kms.amazonaws.com', 'sts.amazonaws.com', 'lambda.amazonaws.com', 'sns.amazonaws.com'];

/** Instants on and either side of bucket bounds: UTC and New York month starts, Mondays, the DST changes of 2024. */
const EDGES = [
  Date.UTC(2024, 0, 1), // Monday 1 January, a month and a week at once
  Date.UTC(2024, 1, 1), // Thursday: a month mid-week
  Date.UTC(2024, 2, 1),
  Date.UTC(2024, 3, 1), // Monday
  Date.UTC(2024, 4, 1),
  Date.UTC(2024, 0, 8), // Mondays
  Date.UTC(2024, 1, 26),
  Date.UTC(2024, 1, 1, 5), // New York midnight, 1 February (EST)
  Date.UTC(2024, 3, 1, 4), // New York midnight, 1 April (EDT)
  Date.UTC(2024, 2, 11, 4), // New York Monday midnight after the clocks went forward
  Date.UTC(2024, 2, 10, 7), // 03:00 EDT, just after the change
  Date.UTC(2024, 10, 3, 6), // 01:00 EST, the hour that repeats
];

/** Events over about a year from mid-December 2023: a spread of ordinary times, then each edge, a millisecond before it and after. */
function records(): object[] {
  const times: number[] = [];
  for (let k = 0; k < 400; k++) times.push(Date.UTC(2023, 11, 15) + k * (D * 0.83 + 37_000 * k));
  for (const edge of EDGES) times.push(edge - 1, edge, edge, edge + 1);
  return times.map((t, k) => ({
    eventID: `ev-${String(k).padStart(5, '0')}`,
    eventTime: new Date(t).toISOString(),
    eventName: `Call${k % 9}`,
    eventSource: SOURCES[(k * k) % SOURCES.length],
    awsRegion: 'us-east-1',
    ...(k % 7 === 3 ? { errorCode: 'AccessDenied' } : {}),
    userIdentity: { type: 'IAMUser', userName: `user-${k % 4}` },
  }));
}

const size = (label: string): BucketSize => parseBucketSize(label)!;

describe('the --db histogram buckets as the folder dashboard does, weeks and months included', () => {
  let archive: TestArchive;
  let store: EventStore;
  const savedTz = process.env.TZ;
  beforeAll(async () => {
    // A zone with DST both ways and midnight away from UTC's; the Date API reads TZ again when it changes.
    process.env.TZ = 'America/New_York';
    archive = await archiveOf(records(), 100);
    store = new EventStore(0);
    await loadFolder(archive.folder, store);
  }, 60_000);
  afterAll(async () => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
    await archive?.close();
  });

  for (const zone of ['utc', 'local'] as const satisfies readonly TimelineZone[]) {
    for (const label of ['1w', '1mo', '1d', '12h', '3h', '30m']) {
      it(`${label} in ${zone}: the same bounds, counts and errors per bucket as in memory`, async () => {
        const bounds = (await archiveTimeBounds(archive.archive, null))!;
        const onArchive = await archiveHistogram(archive.archive, null, { size: size(label), zone }, bounds.first, bounds.last + 1);
        const inMemory = histogram(store.rows(), { size: size(label), zone, store });
        expect(onArchive.map(({ start, end, count, errors }) => ({ start, end, count, errors }))).toEqual(
          inMemory.buckets.map(({ start, end, count, errors }) => ({ start, end, count, errors })),
        );
        expect(onArchive.reduce((n, b) => n + b.count, 0)).toBe(store.rows().length);
      });
    }

    for (const label of ['1w', '1mo']) {
      it(`${label} in ${zone}, split by event source: the same parts per bucket as in memory`, async () => {
        const rows = store.rows();
        const stack = stackFor(rows, 'source', store);
        const values = (await archiveTopValues(archive.archive, 'source', null, TOP_PARTS)).values.map((v) => v.value);
        expect(values).toEqual(stack.values);
        const bounds = (await archiveTimeBounds(archive.archive, null))!;
        const onArchive = await archiveHistogramParts(archive.archive, null, 'source', values, { size: size(label), zone }, bounds.first, bounds.last + 1);
        expect(onArchive).toEqual(histogram(rows, { size: size(label), zone, stack, store }).buckets.map((b) => b.parts));
      });
    }
  }

  it('a week starts on Monday at midnight and a month on the 1st, in UTC or New York time', async () => {
    const bounds = (await archiveTimeBounds(archive.archive, null))!;
    const starts = async (label: string, zone: TimelineZone) =>
      (await archiveHistogram(archive.archive, null, { size: size(label), zone }, bounds.first, bounds.last + 1)).map((b) => new Date(b.start));
    const utcWeeks = await starts('1w', 'utc');
    expect(utcWeeks.every((d) => d.getUTCDay() === 1 && d.getTime() % D === 0)).toBe(true);
    expect(utcWeeks[0]!.toISOString()).toBe('2023-12-11T00:00:00.000Z');
    const utcMonths = await starts('1mo', 'utc');
    expect(utcMonths.slice(0, 3).map((d) => d.toISOString())).toEqual(['2023-12-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z', '2024-02-01T00:00:00.000Z']);
    const localWeeks = await starts('1w', 'local');
    expect(localWeeks.every((d) => d.getDay() === 1 && d.getHours() === 0 && d.getMinutes() === 0)).toBe(true);
    // Both sides of the spring change: the week of 4 March starts at 05:00 UTC, the week of 11 March at 04:00 UTC.
    expect(localWeeks.map((d) => d.toISOString())).toEqual(expect.arrayContaining(['2024-03-04T05:00:00.000Z', '2024-03-11T04:00:00.000Z']));
    const localMonths = await starts('1mo', 'local');
    expect(localMonths.every((d) => d.getDate() === 1 && d.getHours() === 0)).toBe(true);
  });

  it('a span of months opens at a month on both dashboards (the one size table and fit)', () => {
    expect(histogramOpeningSize(Date.UTC(2023, 11, 15), Date.UTC(2024, 10, 15), 18).label).toBe('1mo');
    expect(histogramOpeningSize(Date.UTC(2024, 0, 1), Date.UTC(2024, 2, 31), 18).label).toBe('1w');
    expect(histogramOpeningSize(Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 10), 18).label).toBe('1d');
  });
});
