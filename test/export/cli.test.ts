import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/export/progress.js';
import { record, tempDir, writeTrail, writeTrails } from './fixtures.js';

// These tests run the built CLI (bin/trailtop.js imports dist/): `npm test` builds first.
const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/trailtop.js');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], options: { cwd?: string; stdoutFd?: number; onSpawn?: (child: ReturnType<typeof spawn>) => void } = {}): Promise<Run> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      stdio: ['ignore', options.stdoutFd ?? 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolveRun({ code, signal, stdout, stderr }));
    options.onSpawn?.(child);
  });
}

let base: string;
let small: string;
beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
  base = await tempDir('trailtop-export-cli-');
  small = join(base, 'small');
  await writeTrail(small, 'a.json', [record(1), record(2, { userName: 'bob' }), record(3, { eventName: '=1+2' })]);
  await writeTrail(small, 'b.json.gz', [record(4, { userName: 'bob' }), record(5)]);
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

async function freshDir(name: string): Promise<string> {
  const dir = join(base, name);
  await mkdir(dir);
  return dir;
}

/** Sends `signal` to `child` once a temp file shows in `out`, i.e. while the export is writing. */
function killOnceWriting(child: ChildProcess, out: string, signal: NodeJS.Signals, onSent: () => void): void {
  let sent = false;
  const poll = setInterval(() => {
    void readdir(out).then((names) => {
      if (!sent && names.some((name) => name.endsWith('.tmp'))) {
        sent = true;
        onSent();
        clearInterval(poll);
        child.kill(signal);
      }
    });
  }, 2);
  child.on('close', () => clearInterval(poll));
}

describe('trailtop export (child process)', () => {
  it('writes CSV to a file, newest first; piped, stderr holds only the line that says what was written', async () => {
    const out = await freshDir('csv');
    const result = await run(['export', small, '-o', join(out, 'events.csv')]);
    expect(result.stderr).toBe(`trailtop: wrote 5 events (${formatBytes((await stat(join(out, 'events.csv'))).size)}) to ${join(out, 'events.csv')}\n`);
    expect(result.code, result.stderr).toBe(0);
    const rows = parse(await readFile(join(out, 'events.csv'), 'utf8')) as string[][];
    expect(rows).toHaveLength(6);
    expect(rows.slice(1).map((cells) => cells[0]!.slice(-1))).toEqual(['5', '4', '3', '2', '1']);
    expect(rows.find((cells) => cells[3]!.includes('1+2'))![3]).toBe("'=1+2");
    expect(await readdir(out)).toEqual(['events.csv']);
  });

  it('--raw writes values as logged; --filter keeps matching events', async () => {
    const out = await freshDir('raw');
    const result = await run(['export', small, '-o', join(out, 'bob.csv'), '--raw', '--filter', 'user:bob']);
    expect(result.code, result.stderr).toBe(0);
    const rows = parse(await readFile(join(out, 'bob.csv'), 'utf8')) as string[][];
    expect(rows.slice(1).map((cells) => cells[2])).toEqual(['bob', 'bob']);
    const raw = await run(['export', small, '-o', '-', '--format', 'csv', '--raw']);
    expect(raw.stdout).toContain('"=1+2"');
  });

  it('streams JSON lines to stdout with -o -', async () => {
    const result = await run(['export', small, '--format', 'jsonl', '-o', '-']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe(`trailtop: wrote 5 events (${formatBytes(Buffer.byteLength(result.stdout))}) to stdout\n`);
    const ids = result.stdout.trimEnd().split('\n').map((line) => (JSON.parse(line) as { eventID: string }).eventID.slice(-1));
    expect(ids).toEqual(['5', '4', '3', '2', '1']);
  });

  it('--order oldest writes the oldest first; a bad --order is a usage error', async () => {
    const result = await run(['export', small, '--format', 'jsonl', '--order', 'oldest', '--filter', '-user:bob', '-o', '-']);
    expect(result.code, result.stderr).toBe(0);
    const ids = result.stdout.trimEnd().split('\n').map((line) => (JSON.parse(line) as { eventID: string }).eventID.slice(-1));
    expect(ids).toEqual(['1', '3', '5']);
    const bad = await run(['export', small, '--format', 'jsonl', '--order', 'sideways', '-o', '-']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--order sideways: use newest or oldest');
  });

  it('infers the format from the extension and writes {"Records":[...]}', async () => {
    const out = await freshDir('json');
    const result = await run(['export', small, '-o', join(out, 'events.json')]);
    expect(result.code, result.stderr).toBe(0);
    const parsed = JSON.parse(await readFile(join(out, 'events.json'), 'utf8')) as { Records: unknown[] };
    expect(parsed.Records).toHaveLength(5);
    expect(parsed.Records[4]).toEqual(record(1));
  });

  // Plain text was written under the .gz name: `zcat events.json.gz` failed.
  it('writes gzip for a name ending in .gz, from a folder and from --db alike, the format read before .gz', async () => {
    const out = await freshDir('gzip');
    for (const name of ['events.json.gz', 'events.csv.gz']) {
      const plainName = name.replace(/\.gz$/, '');
      const plain = await run(['export', small, '-o', join(out, plainName)]);
      expect(plain.code, plain.stderr).toBe(0);
      const zipped = await run(['export', small, '-o', join(out, name)]);
      expect(zipped.code, zipped.stderr).toBe(0);
      // The text's size, which alone read as the file's, and the file's.
      const sizes = `${formatBytes((await stat(join(out, plainName))).size)}, ${formatBytes((await stat(join(out, name))).size)} gzipped`;
      expect(zipped.stderr).toBe(`trailtop: wrote 5 events (${sizes}) to ${join(out, name)}\n`);
      expect(gunzipSync(await readFile(join(out, name))).equals(await readFile(join(out, plainName)))).toBe(true);
      const fromDb = await run(['export', '--db', join(out, 'a.duckdb'), small, '-o', join(out, `db-${name}`)]);
      expect(fromDb.code, fromDb.stderr).toBe(0);
      expect(fromDb.stderr).toContain(`, ${formatBytes((await stat(join(out, `db-${name}`))).size)} gzipped) to `);
      expect(gunzipSync(await readFile(join(out, `db-${name}`))).equals(await readFile(join(out, plainName)))).toBe(true);
    }
    const contradicted = await run(['export', small, '-o', join(out, 'x.json.gz'), '--format', 'csv']);
    expect(contradicted.code).toBe(2);
    expect(contradicted.stderr).toMatch(/--format csv contradicts the extension/);
    const named = await run(['export', small, '-o', join(out, 'x.gz'), '--format', 'jsonl']);
    expect(named.code, named.stderr).toBe(0);
    expect(gunzipSync(await readFile(join(out, 'x.gz'))).toString('utf8').trimEnd().split('\n')).toHaveLength(5);
  });

  // The JSON export parsed records again: a 23-digit integer came out rounded, 1e400 as null, 1.0 as 1.
  it('writes numbers exactly as logged: on worker threads (20,000 events and more), and with --filter', async () => {
    const trails = join(base, 'numbers');
    await writeTrails(trails, 20, 1000);
    const numbers = '{"id":12345678901234567890123,"huge":1e400,"one":1.0}';
    const odd = JSON.stringify(record(99_999, { eventName: 'OddNumbers' }), null, 2).replace('"requestParameters": {', `"requestParameters": {\n    "n": ${numbers},`);
    await writeFile(join(trails, 'odd.json'), `{"Records": [\n${odd}\n]}\n`);
    const out = await freshDir('numbers-out');
    for (const args of [['-o', join(out, 'all.json')], ['-o', join(out, 'all.jsonl')], ['--filter', 'eventName:OddNumbers', '-o', join(out, 'some.json')]]) {
      const result = await run(['export', trails, ...args]);
      expect(result.code, result.stderr).toBe(0);
      const text = await readFile(args.at(-1)!, 'utf8');
      expect(text, args.join(' ')).toContain(`"n":${numbers}`);
    }
  }, 60_000);

  it.each([
    [['export', 'SMALL', '--format', 'csv'], /needs -o/],
    [['export', 'SMALL', '-o', '-'], /--format is required/],
    [['export', 'SMALL', '-o', 'x.txt'], /cannot tell the format/],
    [['export', 'SMALL', '-o', 'x.csv', '--format', 'xml'], /unknown format/],
    [['export', 'SMALL', '-o', 'x.json', '--raw'], /--raw applies to CSV/],
    // Was written: JSON under a .csv name.
    [['export', 'SMALL', '-o', 'x.csv', '--format', 'json'], /--format json contradicts the extension of 'x.csv' \(csv\)/],
    [['export', 'SMALL', '-o', 'x.csv', '--bogus'], /bogus/],
    [['export', 'SMALL', '-o', 'x.csv', '--filter', 'nosuchfield:1'], /bad filter/],
    [['export', '-o', 'x.csv'], /needs a folder/],
    [['export', 'NOWHERE', '-o', 'x.csv'], /no such folder/],
  ])('exits 2 with a message for %j', async (args, message) => {
    const cwd = await tempDir('trailtop-export-usage-');
    try {
      const result = await run(args.map((arg) => (arg === 'SMALL' ? small : arg === 'NOWHERE' ? join(cwd, 'none') : arg)), { cwd });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.split('\n')[0]).toMatch(message);
      expect(result.stdout).toBe('');
      expect(await readdir(cwd)).toEqual([]);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });

  it('prints its help', async () => {
    const result = await run(['export', '--help']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Usage: trailtop export DIR');
  });

  it('refuses an existing file without --force, replaces it with --force', async () => {
    const out = await freshDir('exists');
    const target = join(out, 'events.csv');
    await writeFile(target, 'precious');
    const refused = await run(['export', small, '-o', target]);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(/already exists.*--force/);
    expect(await readFile(target, 'utf8')).toBe('precious');
    const forced = await run(['export', small, '-o', target, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect((parse(await readFile(target, 'utf8')) as string[][]).length).toBe(6);
    expect(await readdir(out)).toEqual(['events.csv']);
  });

  it('--force keeps the replaced file\'s permission bits (0600 stayed private, not 0644), for --db too', async () => {
    const out = await freshDir('mode');
    const target = join(out, 'events.csv');
    await writeFile(target, 'precious');
    await chmod(target, 0o600);
    const forced = await run(['export', small, '-o', target, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect((await stat(target)).mode & 0o777).toBe(0o600);
    await chmod(target, 0o444);
    const fromDb = await run(['export', '--db', join(out, 'a.duckdb'), small, '-o', target, '--force']);
    expect(fromDb.code, fromDb.stderr).toBe(0);
    expect((await stat(target)).mode & 0o777).toBe(0o444);
  });

  // resolve() dropped the trailing `/`: `-o newdir/ --format csv` wrote the CSV to a file called newdir.
  it('refuses -o naming a folder that does not exist yet (newdir/, newdir/.), and writes nothing', async () => {
    const out = await freshDir('folder-target');
    for (const name of ['newdir/', 'newdir/.']) {
      // Not join(), which normalises `newdir/.` to newdir.
      const typed = `${out}/${name}`;
      const refused = await run(['export', small, '--format', 'csv', '-o', typed]);
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toContain(`${typed} names a folder, not a file`);
      expect(await readdir(out)).toEqual([]);
    }
  });

  // `-o existing-folder/` exited 1, a runtime failure, where --db naming a folder (every command) and
  // every other bad argument exit 2: a path that is no file to write is a bad argument, from DIR and --db alike.
  it.each([
    ['an existing folder', (out: string) => join(out, 'folder.csv'), (out: string) => `${join(out, 'folder.csv')} is a folder, not a file`],
    ['an existing folder with a trailing /', (out: string) => `${join(out, 'folder.csv')}/`, (out: string) => `${join(out, 'folder.csv')}/ names a folder, not a file: add a file name to it`],
    ['a file in a missing folder', (out: string) => join(out, 'nosuch', 'x.csv'), (out: string) => `cannot write to ${join(out, 'nosuch')}: folder does not exist`],
  ])('-o naming %s is a bad argument: exit 2, one line, from DIR and --db, with or without --force', async (name, target, said) => {
    const out = await freshDir(`not-a-file-${name.replace(/\W+/g, '-')}`);
    await mkdir(join(out, 'folder.csv'));
    for (const db of [[], ['--db', join(out, 'a.duckdb')]]) {
      for (const force of [[], ['--force']]) {
        const refused = await run(['export', ...db, small, '--format', 'csv', '-o', target(out), ...force]);
        expect(refused.code, refused.stderr).toBe(2);
        expect(refused.stderr).toBe(`trailtop: ${said(out)}\n`);
        expect(refused.stdout).toBe('');
      }
    }
    expect((await readdir(out)).sort()).toEqual(['folder.csv']);
    expect(await readdir(join(out, 'folder.csv'))).toEqual([]);
  });

  // export --db F DIR imported DIR into F (creating it) and only then refused the existing -o file.
  it('export --db DIR refuses an existing file as export DIR does, before importing anything', async () => {
    const out = await freshDir('exists-db');
    const target = join(out, 'events.csv');
    await writeFile(target, 'precious');
    const db = join(out, 'new.duckdb');
    const plain = await run(['export', small, '-o', target]);
    const fromDb = await run(['export', '--db', db, small, '-o', target]);
    expect(fromDb.code, fromDb.stderr).toBe(plain.code);
    expect(fromDb.stderr).toBe(plain.stderr);
    expect(fromDb.stderr).toMatch(/^trailtop: \S+ already exists \(use --force to replace it\)\n$/);
    expect(await readFile(target, 'utf8')).toBe('precious');
    // No archive was created, so no import ran.
    expect((await readdir(out)).sort()).toEqual(['events.csv']);
  });

  it('export --db DIR reports a bad filter before an existing -o file, as export DIR does', async () => {
    const out = await freshDir('exists-db-bad-filter');
    const target = join(out, 'events.csv');
    await writeFile(target, 'precious');
    const db = join(out, 'new.duckdb');
    const plain = await run(['export', small, '-o', target, '--filter', 'bad::']);
    const fromDb = await run(['export', '--db', db, small, '-o', target, '--filter', 'bad::']);
    expect(plain.code, plain.stderr).toBe(2);
    expect(fromDb.code, fromDb.stderr).toBe(2);
    expect(fromDb.stderr).toBe(plain.stderr);
    expect((await readdir(out)).sort()).toEqual(['events.csv']);
  });

  it('writes nothing into the log folder: -o under DIR, or onto the one FILE read, is refused (exit 2)', async () => {
    const logs = await freshDir('own-folder');
    await writeTrail(logs, 'a.json', [record(1)]);
    const before = await readdir(logs);
    for (const [input, target] of [
      [logs, join(logs, 'events.json')],
      [logs, join(logs, 'sub', '..', 'events.json')],
      [join(logs, 'a.json'), join(logs, 'a.json')],
    ] as const) {
      const refused = await run(['export', input, '-o', target, '--force', '--format', 'json']);
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toMatch(/would write into the log (folder|file) being read/);
    }
    expect(await readdir(logs)).toEqual(before);
    expect(JSON.parse(await readFile(join(logs, 'a.json'), 'utf8'))).toHaveProperty('Records');
  });

  it('ends quietly when the reader of stdout goes away (EPIPE)', async () => {
    const big = await freshDir('epipe-src');
    await writeTrails(big, 4, 1000);
    const result = await run(['export', big, '--format', 'csv', '-o', '-'], {
      onSpawn: (child) => child.stdout!.once('data', () => child.stdout!.destroy()),
    });
    expect(result.stderr).toBe('');
    expect(result.code, result.stderr).toBe(0);
  });

  // export --db said "output closed by its reader (EPIPE)" and exited 1 where export DIR stops quietly.
  it('export --db ends quietly too when the reader of stdout goes away (EPIPE)', async () => {
    const source = join(base, 'big');
    if (!existsSync(source)) await writeTrails(source, 30, 1000);
    const db = join(base, 'big.duckdb');
    if (!existsSync(db)) expect((await run(['archive', source, '--db', db, '--quiet'])).code).toBe(0);
    const result = await run(['export', '--db', db, '--format', 'csv', '-o', '-'], {
      onSpawn: (child) => child.stdout!.once('data', () => child.stdout!.destroy()),
    });
    expect(result.stderr).toBe('');
    expect(result.code, result.stderr).toBe(0);
  }, 60_000);

  it('fails with a one-line message when stdout is a full device', async () => {
    if (!existsSync('/dev/full')) expect.fail('/dev/full is missing on this system');
    const fd = openSync('/dev/full', 'w');
    try {
      const result = await run(['export', small, '--format', 'json', '-o', '-'], { stdoutFd: fd });
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/^trailtop: export failed: no space left/);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    } finally {
      closeSync(fd);
    }
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s midway leaves neither the file nor a temp file', async (signal, expected) => {
    const source = join(base, 'big');
    if (!existsSync(source)) await writeTrails(source, 30, 1000);
    const out = await freshDir(`cancel-${signal}`);
    let sent = false;
    const result = await run(['export', source, '--format', 'json', '-o', join(out, 'events.json')], {
      onSpawn: (child) => killOnceWriting(child, out, signal, () => (sent = true)),
    });
    expect(sent).toBe(true);
    expect(result.code, result.stderr).toBe(expected);
    expect(result.stderr).toBe(`trailtop: interrupted (${signal}); nothing was written\n`);
    expect(await readdir(out)).toEqual([]);
  });

  // `-o -`: what went out before Ctrl-C cannot be taken back; "nothing was written" was untrue there.
  it.each(['folder', 'archive'] as const)('SIGINT while writing to stdout (%s): exit 130, and stderr says the output may be incomplete', async (from) => {
    const source = join(base, 'big');
    if (!existsSync(source)) await writeTrails(source, 30, 1000);
    const db = join(base, 'big.duckdb');
    if (from === 'archive' && !existsSync(db)) expect((await run(['archive', source, '--db', db, '--quiet'])).code).toBe(0);
    const input = from === 'archive' ? ['--db', db] : [source];
    const result = await run(['export', ...input, '--format', 'jsonl', '-o', '-'], {
      onSpawn: (child) =>
        child.stdout!.once('data', () => {
          // Held unread, the pipe fills and the export waits on it: the signal lands mid-write.
          child.stdout!.pause();
          child.kill('SIGINT');
          setTimeout(() => child.stdout!.resume(), 300);
        }),
    });
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toBe('trailtop: interrupted (SIGINT); the output on stdout may be incomplete\n');
    expect(result.stdout.length).toBeGreaterThan(0);
  }, 60_000);

  // export --db listened for SIGINT only: SIGTERM killed it mid-write, leaving .events.json.trailtop-*.tmp behind.
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('export --db: %s midway leaves neither the file nor a temp file', async (signal, expected) => {
    const source = join(base, 'big');
    if (!existsSync(source)) await writeTrails(source, 30, 1000);
    const db = join(base, 'big.duckdb');
    if (!existsSync(db)) expect((await run(['archive', source, '--db', db, '--quiet'])).code).toBe(0);
    const out = await freshDir(`cancel-db-${signal}`);
    let sent = false;
    const result = await run(['export', '--db', db, '--format', 'json', '-o', join(out, 'events.json')], {
      onSpawn: (child) => killOnceWriting(child, out, signal, () => (sent = true)),
    });
    expect(sent).toBe(true);
    expect(result.code, result.stderr).toBe(expected);
    // The folder export's words (it said "interrupted; nothing was written", without the signal).
    expect(result.stderr).toBe(`trailtop: interrupted (${signal}); nothing was written\n`);
    expect(await readdir(out)).toEqual([]);
  }, 60_000);
});
