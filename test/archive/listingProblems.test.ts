/**
 * What a folder's listing could not get past (here a link into a file, ENOTDIR: an unreadable folder
 * cannot be made as root, which CI runs as) is reported by `scan --db` as `archive` and `scan DIR`
 * report it, and goes once the folder reads again.
 */
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openArchive } from '../../src/archive/db.js';
import { importFolder } from '../../src/archive/import.js';
import { summarizeArchive } from '../../src/archive/query.js';
import { UNDECODABLE_FILE_REASON, UNDECODABLE_FOLDER_REASON } from '../../src/ingest/undecodableNames.js';
import { scanFolderHeadless } from '../../src/scan/run.js';
import { recordsJson, tempFolder } from '../support/files.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const event = (id: string) => ({
  eventVersion: '1.08',
  eventID: id,
  eventTime: '2024-03-05T10:00:00Z',
  eventName: 'GetObject',
  eventSource: 's3.amazonaws.com',
  awsRegion: 'us-east-1',
  userIdentity: { type: 'IAMUser', userName: 'alice' },
});

describe('archive: the listing problems of a folder', () => {
  it('are kept for scan --db, equal to a folder scan, and dropped when the folder reads again', async () => {
    const scratch = tempFolder('trailtop-archive-');
    cleanups.push(scratch.remove);
    const logs = join(scratch.dir, 'logs');
    mkdirSync(join(logs, 'sub'), { recursive: true });
    writeFileSync(join(logs, 'a.json'), recordsJson([event('a')]));
    writeFileSync(join(logs, 'sub', 'b.json'), recordsJson([event('b')]));
    const link = join(logs, 'into-a-file');
    symlinkSync(join(logs, 'a.json', 'inside'), link);
    const archive = await openArchive(join(scratch.dir, 'a.duckdb'));
    cleanups.push(() => archive.close());

    const imported = await importFolder(archive, logs, { workers: 0 });
    expect(imported.bad).toEqual([{ path: link, reason: expect.stringContaining('ENOTDIR') }]);
    const folder = (await scanFolderHeadless(logs, { workers: 0 })).summary({ folder: logs, filter: null }).files;
    const db = (await summarizeArchive(archive, null, { folder: logs })).files;
    expect(db.bad).toEqual(imported.bad);
    expect(db.bad).toEqual(folder.bad);
    expect(db.byShape).toEqual(folder.byShape);
    expect(db.read).toBe(2);

    // Still there: reported once, not as a row kept plus the listing's own.
    const again = await importFolder(archive, logs, { workers: 0 });
    expect(again.bad).toEqual(imported.bad);
    expect((await summarizeArchive(archive, null)).files.bad).toEqual(imported.bad);

    // An import of part of the folder (the dashboard's, of what the watch saw) leaves the rest's problems alone.
    await importFolder(archive, logs, { workers: 0, paths: [join(logs, 'sub')] });
    // Overlapping paths (a folder and one inside it, as a watch may name both): each problem once.
    const dangling = join(logs, 'sub', 'dangling');
    symlinkSync(join(logs, 'nowhere'), dangling);
    const overlapping = await importFolder(archive, logs, { workers: 0, paths: [logs, join(logs, 'sub')] });
    expect(overlapping.bad).toEqual(imported.bad);
    expect(overlapping.skipped).toEqual([{ path: dangling, reason: 'broken symlink' }]);
    rmSync(dangling);
    expect((await summarizeArchive(archive, null)).files.bad).toEqual(imported.bad);

    rmSync(link);
    const fixed = await importFolder(archive, logs, { workers: 0 });
    expect(fixed.bad).toEqual([]);
    expect((await summarizeArchive(archive, null)).files.bad).toEqual([]);
    expect((await summarizeArchive(archive, null)).files.read).toBe(2);
  });

  it('keep what the listing passed by (a broken link) for scan --db, as a folder scan lists it, until it is gone', async () => {
    const scratch = tempFolder('trailtop-archive-');
    cleanups.push(scratch.remove);
    const logs = join(scratch.dir, 'logs');
    mkdirSync(logs, { recursive: true });
    writeFileSync(join(logs, 'a.json'), recordsJson([event('a')]));
    const broken = join(logs, 'gone.json');
    symlinkSync(join(scratch.dir, 'nowhere.json'), broken);
    const archive = await openArchive(join(scratch.dir, 'a.duckdb'));
    cleanups.push(() => archive.close());

    const imported = await importFolder(archive, logs, { workers: 0 });
    expect(imported.skipped).toEqual([{ path: broken, reason: 'broken symlink' }]);
    const folder = (await scanFolderHeadless(logs, { workers: 0 })).summary({ folder: logs, filter: null }).files;
    const db = (await summarizeArchive(archive, null, { folder: logs })).files;
    expect(db.skipped).toEqual(folder.skipped);
    expect(db.byShape).toEqual(folder.byShape);
    expect(db.read).toBe(1);

    const again = await importFolder(archive, logs, { workers: 0 });
    expect(again.skipped).toEqual(imported.skipped);
    expect((await summarizeArchive(archive, null)).files.skipped).toEqual(imported.skipped);

    rmSync(broken);
    await importFolder(archive, logs, { workers: 0 });
    expect((await summarizeArchive(archive, null)).files.skipped).toEqual([]);
  });

  it('report a file or folder whose name is not UTF-8 with the true reason on every run and for scan --db, until renamed', async () => {
    const scratch = tempFolder('trailtop-archive-');
    cleanups.push(scratch.remove);
    const logs = join(scratch.dir, 'logs');
    mkdirSync(logs, { recursive: true });
    writeFileSync(join(logs, 'a.json'), recordsJson([event('a')]));
    // café.json and dér/ in latin1: Node lists them as caf\uFFFD.json and d\uFFFDr, names that open no file.
    const latin1 = (name: string): Buffer => Buffer.concat([Buffer.from(logs + '/'), Buffer.from(name, 'latin1')]);
    writeFileSync(latin1('caf\xe9.json'), recordsJson([event('b')]));
    mkdirSync(latin1('d\xe9r'));
    writeFileSync(latin1('d\xe9r/c.json'), recordsJson([event('c')]));
    const archive = await openArchive(join(scratch.dir, 'a.duckdb'));
    cleanups.push(() => archive.close());
    const expected = [
      { path: join(logs, 'caf\uFFFD.json'), reason: UNDECODABLE_FILE_REASON },
      { path: join(logs, 'd\uFFFDr'), reason: UNDECODABLE_FOLDER_REASON },
    ];

    const imported = await importFolder(archive, logs, { workers: 0 });
    expect(imported.bad).toEqual(expected);
    expect((await summarizeArchive(archive, null, { folder: logs })).files.bad).toEqual(expected);
    const again = await importFolder(archive, logs, { workers: 0 });
    expect(again.bad).toEqual(expected);
    expect((await summarizeArchive(archive, null)).files.bad).toEqual(expected);

    renameSync(latin1('caf\xe9.json'), join(logs, 'cafe.json'));
    renameSync(latin1('d\xe9r'), join(logs, 'der'));
    const renamed = await importFolder(archive, logs, { workers: 0 });
    expect(renamed.bad).toEqual([]);
    const summary = (await summarizeArchive(archive, null)).files;
    expect(summary.bad).toEqual([]);
    expect(summary.read).toBe(3);
  });
});
