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
type OutputModule = typeof import('../../src/export/output.js');
type JsonModule = typeof import('../../src/export/json.js');

let exporter: ExportModule;
let loader: LoaderModule;
let storeModule: StoreModule;
let pool: PoolModule;
let output: OutputModule;
let json: JsonModule;
let dir: string;

beforeAll(async () => {
  exporter = await importBuilt<ExportModule>('export/index.js');
  loader = await importBuilt<LoaderModule>('ingest/scanFolder.js');
  storeModule = await importBuilt<StoreModule>('store/eventStore.js');
  pool = await importBuilt<PoolModule>('export/recordTextPool.js');
  output = await importBuilt<OutputModule>('export/output.js');
  json = await importBuilt<JsonModule>('export/json.js');
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

/** The rows of all 25 files, loaded once for the tests that remove none. */
let allRows: Promise<import('../../src/model/types.js').EventRow[]> | undefined;
function intactRows(): Promise<import('../../src/model/types.js').EventRow[]> {
  return (allRows ??= loadRows());
}

describe('JSON export on worker threads', () => {
  it('is available from dist and writes exactly what the single-thread reader writes', async () => {
    expect(pool.recordWorkersAvailable()).toBe(true);
    const rows = await intactRows();
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

  it('reads only a bounded number of records ahead of what is written while the writer stalls (issue 20 item 12)', async () => {
    const all = await intactRows();
    // Which rows the export has asked records for: a row is read only after it is touched.
    let touched = -1;
    let linesWritten = 0;
    let writeCalls = 0;
    let excess = 0;
    const rows = new Proxy(all, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) {
          touched = Math.max(touched, Number(key));
          excess = Math.max(excess, touched - linesWritten);
        }
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    let resume: () => void = () => {};
    const stalled = new Promise<void>((resolve) => (resume = resolve));
    const out = join(dir, 'stall');
    await mkdir(out);
    const exporting = exporter.exportRows({
      rows,
      format: 'jsonl',
      target: join(out, 'x.jsonl'),
      openFile: async (path) => {
        const handle = await open(path, 'wx');
        return {
          write: async (buffer: Uint8Array, offset: number, length: number) => {
            writeCalls++;
            await stalled;
            const done = await handle.write(buffer, offset, length);
            for (let k = offset; k < offset + done.bytesWritten; k++) if (buffer[k] === 0x0a) linesWritten++;
            return done;
          },
          sync: () => handle.sync(),
          close: () => handle.close(),
        };
      },
    });
    // The first write stalls; once it is called, let the export run until it touches no new row for a second (or has touched them all).
    for (let still = 0, last = -1; (writeCalls === 0 || still < 40) && touched < all.length - 1; ) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      still = touched === last ? still + 1 : 0;
      last = touched;
    }
    const touchedWhileStalled = touched;
    resume();
    const result = await exporting;
    const lines = (await readFile(result.path, 'utf8')).split('\n');
    lines.pop();
    expect(lines.map((line) => (JSON.parse(line) as { eventID: string }).eventID)).toEqual(all.map((row) => row.id));
    // Ahead of the written records: the chunk being put, those read ahead, the next chunk's files
    // (to tell the workers which files are done), and what the writer's buffers and its write hold.
    const shortest = Math.min(...lines.map((line) => line.length + 1));
    const bound = (exporter.READ_AHEAD + 2) * exporter.WORKER_CHUNK_ROWS + Math.ceil((3 * output.WRITE_BYTES) / shortest);
    expect(bound).toBeLessThan(all.length - 2000);
    expect(touchedWhileStalled).toBeLessThan(bound);
    expect(excess).toBeLessThan(bound);
  });

  it('makes a read beyond the slots of a worker wait for a release, then answers in the released memory', async () => {
    const rows = await intactRows();
    const readers = new pool.RecordTextPool('jsonl', 1);
    try {
      const reads = [0, 1, 2, 3].map((k) => readers.read(rows, k * 100, (k + 1) * 100));
      const held = await Promise.all(reads.slice(0, pool.SLOTS));
      const text = (chunk: import('../../src/export/recordTextPool.js').PlacedChunk, start: number): string =>
        Buffer.concat([...json.placedRuns('jsonl', chunk.placement, start)].map((run) => run.bytes)).toString('utf8');
      const before = held.map((chunk, k) => text(chunk, k * 100));
      const offsets = held.map((chunk) => chunk.placement.parts[0]!.bytes.byteOffset);
      expect(new Set(offsets).size).toBe(pool.SLOTS);
      held[1]!.release();
      const fourth = await reads[3]!;
      expect(fourth.placement.parts[0]!.bytes.buffer).toBe(held[1]!.placement.parts[0]!.bytes.buffer);
      expect(fourth.placement.parts[0]!.bytes.byteOffset).toBe(offsets[1]);
      // The answers still held were not written over.
      expect(text(held[0]!, 0)).toBe(before[0]);
      expect(text(held[2]!, 200)).toBe(before[2]);
      expect(text(fourth, 300).split('\n').slice(0, -1).map((line) => (JSON.parse(line) as { eventID: string }).eventID)).toEqual(
        rows.slice(300, 400).map((row) => row.id),
      );
    } finally {
      await readers.close();
    }
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
