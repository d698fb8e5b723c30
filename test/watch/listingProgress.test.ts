import { join } from 'node:path';
import { onTestFinished, describe, expect, it } from 'vitest';
import { ReadPool } from '../../src/ingest/pool.js';
import { FolderLoader } from '../../src/ingest/watch.js';
import { EventStore } from '../../src/store/eventStore.js';
import { deliveryName, makeEvent, tempFolder, writeRecords } from './helpers.js';

/** An inline pool that counts the loader's requests to start workers. */
class CountingPool extends ReadPool {
  warmed = 0;
  override warm(): void {
    this.warmed++;
  }
}

/** `files` delivery files of one event each under S3 date folders, and one digest file. */
function folderOf(files: number): string {
  const { dir, remove } = tempFolder();
  onTestFinished(remove);
  for (let k = 0; k < files; k++) {
    const minute = String(k % 60).padStart(2, '0');
    const hour = String(Math.floor(k / 60)).padStart(2, '0');
    writeRecords(join(dir, 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05', deliveryName('111122223333', 'us-east-1', `20240305T${hour}${minute}Z`, `f${k}`)), [makeEvent(`e${k}`, k)]);
  }
  writeRecords(join(dir, 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/05/111122223333_CloudTrail-Digest_us-east-1_x_20240305T0100Z.json.gz'), []);
  return dir;
}

async function load(dir: string, followOnly = false): Promise<{ store: EventStore; pool: CountingPool }> {
  const store = new EventStore(0);
  const pool = new CountingPool({ inline: true });
  const loader = new FolderLoader(dir, store, pool, { watch: false, ...(followOnly ? { followOnly: true } : {}) });
  void loader.start();
  await loader.ready;
  await loader.close();
  return { store, pool };
}

describe('the initial listing', () => {
  it('asks once for workers in a folder past 64 files, and counts every file and digest in progress', async () => {
    const { store, pool } = await load(folderOf(70));
    expect(pool.warmed).toBe(1);
    expect(store.size).toBe(70);
    expect(store.progress.filesTotal).toBe(71);
    expect(store.progress.filesDone).toBe(71);
    expect(store.progress.digests).toBe(1);
    expect(store.progress.phase).toBe('done');
  });

  it('starts no workers for a small folder', async () => {
    const { store, pool } = await load(folderOf(10));
    expect(pool.warmed).toBe(0);
    expect(store.size).toBe(10);
    expect(store.progress.filesTotal).toBe(11);
    expect(store.progress.filesDone).toBe(11);
  });

  it('following only, reads nothing and counts the files found as done', async () => {
    const { store, pool } = await load(folderOf(70), true);
    expect(pool.warmed).toBe(0);
    expect(store.size).toBe(0);
    expect(store.progress.filesTotal).toBe(71);
    expect(store.progress.filesDone).toBe(71);
    expect(store.progress.digests).toBe(1);
  });
});
