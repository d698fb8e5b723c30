import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { openArchive, type Archive } from '../../src/archive/db.js';
import { importFolder } from '../../src/archive/import.js';
import { lookUpListing } from '../../src/archive/knownFiles.js';
import { literal } from '../../src/query/sql/dialect.js';
import { recordsJson, tempFolder } from '../support/files.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function scratchArchive(): Promise<{ dir: string; archive: Archive }> {
  const folder = tempFolder('trailtop-known-');
  cleanups.push(folder.remove);
  const archive = await openArchive(join(folder.dir, 'a.duckdb'));
  cleanups.unshift(() => archive.close());
  return { dir: folder.dir, archive };
}

async function remember(archive: Archive, path: string, size: number | null, mtime: number | null, shape: string, reason: string): Promise<void> {
  const number = (value: number | null): string => (value === null ? 'NULL' : String(value));
  await archive.connection.run(
    `INSERT INTO imported_files VALUES (${literal(path)}, ${number(size)}, ${number(mtime)}, ${literal(shape)}, ${literal(reason)}, 0, current_timestamp::TIMESTAMP)`,
  );
}

/** Rows DuckDB handed to JavaScript through `connection` (every runAndReadAll's rows). */
function countingRows(connection: DuckDBConnection): { connection: DuckDBConnection; rows: () => number } {
  let rows = 0;
  const counted = new Proxy(connection, {
    get(target, key, receiver) {
      if (key === 'runAndReadAll') {
        return async (...args: Parameters<DuckDBConnection['runAndReadAll']>) => {
          const reader = await target.runAndReadAll(...args);
          rows += reader.currentRowCount;
          return reader;
        };
      }
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { connection: counted, rows: () => rows };
}

describe('the listing against the archive\'s files', () => {
  it('returns the files to look at, in listing order, and only counts the ones read unchanged before', async () => {
    const { archive } = await scratchArchive();
    const files = ['/t/clean-a', '/t/new', '/t/resized', '/t/touched', '/t/bad', '/t/digest', '/t/partly', '/t/clean-b', '/t/problem', '/t/unstattable', "/t/it's \u00e9"];
    const sizes = Float64Array.from([10, 11, 12, 13, 14, 15, 16, 17, 18, -1, 19]);
    const mtimes = Float64Array.from([1000.5, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, -1, 1009]);
    await remember(archive, '/t/clean-a', 10, 1000.5, 'records', '');
    await remember(archive, '/t/resized', 99, 1002, 'records', '');
    await remember(archive, '/t/touched', 13, 2003, 'records', '');
    await remember(archive, '/t/bad', 14, 1004, 'bad', 'truncated gzip');
    await remember(archive, '/t/digest', 15, 1005, 'digest', '');
    await remember(archive, '/t/partly', 16, 1006, 'records', 'record 3 is not an object');
    await remember(archive, '/t/clean-b', 17, 1007, 'jsonl', '');
    // A listing problem's row: no size, no mtime (listingProblems.ts); listed as a file now, it is read.
    await remember(archive, '/t/problem', null, null, 'not-cloudtrail', 'a FIFO');
    // Could not be stat'ed then nor now: never taken as unchanged.
    await remember(archive, '/t/unstattable', -1, -1, 'bad', 'EACCES');
    await remember(archive, "/t/it's \u00e9", 19, 1009, 'records', '');
    await remember(archive, '/t/not-listed', 1, 1, 'records', '');

    const lookup = await lookUpListing(archive.connection, files, sizes, mtimes);
    expect(lookup.cleanUnchanged).toBe(3);
    expect(lookup.files.map((f) => [files[f.ordinal], f.known, f.unchanged])).toEqual([
      ['/t/new', null, false],
      ['/t/resized', { shape: 'records', reason: '' }, false],
      ['/t/touched', { shape: 'records', reason: '' }, false],
      ['/t/bad', { shape: 'bad', reason: 'truncated gzip' }, true],
      ['/t/digest', { shape: 'digest', reason: '' }, true],
      ['/t/partly', { shape: 'records', reason: 'record 3 is not an object' }, true],
      ['/t/problem', { shape: 'not-cloudtrail', reason: 'a FIFO' }, false],
      ['/t/unstattable', { shape: 'bad', reason: 'EACCES' }, false],
    ]);
    // Nothing left behind on the connection.
    const left = await archive.connection.runAndReadAll("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'tt_listing'");
    expect(Number(left.getRows()[0]![0])).toBe(0);
    expect(await lookUpListing(archive.connection, [], new Float64Array(0), new Float64Array(0))).toEqual({ files: [], cleanUnchanged: 0 });
  });

  it("a watch's import of one new file does not read the archive's whole file list into JavaScript", async () => {
    const { dir, archive } = await scratchArchive();
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    // An archive of a big trail: 5,000 files imported before.
    await archive.connection.run(
      `INSERT INTO imported_files SELECT ${literal(`${logs}/old-`)} || i || '.json', 100, 1000, 'records', '', 1, current_timestamp::TIMESTAMP FROM range(5000) t(i)`,
    );
    const fresh = join(logs, 'fresh.json');
    writeFileSync(fresh, recordsJson([{ eventVersion: '1.08', eventID: 'e1', eventTime: '2024-03-05T00:00:00Z', eventName: 'GetObject', eventSource: 's3.amazonaws.com' }]));
    const { connection, rows } = countingRows(archive.connection);
    const summary = await importFolder({ ...archive, connection }, logs, { paths: [fresh] });
    expect(summary.eventFiles).toEqual({ read: 1, unchanged: 0 });
    expect(summary.eventsAdded).toBe(1);
    // The file list stayed in DuckDB (5,000+ rows came back when it was read whole).
    expect(rows()).toBeLessThan(50);

    // A second look at the same file: unchanged, counted, not read.
    const again = await importFolder(archive, logs, { paths: [fresh] });
    expect(again.eventFiles).toEqual({ read: 0, unchanged: 1 });
    expect(statSync(fresh).size).toBeGreaterThan(0);
  });
});
