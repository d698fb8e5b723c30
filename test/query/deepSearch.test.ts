import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readEventFile } from '../../src/ingest/read.js';
import type { EventRow } from '../../src/model/types.js';
import { DeepEngine } from '../../src/query/deep/engine.js';
import { compileQuery, compileRecordMatcher, FilteredView } from '../../src/query/index.js';
import { EventStore } from '../../src/store/eventStore.js';
import { importBuilt } from '../export/fixtures.js';
import { tempFolder } from '../support/files.js';
import { randomRecord, type RawRecord } from './records.js';
import { seededRandom } from './rows.js';
import { plainRow } from '../../src/model/plainRow.js';

/** A folder of gzipped trail files and a JSON-lines file, all records also kept parsed. */
async function folderOf(files: number, perFile: number): Promise<{ dir: string; remove: () => void; store: EventStore; records: Map<string, RawRecord> }> {
  const { dir, remove } = tempFolder('i14-deep-');
  const random = seededRandom(77);
  const records = new Map<string, RawRecord>();
  const store = new EventStore(0);
  for (let f = 0; f < files; f++) {
    const batch = Array.from({ length: perFile }, (_, k) => randomRecord(random, f * perFile + k));
    for (const record of batch) records.set(record.eventID as string, record);
    const path = join(dir, f === files - 1 ? `lines-${f}.jsonl` : `trail-${f}.json.gz`);
    if (f === files - 1) writeFileSync(path, batch.map((r) => JSON.stringify(r)).join('\n') + '\n');
    else writeFileSync(path, gzipSync(JSON.stringify({ Records: batch })));
    store.add((await readEventFile(path)).rows);
  }
  return { dir, remove, store, records };
}

function compiled(query: string) {
  const result = compileQuery(query, { deepTerms: true });
  if (!result.ok) throw new Error(result.error.message);
  return result.query;
}

function expected(store: EventStore, records: Map<string, RawRecord>, query: string): string[] {
  const q = compiled(query);
  const matches = compileRecordMatcher(q.ast);
  return store.rows().filter((row) => matches(records.get(row.id))).map((row) => row.id);
}

const QUERIES = [
  'params:0.0.0.0/0',
  'name:AuthorizeSecurityGroupIngress params:0.0.0.0/0',
  'requestParameters.ipPermissions.items.ipRanges.items.cidrIp:10.0.0.0/8 -error:*',
  '-requestParameters.bucketName:* region:us-east-1',
  'additionalEventData.MFAUsed:No name:ConsoleLogin',
  'params:snap-0* params:*secret*',
];

describe('deep terms in the event list: records read back, matches kept, newest first', async () => {
  const folder = await folderOf(12, 150);
  afterAll(() => folder.remove());

  it.each(QUERIES)('%s', async (query) => {
    const view = new FilteredView(folder.store, { deep: DeepEngine.local(), syncLimit: 500 });
    expect(await view.setQuery(compiled(query))).toBe(true);
    const want = expected(folder.store, folder.records, query);
    expect(want.length).toBeGreaterThan(0);
    expect(view.rows().map((r) => r.id)).toEqual(want);
    expect(view.deepProgress).toBeNull();
    view.dispose();
  });

  it('shows matches while it reads, with progress, and a newer query cancels it', async () => {
    const view = new FilteredView(folder.store, { deep: DeepEngine.local(), syncLimit: 100_000 });
    const seen: { rows: number; progress: number | null }[] = [];
    view.subscribe(() => {
      const progress = view.deepProgress;
      seen.push({ rows: view.size, progress: progress ? progress.done / progress.total : null });
    });
    // Type on as soon as the search reports progress part of the way: a fixed sleep let a fast machine finish first.
    let second: Promise<boolean> | null = null;
    const midway = new Promise<void>((resolve) => {
      view.subscribe(() => {
        const progress = view.deepProgress;
        if (second === null && progress !== null && progress.done > 0 && progress.done < progress.total) {
          second = view.setQuery(compiled('name:GetSecretValue'));
          resolve();
        }
      });
    });
    const first = view.setQuery(compiled('params:*'));
    await midway;
    expect(await first).toBe(false);
    expect(await second!).toBe(true);
    expect(view.rows().every((r) => r.name === 'GetSecretValue')).toBe(true);
    expect(view.deepProgress).toBeNull();
    // The cancelled search did not write into the new result afterwards.
    const size = view.size;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(view.size).toBe(size);
    view.dispose();

    const slow = new FilteredView(folder.store, { deep: DeepEngine.local(), syncLimit: 100_000 });
    const updates: number[] = [];
    slow.subscribe(() => {
      const progress = slow.deepProgress;
      if (progress) updates.push(progress.done);
    });
    await slow.setQuery(compiled('params:*'));
    // Progress went up in steps before the end.
    expect(updates.length).toBeGreaterThan(1);
    expect(updates[updates.length - 1]!).toBeGreaterThan(updates[0]!);
    expect(slow.rows().map((r) => r.id)).toEqual(expected(folder.store, folder.records, 'params:*'));
    slow.dispose();
  });

  it('a file changed since an earlier search is scanned again, not read by the spans kept from it', async () => {
    const { dir, remove } = tempFolder('i14-deep-changed-');
    try {
      const random = seededRandom(78);
      const store = new EventStore(0);
      const batches = [0, 1].map((f) => Array.from({ length: 60 }, (_, k) => randomRecord(random, 10_000 + f * 60 + k)));
      const paths = batches.map((_, f) => join(dir, `trail-${f}.json.gz`));
      batches.forEach((batch, f) => writeFileSync(paths[f]!, gzipSync(JSON.stringify({ Records: batch }))));
      for (const path of paths) store.add((await readEventFile(path)).rows);
      const q = compiled('params:*');
      const engine = DeepEngine.local();
      // The files as they are now, parsed here: record i of a file is what the search must test for a row of index i.
      const truth = async (): Promise<string[]> => {
        const matches = compileRecordMatcher(q.ast);
        const now = paths.map((path) => (JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as { Records: unknown[] }).Records);
        return store.rows().filter((row) => matches(now[paths.indexOf(row.batch.file)]![row.recordIndex])).map((row) => row.id);
      };
      const first = await engine.search(store.rows(), q.ast, { signal: new AbortController().signal });
      expect(first!.map((r) => r.id)).toEqual(await truth());
      // The same file name, other records at the same indexes (other spans); its time moved on.
      const changed = batches[0]!.slice().reverse().map((record, k) => (k % 2 === 0 ? { ...record, requestParameters: null, responseElements: null, additionalEventData: null, serviceEventDetails: null } : record));
      writeFileSync(paths[0]!, gzipSync(JSON.stringify({ Records: changed })));
      utimesSync(paths[0]!, new Date(), new Date(Date.now() + 5_000));
      const second = await engine.search(store.rows(), q.ast, { signal: new AbortController().signal });
      const want = await truth();
      expect(want).not.toEqual(first!.map((r) => r.id));
      expect(second!.map((r) => r.id)).toEqual(want);
      // And again, from the spans kept of the new version.
      const third = await engine.search(store.rows(), q.ast, { signal: new AbortController().signal });
      expect(third!.map((r) => r.id)).toEqual(want);
    } finally {
      remove();
    }
  });

  it('rows that arrive later are searched too', async () => {
    const store = new EventStore(0);
    const all = folder.store.log().slice();
    store.add(all.slice(0, 900).map((r) => ({ ...plainRow(r), seq: -1 })));
    const view = new FilteredView(store, { deep: DeepEngine.local() });
    await view.setQuery(compiled('params:0.0.0.0/0'));
    store.add(all.slice(900).map((r) => ({ ...plainRow(r), seq: -1 })));
    view.refresh();
    for (let k = 0; k < 100 && view.size < expected(folder.store, folder.records, 'params:0.0.0.0/0').length; k++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const want = new Set(expected(folder.store, folder.records, 'params:0.0.0.0/0'));
    expect(new Set(view.rows().map((r: EventRow) => r.id))).toEqual(want);
    view.dispose();
  });

  // Tiny requests and windows: a file's candidates fall in many windows and requests, and are merged back in order.
  const TINY = { firstRecords: 3, records: 40, files: 2, firstWindow: 16, maxWindow: 200 };

  it('the same rows when the search is cut into many small requests and windows', async () => {
    const engine = DeepEngine.local(TINY);
    for (const query of QUERIES) {
      const q = compiled(query);
      const candidates = folder.store.rows().filter((row) => q.test(row));
      const rows = await engine.search(candidates, q.ast, { signal: new AbortController().signal });
      expect(rows!.map((r) => r.id), query).toEqual(expected(folder.store, folder.records, query));
    }
  });

  it('the worker pool (built) finds the same rows, and stops at a cancel', async () => {
    const built = await importBuilt<typeof import('../../src/query/deep/engine.js')>('query/deep/engine.js');
    for (const engine of [built.DeepEngine.create(2), built.DeepEngine.create(2, TINY)]) {
      try {
        for (const query of QUERIES) {
          const q = compiled(query);
          // Candidates as the view gives them: the rows the summary terms keep.
          const candidates = folder.store.rows().filter((row) => q.test(row));
          const rows = await engine.search(candidates, q.ast, { signal: new AbortController().signal });
          expect(rows!.map((r) => r.id), query).toEqual(expected(folder.store, folder.records, query));
        }
        const controller = new AbortController();
        let updates = 0;
        const pending = engine.search(folder.store.rows(), compiled('params:*').ast, {
          signal: controller.signal,
          everyMs: 0,
          onUpdate: () => {
            // Cancelled from inside the search, with requests in flight.
            if (++updates === 1) controller.abort();
          },
        });
        expect(await pending).toBeNull();
        expect(updates).toBe(1);
        // The readers let go of the cancelled search, and the next search is answered in full.
        await engine.idle();
        const q = compiled(QUERIES[0]!);
        const rows = await engine.search(folder.store.rows(), q.ast, { signal: new AbortController().signal });
        expect(rows!.map((r) => r.id)).toEqual(expected(folder.store, folder.records, QUERIES[0]!));
      } finally {
        engine.close();
      }
    }
  });
});

describe('a group with a record path, on a lookup-events file: summary terms as the list has them', () => {
  it('counts the Resources and Username the element holds around its record', async () => {
    const { dir, remove } = tempFolder('deep-lookup-');
    try {
      const element = (id: string, resources: unknown[], params: Record<string, string>) => ({
        EventId: id,
        EventName: 'PutObject',
        Username: 'outer-user',
        Resources: resources,
        CloudTrailEvent: JSON.stringify({ eventVersion: '1.08', eventID: id, eventTime: '2022-02-07T22:19:05Z', eventSource: 's3.amazonaws.com', eventName: 'PutObject', requestParameters: params }),
      });
      const path = join(dir, 'lookup.json');
      writeFileSync(path, JSON.stringify({ Events: [element('a', [{ ResourceType: 'AWS::EC2::Instance', ResourceName: 'i-0outer' }], { key: 'x' }), element('b', [], { key: 'logs' }), element('c', [], { key: 'y' })] }));
      const store = new EventStore(0);
      store.add((await readEventFile(path)).rows);
      expect(store.rows().map((row) => row.id).sort()).toEqual(['a', 'b', 'c']);
      for (const [query, ids] of [
        ['type:EC2::Instance OR requestParameters.key:logs', ['a', 'b']],
        ['-(resource:i-0outer OR requestParameters.key:y)', ['b']],
        ['(user:outer-user requestParameters.key:x) OR requestParameters.key:y', ['a', 'c']],
      ] as const) {
        const view = new FilteredView(store, { deep: DeepEngine.local(), syncLimit: 1 });
        expect(await view.setQuery(compiled(query))).toBe(true);
        expect(view.rows().map((row) => row.id).sort(), query).toEqual(ids);
        view.dispose();
      }
    } finally {
      remove();
    }
  });
});
