import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeStore } from '../../src/commands/scanSummary.js';
import { listFolder } from '../../src/ingest/walk.js';
import { loadFolder } from '../../src/ingest/scanFolder.js';
import { compileFilter } from '../../src/commands/args.js';
import { Vocabulary } from '../../src/query/index.js';
import { ADDED, CONFLICT, idKey, idKeyAscii, IdSet, SAME } from '../../src/scan/ids.js';
import { scanFolderHeadless } from '../../src/scan/run.js';
import { generateSamples } from '../../src/samples/pipeline.js';
import { EventStore } from '../../src/store/eventStore.js';

const samples = resolve(dirname(fileURLToPath(import.meta.url)), '../../samples');
let high = '';
beforeAll(() => {
  high = mkdtempSync(join(tmpdir(), 'trailtop-scan-high-'));
  generateSamples({ out: high, events: 20_000, seed: 'scan', cardinality: 'high' });
});
afterAll(() => rmSync(high, { recursive: true, force: true }));

/** The summary of the old way: every row loaded into an EventStore, then counted. */
async function storeSummary(dir: string, filter: string | null) {
  const store = new EventStore();
  const vocabulary = new Vocabulary();
  const query = filter === null ? null : compileFilter(filter, vocabulary);
  let matchedRead = 0;
  await loadFolder(dir, store, {
    onFile: query
      ? (result) => {
          vocabulary.addRows(result.rows);
          for (const row of result.rows) if (query.test(row)) matchedRead++;
        }
      : undefined,
  });
  return summarizeStore(store, query, { folder: dir, filter, matchedRead });
}

async function headlessSummary(dir: string, filter: string | null, inWorkers = false) {
  const vocabulary = new Vocabulary();
  const now = Date.now();
  const query = filter === null ? null : compileFilter(filter, vocabulary, undefined, now);
  const tally = await scanFolderHeadless(dir, {
    ...(inWorkers && filter !== null ? { workerFilter: { source: filter, now } } : {}),
    test: query
      ? (rows) => {
          vocabulary.addRows(rows);
          return Uint8Array.from(rows, (row) => (query.test(row) ? 1 : 0));
        }
      : undefined,
  });
  return tally.summary({ folder: dir, filter });
}

/** byShape's key order follows the order files were read in; the counts are what matter. */
const normal = <T extends { files: { byShape: object; bad: { path: string }[] } }>(s: T) => ({
  ...s,
  files: { ...s.files, byShape: Object.fromEntries(Object.entries(s.files.byShape).sort()), bad: [...s.files.bad].sort((a, b) => (a.path < b.path ? -1 : 1)) },
});

describe('headless scan', () => {
  for (const [name, filter] of [['no filter', null], ['error:AccessDenied', 'error:AccessDenied'], ['name:Get*', 'name:Get*']] as const) {
    it(`gives the summary a loaded store gives (samples and high-cardinality; ${name})`, async () => {
      for (const dir of [samples, high]) {
        const want = normal(await storeSummary(dir, filter));
        expect(normal(await headlessSummary(dir, filter))).toEqual(want);
        // A filter without plain words is tested where the files are read (workerFilter); the same answers.
        expect(normal(await headlessSummary(dir, filter, true))).toEqual(want);
      }
    });
  }

  it('counts what an independent gunzip + JSON.parse count finds (high cardinality)', async () => {
    const ids = new Set<string>();
    const names = new Map<string, number>();
    let records = 0;
    for (const file of (await listFolder(high)).files) {
      let doc: { Records?: { eventID: string; eventName: string }[] };
      try {
        doc = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as typeof doc;
      } catch {
        continue; // the generator's truncated file
      }
      if (!file.includes('/CloudTrail/') && !file.includes('/CloudTrail-Insight/')) continue;
      for (const r of doc.Records ?? []) {
        records++;
        if (ids.has(r.eventID)) continue;
        ids.add(r.eventID);
        names.set(r.eventName, (names.get(r.eventName) ?? 0) + 1);
      }
    }
    const s = await headlessSummary(high, null);
    expect(s.events.read).toBe(records);
    expect(s.events.unique).toBe(ids.size);
    expect(s.events.duplicates).toBe(records - ids.size);
    const top = [...names].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
    expect(s.topEventNames.map((c) => [c.name, c.count])).toEqual(top);
  });
});

describe('16-byte ids', () => {
  const key = (id: string) => {
    const out = new Int32Array(4);
    idKey(id, out, 0);
    return [...out];
  };

  it('packs a UUID losslessly, keeps case apart, and hashes other ids', () => {
    expect(key('00112233-4455-6677-8899-aabbccddeeff')).toEqual([0x00112233, 0x44556677, 0x8899aabb | 0, 0xccddeeff | 0]);
    expect(key('00112233-4455-6677-8899-AABBCCDDEEFF')).not.toEqual(key('00112233-4455-6677-8899-aabbccddeeff'));
    expect(key('content:abc')).not.toEqual(key('content:abd'));
    expect(key('00112233-4455-6677-8899-aabbccddeeg0')).toEqual(key('00112233-4455-6677-8899-aabbccddeeg0'));
  });

  it('reads the same key from the bytes of an ASCII id as from its string (the fast path reads ids from the file)', () => {
    const ids = ['00112233-4455-6677-8899-aabbccddeeff', '00112233-4455-6677-8899-AABBCCDDEEFF', '00112233-4455-6677-8899-aabbccddeeg0', 'content:abc', 'x', 'a'.repeat(36), 'id-with-36-chars-but-no-dashes-at-all'];
    for (const id of ids) {
      const bytes = Buffer.from(`"eventID":"${id}"`, 'latin1');
      const out = new Int32Array(8);
      idKeyAscii(bytes, 11, 11 + id.length, out, 4);
      expect([...out.subarray(4)], id).toEqual(key(id));
    }
  });

  it('IdSet: adds each key once, through growth', () => {
    const set = new IdSet();
    const out = new Int32Array(4);
    for (let round = 0; round < 2; round++) {
      for (let k = 0; k < 20_000; k++) {
        idKey(`id-${k}`, out, 0);
        expect(set.add(out, 0)).toBe(round === 0);
      }
    }
    expect(set.size).toBe(20_000);
  });

  it('IdSet: each key keeps its fingerprint and number through growth', () => {
    const set = new IdSet(true);
    const out = new Int32Array(4);
    for (let k = 0; k < 50_000; k++) {
      idKey(`id-${k}`, out, 0);
      expect(set.addCopy(out, 0, k * 7919)).toBe(ADDED);
      expect(set.lastOrdinal).toBe(k);
    }
    for (let k = 49_999; k >= 0; k -= 3) {
      idKey(`id-${k}`, out, 0);
      expect(set.addCopy(out, 0, k * 7919)).toBe(SAME);
      expect(set.lastOrdinal).toBe(k);
      expect(set.addCopy(out, 0, k * 7919 + 1)).toBe(CONFLICT);
    }
    expect(set.size).toBe(50_000);
  });

  it('IdSet without numbers: fingerprints still told apart (0 and 1 are kept as 2), no numbers given', () => {
    const set = new IdSet();
    const out = new Int32Array(4);
    for (let k = 0; k < 50_000; k++) {
      idKey(`id-${k}`, out, 0);
      expect(set.addCopy(out, 0, (k * 2654435761) >>> 0)).toBe(ADDED);
    }
    expect(set.lastOrdinal).toBe(-1);
    for (let k = 0; k < 50_000; k += 7) {
      idKey(`id-${k}`, out, 0);
      expect(set.addCopy(out, 0, (k * 2654435761) >>> 0)).toBe(SAME);
      expect(set.addCopy(out, 0, ((k * 2654435761) >>> 0) ^ 0x80000000)).toBe(CONFLICT);
    }
    idKey('zero', out, 0);
    expect(set.addCopy(out, 0, 0)).toBe(ADDED);
    expect(set.addCopy(out, 0, 0)).toBe(SAME);
    expect(set.addCopy(out, 0, 1)).toBe(SAME);
    expect(set.addCopy(out, 0, 3)).toBe(CONFLICT);
    expect(set.size).toBe(50_001);
  });

  it('IdSet: a lossy copy (rebuilt from CSV columns) is the same as any copy, and the first full copy is then the one compared', () => {
    const set = new IdSet();
    const out = new Int32Array(4);
    idKey('full-first', out, 0);
    expect(set.addCopy(out, 0, 77)).toBe(ADDED);
    expect(set.addCopy(out, 0, 99, true)).toBe(SAME);
    expect(set.addCopy(out, 0, 78)).toBe(CONFLICT);
    idKey('lossy-first', out, 0);
    expect(set.addCopy(out, 0, 5, true)).toBe(ADDED);
    expect(set.addCopy(out, 0, 6, true)).toBe(SAME);
    expect(set.addCopy(out, 0, 77)).toBe(SAME);
    expect(set.addCopy(out, 0, 77)).toBe(SAME);
    expect(set.addCopy(out, 0, 78)).toBe(CONFLICT);
    // A full copy whose fingerprint is 1 is not read as a lossy one.
    idKey('one', out, 0);
    expect(set.addCopy(out, 0, 1)).toBe(ADDED);
    expect(set.addCopy(out, 0, 9)).toBe(CONFLICT);
  });
});
