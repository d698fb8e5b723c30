/**
 * scan/extract.ts reads an unfiltered scan's digest from the bytes; every
 * column, time, flag and id key must be what the full read (parse +
 * normalize) gives, on the shared data sets, a generated high-cardinality
 * folder and records made to hit each way the bytes can differ from the
 * parsed value.
 */
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFolder } from '../../src/ingest/walk.js';
import { generateSamples } from '../../src/samples/pipeline.js';
import { ACTOR, COLS, ERROR, NAME, RATE_ACCOUNT, REGION, SOURCE, type ScanDigest } from '../../src/scan/digest.js';
import { extractFile } from '../../src/scan/extract.js';
import { runScanJob, type ScanReply } from '../../src/scan/job.js';
import { scanFolderHeadless } from '../../src/scan/run.js';
import { unpackRows } from '../../src/ingest/rowCodec.js';
import { event, tempDir, write } from '../ingest/helpers.js';

const DATASETS = resolve(__dirname, '../../../shared/datasets');

let high = '';
beforeAll(() => {
  high = mkdtempSync(join(tmpdir(), 'trailtop-extract-high-'));
  generateSamples({ out: high, events: 3_000, seed: 'extract', cardinality: 'high' });
});
afterAll(() => rmSync(high, { recursive: true, force: true }));

/** A digest as the tally reads it: per event, its id key, time, column strings and flags. */
function view(digest: ScanDigest | null) {
  if (!digest) return null;
  const events = [];
  for (let r = 0; r < digest.count; r++) {
    const col = (k: number) => digest.table[digest.cols[r * COLS + k]!];
    events.push({
      id: Array.from(digest.ids.subarray(r * 4, r * 4 + 4)),
      time: digest.times[r],
      name: col(NAME),
      source: col(SOURCE),
      actor: col(ACTOR),
      error: col(ERROR),
      region: col(REGION),
      rateAccount: col(RATE_ACCOUNT),
      flags: digest.flags[r],
    });
  }
  return events;
}

function insightIds(reply: ScanReply): string[] {
  return reply.insights ? unpackRows(reply.insights, (v) => v).map((row) => `${row.id} ${row.recordIndex}`) : [];
}

/** Compares the extracting job with the full read on one file; whether extraction read it. */
async function sameAsFullRead(path: string): Promise<boolean> {
  const full = await runScanJob({ id: 0, path, withRows: false });
  const fast = await runScanJob({ id: 0, path, withRows: false, fast: true });
  expect(fast.result, path).toEqual(full.result);
  expect(view(fast.digest), path).toEqual(view(full.digest));
  expect(insightIds(fast), path).toEqual(insightIds(full));
  return extractFile(path) !== null;
}

async function allFiles(dir: string): Promise<string[]> {
  return (await listFolder(dir)).files;
}

describe('scan digests read from the bytes (scan/extract.ts)', () => {
  it('equal the full read on every file of the shared data sets, and read most of them', async () => {
    const files = await allFiles(DATASETS);
    expect(files.length).toBeGreaterThan(100);
    let extracted = 0;
    for (const file of files) if (await sameAsFullRead(file)) extracted++;
    // The path must actually run (a regression that always falls back would pass the comparisons).
    expect(extracted).toBeGreaterThan(files.length / 2);
  });

  it('equal the full read on a generated high-cardinality folder (Insights included), every trail file extracted', async () => {
    const files = await allFiles(high);
    let insights = 0;
    for (const file of files) {
      const read = await sameAsFullRead(file);
      const fast = await runScanJob({ id: 0, path: file, withRows: false, fast: true });
      insights += insightIds(fast).length;
      // Every trail and Insights file but the generator's one truncated file (bad either way).
      if (/\/CloudTrail(-Insight)?\//.test(file) && fast.result.shape !== 'bad') expect(read, file).toBe(true);
    }
    expect(insights).toBeGreaterThan(0);
  });

  it('equal the full read on records whose bytes differ from their values', async () => {
    const dir = tempDir();
    const identity = { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/Admin/alice', accountId: '111122223333', sessionContext: { sessionIssuer: { userName: 'Admin' } } };
    const records: unknown[] = [
      event('plain', { userIdentity: identity }),
      // The same identity with its keys in another order: another text, the same actor.
      event('reordered', { userIdentity: { accountId: '111122223333', sessionContext: { sessionIssuer: { userName: 'Admin' } }, arn: identity.arn, type: 'AssumedRole' } }),
      event('escapes', { eventName: 'Get\u0000Object', eventSource: 's3.amazonaws.com\n', awsRegion: 'us-\u00e9ast-1', errorCode: 'Access"Denied' }),
      event('unicode', { eventName: 'Löschen', userIdentity: { type: 'IAMUser', userName: 'jürgen', accountId: '111122223333' } }),
      event('numbers', { eventName: 42, awsRegion: 1e3, errorCode: true }),
      event('nulls', { eventName: null, eventSource: null, awsRegion: null, errorCode: null, userIdentity: null, recipientAccountId: null, eventType: null, eventCategory: null }),
      event('objects', { eventName: { a: 1 }, awsRegion: ['x'], userIdentity: ['not', 'an', 'object'], recipientAccountId: {} }),
      event('identity-string', { userIdentity: 'root' }),
      event('time-number', { eventTime: 1700000000 }),
      event('time-offset', { eventTime: '2022-02-08 09:23:37+11:00' }),
      event('time-bad', { eventTime: 'yesterday' }),
      event('time-null', { eventTime: null }),
      event('recipient', { recipientAccountId: '444455556666' }),
      event('recipient-empty', { recipientAccountId: '' }),
      event('insight-type', { eventType: 'AwsCloudTrailInsight' }),
      event('insight-category', { eventCategory: 'Insight' }),
      event('not-insight', { eventType: 'AwsCloudTrailInsigh', eventCategory: 'Insights' }),
      event('type-number', { eventType: 7 }),
      event('insight-details', { eventType: 'AwsCloudTrailInsight', insightDetails: { state: 'Start', eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', insightType: 'ApiCallRateInsight', insightContext: { statistics: { baseline: { average: 1 }, insight: { average: 9 } } } } }),
      event('insight-null', { insightDetails: null }),
      { ...event('x'), eventID: undefined },
      event(''),
      event('esc\\aped'),
      event('77777777-AAAA-4444-8888-BBBBBBBBBBBB'),
      event('77777777-aaaa-4444-8888-bbbbbbbbbbbb'),
      { ...event('missing-fields'), eventName: undefined, eventSource: undefined, awsRegion: undefined, userIdentity: undefined },
      {},
    ];
    // Repeated keys: JSON.parse keeps the last; so must the bytes.
    const repeated = '{"eventID":"rep","eventName":"First","eventTime":"2024-03-05T14:21:00Z","eventName":"Second","userIdentity":{"type":"Root"},"userIdentity":{"type":"IAMUser","userName":"bob"},"awsRegion":"a","awsRegion":null}';
    // Escapes JSON.stringify never writes: \u0049 in a time, a type, a name, an id.
    const escaped = String.raw`{"eventID":"esc-\u0069d","eventTime":"2024-03-05T14:21:00\u005a","eventType":"AwsCloudTrail\u0049nsight","eventCategory":"\u0049nsight","eventName":"Get\u004fbject","userIdentity":{"type":"IAMUser","userName":"a\u0062"}}`;
    const text = `{"Records":[${records.map((r) => JSON.stringify(r)).join(',')},${repeated},${escaped}]}`;
    const files = [
      write(dir, 'a.json', text),
      write(dir, 'b.json.gz', gzipSync(text)),
      write(dir, 'pretty.json', JSON.stringify({ Records: records }, null, 2)),
      write(dir, 'array.json', `[${records.map((r) => JSON.stringify(r)).join(',\n')}]`),
      write(dir, 'single.json', JSON.stringify(event('single', { userIdentity: identity }))),
    ];
    for (const file of files) expect(await sameAsFullRead(file), file).toBe(true);
  });

  it('gives the full read\'s summary when copies of an eventID differ in bytes, alike or not in content', async () => {
    const dir = tempDir();
    const one = event('dup', { eventName: 'GetObject' });
    // Same content, another key order (bytes differ, rows equal): a duplicate, not a conflict.
    const reordered = Object.fromEntries(Object.entries(one).reverse());
    const changed = { ...one, errorCode: 'AccessDenied' };
    // Read in this order: oldest delivery first, by mtime (the names carry no delivery time).
    const files = [
      write(dir, 'a.json', JSON.stringify({ Records: [one, event('other')] })),
      write(dir, 'b.json', JSON.stringify({ Records: [reordered] })),
      write(dir, 'c.json', JSON.stringify({ Records: [changed] })),
    ];
    files.forEach((file, k) => utimesSync(file, 1_700_000_000 + k, 1_700_000_000 + k));
    const fast = (await scanFolderHeadless(dir)).summary({ folder: dir, filter: null });
    const full = (await scanFolderHeadless(dir, { fast: false })).summary({ folder: dir, filter: null });
    expect(fast).toEqual(full);
    expect(full.events).toMatchObject({ read: 4, unique: 2, duplicates: 2, conflicts: 1 });
  });
});
