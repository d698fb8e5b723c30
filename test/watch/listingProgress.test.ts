import { join } from 'node:path';
import { onTestFinished, describe, expect, it } from 'vitest';
import { ReadPool } from '../../src/ingest/pool.js';
import { FolderLoader } from '../../src/ingest/watch.js';
import { EventStore } from '../../src/store/eventStore.js';
import { deliveryName, makeEvent, tempFolder, writeRecords } from './helpers.js';

/** An inline pool that counts the loader's requests to start workers, and notes each read with the files counted so far. */
class CountingPool extends ReadPool {
  warmed = 0;
  readonly reads: { path: string; filesTotal: number }[] = [];
  store: EventStore | null = null;
  override warm(): void {
    this.warmed++;
  }
  override read(...args: Parameters<ReadPool['read']>): ReturnType<ReadPool['read']> {
    this.reads.push({ path: args[0].path, filesTotal: this.store?.progress.filesTotal ?? -1 });
    return super.read(...args);
  }
}

/** The file of the `k`th delivery (k minutes after midnight, one folder a day), as `folderOf` writes it. */
function deliveryPath(dir: string, k: number, perDay: number): string {
  const day = String(5 + Math.floor(k / perDay)).padStart(2, '0');
  const minute = String(k % 60).padStart(2, '0');
  const hour = String(Math.floor((k % perDay) / 60)).padStart(2, '0');
  return join(dir, `AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/${day}`, deliveryName('111122223333', 'us-east-1', `202403${day}T${hour}${minute}Z`, `f${k}`));
}

/** `files` delivery files of one event each under S3 date folders (`perDay` a day), and one digest file. */
function folderOf(files: number, perDay = 1000): string {
  const { dir, remove } = tempFolder();
  onTestFinished(remove);
  for (let k = 0; k < files; k++) writeRecords(deliveryPath(dir, k, perDay), [makeEvent(`e${k}`, k)]);
  writeRecords(join(dir, 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/05/111122223333_CloudTrail-Digest_us-east-1_x_20240305T0100Z.json.gz'), []);
  return dir;
}

async function load(dir: string, followOnly = false): Promise<{ store: EventStore; pool: CountingPool }> {
  const store = new EventStore(0);
  const pool = new CountingPool({ inline: true });
  pool.store = store;
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

  it('in a big folder, starts reading the newest files while the walk goes on, a few only', async () => {
    // 8 days of 30 files: the walk lists the newest day first, and reads start past the 64th file listed.
    const dir = folderOf(240, 30);
    const { store, pool } = await load(dir);
    expect(store.size).toBe(240);
    expect(pool.reads).toHaveLength(240);
    expect(pool.reads[0]!.path).toBe(deliveryPath(dir, 239, 30));
    // The walk lists the digest, then day 12 and day 11 (30 each), then 4 files of day 10: the 65th file.
    // The newest 24 of those are read before the walk goes on; every later read goes newest first.
    const early = pool.reads.filter((read) => read.filesTotal < 241);
    expect(early.map((read) => read.path)).toEqual(Array.from({ length: 24 }, (_, k) => deliveryPath(dir, 239 - k, 30)));
    expect(early.every((read) => read.filesTotal === 65)).toBe(true);
    const later = pool.reads.slice(early.length).map((read) => read.path);
    expect(later).toEqual([...later].sort().reverse());
    expect(store.progress.filesTotal).toBe(241);
    expect(store.progress.filesDone).toBe(241);
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
