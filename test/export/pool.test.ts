import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBuilt, tempDir, writeTrails } from './fixtures.js';

// The worker-thread JSON path runs only from the compiled dist/: these tests drive the built modules.
type ExportModule = typeof import('../../src/export/index.js');
type LoaderModule = typeof import('../../src/ingest/scanFolder.js');
type StoreModule = typeof import('../../src/store/eventStore.js');
type PoolModule = typeof import('../../src/export/recordTextPool.js');

let exporter: ExportModule;
let loader: LoaderModule;
let storeModule: StoreModule;
let pool: PoolModule;
let dir: string;

beforeAll(async () => {
  exporter = await importBuilt<ExportModule>('export/index.js');
  loader = await importBuilt<LoaderModule>('ingest/scanFolder.js');
  storeModule = await importBuilt<StoreModule>('store/eventStore.js');
  pool = await importBuilt<PoolModule>('export/recordTextPool.js');
  dir = await tempDir('trailtop-export-pool-');
  await writeTrails(join(dir, 'trails'), 25, 1000);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function loadRows(): Promise<import('../../src/model/types.js').EventRow[]> {
  const store = new storeModule.EventStore();
  await loader.loadFolder(join(dir, 'trails'), store);
  return [...store.rows()];
}

describe('JSON export on worker threads', () => {
  it('is available from dist and writes exactly what the single-thread reader writes', async () => {
    expect(pool.recordWorkersAvailable()).toBe(true);
    const rows = await loadRows();
    expect(rows.length).toBe(25_000);
    const viaPool = await exporter.exportRows({ rows, format: 'json', target: join(dir, 'pool.json') });
    const inline = await exporter.exportRows({ rows, format: 'json', target: join(dir, 'inline.json'), readRecords: exporter.createRecordsReader() });
    const pooled = await readFile(viaPool.path, 'utf8');
    expect(pooled).toBe(await readFile(inline.path, 'utf8'));
    const ids = (JSON.parse(pooled) as { Records: { eventID: string }[] }).Records.map((r) => r.eventID);
    expect(ids).toEqual(rows.map((row) => row.id));
    const jsonl = await exporter.exportRows({ rows, format: 'jsonl', target: join(dir, 'pool.jsonl') });
    expect((await readFile(jsonl.path, 'utf8')).split('\n').length).toBe(rows.length + 1);
  });

  it('fails with the missing file named and leaves nothing behind', async () => {
    const rows = await loadRows();
    const out = join(dir, 'out');
    await mkdir(out);
    const victim = rows[rows.length - 1]!.batch.file;
    await unlink(victim);
    const failure = await exporter.exportRows({ rows, format: 'json', target: join(out, 'x.json') }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(exporter.ExportFailed);
    expect((failure as InstanceType<ExportModule['ExportFailed']>).reason).toBe('source');
    expect((failure as Error).message).toContain(victim);
    expect(await readdir(out)).toEqual([]);
  });

  it('cancels midway and leaves nothing behind', async () => {
    const rows = (await loadRows()).filter((row) => existsSync(row.batch.file));
    const out = join(dir, 'cancel');
    await mkdir(out);
    const controller = new AbortController();
    const failure = await exporter
      .exportRows({
        rows,
        format: 'json',
        target: join(out, 'x.json'),
        signal: controller.signal,
        // Cancel as the second piece is written: midway, whatever the machine's speed.
        openFile: async (path) => {
          const handle = await open(path, 'wx');
          let writes = 0;
          return {
            write: (buffer: Buffer, offset: number, length: number) => {
              if (++writes === 2) controller.abort();
              return handle.write(buffer, offset, length);
            },
            sync: () => handle.sync(),
            close: () => handle.close(),
          };
        },
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(exporter.ExportCancelled);
    expect(await readdir(out)).toEqual([]);
  });
});
