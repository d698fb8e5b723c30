import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syntheticRows } from '../../src/export/bench.js';
import { ExportCancelled, ExportFailed, exportRows, formatFromPath, type ExportProgress } from '../../src/export/index.js';
import { clearRecordCache } from '../../src/ingest/read.js';
import { loadFolder } from '../../src/ingest/scanFolder.js';
import { EventStore } from '../../src/store/eventStore.js';
import { record, tempDir, writeTrail } from './fixtures.js';
import { diskFullOnWrite, openFileWith } from './diskFull.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDir('trailtop-export-gz-');
  clearRecordCache();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const GZIP_MAGIC = [0x1f, 0x8b];

describe('a target named .gz is written gzipped', () => {
  const rows = syntheticRows(5000);

  it('CSV: gunzip gives exactly the bytes of the plain export', async () => {
    for (const [format, name] of [['csv', 'out.csv.gz'], ['csv', 'upper.CSV.GZ']] as const) {
      const plain = await exportRows({ rows, format, target: join(dir, `plain.${format}`), overwrite: true });
      const zipped = await exportRows({ rows, format, target: join(dir, name) });
      const bytes = await readFile(zipped.path);
      expect([...bytes.subarray(0, 2)]).toEqual(GZIP_MAGIC);
      expect(gunzipSync(bytes).equals(await readFile(plain.path))).toBe(true);
      // Progress and the result count the text written, as for the plain file.
      expect(zipped.bytes).toBe(plain.bytes);
    }
  });

  it('JSON read back from the log files: trailtop loads the .json.gz it wrote, same events in the same order', async () => {
    const trails = join(dir, 'trails');
    await writeTrail(trails, 'a.json', [record(1), record(2), record(3, { eventName: '=1+2' })]);
    await writeTrail(trails, 'b.json.gz', [record(4), record(5)]);
    const store = new EventStore();
    await loadFolder(trails, store);
    const out = join(dir, 'out');
    await mkdir(out);
    const result = await exportRows({ rows: store.rows(), format: 'json', target: join(out, 'events.json.gz') });
    const parsed = JSON.parse(gunzipSync(await readFile(result.path)).toString('utf8')) as { Records: { eventID: string }[] };
    expect(parsed.Records.map((r) => r.eventID)).toEqual(store.rows().map((row) => row.id));
    const again = new EventStore();
    await loadFolder(out, again);
    expect(again.rows().map((row) => row.id)).toEqual(store.rows().map((row) => row.id));
    expect(again.progress.badFiles).toEqual([]);
    const plain = await exportRows({ rows: store.rows(), format: 'jsonl', target: join(dir, 'plain.jsonl') });
    const zipped = await exportRows({ rows: store.rows(), format: 'jsonl', target: join(dir, 'zipped.jsonl.gz') });
    expect(gunzipSync(await readFile(zipped.path)).equals(await readFile(plain.path))).toBe(true);
  });

  it('reports progress while writing, ending at the total', async () => {
    const seen: ExportProgress[] = [];
    await exportRows({ rows, format: 'csv', target: join(dir, 'out.csv.gz'), onProgress: (p) => seen.push(p) });
    expect(seen.at(-1)!.written).toBe(rows.length);
    expect(seen.at(-1)!.bytes).toBeGreaterThan(0);
  });

  it('cancel midway leaves neither the target nor a temp file', async () => {
    const controller = new AbortController();
    let writes = 0;
    const failure = await exportRows({
      rows: syntheticRows(60_000),
      format: 'csv',
      target: join(dir, 'out.csv.gz'),
      signal: controller.signal,
      openFile: openFileWith((write) => {
        writes = write;
        if (write === 2) controller.abort();
      }),
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ExportCancelled);
    expect(writes).toBeGreaterThanOrEqual(2);
    expect(await readdir(dir)).toEqual([]);
  });

  it('a full disk fails typed and leaves nothing', async () => {
    const failure = await exportRows({
      rows: syntheticRows(60_000),
      format: 'csv',
      target: join(dir, 'out.csv.gz'),
      openFile: diskFullOnWrite(2),
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ExportFailed);
    expect((failure as ExportFailed).reason).toBe('disk-full');
    expect(await readdir(dir)).toEqual([]);
  });

  it('takes the format from the name before .gz', () => {
    expect(formatFromPath('x.json.gz')).toBe('json');
    expect(formatFromPath('x.CSV.gz')).toBe('csv');
    expect(formatFromPath('x.ndjson.gz')).toBe('jsonl');
    expect(formatFromPath('x.gz')).toBeNull();
    expect(formatFromPath('x.json')).toBe('json');
  });
});
