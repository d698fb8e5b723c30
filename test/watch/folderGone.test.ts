/**
 * The watched folder gone at the moment the watch is set up (between the listing and the watch): the
 * load still ends (ready resolves, the phase leaves 'loading') and the folder is said to be gone. The
 * loader waited for a watch that never came, so the dashboard's loading bar stayed up for good.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FolderGoneCheck } from '../../src/ingest/folderGone.js';
import { openFolder, type OpenFolder } from '../../src/ingest/open.js';
import { recordsJson, tempFolder } from '../support/files.js';

describe('a folder gone as its watch starts', () => {
  let opened: OpenFolder | null = null;
  let remove = (): void => undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await opened?.close();
    remove();
  });

  it('ends the load and says the folder is gone', async () => {
    const scratch = tempFolder('trailtop-gone-early-');
    remove = scratch.remove;
    const dir = join(scratch.dir, 'logs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.json'), recordsJson([{ eventID: 'e1', eventTime: '2024-03-05T10:00:00Z', eventName: 'GetObject', eventSource: 's3.amazonaws.com' }]));
    const start = FolderGoneCheck.start.bind(FolderGoneCheck);
    vi.spyOn(FolderGoneCheck, 'start').mockImplementation((folder, onGone) => {
      rmSync(folder, { recursive: true, force: true });
      return start(folder, onGone);
    });
    const gone: string[] = [];
    opened = openFolder(dir, { watch: true, settleMs: 20, onGone: (folder) => gone.push(folder) });
    const ready = await Promise.race([opened.ready.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 15_000))]);
    expect(ready).toBe(true);
    expect(gone).toEqual([dir]);
    expect(opened.store.progress.watchedFolderGone).toBe(dir);
    expect(opened.store.progress.phase).not.toBe('loading');
    // The events read before it went stay.
    expect(opened.store.size).toBe(1);
  }, 30_000);
});
