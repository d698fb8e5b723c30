/**
 * A JSON download's event count moves with its bytes. QA: exporting 300k
 * events showed `0% 0/300,362 events 6.0 MiB 0/s`: the events of a chunk of
 * records read back counted only once the whole chunk was written.
 */
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exportRows, type ExportProgress } from '../../src/export/index.js';
import { RUN_BYTES } from '../../src/export/json.js';
import { WRITE_BYTES } from '../../src/export/output.js';
import { clearRecordCache } from '../../src/ingest/read.js';
import { loadFolder } from '../../src/ingest/scanFolder.js';
import { EventStore } from '../../src/store/eventStore.js';
import { record, tempDir, writeTrail } from './fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
  clearRecordCache();
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

describe('JSON export progress', () => {
  it('counts the events written with each write, from the first one on', async () => {
    // Newest first in the file, as the list is: its records follow each other, one long run of bytes.
    const count = 3000;
    const records = Array.from({ length: count }, (_, k) => record(count - 1 - k, { extra: { padding: 'p'.repeat(1500) } }));
    await writeTrail(join(dir, 'trails'), 'big.json', records);
    const store = new EventStore();
    await loadFolder(join(dir, 'trails'), store);
    const rows = store.rows();
    expect(rows.length).toBe(count);

    // Each write takes "a second", so every write is reported (the reports are throttled by the clock).
    vi.useFakeTimers({ toFake: ['Date'] });
    const reports: ExportProgress[] = [];
    const result = await exportRows({
      rows,
      format: 'json',
      target: join(dir, 'out.json'),
      onProgress: (progress) => reports.push(progress),
      openFile: async (path) => {
        const handle = await open(path, 'wx');
        return {
          write: async (buffer: Uint8Array, offset: number, length: number) => {
            vi.setSystemTime(Date.now() + 1000);
            return handle.write(buffer, offset, length);
          },
          sync: () => handle.sync(),
          close: () => handle.close(),
        };
      },
    });
    expect(result.written).toBe(count);
    const perEvent = result.bytes / count;
    expect(result.bytes).toBeGreaterThan(3 * WRITE_BYTES);
    const during = reports.filter((progress) => progress.bytes > 0 && progress.bytes < result.bytes);
    expect(during.length).toBeGreaterThanOrEqual(3);
    for (const progress of during) {
      // The events whose text the bytes written hold, give or take a run of records not yet counted.
      const held = progress.bytes / perEvent;
      expect(progress.written, `at ${progress.bytes} bytes`).toBeGreaterThanOrEqual(Math.floor(held - RUN_BYTES / perEvent - 1));
      expect(progress.written, `at ${progress.bytes} bytes`).toBeLessThanOrEqual(Math.ceil(held));
      expect(progress.rate).toBeGreaterThan(0);
    }
  });
});
