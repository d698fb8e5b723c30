/**
 * The engine behind the --db dashboard's download (archive/export.ts
 * exportArchiveToFile) and the files it must never land on (archive/ownFiles.ts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportArchiveToFile, writeArchiveEvents } from '../../src/archive/export.js';
import { EVENTS_PER_STATEMENT } from '../../src/archive/query.js';
import { ArchiveSession } from '../../src/archive/session.js';
import { archiveOwnFile } from '../../src/archive/ownFiles.js';
import { openAtomicFile } from '../../src/export/atomic.js';
import { ExportCancelled } from '../../src/export/index.js';
import { archiveDownloadSource, DOWNLOAD_PAGE } from '../../src/ui/archive/archiveDownload.js';
import type { ExportProgress } from '../../src/export/index.js';
import { tempFolder } from '../support/files.js';
import { archiveOf, callsEachMinute, recordingStatements, type TestArchive } from './helpers.js';

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

describe("the dashboard's download against export --db", () => {
  // More than two dashboard pages, fewer than one statement of export's.
  const COUNT = 2 * DOWNLOAD_PAGE + 200;
  let archive: TestArchive;
  const scratch = tempFolder('trailtop-download-vs-export-');
  beforeAll(async () => {
    archive = await archiveOf(callsEachMinute(COUNT), 200);
  }, 60_000);
  afterAll(async () => {
    await archive?.close();
    scratch.remove();
  });

  for (const format of ['csv', 'json'] as const) {
    it(`reads the archive in export's statements, writes in its own small pages, the same ${format} bytes`, async () => {
      expect(COUNT).toBeLessThan(EVENTS_PER_STATEMENT);
      const { archive: recorded, statements } = recordingStatements(archive.archive);
      const rowStatements = (): number => statements.filter((sql) => sql.includes('tt_record')).length;
      // export --db's call (commands/dbCommands.ts exportDb).
      const exported = join(scratch.dir, `export.${format}`);
      const sink = await openAtomicFile(exported, { overwrite: false });
      await writeArchiveEvents(recorded, sink, { where: null, order: 'newest', format, raw: false, total: COUNT });
      await sink.commit();
      const byExport = rowStatements();
      // The dialog's call (ExportSession through the DownloadSource), counting the turns it gives keys and frames.
      const session = new ArchiveSession(recorded);
      let turns = 0;
      const download = session.download.bind(session);
      session.download = (target, options) => download(target, { ...options, betweenPages: async () => void (turns++, await options.betweenPages?.()) });
      const downloaded = join(scratch.dir, `download.${format}`);
      const source = archiveDownloadSource(session, { where: null, total: COUNT, order: 'newest' }, new Set(), 0);
      const result = await source.write({ markedOnly: false, format, target: downloaded, overwrite: false, signal: new AbortController().signal, onProgress: () => undefined });
      expect(result.written).toBe(COUNT);
      // One statement for the rows, as export: a statement a page (3 here) cost 25% more CPU on 253k events.
      expect(byExport).toBe(1);
      expect(rowStatements() - byExport).toBe(byExport);
      expect(turns).toBe(Math.ceil(COUNT / DOWNLOAD_PAGE));
      expect(readFileSync(downloaded).equals(readFileSync(exported))).toBe(true);
    });
  }
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
