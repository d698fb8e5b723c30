/**
 * The folders the archive's differential tests compare on (the shared
 * datasets and the bundled samples), each opened twice: as an archive (the
 * SQL engine) and as the folder dashboard's store (the in-memory engine).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { openArchive, type Archive } from '../../src/archive/db.js';
import { importFolder } from '../../src/archive/import.js';
import { openFolder } from '../../src/ingest/open.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { tempFolder } from '../support/files.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const DATASETS = resolve(ROOT, '../shared/datasets');
export const SAMPLES = join(ROOT, 'samples');
/** Outside CI the datasets may be missing (their tests are then skipped); in CI that is a failure. */
export const datasetsPresent = existsSync(DATASETS);
if (!datasetsPresent && process.env.CI) throw new Error(`datasets missing at ${DATASETS}`);

/** A folder loaded as the dashboard loads it (the folder loader, its arrival order). */
export async function loadInMemory(folder: string): Promise<EventStore> {
  const loaded = openFolder(folder, { watch: false });
  await loaded.ready;
  await loaded.close();
  return loaded.store;
}

export interface SideBySide {
  /** The archive (a test that closes and opens it again puts the new one here, for the clean-up to close). */
  archive: Archive;
  store: EventStore;
  /** The archive's file, in a scratch folder removed after the tests. */
  path: string;
}

/**
 * In a describe block: imports `folder` into a scratch archive and loads it in memory before its
 * tests, hands both to `opened`, and closes and removes the archive after them.
 */
export function openSideBySide(folder: string, prefix: string, opened: (both: SideBySide) => void): void {
  const scratch = tempFolder(prefix);
  const path = join(scratch.dir, 'side.duckdb');
  let both: SideBySide | undefined;
  beforeAll(async () => {
    const archive = await openArchive(path);
    await importFolder(archive, folder);
    both = { archive, store: await loadInMemory(folder), path };
    opened(both);
  }, 180_000);
  afterAll(async () => {
    await both?.archive.close();
    scratch.remove();
  });
}
