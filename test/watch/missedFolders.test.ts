/**
 * chokidar lists a new folder before it watches it: a subfolder made in that
 * gap is never reported. addMissedSubfolders finds those on a second look.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { watch } from 'chokidar';
import { afterEach, describe, expect, it } from 'vitest';
import { addMissedSubfolders, type FolderWatcher } from '../../src/ingest/missedFolders.js';
import { tempFolder } from '../support/files.js';
import { waitFor } from './helpers.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function folder(): string {
  const temp = tempFolder('trailtop-missed-');
  cleanups.push(temp.remove);
  return temp.dir;
}

describe('addMissedSubfolders', () => {
  it('adds the subfolders the watcher does not know, and only those', async () => {
    const dir = folder();
    for (const sub of ['known', 'missed', 'also-missed/deeper']) mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, 'file.json'), '{}');
    const added: string[] = [];
    const watcher: FolderWatcher = { getWatched: () => ({ [dir]: ['known', 'file.json'] }), add: (path) => added.push(path) };
    const missed = await addMissedSubfolders(watcher, dir);
    expect(missed.sort()).toEqual([join(dir, 'also-missed'), join(dir, 'missed')]);
    expect(added.sort()).toEqual(missed);
  });

  it('is nothing for a folder gone meanwhile', async () => {
    const added: string[] = [];
    expect(await addMissedSubfolders({ getWatched: () => ({}), add: (path) => added.push(path) }, join(folder(), 'gone'))).toEqual([]);
    expect(added).toEqual([]);
  });

  it("reads chokidar's own record of a folder's children (absolute folder, child names): nothing is missed when it saw everything", async () => {
    const dir = folder();
    const watcher = watch(dir, { ignoreInitial: true, persistent: true, ignored: (_path, stats) => stats !== undefined && !stats.isDirectory() });
    cleanups.push(() => watcher.close());
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    const seen: string[] = [];
    watcher.on('addDir', (path) => seen.push(path));
    mkdirSync(join(dir, 'new'));
    await waitFor(() => seen.includes(join(dir, 'new')), 'the new folder');
    mkdirSync(join(dir, 'new', 'deeper'));
    await waitFor(() => seen.includes(join(dir, 'new', 'deeper')), 'its subfolder');
    expect(await addMissedSubfolders(watcher, dir)).toEqual([]);
    expect(await addMissedSubfolders(watcher, join(dir, 'new'))).toEqual([]);
  });
});
