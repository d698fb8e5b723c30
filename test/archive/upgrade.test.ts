/**
 * Archives written by an older trailtop: schema 4 (before tt_users), 5 (before tt_idhash), 7
 * (before tt_inexact) and 8 (before the columns AWS's table gained, laterColumns.ts) are refused read-only with the command that upgrades them, and upgraded in place when opened for
 * writing, to exactly the columns a fresh import writes; an archive the upgrades do not know is
 * refused either way. After an upgrade, imports still settle duplicates against the archived rows.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openArchive, type Archive } from '../../src/archive/db.js';
import { importFolder } from '../../src/archive/import.js';
import { LATER_COLUMNS } from '../../src/archive/laterColumns.js';
import { SCHEMA_VERSION } from '../../src/archive/schema.js';
import { archiveOf, archiveOfFolder, iamUserRecord, markSchema } from './helpers.js';
import { recordsJson, tempFolder } from '../support/files.js';

const record = (id: string, userName: string): object => iamUserRecord(id, userName);

const ROOT = resolve(import.meta.dirname, '../..');

const RECORDS = [record('e-1', 'Alice'), record('e-2', 'bob\nx'), record('e-3', 'carol\\'), record('e-4', '')];

/** The columns of AWS's table schema 9 added (laterColumns.ts), the struct field among them. */
const LATER = [...LATER_COLUMNS.map((c) => c.name), 'useridentity.sessioncontext.webidfederationdata'];

/** The columns each older schema lacks, dropped to make one from a fresh archive. */
const ADDED_SINCE: Record<number, string[]> = {
  4: ['tt_users', 'tt_idhash', 'tt_inexact', 'tt_lossy', ...LATER],
  5: ['tt_idhash', 'tt_inexact', 'tt_lossy', ...LATER],
  7: ['tt_inexact', 'tt_lossy', ...LATER],
  8: ['tt_lossy', ...LATER],
  9: [],
};


async function rowsOf(archive: Archive): Promise<unknown[][]> {
  const sql = `SELECT eventid, tt_users, tt_idhash, tt_inexact, tt_lossy, useridentity, ${LATER_COLUMNS.map((c) => c.name).join(', ')} FROM events ORDER BY eventid`;
  return (await archive.connection.runAndReadAll(sql)).getRows() as unknown[][];
}

describe.each([4, 5, 7, 8, 9])('an archive of schema %i', (older) => {
  it('is refused read-only with the command that upgrades it, and upgraded in place when opened for writing', async () => {
    const made = await archiveOf(RECORDS, 2);
    const path = made.archive.path;
    const fresh = await rowsOf(made.archive);
    expect(fresh.every(([, , hash]) => typeof hash === 'bigint')).toBe(true);
    // e-4's userName is '', which its column holds as NULL: the upgrade must name it as the import did.
    expect(fresh.map((row) => row[3])).toEqual([null, null, null, '|useridentity.username=|']);
    for (const column of ADDED_SINCE[older]!) await made.archive.connection.run(`ALTER TABLE events DROP COLUMN ${column}`);
    await markSchema(made.archive.connection, older);
    await made.archive.connection.run("INSERT INTO conflicts VALUES (1, 'e-1', '/gone/kept.json', '/gone/lost.json')");
    // Written out: DuckDB 1.5 cannot replay a struct field's DROP from its log.
    await made.archive.connection.run('CHECKPOINT');
    await made.archive.close();
    try {
      await expect(openArchive(path, { readOnly: true })).rejects.toThrow(
        new RegExp(`older trailtop \\(archive schema ${older}, this one reads ${SCHEMA_VERSION}\\): run 'trailtop archive DIR --db .*' once to upgrade it`),
      );
      const told: [number, number][] = [];
      const upgraded = await openArchive(path, { onUpgrade: (from, to) => told.push([from, to]) });
      expect(told).toEqual([[older, SCHEMA_VERSION]]);
      try {
        expect((await upgraded.connection.runAndReadAll(`SELECT value FROM archive_meta WHERE key = 'schema'`)).getRows()).toEqual([[String(SCHEMA_VERSION)]]);
        expect(await rowsOf(upgraded)).toEqual(fresh);
        // The conflict listed before keeps its place, with no fingerprint (none was kept).
        expect((await upgraded.connection.runAndReadAll('SELECT found, eventid, kept_file, file, fingerprint FROM conflicts')).getRows()).toEqual([
          [1n, 'e-1', '/gone/kept.json', '/gone/lost.json', null],
        ]);
        // The same events again from another file: the upgraded rows' ids still find them.
        const again = join(made.folder, 'again');
        mkdirSync(again);
        copyFileSync(join(made.folder, 'part-0000.json'), join(again, 'zz-copy.json'));
        const summary = await importFolder(upgraded, made.folder);
        expect(summary.recordsRead).toBe(2);
        expect(summary.eventsAdded).toBe(0);
        expect(summary.eventsTotal).toBe(RECORDS.length);
      } finally {
        await upgraded.close();
      }
      const again = await openArchive(path, { onUpgrade: (from, to) => told.push([from, to]) });
      await again.close();
      expect(told).toHaveLength(1);
      await (await openArchive(path, { readOnly: true })).close();
    } finally {
      await made.close();
    }
  });
});

describe('an archive of schema 6', () => {
  it("has the files of rows an older import made of a time past a Date, or of a lone surrogate, read again", async () => {
    const made = await archiveOf(RECORDS, 1);
    const path = made.archive.path;
    const connection = made.archive.connection;
    // As schema 6 stored them: a numeric eventTime of 1e16 ms kept as it was, a lone surrogate as its JSON escape.
    await connection.run("UPDATE events SET tt_time = 10000000000000000 WHERE eventid = 'e-1'");
    await connection.run(`UPDATE events SET tt_record = replace(tt_record, '"Alice"', '"Al\\ud800ice"') WHERE eventid = 'e-1'`);
    await connection.run(`UPDATE events SET tt_record = replace(tt_record, '"carol', '"\\udc00carol') WHERE eventid = 'e-3'`);
    for (const column of ['tt_inexact', 'tt_lossy', ...LATER]) await connection.run(`ALTER TABLE events DROP COLUMN ${column}`);
    await markSchema(connection, 6);
    await connection.run('CHECKPOINT');
    const files = (await connection.runAndReadAll('SELECT count(*) FROM imported_files')).getRows()[0]![0];
    await made.archive.close();
    try {
      const upgraded = await openArchive(path);
      try {
        const ids = (await upgraded.connection.runAndReadAll('SELECT eventid FROM events ORDER BY eventid')).getRows().flat();
        expect(ids).toEqual(['e-2', 'e-4']);
        expect((await upgraded.connection.runAndReadAll('SELECT count(*) FROM imported_files')).getRows()[0]![0]).toBe(BigInt(Number(files) - 2));
        // The next import reads those two files again, and the archive is as a fresh one.
        const summary = await importFolder(upgraded, made.folder);
        expect(summary.filesDone - summary.filesUnchanged).toBe(2);
        expect(summary.eventsTotal).toBe(RECORDS.length);
        const rows = (await upgraded.connection.runAndReadAll("SELECT eventid, tt_time IS NOT NULL, contains(tt_record, '\\ud') FROM events ORDER BY eventid")).getRows();
        expect(rows).toEqual(RECORDS.map((_, k) => [`e-${k + 1}`, true, false]));
      } finally {
        await upgraded.close();
      }
    } finally {
      await made.close();
    }
  });
});

describe('an archive of schema 8 holding a CSV export', () => {
  it('has the CSV and the files whose copies lost to it read again, so the full records are kept and nothing conflicts', async () => {
    const scratch = tempFolder('trailtop-lossy-upgrade-');
    try {
      const folder = join(scratch.dir, 'logs');
      mkdirSync(folder);
      // The console's CSV, older in file order than the trail file: schema 8 kept its copies of e-1 and e-2.
      const csv = join(folder, 'event_history.csv');
      const header = 'Event name,Event time,User name,Event source,Resource type,Resource name,AWS access key,AWS region,Error code,Event ID,Read-only,Source IP address';
      const line = (id: string) => `CreateUser,2024-03-05T12:00:00Z,csv-user,iam.amazonaws.com,,,,us-east-1,,${id},false,192.0.2.1`;
      writeFileSync(csv, [header, line('e-1'), line('e-2'), line('e-3')].join('\r\n'));
      utimesSync(csv, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
      const made = await archiveOfFolder(folder, join(scratch.dir, 'archive.duckdb'));
      const connection = made.archive.connection;
      // As schema 8 left it: the trail file imported, both its copies lost to the CSV's as conflicting duplicates.
      const trail = join(folder, 'trail.json');
      writeFileSync(trail, recordsJson([record('e-1', 'alice'), record('e-2', 'bob')]));
      const info = statSync(trail);
      await connection.run(`INSERT INTO imported_files VALUES ('${trail}', ${info.size}, ${info.mtimeMs}, 'records', '', 2, current_timestamp::TIMESTAMP)`);
      await markSchema(connection, 8);
      await connection.run(`INSERT INTO conflicts VALUES (1, 'e-1', '${csv}', '${trail}'), (2, 'e-2', '${csv}', '${trail}')`);
      for (const column of ADDED_SINCE[8]!) await connection.run(`ALTER TABLE events DROP COLUMN ${column}`);
      // Written out: DuckDB cannot replay a struct field's DROP from its log.
      await connection.run('CHECKPOINT');
      await made.archive.close();
      const upgraded = await openArchive(made.archive.path);
      try {
        const summary = await importFolder(upgraded, folder);
        expect(summary.filesDone - summary.filesUnchanged).toBe(2);
        const rows = (await upgraded.connection.runAndReadAll('SELECT eventid, tt_actor, tt_lossy, tt_file FROM events ORDER BY eventid')).getRows();
        expect(rows).toEqual([
          ['e-1', 'alice', false, trail],
          ['e-2', 'bob', false, trail],
          ['e-3', 'csv-user', true, csv],
        ]);
        expect((await upgraded.connection.runAndReadAll('SELECT count(*) FROM conflicts')).getRows()[0]![0]).toBe(0n);
      } finally {
        await upgraded.close();
      }
    } finally {
      scratch.remove();
    }
  });
});

describe('an archive of a schema no upgrade starts from', () => {
  it.each(['3', String(SCHEMA_VERSION + 1), 'x'])('schema %s is refused, even for writing', async (version) => {
    const made = await archiveOf(RECORDS.slice(0, 2));
    const path = made.archive.path;
    await made.archive.connection.run(`UPDATE archive_meta SET value = '${version}' WHERE key = 'schema'`);
    await made.archive.close();
    try {
      await expect(openArchive(path)).rejects.toThrow(`is not a trailtop archive of this version (schema ${version}, expected ${SCHEMA_VERSION})`);
    } finally {
      await made.close();
    }
  });
});

describe('trailtop archive on an older archive (CLI)', () => {
  it('says it upgrades, once, then imports as usual; scan --db before it names the command to run', async () => {
    if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
    const made = await archiveOf(RECORDS, 2);
    const path = made.archive.path;
    for (const column of ADDED_SINCE[5]!) await made.archive.connection.run(`ALTER TABLE events DROP COLUMN ${column}`);
    await markSchema(made.archive.connection, 5);
    await made.archive.connection.run('CHECKPOINT');
    await made.archive.close();
    try {
      const run = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...args], { encoding: 'utf8', timeout: 30_000 });
      const scan = run(['scan', '--db', path]);
      expect(scan.status).toBe(2);
      expect(scan.stderr).toContain(`(archive schema 5, this one reads ${SCHEMA_VERSION}): run 'trailtop archive DIR --db`);
      const first = run(['archive', made.folder, '--db', path]);
      expect(first.status, first.stderr).toBe(0);
      expect(first.stderr).toContain(`upgrading ${path} from archive schema 5 to ${SCHEMA_VERSION} (once;`);
      expect(first.stderr).toContain('0 files read, 2 unchanged, 0 bad; 0 events added, 4 in');
      const second = run(['archive', made.folder, '--db', path]);
      expect(second.status).toBe(0);
      expect(second.stderr).not.toContain('upgrading');
      expect(run(['scan', '--db', path]).status).toBe(0);
    } finally {
      await made.close();
    }
  });
});
