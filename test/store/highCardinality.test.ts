import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFolder } from '../../src/ingest/open.js';
import { deliveryTime, fileOrder } from '../../src/ingest/order.js';
import { readEventFile } from '../../src/ingest/read.js';
import { listFolder } from '../../src/ingest/walk.js';
import { SMALL_FOLDER_FILES } from '../../src/ingest/watch.js';
import { isFailedEvent } from '../../src/model/failure.js';
import { buildSearchText } from '../../src/model/searchText.js';
import { compareNewestFirst } from '../../src/model/order.js';
import type { EventRow } from '../../src/model/types.js';
import { compileQuery, filterRows, filterStore, Vocabulary } from '../../src/query/index.js';
import { generateSamples } from '../../src/samples/pipeline.js';
import { EventStore } from '../../src/store/eventStore.js';
import { plainRow } from '../../src/model/plainRow.js';

/**
 * The store at real-world cardinality (samples/highCardinality.ts) against a
 * plain array of the same rows read file by file (first copy kept), with no store in between: every query must keep exactly the same
 * events, newest first. One store judges its dictionaries every 512 values,
 * so the near-unique columns give theirs up here as they do at a million
 * events; 30,000 events keep the suite fast (the bench loads 1M).
 */
const EVENTS = 30_000;
let dir = '';
let plain: EventRow[] = [];
const stores: EventStore[] = [];
const vocabulary = new Vocabulary();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trailtop-store-high-'));
  generateSamples({ out: dir, events: EVENTS, seed: 'store', cardinality: 'high' });
  const listing = await listFolder(dir);
  const ordered = fileOrder(listing.files.map((path) => ({ path, key: deliveryTime(path, statSync(path).mtimeMs) })));
  // The order that numbers the store's rows (ties in time keep it): newest delivery first, the whole
  // folder, even though a folder past SMALL_FOLDER_FILES files has its first listed files read early
  // (their rows wait for their turn). The generator's duplicates are identical copies.
  const walk = await listFolder(dir, { descending: true });
  expect(walk.files.length).toBeGreaterThan(SMALL_FOLDER_FILES);
  const readingOrder = ordered.reverse().map((file) => file.path);
  const seen = new Set<string>();
  for (const path of readingOrder) {
    for (const row of (await readEventFile(path)).rows) {
      if (seen.has(row.id)) continue;
      seen.add(row.id);
      row.seq = plain.length;
      plain.push(row);
    }
  }
  plain.sort(compareNewestFirst);
  vocabulary.addRows(plain);
  for (const options of [{}, { dictionaryProbe: 512 }]) {
    const store = new EventStore(0, options);
    const folder = openFolder(dir, { watch: false, store, pool: { inline: true } });
    await folder.ready;
    await folder.close();
    stores.push(store);
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lower = (s: string) => s.toLowerCase();
const users = (r: EventRow) => [r.actor, r.principalArn, ...r.userNames].map(lower);

function cases(): [string, ((r: EventRow) => boolean) | null][] {
  // Values taken from the data, so each term selects something.
  const s3 = plain.find((r) => r.resources.some((x) => x.type === 'AWS::S3::Object'))!;
  const object = s3.resources.find((x) => x.type === 'AWS::S3::Object')!;
  const role = plain.find((r) => r.identityType === 'AssumedRole' && r.principalArn.includes(':assumed-role/app-'))!;
  const ip = plain[100]!.sourceIp;
  const key = role.accessKey;
  return [
    ['error:AccessDenied', (r) => r.errorCode === 'AccessDenied'],
    [`ip:${ip}`, (r) => r.sourceIp === ip],
    ['ip:52.1*', (r) => r.sourceIp.startsWith('52.1')],
    [`key:${key}`, (r) => r.accessKey === key],
    ['key:ASIA*', (r) => r.accessKey.startsWith('ASIA')],
    [`user:${role.userNames[1]}`, (r) => users(r).includes(lower(role.userNames[1]!))],
    [`resource:${object.arn}`, (r) => r.resources.some((x) => lower(x.arn) === lower(object.arn) || lower(x.name) === lower(object.arn))],
    ['type:s3::object -name:GetObject', (r) => r.resources.some((x) => lower(x.type) === 'aws::s3::object') && r.name !== 'GetObject'],
    ['source:dynamodb name:Get*', (r) => r.source === 'dynamodb.amazonaws.com' && r.name.startsWith('Get')],
    [`id:${s3.id}`, (r) => r.id === s3.id],
    ['-readonly:true error:*', (r) => r.readOnly !== true && isFailedEvent(r)],
    [`"${ip}"`, (r) => buildSearchText(r).includes(ip)],
    ['svc-user-2', (r) => buildSearchText(r).includes('svc-user-2')],
    // Fuzzy words: the column path against the row path over the plain array.
    ['assumrole', null],
    ['getobjct region:us-east-1', null],
  ];
}

describe('the store at high cardinality', () => {
  it('keeps every distinct event once, and the near-unique columns give their dictionaries up', () => {
    for (const store of stores) expect(store.size).toBe(plain.length);
    const probed = stores[1]!.columns().scalars;
    expect(probed.sourceIp.gaveUp).toBe(true);
    expect(probed.name.gaveUp).toBe(false);
  });

  it('answers every query exactly as a plain array of the rows does', () => {
    for (const [source, reference] of cases()) {
      const compiled = compileQuery(source, { vocabulary, now: Date.UTC(2026, 10, 25) });
      if (!compiled.ok) throw new Error(`${source}: ${compiled.error.message}`);
      const expected = (reference ? plain.filter(reference) : filterRows(plain, compiled.query)).map((r) => r.id);
      expect(expected.length, source).toBeGreaterThan(0);
      for (const store of stores) {
        expect(filterStore(store, compiled.query).map((r) => r.id), source).toEqual(expected);
      }
    }
  });

  it('shares one object per repeated resource (a bucket) while S3 objects stay apart', () => {
    for (const store of stores) {
      const buckets = new Map<string, object>();
      let sharedBuckets = 0;
      for (const row of store.log()) {
        for (const resource of row.resources) {
          if (resource.type !== 'AWS::S3::Bucket') continue;
          const first = buckets.get(resource.arn);
          if (first === undefined) buckets.set(resource.arn, resource);
          else if (first === resource) sharedBuckets++;
        }
      }
      expect(sharedBuckets).toBeGreaterThan(store.size / 10);
    }
  });

  it('holds the same field values as the plain rows', () => {
    for (const store of stores) {
      for (const row of plain.slice(0, 2000)) {
        const kept = store.get(row.id)!;
        expect({ ...plainRow(kept), batch: null, seq: 0 }).toEqual({ ...row, batch: null, seq: 0 });
      }
    }
  });
});
