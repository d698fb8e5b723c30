/**
 * The log folders an archive was imported from (archive/sources.ts): each import records its folder
 * (or single file) by real path, and a target inside one is found as the folder guard finds it
 * (through realpath: a link or `..` does not get past). Archives made before the roots were
 * recorded stand for their files' folders instead.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openArchive, type Archive } from '../../src/archive/db.js';
import { importFolder } from '../../src/archive/import.js';
import { archiveLogPaths, writesIntoArchiveLogs } from '../../src/archive/sources.js';
import { recordsJson, tempFolder } from '../support/files.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function scratch(): string {
  const folder = tempFolder('trailtop-sources-');
  cleanups.push(folder.remove);
  return folder.dir;
}

async function archiveAt(path: string): Promise<Archive> {
  const archive = await openArchive(path);
  cleanups.push(() => archive.close());
  return archive;
}

/** A log file of one event at `path` (its folders made). */
function logFile(path: string, id: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, recordsJson([{ eventID: id, eventTime: '2024-03-05T12:00:00Z', eventName: 'GetObject', eventSource: 's3.amazonaws.com' }]));
}

/** What an archive written before the roots were recorded holds: its files, no import_root rows. */
async function forgetRoots(archive: Archive): Promise<void> {
  await archive.connection.run(`DELETE FROM archive_meta WHERE key LIKE 'import_root:%'`);
}

async function hit(target: string, archive: Archive): Promise<string | null> {
  const found = await writesIntoArchiveLogs(target, archive.connection);
  return found ? `${found.inside} ${found.logPath}` : null;
}

describe('the log folders an archive was imported from', () => {
  it('records the folder an import was given by its real path, once however often it is imported', async () => {
    const dir = scratch();
    const logs = join(dir, 'logs');
    logFile(join(logs, 'a.json'), 'a');
    symlinkSync(logs, join(dir, 'link'));
    const archive = await archiveAt(join(dir, 'a.duckdb'));
    await importFolder(archive, join(dir, 'link'));
    await importFolder(archive, logs);
    await importFolder(archive, join(dir, 'sub', '..', 'logs'));
    expect(await archiveLogPaths(archive.connection)).toEqual([logs]);
    const rows = await archive.connection.runAndReadAll(`SELECT key, value FROM archive_meta WHERE key <> 'schema'`);
    expect(rows.getRows()).toEqual([[`import_root:${logs}`, logs]]);
  });

  it('finds a target inside the folder, through a link or `..`, and nowhere else', async () => {
    const dir = scratch();
    const logs = join(dir, 'logs');
    logFile(join(logs, 'deep', 'a.json'), 'a');
    symlinkSync(logs, join(dir, 'link'));
    mkdirSync(join(dir, 'logs2'));
    mkdirSync(join(dir, 'out'));
    const archive = await archiveAt(join(dir, 'a.duckdb'));
    await importFolder(archive, logs);
    for (const target of [join(logs, 'x.csv'), join(logs, 'deep', 'x.csv'), join(logs, 'new', 'x.csv'), join(dir, 'link', 'x.csv'), join(dir, 'out', '..', 'logs', 'x.csv'), logs]) {
      expect(await hit(target, archive), target).toBe(`folder ${logs}`);
    }
    // Beside the folder, in a folder whose name only starts the same, or above it: allowed.
    for (const target of [join(dir, 'out', 'x.csv'), join(dir, 'logs2', 'x.csv'), join(dir, 'logs.csv'), join(dir, 'x.csv')]) {
      expect(await hit(target, archive), target).toBeNull();
    }
  });

  it('a single log FILE imported is refused itself, as export FILE -o FILE is, and its folder is not', async () => {
    const dir = scratch();
    const file = join(dir, 'trail.json');
    logFile(file, 'a');
    const archive = await archiveAt(join(dir, 'a.duckdb'));
    await importFolder(archive, file);
    expect(await hit(file, archive)).toBe(`file ${file}`);
    expect(await hit(join(dir, 'x.csv'), archive)).toBeNull();
  });

  it('every folder of an archive imported from several is protected', async () => {
    const dir = scratch();
    const [first, second] = [join(dir, 'first'), join(dir, 'second')];
    logFile(join(first, 'a.json'), 'a');
    logFile(join(second, 'b.json'), 'b');
    const archive = await archiveAt(join(dir, 'a.duckdb'));
    await importFolder(archive, first);
    await importFolder(archive, second);
    expect(await hit(join(first, 'x.csv'), archive)).toBe(`folder ${first}`);
    expect(await hit(join(second, 'x.csv'), archive)).toBe(`folder ${second}`);
  });

  it('a folder since deleted holds nothing to protect', async () => {
    const dir = scratch();
    const logs = join(dir, 'logs');
    logFile(join(logs, 'a.json'), 'a');
    const archive = await archiveAt(join(dir, 'a.duckdb'));
    await importFolder(archive, logs);
    rmSync(logs, { recursive: true });
    expect(await hit(join(dir, 'x.csv'), archive)).toBeNull();
  });

  describe('an archive made before the roots were recorded', () => {
    it("stands for the folder above AWSLogs/ in CloudTrail's layout", async () => {
      const dir = scratch();
      const bucket = join(dir, 'bucket');
      const day = join(bucket, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', '2024', '03', '05');
      logFile(join(day, 'a.json'), 'a');
      logFile(join(day, '..', '06', 'b.json'), 'b');
      const archive = await archiveAt(join(dir, 'a.duckdb'));
      await importFolder(archive, bucket);
      await forgetRoots(archive);
      expect(await archiveLogPaths(archive.connection)).toEqual([bucket]);
      expect(await hit(join(bucket, 'x.csv'), archive)).toBe(`folder ${bucket}`);
      expect(await hit(join(day, 'x.csv'), archive)).toBe(`folder ${bucket}`);
      expect(await hit(join(dir, 'x.csv'), archive)).toBeNull();
    });

    it('else for the folders holding its files, the outermost of them', async () => {
      const dir = scratch();
      const logs = join(dir, 'logs');
      logFile(join(logs, 'a.json'), 'a');
      logFile(join(logs, 'sub', 'b.json'), 'b');
      logFile(join(dir, 'other', 'c.json'), 'c');
      const archive = await archiveAt(join(dir, 'a.duckdb'));
      await importFolder(archive, logs);
      await importFolder(archive, join(dir, 'other'));
      await forgetRoots(archive);
      expect(await archiveLogPaths(archive.connection)).toEqual([logs, join(dir, 'other')]);
      expect(await hit(join(logs, 'sub', 'x.csv'), archive)).toBe(`folder ${logs}`);
      expect(await hit(join(dir, 'other', 'x.csv'), archive)).toBe(`folder ${join(dir, 'other')}`);
      expect(await hit(join(dir, 'x.csv'), archive)).toBeNull();
    });

    it('and its next import records the folder it is given, beside the files no root covers', async () => {
      const dir = scratch();
      const [old, fresh] = [join(dir, 'old'), join(dir, 'fresh')];
      logFile(join(old, 'a.json'), 'a');
      logFile(join(fresh, 'b.json'), 'b');
      const archive = await archiveAt(join(dir, 'a.duckdb'));
      await importFolder(archive, old);
      await forgetRoots(archive);
      await importFolder(archive, fresh);
      expect(await archiveLogPaths(archive.connection)).toEqual([fresh, old]);
      expect(await hit(join(old, 'x.csv'), archive)).toBe(`folder ${old}`);
      expect(await hit(join(fresh, 'x.csv'), archive)).toBe(`folder ${fresh}`);
    });
  });
});
