/**
 * A JSON-lines file's source texts (export/sourceText.ts) are kept while its
 * rows are read back: counted with the scans' byte budget, a file past it
 * pushed its own entry out whenever a row of another file came between two
 * of its rows, and was decoded again for each chunk (an export of such a
 * folder took twice as long).
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RecordBytesReader } from '../../src/export/recordBytes.js';
import { clearRecordCache } from '../../src/ingest/read.js';
import { loadFolder } from '../../src/ingest/scanFolder.js';
import { recordRef } from '../../src/model/recordBatch.js';
import { EventStore } from '../../src/store/eventStore.js';
import { record, tempDir, writeTrail } from './fixtures.js';

const decodes = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/ingest/recordSpans.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/ingest/recordSpans.js')>();
  return {
    ...real,
    readDecodedBytes: (...args: Parameters<typeof real.readDecodedBytes>) => {
      decodes.count++;
      return real.readDecodedBytes(...args);
    },
  };
});

let dir: string;
beforeEach(async () => {
  dir = await tempDir('trailtop-source-cache-');
  clearRecordCache();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('source texts of a JSON-lines file', () => {
  it('are decoded once while rows of other files come between its rows', async () => {
    const trails = join(dir, 'trails');
    // Past the scans' 16 MB budget: 12,000 records with a 1.5 KB note each.
    const note = 'x'.repeat(1500);
    const lines = Array.from({ length: 12_000 }, (_, i) => JSON.stringify(record(2 * i, { extra: { note } })));
    for (let f = 0; f < 40; f++) await writeTrail(trails, `small${f}.json`, [record(2 * f * 300 + 1)]);
    await writeFile(join(trails, 'big.jsonl'), `${lines.join('\n')}\n`);
    const store = new EventStore();
    await loadFolder(trails, store);
    const rows = store.rows();
    expect(rows.length).toBe(12_040);
    const reader = new RecordBytesReader();
    const refs = rows.map((row) => recordRef(row));
    decodes.count = 0;
    let records = 0;
    for (let start = 0; start < refs.length; start += 1000) records += (await reader.read(refs.slice(start, start + 1000), 'jsonl')).ends.length;
    expect(records).toBe(rows.length);
    expect(decodes.count).toBe(1);
  }, 60_000);
});
