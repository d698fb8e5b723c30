/**
 * A DuckDB file that is not a trailtop archive is refused by everything that opens an archive for
 * writing (archive, export/scan --db FILE DIR, the following dashboard) before anything is written;
 * an empty or new file still becomes an archive. Errors print as one line, never a literal `\n`.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ArchiveError, openArchive } from '../../src/archive/db.js';
import { sanitizeLine } from '../../src/term/sanitize.js';
import { tempFolder } from '../support/files.js';

const require = createRequire(import.meta.url);
const duckdb = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
const ROOT = resolve(import.meta.dirname, '../..');
const SAMPLES = join(ROOT, 'samples');

function trailtop(args: string[]): { status: number | null; stdout: string; stderr: string } {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
  return spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...args], { encoding: 'utf8', timeout: 120_000 });
}

async function runSql(path: string, statements: string[]): Promise<unknown[][]> {
  const instance = await duckdb.DuckDBInstance.create(path);
  const connection = await instance.connect();
  let rows: unknown[][] = [];
  try {
    for (const statement of statements) rows = (await connection.runAndReadAll(statement)).getRows() as unknown[][];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return rows;
}

const tables = (path: string): Promise<string[]> =>
  runSql(path, ['SELECT table_name FROM duckdb_tables() ORDER BY 1']).then((rows) => rows.map((r) => String(r[0])));

describe('a DuckDB file that is not an archive', () => {
  const scratch = tempFolder('trailtop-foreign-');
  afterAll(() => scratch.remove());

  it('openArchive refuses it for writing and leaves it as it was', async () => {
    const path = join(scratch.dir, 'theirs.duckdb');
    await runSql(path, ['CREATE TABLE events (x INTEGER)', 'INSERT INTO events VALUES (42)']);
    await expect(openArchive(path)).rejects.toThrow(ArchiveError);
    await expect(openArchive(path)).rejects.toThrow(/is not a trailtop archive \(it holds other tables: events\); nothing was written/);
    expect(await tables(path)).toEqual(['events']);
    expect(await runSql(path, ['SELECT x FROM events'])).toEqual([[42]]);
  });

  it('archive, export --db FILE DIR and scan --db FILE DIR exit 2 (a bad --db) with one line, and write nothing', async () => {
    const path = join(scratch.dir, 'foreign.duckdb');
    await runSql(path, ['CREATE TABLE events (x INTEGER)']);
    for (const args of [
      ['archive', SAMPLES, '--db', path],
      ['export', '--db', path, SAMPLES, '-o', join(scratch.dir, 'out.jsonl')],
      ['scan', '--db', path, SAMPLES],
    ]) {
      const result = trailtop(args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toBe(`trailtop: ${path} is not a trailtop archive (it holds other tables: events); nothing was written to it: give --db a new file or an archive\n`);
    }
    expect(existsSync(join(scratch.dir, 'out.jsonl'))).toBe(false);
    expect(await tables(path)).toEqual(['events']);
  });

  // Without DIR they open it read only, and said 'not a trailtop archive of this version (schema missing,
  // expected 10)', as if an older trailtop had written it: the file is another program's.
  it('scan, detect, export, sql and chain --db FILE (read only) say it holds other tables, exit 2', async () => {
    const path = join(scratch.dir, 'theirs-read.duckdb');
    await runSql(path, ['CREATE TABLE foo (x INTEGER)']);
    for (const args of [
      ['scan', '--db', path],
      ['detect', '--db', path],
      ['export', '--db', path, '-o', '-', '--format', 'csv'],
      ['sql', '--dialect', 'duckdb', '--db', path, 'assumrole'],
      ['chain', '--db', path, 'some-id'],
    ]) {
      const result = trailtop(args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toBe(`trailtop: ${path} is not a trailtop archive (it holds other tables: foo); nothing was written to it: give --db a new file or an archive\n`);
    }
    expect(await tables(path)).toEqual(['foo']);
  });

  it('a new archive killed while its tables are made is still a new archive to the next run, not another program\'s file', async () => {
    const db = join(ROOT, 'dist/archive/db.js');
    if (!existsSync(db)) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
    const path = join(scratch.dir, 'killed.duckdb');
    // Ctrl-C on a first `archive` run lands before its handler is set: the process dies wherever it is.
    const killer = [
      `const { DuckDBConnection } = await import(${JSON.stringify(require.resolve('@duckdb/node-api'))});`,
      'const run = DuckDBConnection.prototype.run;',
      "DuckDBConnection.prototype.run = function (sql, ...rest) { if (String(sql).startsWith('INSERT OR IGNORE INTO archive_meta')) process.kill(process.pid, 'SIGKILL'); return run.call(this, sql, ...rest); };",
      `const { openArchive } = await import(${JSON.stringify(`file://${db}`)});`,
      `await openArchive(${JSON.stringify(path)});`,
    ].join('\n');
    const killed = spawnSync(process.execPath, ['--input-type=module', '-e', killer], { encoding: 'utf8', timeout: 60_000 });
    expect(killed.signal).toBe('SIGKILL');
    const archive = await openArchive(path);
    await archive.close();
    expect(await tables(path)).toEqual(['archive_meta', 'conflicts', 'events', 'imported_files']);
  });

  it('one left that way by an earlier trailtop (the archive\'s tables, empty, no schema) is finished as a new archive; one holding rows is refused', async () => {
    const { CREATE_TABLES } = await import('../../src/archive/schema.js');
    const path = join(scratch.dir, 'half-made.duckdb');
    await runSql(path, CREATE_TABLES.slice(0, 2));
    const archive = await openArchive(path);
    await archive.close();
    expect(await runSql(path, ["SELECT count(*) FROM archive_meta WHERE key = 'schema'"])).toEqual([[1n]]);
    const used = join(scratch.dir, 'half-made-used.duckdb');
    await runSql(used, [...CREATE_TABLES.slice(0, 1), "INSERT INTO archive_meta VALUES ('owner', 'someone')"]);
    await expect(openArchive(used)).rejects.toThrow(/is not a trailtop archive \(it holds other tables: archive_meta\)/);
  });

  it('an empty DuckDB file, or none, becomes an archive', async () => {
    const empty = join(scratch.dir, 'empty.duckdb');
    await runSql(empty, ['SELECT 1']);
    for (const path of [empty, join(scratch.dir, 'new.duckdb')]) {
      const result = trailtop(['archive', SAMPLES, '--db', path, '--quiet']);
      expect(result.status).toBe(0);
      expect(await tables(path)).toEqual(['archive_meta', 'conflicts', 'events', 'imported_files']);
    }
  });
});

describe('sanitizeLine', () => {
  it("makes DuckDB's several-line errors one line, with no literal \\n, and still escapes controls", () => {
    const duck = 'Binder Error: Referenced column "tt_seq" not found in FROM clause!\nCandidate bindings: "x"\n\nLINE 1: SELECT tt_seq\n';
    expect(sanitizeLine(duck)).toBe('Binder Error: Referenced column "tt_seq" not found in FROM clause! Candidate bindings: "x" LINE 1: SELECT tt_seq');
    expect(sanitizeLine('a\r\nb\u2028c')).toBe('a b c');
    expect(sanitizeLine('bell\u0007 here')).not.toContain('\u0007');
    expect(sanitizeLine(duck)).not.toContain('\\n');
  });
});
