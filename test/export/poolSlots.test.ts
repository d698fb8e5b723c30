/**
 * The record workers answer in shared memory when the answer fits a slot,
 * and in a transferred buffer when it does not; both read the same.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBuilt, record, tempDir, writeTrails } from './fixtures.js';

// Worker threads run only from the compiled dist/: these tests drive the built modules.

type PoolModule = typeof import('../../src/export/recordTextPool.js');
type JsonModule = typeof import('../../src/export/json.js');
type LoaderModule = typeof import('../../src/ingest/scanFolder.js');
type StoreModule = typeof import('../../src/store/eventStore.js');

let pools: PoolModule;
let json: JsonModule;
let loader: LoaderModule;
let storeModule: StoreModule;
let dir: string;

beforeAll(async () => {
  pools = await importBuilt<PoolModule>('export/recordTextPool.js');
  json = await importBuilt<JsonModule>('export/json.js');
  loader = await importBuilt<LoaderModule>('ingest/scanFolder.js');
  storeModule = await importBuilt<StoreModule>('store/eventStore.js');
  dir = await tempDir('trailtop-export-slots-');
  await writeTrails(join(dir, 'trails'), 6, 200);
  // A file the span scanner leaves to the parsing reader, so both kinds of record cross the boundary.
  const lookup = [record(5000), record(5001)].map((r) => JSON.stringify({ EventId: r.eventID, EventName: r.eventName, CloudTrailEvent: JSON.stringify(r) }));
  await writeFile(join(dir, 'trails', 'lookup.jsonl'), `${lookup.join('\n')}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function loadRows(): Promise<import('../../src/model/types.js').EventRow[]> {
  const store = new storeModule.EventStore();
  await loader.loadFolder(join(dir, 'trails'), store);
  return [...store.rows()];
}

/** The whole jsonl text of `rows`, read in chunks of `chunk` through a pool with slots of `slotBytes`. */
async function jsonlThrough(rows: readonly import('../../src/model/types.js').EventRow[], slotBytes: number, chunk: number): Promise<string> {
  const pool = new pools.RecordTextPool('jsonl', 2, slotBytes);
  const text = async (read: Promise<import('../../src/export/recordTextPool.js').PlacedChunk>, start: number): Promise<string> => {
    const { placement, release } = await read;
    try {
      return Buffer.concat([...json.placedRuns('jsonl', placement, start)].map((run) => run.bytes)).toString('utf8');
    } finally {
      release();
    }
  };
  try {
    const texts: string[] = [];
    // Three chunks in flight at a time, as the export reads two ahead of the one it writes.
    const ahead: Promise<string>[] = [];
    for (let start = 0; start < rows.length; start += chunk) {
      const end = Math.min(rows.length, start + chunk);
      ahead.push(text(pool.read(rows, start, end), start));
      if (ahead.length === 3) texts.push(await ahead.shift()!);
    }
    for (const piece of ahead) texts.push(await piece);
    return texts.join('');
  } finally {
    await pool.close();
  }
}

describe('record pool memory', () => {
  it('gives the same text from shared slots, from transferred buffers, and with both in one run', async () => {
    const rows = await loadRows();
    expect(rows.length).toBe(1202);
    const shared = await jsonlThrough(rows, 16 * 1024 * 1024, 300);
    const transferred = await jsonlThrough(rows, 64, 300);
    // About 150 records of 1 KB fit a 200 KB slot and 300 do not: some answers take each path.
    const mixed = await jsonlThrough(rows, 200 * 1024, 450);
    const lines = shared.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => (JSON.parse(line) as { eventID: string }).eventID)).toEqual(rows.map((row) => row.id));
    expect(transferred).toBe(shared);
    expect(mixed).toBe(shared);
  });
});
