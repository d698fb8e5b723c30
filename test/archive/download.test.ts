/**
 * The engine behind the --db dashboard's download (archive/export.ts
 * exportArchiveToFile) and the files it must never land on (archive/ownFiles.ts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportArchiveToFile } from '../../src/archive/export.js';
import { ArchiveSession } from '../../src/archive/session.js';
import { archiveOwnFile } from '../../src/archive/ownFiles.js';
import { ExportCancelled } from '../../src/export/index.js';
import type { ExportProgress } from '../../src/export/index.js';
import { tempFolder } from '../support/files.js';
import { archiveOf, callsEachMinute, type TestArchive } from './helpers.js';

describe('exportArchiveToFile', () => {
  let archive: TestArchive;
  const scratch = tempFolder('trailtop-archive-download-');
  beforeAll(async () => {
    archive = await archiveOf(callsEachMinute(40), 10);
  }, 60_000);
  afterAll(async () => {
    await archive?.close();
    scratch.remove();
  });

  it('writes page by page with progress, the file appearing only at the end', async () => {
    const target = join(scratch.dir, 'all.jsonl');
    const reports: ExportProgress[] = [];
    const seenDuring: boolean[] = [];
    const connection = await archive.archive.connect();
    const result = await exportArchiveToFile(archive.archive, connection, target, {
      where: null,
      order: 'oldest',
      format: 'jsonl',
      total: 40,
      overwrite: false,
      pageSize: 7,
      onProgress: (p) => reports.push(p),
      betweenPages: async () => void seenDuring.push(existsSync(target)),
    });
    expect(result.written).toBe(40);
    expect(seenDuring.length).toBe(6);
    expect(seenDuring.every((seen) => !seen)).toBe(true);
    const ids = readFileSync(target, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { eventID: string }).eventID);
    expect(ids).toEqual(Array.from({ length: 40 }, (_, k) => `ev-${String(k).padStart(4, '0')}`));
    expect(reports.at(-1)).toMatchObject({ written: 40, total: 40, bytes: result.bytes });
  });

  it('a cancel between pages ends with ExportCancelled and leaves no file, not even a temp file', async () => {
    const folder = join(scratch.dir, 'cancel');
    mkdirSync(folder);
    const target = join(folder, 'cut.csv');
    const controller = new AbortController();
    let pages = 0;
    const connection = await archive.archive.connect();
    const run = exportArchiveToFile(archive.archive, connection, target, {
      where: null,
      order: 'newest',
      format: 'csv',
      overwrite: false,
      pageSize: 5,
      signal: controller.signal,
      betweenPages: async () => {
        if (++pages === 2) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(ExportCancelled);
    expect(pages).toBe(2);
    expect(readdirSync(folder)).toEqual([]);
  });
});

describe('ArchiveSession.download', () => {
  it('opens its own connection again after one failed to open', async () => {
    const archive = await archiveOf(callsEachMinute(5), 5);
    const scratch = tempFolder('trailtop-session-download-');
    try {
      let failures = 1;
      const flaky = { ...archive.archive, connect: () => (failures-- > 0 ? Promise.reject(new Error('no connection')) : archive.archive.connect()) };
      const session = new ArchiveSession(flaky);
      const options = { where: null, order: 'newest' as const, format: 'csv' as const, overwrite: false };
      await expect(session.download(join(scratch.dir, 'a.csv'), options)).rejects.toThrow('no connection');
      expect((await session.download(join(scratch.dir, 'b.csv'), options)).written).toBe(5);
    } finally {
      await archive.close();
      scratch.remove();
    }
  });
});

describe('archiveOwnFile', () => {
  const scratch = tempFolder('trailtop-own-files-');
  afterAll(() => scratch.remove());

  it("names the archive, its write-ahead log and its spill folder, also through a link; other files are fine", async () => {
    const db = join(scratch.dir, 'trail.duckdb');
    symlinkSync(scratch.dir, join(scratch.dir, 'link'));
    expect(await archiveOwnFile(db, db)).toBe('is the archive itself');
    expect(await archiveOwnFile(join(scratch.dir, 'link', 'trail.duckdb'), db)).toBe('is the archive itself');
    expect(await archiveOwnFile(`${db}.wal`, db)).toBe("is the archive's write-ahead log");
    expect(await archiveOwnFile(join(`${db}.tmp`, 'spill.csv'), db)).toBe("is in the archive's spill folder");
    expect(await archiveOwnFile(join(scratch.dir, 'trail.duckdb.csv'), db)).toBeNull();
    expect(await archiveOwnFile(join(scratch.dir, 'out.csv'), db)).toBeNull();
  });
});
