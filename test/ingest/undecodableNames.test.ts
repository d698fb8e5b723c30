/**
 * A file or folder whose name is not valid UTF-8: Node decodes it with U+FFFD, which names no file,
 * so it was reported as "ENOENT: no such file or directory" (listing, scan, dashboard, export,
 * detect) or dropped in silence (a watch's new files). It is reported with the true reason, and a
 * name holding a real U+FFFD (valid UTF-8) is still read.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listFolder } from '../../src/ingest/walk.js';
import { openFolder } from '../../src/ingest/open.js';
import { scanFolderHeadless } from '../../src/scan/run.js';
import { UNDECODABLE_FILE_REASON, UNDECODABLE_FOLDER_REASON } from '../../src/ingest/undecodableNames.js';
import { makeEvent, recordsJson, tempFolder, waitFor } from '../watch/helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A path under dir whose last parts are latin1 bytes (é = 0xE9, not UTF-8). */
const bytes = (dir: string, ...latin1: string[]): Buffer => Buffer.concat([Buffer.from(dir + '/'), Buffer.from(latin1.join('/'), 'latin1')]);

/** logs/café.json and logs/dér/inner.json with latin1 names, logs/ok\uFFFD.json with a real U+FFFD. */
function folderWithBadNames(): { dir: string; badFile: string; badFolder: string; good: string } {
  const temp = tempFolder('trailtop-names-');
  cleanups.push(temp.remove);
  const dir = temp.dir;
  writeFileSync(bytes(dir, 'caf\xe9.json'), recordsJson([makeEvent('bad-1')]));
  mkdirSync(bytes(dir, 'd\xe9r'));
  writeFileSync(bytes(dir, 'd\xe9r', 'inner.json'), recordsJson([makeEvent('bad-2')]));
  const good = join(dir, 'ok\uFFFD.json');
  writeFileSync(good, recordsJson([makeEvent('good')]));
  return { dir, badFile: join(dir, 'caf\uFFFD.json'), badFolder: join(dir, 'd\uFFFDr'), good };
}

const expectedBad = (f: { badFile: string; badFolder: string }) => [
  { path: f.badFile, reason: UNDECODABLE_FILE_REASON },
  { path: f.badFolder, reason: UNDECODABLE_FOLDER_REASON },
];

const sortByPath = <T extends { path: string }>(items: readonly T[]): T[] => [...items].sort((a, b) => (a.path < b.path ? -1 : 1));

describe('names that are not valid UTF-8', () => {
  it('listFolder reports them bad with the true reason, reads a real U+FFFD name, skips a FIFO so named', async () => {
    const f = folderWithBadNames();
    // Arguments are strings: the shell's printf makes the 0xE9 byte.
    execFileSync('sh', ['-c', "mkfifo \"$(printf 'p\\351pe')\""], { cwd: f.dir });
    const listing = await listFolder(f.dir);
    expect(listing.files).toEqual([f.good]);
    expect(listing.bad).toEqual(expectedBad(f));
    expect(listing.skipped).toEqual([{ path: join(f.dir, 'p\uFFFDpe'), reason: 'not a regular file (FIFO)' }]);
  });

  it('scan DIR: each reported once with the true reason, no ENOENT', async () => {
    const f = folderWithBadNames();
    const tally = await scanFolderHeadless(f.dir, { workers: 0 });
    const files = tally.summary({ folder: f.dir, filter: null }).files;
    expect(sortByPath(files.bad)).toEqual(expectedBad(f));
    expect(files.read).toBe(1);
  });

  it('the dashboard, export and detect (openFolder): reported bad with the true reason', async () => {
    const f = folderWithBadNames();
    const opened = openFolder(f.dir, { watch: false, pool: { inline: true } });
    cleanups.push(() => opened.close());
    await opened.ready;
    expect(sortByPath(opened.store.progress.badFiles)).toEqual(expectedBad(f));
    expect(opened.store.log().map((row) => row.id)).toEqual(['good']);
  });

  it('a watch (dashboard, tail): one made later is reported once, and no longer once renamed', async () => {
    const temp = tempFolder('trailtop-names-');
    cleanups.push(temp.remove);
    const dir = temp.dir;
    const opened = openFolder(dir, { watch: true, pool: { inline: true }, settleMs: 40, badAfterMs: 500 });
    cleanups.push(() => opened.close());
    await opened.ready;
    await new Promise((resolve) => setTimeout(resolve, 200));
    writeFileSync(bytes(dir, 'caf\xe9.json'), recordsJson([makeEvent('bad-1')]));
    const badFile = { path: join(dir, 'caf\uFFFD.json'), reason: UNDECODABLE_FILE_REASON };
    await waitFor(() => opened.store.progress.badFiles.length > 0, 'the bad name reported', 5_000);
    // A new folder so named, with a file in it: the folder is reported, its file is not read.
    mkdirSync(bytes(dir, 'd\xe9r'));
    writeFileSync(bytes(dir, 'd\xe9r', 'inner.json'), recordsJson([makeEvent('bad-2')]));
    await waitFor(() => opened.store.progress.badFiles.length > 1, 'the bad folder reported', 5_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sortByPath(opened.store.progress.badFiles)).toEqual([badFile, { path: join(dir, 'd\uFFFDr'), reason: UNDECODABLE_FOLDER_REASON }]);

    renameSync(bytes(dir, 'caf\xe9.json'), join(dir, 'cafe.json'));
    await waitFor(() => opened.store.size === 1, 'the renamed file read', 5_000);
    await waitFor(() => opened.store.progress.badFiles.length === 1, 'the renamed name no longer bad', 5_000);
    expect(opened.store.progress.badFiles[0]!.path).toBe(join(dir, 'd\uFFFDr'));
  });
});
