/**
 * A --db FILE that cannot be used as an archive (a text file, a JSON or CSV file, a DuckDB file cut
 * short) is a bad argument for every command that takes --db: exit 2, one line, no stack trace, the
 * file untouched. archive, scan/export/detect --db FILE DIR and the dashboard exited 1 where scan
 * --db FILE exited 2; with a JSON or CSV file, DuckDB opened an in-memory database and archive said
 * it had stored the events.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotAnArchive, openArchive } from '../../src/archive/db.js';
import { recordsJson, tempFolder } from '../support/files.js';
import { hasTmux, requireTmuxInCi, trailtopCommand, tmuxServer } from '../support/tmux.js';

const require = createRequire(import.meta.url);
const duckdb = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
const ROOT = resolve(import.meta.dirname, '../..');

function trailtop(args: string[]): { status: number | null; stdout: string; stderr: string } {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
  return spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...args], { encoding: 'utf8', timeout: 60_000 });
}

const scratch = tempFolder('trailtop-notarchive-');
const logs = join(scratch.dir, 'logs');
const textFile = join(scratch.dir, 'notes.duckdb');
const jsonFile = join(scratch.dir, 'trail.json');
const csvFile = join(scratch.dir, 'trail.csv');
const damaged = join(scratch.dir, 'damaged.duckdb');
const TEXT = 'not a database\n';
const JSON_TEXT = '{"Records":[]}\n';
const CSV_TEXT = 'eventTime,eventName\n2024-01-01T00:00:00Z,ListBuckets\n';
const NOT_DUCKDB = /is not a DuckDB archive \(it does not begin as a DuckDB database file does[^\n]*\); it was left as it was/;
let damagedBytes: Buffer;

beforeAll(async () => {
  mkdirSync(logs);
  const event = { eventVersion: '1.08', eventID: 'e1', eventTime: '2024-01-01T00:00:00Z', eventName: 'ListBuckets', eventSource: 's3.amazonaws.com', awsRegion: 'us-east-1' };
  writeFileSync(join(logs, 'a.json'), recordsJson([event]));
  writeFileSync(textFile, TEXT);
  writeFileSync(jsonFile, JSON_TEXT);
  writeFileSync(csvFile, CSV_TEXT);
  // A real archive, written out to its file (no log left), then cut to its headers: DuckDB knows the file, its blocks are gone.
  expect(trailtop(['archive', logs, '--db', damaged, '--quiet']).status).toBe(0);
  const instance = await duckdb.DuckDBInstance.create(damaged);
  const connection = await instance.connect();
  await connection.run('CHECKPOINT');
  connection.closeSync();
  instance.closeSync();
  rmSync(`${damaged}.wal`, { force: true });
  truncateSync(damaged, 12_288);
  damagedBytes = readFileSync(damaged);
}, 60_000);
afterAll(() => scratch.remove());

const commands = (db: string): [string, string[]][] => [
  ['archive DIR --db', ['archive', logs, '--db', db, '--quiet']],
  ['scan --db', ['scan', '--db', db]],
  ['scan --db DIR', ['scan', '--db', db, logs]],
  ['export --db', ['export', '--db', db, '-o', '-', '--format', 'jsonl']],
  ['export --db DIR', ['export', '--db', db, logs, '-o', join(scratch.dir, 'out.jsonl')]],
  ['detect --db', ['detect', '--db', db]],
  ['detect --db DIR', ['detect', '--db', db, logs]],
  ['sql --db', ['sql', '--dialect', 'duckdb', '--db', db, 'name:ListBuckets']],
];

describe('a --db that is not a usable archive', () => {
  for (const [what, db, bytes] of [
    ['a text file', textFile, TEXT],
    ['a JSON file', jsonFile, JSON_TEXT],
    ['a CSV file', csvFile, CSV_TEXT],
    ['a DuckDB file cut short', damaged, null],
  ] as const) {
    it.each(commands(db))(
      `${what}: %s exits 2 with one line and leaves the file as it was`,
      (_name, args) => {
        const run = trailtop(args);
        expect(run.status, run.stderr).toBe(2);
        expect(run.stdout).toBe('');
        // A file that is no DuckDB database is refused on its header, before DuckDB opens it; a damaged one by DuckDB.
        expect(run.stderr).toMatch(bytes === null ? /^trailtop: [^\n]*Could not read enough bytes[^\n]*\n$/ : new RegExp(`^trailtop: [^\\n]*${NOT_DUCKDB.source}[^\\n]*\\n$`));
        expect(readFileSync(db)).toEqual(bytes === null ? damagedBytes : Buffer.from(bytes));
        expect(existsSync(`${db}.wal`)).toBe(false);
        expect(existsSync(join(scratch.dir, 'out.jsonl'))).toBe(false);
      },
    );
  }

  it('an empty file: archive exits 2 saying it is empty, and writes nothing', () => {
    const empty = join(scratch.dir, 'empty.json');
    writeFileSync(empty, '');
    const run = trailtop(['archive', logs, '--db', empty, '--quiet']);
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/^trailtop: [^\n]*empty\.json is not a DuckDB archive \(it is empty\)[^\n]*\n$/);
    expect(readFileSync(empty, 'utf8')).toBe('');
    expect(existsSync(`${empty}.wal`)).toBe(false);
  });
});

/** Every command line that takes --db, with `db` as its value: DIR is `logs`, run from the scratch folder. */
const everyDbCommand = (db: string): [string, string[]][] => [
  ['archive DIR --db', ['archive', 'logs', '--db', db, '--quiet']],
  ['scan --db', ['scan', '--db', db]],
  ['scan --db DIR', ['scan', '--db', db, 'logs']],
  ['export --db -o -', ['export', '--db', db, '-o', '-', '--format', 'jsonl']],
  ['export --db DIR -o FILE', ['export', '--db', db, 'logs', '-o', 'out.jsonl']],
  ['detect --db', ['detect', '--db', db]],
  ['detect --db DIR', ['detect', '--db', db, 'logs']],
  ['sql --db', ['sql', '--dialect', 'duckdb', '--db', db, 'name:ListBuckets']],
  ['chain --db EVENT_ID', ['chain', '--db', db, 'e1']],
  ['chain --db DIR EVENT_ID', ['chain', '--db', db, 'logs', 'e1']],
  // The dashboard checks its arguments before it asks for a terminal, so a pipe sees the refusal too.
  ['the dashboard --db', ['--db', db]],
  ['the dashboard DIR --db', ['logs', '--db', db]],
];

/** Run from the scratch folder, with a cache of its own: the default archives would land there. */
function trailtopInScratch(args: string[]): { status: number | null; stdout: string; stderr: string } {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
  const env = { ...process.env, HOME: join(scratch.dir, 'home'), XDG_CACHE_HOME: join(scratch.dir, 'cache'), XDG_STATE_HOME: join(scratch.dir, 'state') };
  return spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...args], { cwd: scratch.dir, env, encoding: 'utf8', timeout: 60_000 });
}

/** The command whose --help the usage error points to: a command's own, or the overview's for the dashboard. */
const tryHelp = (args: readonly string[]): string => (['archive', 'scan', 'export', 'detect', 'sql', 'chain'].includes(args[0]!) ? `${args[0]} ` : '');

describe('a --db DuckDB would open in memory', () => {
  // An in-memory database takes the import and keeps nothing: archive reported "1 event added". The dashboard
  // took :memory: for a file of that name in the current folder, and the others said there was no archive at :memory:.
  it.each(everyDbCommand(':memory:'))('--db :memory:, %s: exits 2 with one line, and creates no file', (_name, args) => {
    const run = trailtopInScratch(args);
    expect(run.status, run.stderr).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `trailtop: --db :memory: is a database in memory, where an archive would not be kept: give --db a file path, such as trail.duckdb\nTry 'trailtop ${tryHelp(args)}--help'.\n`,
    );
    expect(existsSync(join(scratch.dir, ':memory:'))).toBe(false);
    expect(existsSync(join(scratch.dir, 'out.jsonl'))).toBe(false);
  });

  it('read only (the --db dashboard): the same refusal, not DuckDB\'s "cannot launch in-memory database"', async () => {
    const opening = openArchive(':memory:', { readOnly: true });
    await expect(opening).rejects.toThrow(NotAnArchive);
    await expect(opening).rejects.toThrow(/^--db :memory: is a database in memory, where an archive would not be kept/);
  });

  it('a new FILE.json or FILE.csv is a file-backed archive that scan --db reads back', () => {
    for (const name of ['new.json', 'new.csv']) {
      const db = join(scratch.dir, name);
      expect(trailtop(['archive', logs, '--db', db, '--quiet']).status).toBe(0);
      const scan = trailtop(['scan', '--db', db]);
      expect(scan.status, scan.stderr).toBe(0);
      expect(scan.stdout).toMatch(/Events\s+1 read, 1 unique/);
    }
  });
});

describe('an empty --db', () => {
  // sql printed its SQL as if no --db had been given; the dashboard opened the current folder as the archive.
  it.each(everyDbCommand(''))("--db '', %s: exits 2 saying --db needs a file, reading and writing nothing", (_name, args) => {
    const run = trailtopInScratch(args);
    expect(run.status, run.stderr).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`trailtop: --db needs a file path, such as trail.duckdb\nTry 'trailtop ${tryHelp(args)}--help'.\n`);
    // Not the default archive either: it would be under XDG_CACHE_HOME.
    expect(existsSync(join(scratch.dir, 'cache'))).toBe(false);
    expect(existsSync(join(scratch.dir, 'out.jsonl'))).toBe(false);
  });

  it("--db ' ' (only blanks, a quoting slip) is the same refusal, not a file named by blanks", () => {
    const run = trailtopInScratch(['archive', 'logs', '--db', ' ', '--quiet']);
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/^trailtop: --db needs a file path/);
    expect(existsSync(join(scratch.dir, ' '))).toBe(false);
  });

  it('--db= (the value joined to the option) is the same refusal', () => {
    const run = trailtopInScratch(['scan', '--db=']);
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/^trailtop: --db needs a file path/);
  });
});

requireTmuxInCi('the --db dashboard refusing a file that is not an archive');
describe.skipIf(!hasTmux)('the --db dashboard on a file that is not an archive (in tmux)', () => {
  it.each([
    ['--db FILE', ['--db', textFile]],
    ['DIR --db FILE', [logs, '--db', textFile]],
    ['DIR --db FILE.json', [logs, '--db', jsonFile]],
  ])('trailtop %s exits 2 with the reason on one line', async (_name, args) => {
    const tmux = tmuxServer('notarchive');
    try {
      // Wide enough for the message on one row of the pane.
      tmux.start('dash', 300, 20, trailtopCommand(scratch.dir, args));
      const screen = await tmux.waitFor('dash', (text) => text.includes('EXITED'), 'the dashboard to exit', { timeoutMs: 30_000 });
      expect(screen).toMatch(/EXITED 2/);
      expect(screen).toMatch(new RegExp(`trailtop: \\S+ ${NOT_DUCKDB.source}`));
      expect(screen).not.toMatch(/\n\s+at /);
      expect(readFileSync(textFile, 'utf8')).toBe(TEXT);
      expect(readFileSync(jsonFile, 'utf8')).toBe(JSON_TEXT);
      expect(existsSync(`${jsonFile}.wal`)).toBe(false);
    } finally {
      tmux.kill();
    }
  }, 40_000);
});

describe('an archive another process holds open', () => {
  // A good archive that is busy is a runtime failure (exit 1), not a bad argument: trying again later works.
  // DuckDB's own message advised its CLI's -readonly flag, which trailtop has not; DuckDB names the holder (this test's process).
  const busy = join(scratch.dir, 'busy.duckdb');
  const holder = `another process \\(PID ${process.pid}, [^)]+\\)`;
  beforeAll(() => {
    expect(trailtop(['archive', logs, '--db', busy, '--quiet']).status).toBe(0);
  }, 60_000);

  it('for writing: scan --db and archive exit 1, saying who writes and what to do, on one line', async () => {
    const instance = await duckdb.DuckDBInstance.create(busy);
    try {
      const scan = trailtop(['scan', '--db', busy]);
      expect(scan.status, scan.stderr).toBe(1);
      expect(scan.stderr).toMatch(new RegExp(`^trailtop: cannot read the archive \\S+: ${holder} is writing to it [^\\n]*wait for it to end or close it, then try again\\n$`));
      const archive = trailtop(['archive', logs, '--db', busy, '--quiet']);
      expect(archive.status, archive.stderr).toBe(1);
      expect(archive.stderr).toMatch(new RegExp(`^trailtop: cannot write to the archive \\S+: ${holder} has it open [^\\n]*close it or wait for it to end, then try again\\n$`));
      expect(scan.stderr + archive.stderr).not.toMatch(/readonly|-readonly|IO Error/i);
    } finally {
      instance.closeSync();
    }
  }, 60_000);

  it('for reading: archive exits 1 the same way, while another reader gets in', async () => {
    const instance = await duckdb.DuckDBInstance.create(busy, { access_mode: 'READ_ONLY' });
    try {
      const archive = trailtop(['archive', logs, '--db', busy, '--quiet']);
      expect(archive.status, archive.stderr).toBe(1);
      expect(archive.stderr).toMatch(new RegExp(`^trailtop: cannot write to the archive \\S+: ${holder} has it open [^\\n]*\\n$`));
      expect(archive.stderr).not.toMatch(/readonly/i);
      expect(trailtop(['scan', '--db', busy]).status).toBe(0);
    } finally {
      instance.closeSync();
    }
  }, 60_000);
});

describe('an archive copied without its .wal', () => {
  it('says the .wal was left behind', () => {
    const original = join(scratch.dir, 'small.duckdb');
    const copy = join(scratch.dir, 'copy.duckdb');
    expect(trailtop(['archive', logs, '--db', original, '--quiet']).status).toBe(0);
    // A small import stays in the log (archive/import.ts settleLog): the file alone holds no table.
    expect(existsSync(`${original}.wal`)).toBe(true);
    writeFileSync(copy, readFileSync(original));
    const result = trailtop(['scan', '--db', copy]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('copied without the .wal file beside it (copy.duckdb.wal)');
  });
});
