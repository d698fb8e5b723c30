import { describe, expect, it } from 'vitest';
import { ExportFailed } from '../../src/export/errors.js';
import { createRecordsReader, groupByFile, readGrouped } from '../../src/export/records.js';
import { syntheticRows } from '../../src/export/bench.js';
import { RecordBatch } from '../../src/model/recordBatch.js';
import type { RecordRef } from '../../src/model/types.js';

/** A readRecord stand-in with the ingest layer's cache of 8 parsed files; counts parses. */
function cachedReader(): { read: (ref: RecordRef) => Promise<Record<string, unknown> | null>; parses: () => number } {
  const cache = new Map<string, true>();
  let parses = 0;
  return {
    read: async (ref) => {
      if (cache.has(ref.file)) cache.delete(ref.file);
      else parses++;
      cache.set(ref.file, true);
      if (cache.size > 8) cache.delete(cache.keys().next().value!);
      return { file: ref.file, index: ref.index };
    },
    parses: () => parses,
  };
}

describe('reading records back', () => {
  it('reads interleaved files file by file: each parsed once per chunk, answers in row order', async () => {
    // 40 files whose rows interleave one by one, as many accounts and regions do in time order.
    const rows = syntheticRows(4000).map((row, i) => ({ ...row, batch: new RecordBatch(`f${i % 40}`), recordIndex: Math.floor(i / 40) }));
    const reader = cachedReader();
    const records = await createRecordsReader(reader.read)(rows, 0, rows.length);
    expect(records.map((r) => `${String(r.file)}#${String(r.index)}`)).toEqual(rows.map((row) => `${row.batch.file}#${row.recordIndex}`));
    expect(reader.parses()).toBe(40);
  });

  it('groups positions by file in order of first appearance', () => {
    expect(groupByFile([{ file: 'a', index: 0 }, { file: 'b', index: 0 }, { file: 'a', index: 1 }, { file: 'c', index: 0 }])).toEqual([[0, 2], [1], [3]]);
  });

  it('turns a missing record or a reader error into a source failure naming the file', async () => {
    const missing = await readGrouped(async () => null, [{ file: '/gone.json', index: 3 }]).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(ExportFailed);
    expect((missing as ExportFailed).reason).toBe('source');
    expect((missing as Error).message).toContain('record 3 of /gone.json');
    const thrown = await readGrouped(async () => {
      throw new Error('EACCES');
    }, [{ file: '/locked.json', index: 0 }]).catch((error: unknown) => error);
    expect((thrown as ExportFailed).reason).toBe('source');
    expect((thrown as Error).message).toContain('EACCES');
  });
});
