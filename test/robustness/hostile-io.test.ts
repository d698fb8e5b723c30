/**
 * Issue 20, items 1-4 and 11: special files swapped in, gzip bombs, pseudo-files,
 * sparse files of zeros, write errors, trailing garbage after gzip. Everything is
 * generated here (a 1 GiB bomb is 1,024 copies of a 1 KB gzip member).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSize } from '../../src/commands/limitsOption.js';
import { gunzipMembers } from '../../src/ingest/gunzip.js';
import { DEFAULT_MAX_DECOMPRESSED, nestsDeeperThan } from '../../src/ingest/limits.js';
import { ReadPool } from '../../src/ingest/pool.js';
import { readEventFile } from '../../src/ingest/read.js';
import { openRegularFile, readUpTo } from '../../src/ingest/safeOpen.js';
import { listFolder } from '../../src/ingest/walk.js';
import type { EventRow } from '../../src/model/types.js';
import { tempFolder } from '../support/files.js';
import { makeEvent, recordsJson } from '../watch/helpers.js';
import { BIN, runCli, startCli } from './cli.js';

const workerUrl = new URL('../../dist/ingest/worker.js', import.meta.url);

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function scratch(): string {
  const temp = tempFolder('trailtop-i20-');
  cleanups.push(temp.remove);
  return temp.dir;
}

const mkfifo = (path: string) => execFileSync('mkfifo', [path]);
const jsonLine = (id: string, minute = 0) => `${JSON.stringify(makeEvent(id, minute))}\n`;

/** `copies` gzip members of `unit` back to back: a valid gzip file that inflates to copies * unit.length. */
function gzipBomb(unit: string, copies: number, head = ''): Buffer {
  const member = gzipSync(unit, { level: 9 });
  return Buffer.concat([...(head ? [gzipSync(head)] : []), ...Array.from({ length: copies }, () => member)]);
}

/** The old-generation heap (MB) of the workers the out-of-memory tests starve. */
const OOM_HEAP_MB = 32;

/**
 * 19 MiB of small records, which parse to far more than an OOM_HEAP_MB worker holds, growing gradually
 * (one allocation bigger than the whole heap is fatal to the process in V8; gradual growth is not, so
 * the text stays well under the heap). The text is also past the sizes a worker takes in one piece, so
 * it is read record by record, where running out of memory kills only the worker: an eighth of the
 * worker's heap_size_limit for one JSON.parse (ingest/limits.ts wholeParseLimit) and a quarter for the
 * scan's fast path (fitsFastPath). That limit counts the young generation too; measured with 32 MB:
 * 80 MiB for the read pool's workers (48 MB young), 44 MiB for the scan's (8 MB young), so 10 and 11 MiB.
 */
function writeOutOfMemoryFile(path: string): void {
  const one = JSON.stringify({ eventID: 'h', eventName: 'X', a: [1, 2], b: { c: 'd' } });
  writeFileSync(path, `[${Array.from({ length: 350_000 }, () => one).join(',')}]`);
}

describe('item 1: a FIFO swapped in for a watched file', () => {
  it('opens without blocking and sees, by the descriptor, that it is not a regular file', () => {
    const dir = scratch();
    const fifo = join(dir, 'f.jsonl');
    mkfifo(fifo);
    const opened = openRegularFile(fifo);
    expect(opened).toMatchObject({ ok: false, special: true, reason: 'not a regular file (FIFO)' });
  });

  it('tail keeps printing and stops on Ctrl-C while a writer keeps putting a FIFO at a growing file\'s path', async () => {
    const dir = scratch();
    const live = join(dir, 'live.jsonl');
    const away = join(dir, 'away');
    mkdirSync(away);
    writeFileSync(live, jsonLine('L0') + jsonLine('L1'));
    const tail = startCli(['tail', dir]);
    cleanups.push(async () => {
      if (tail.child.exitCode === null) tail.child.kill('SIGKILL');
    });
    const printed = () => tail.stdout().split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { eventID: string }).eventID);
    await tail.waitFor(() => printed().includes('L1'), 'the first two lines', 15_000);
    for (let round = 0; round < 6; round++) {
      // A line appended (the watcher now has a resume point), then, inside the settle time, the file renamed
      // away and a FIFO at its path: the read that follows the append meets the FIFO.
      appendFileSync(live, jsonLine(`A${round}`, round + 2));
      renameSync(live, join(away, `live-${round}.jsonl`));
      mkfifo(live);
      await new Promise((resolve) => setTimeout(resolve, 400));
      unlinkSync(live);
      writeFileSync(live, jsonLine(`N${round}`, round + 10));
      await tail.waitFor(() => printed().includes(`N${round}`), `round ${round}'s new file`, 10_000);
    }
    writeFileSync(join(dir, 'last.jsonl'), jsonLine('LAST', 60));
    await tail.waitFor(() => printed().includes('LAST'), 'a file written after the swaps', 10_000);
    const stopped = await tail.stop('SIGINT', 5_000);
    expect(stopped.code).toBe(0);
  }, 60_000);
});

describe('item 2: gzip bombs', () => {
  it('a bomb of nested `[` is bad with a reason, at once, through the memory and the streaming reader', async () => {
    const dir = scratch();
    const bomb = join(dir, 'bomb.json.gz');
    writeFileSync(bomb, gzipBomb('['.repeat(1 << 20), 256)); // 256 MiB of `[`
    const inMemory = await readEventFile(bomb);
    expect(inMemory).toMatchObject({ shape: 'bad', rows: [] });
    expect(inMemory.reason).toMatch(/nested deeper than 1000 levels/);
    const streamed = await readEventFile(bomb, { streamThreshold: 1024 });
    expect(streamed.shape).toBe('bad');
    expect(streamed.reason).toMatch(/nested deeper than 1000 levels/);
  });

  it('an uncompressed deeply nested text is refused too (V8 needs ~55 bytes a level to parse it)', async () => {
    const dir = scratch();
    const deep = join(dir, 'deep.json');
    writeFileSync(deep, `{"Records":[${'['.repeat(3_000_000)}${']'.repeat(3_000_000)}]}`);
    const read = await readEventFile(deep);
    expect(read.shape).toBe('bad');
    expect(read.reason).toMatch(/nested deeper/);
    expect(nestsDeeperThan('{"a":"[[[[[[[[[["}', 3)).toBe(false);
    expect(nestsDeeperThan('[[[[', 3)).toBe(true);
  });

  it('a bomb of valid-looking records stops at the ratio check; the --max-decompressed cap is honoured', async () => {
    const dir = scratch();
    const padded = JSON.stringify({ ...makeEvent('same'), userAgent: 'a'.repeat(1 << 20) });
    const bomb = join(dir, 'records-bomb.json.gz');
    // 200 MiB of one padded record, over 1,000x its size on disk.
    writeFileSync(bomb, gzipBomb(`${padded},`, 200, '{"Records":['));
    const read = await readEventFile(bomb);
    expect(read.shape).toBe('bad');
    expect(read.reason).toMatch(/gzip bomb: decompresses to more than 500 times/);
    const normal = join(dir, 'normal.json.gz');
    writeFileSync(normal, gzipSync(recordsJson(Array.from({ length: 2000 }, (_, k) => makeEvent(`n${k}`, k)))));
    expect((await readEventFile(normal)).rows).toHaveLength(2000);
    const capped = await readEventFile(normal, { maxDecompressed: 64 * 1024 });
    expect(capped.shape).toBe('bad');
    expect(capped.reason).toMatch(/more than 64 KiB \(the --max-decompressed cap\)/);
    expect(DEFAULT_MAX_DECOMPRESSED).toBe(2 * 1024 ** 3);
  });

  it('scan survives four 1 GiB bombs beside a good file: the bombs are bad, the good file is read', async () => {
    const dir = scratch();
    const bomb = gzipBomb('['.repeat(1 << 20), 1024);
    for (let k = 0; k < 4; k++) writeFileSync(join(dir, `bomb${k}.json.gz`), bomb);
    writeFileSync(join(dir, 'good.json'), recordsJson([makeEvent('g1'), makeEvent('g2', 1)]));
    const run = await runCli(['scan', dir, '--json'], 45_000);
    expect(run.signal).toBe(null);
    const summary = JSON.parse(run.stdout) as { events: { unique: number }; files: { bad: { path: string; reason: string }[] } };
    expect(summary.events.unique).toBe(2);
    expect(summary.files.bad.filter((f) => /bomb\d/.test(f.path))).toHaveLength(4);
    for (const file of summary.files.bad) expect(file.reason).toMatch(/nested deeper than 1000 levels/);
  }, 60_000);

  it('a worker that dies of memory fails only the file it was reading; the files queued behind it are read', async () => {
    expect(existsSync(workerUrl), 'compiled worker (npm test builds dist/)').toBe(true);
    const dir = scratch();
    const huge = join(dir, 'a-huge.json');
    writeOutOfMemoryFile(huge);
    const small = [join(dir, 'b.json'), join(dir, 'c.json')];
    small.forEach((path, k) => writeFileSync(path, recordsJson([makeEvent(`s${k}`)])));
    const pool = new ReadPool({ workerUrl, workers: 1, workerHeapMb: OOM_HEAP_MB });
    cleanups.push(() => pool.close());
    const rows: EventRow[] = [];
    const summaries = await Promise.all([huge, ...small].map((path) => pool.read({ path, firstIndex: 0 }, (batch) => rows.push(...batch))));
    expect(summaries[0]!.shape).toBe('bad');
    expect(summaries[0]!.reason).toMatch(/out of memory|reader/);
    expect(summaries.slice(1).map((s) => s.shape)).toEqual(['records', 'records']);
    expect(rows.filter((r) => r.id !== 'h').map((r) => r.id).sort()).toEqual(['s0', 's1']);
  }, 60_000);
});

describe('item 2: --max-decompressed', () => {
  it('sets the cap for every command that reads (here scan, on workers too); a bad size is a usage error', async () => {
    const dir = scratch();
    for (let k = 0; k < 10; k++) writeFileSync(join(dir, `f${k}.json.gz`), gzipSync(recordsJson(Array.from({ length: 500 }, (_, j) => makeEvent(`e${k}-${j}`, j)))));
    const capped = await runCli(['scan', dir, '--json', '--max-decompressed', '64K'], 30_000);
    const summary = JSON.parse(capped.stdout) as { files: { bad: { reason: string }[] } };
    expect(summary.files.bad).toHaveLength(10);
    for (const bad of summary.files.bad) expect(bad.reason).toMatch(/more than 64 KiB \(the --max-decompressed cap\)/);
    const open = await runCli(['scan', dir, '--json', '--max-decompressed=1G'], 30_000);
    expect((JSON.parse(open.stdout) as { events: { unique: number } }).events.unique).toBe(5000);
    const bad = await runCli(['scan', dir, '--max-decompressed', 'lots'], 30_000);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-decompressed needs a size');
    expect(parseSize('2G')).toBe(2 * 1024 ** 3);
    expect(parseSize('512m')).toBe(512 * 1024 ** 2);
    expect(parseSize('0')).toBe(null);
  }, 60_000);
});

describe('item 2: a scan worker that dies', () => {
  it('fails only the file it was reading; the files it held besides are read by another', async () => {
    const runUrl = new URL('../../dist/scan/run.js', import.meta.url);
    expect(existsSync(runUrl), 'compiled scan (npm test builds dist/)').toBe(true);
    const { scanFolderHeadless } = (await import(runUrl.href)) as typeof import('../../src/scan/run.js');
    const dir = scratch();
    writeOutOfMemoryFile(join(dir, 'a-huge.json'));
    for (let k = 0; k < 12; k++) writeFileSync(join(dir, `s${String(k).padStart(2, '0')}.json`), recordsJson([makeEvent(`s${k}`, k)]));
    const tally = await scanFolderHeadless(dir, { workers: 1, workerHeapMb: OOM_HEAP_MB });
    const summary = tally.summary({ folder: dir, filter: null });
    expect(summary.files.bad.map((f) => f.path)).toEqual([join(dir, 'a-huge.json')]);
    expect(summary.files.bad[0]!.reason).toMatch(/out of memory/);
    expect(summary.events.unique).toBe(12);
  }, 60_000);
});

describe('item 3: pseudo-files, reads bounded by the size at open, files of zeros', () => {
  it.runIf(process.platform === 'linux')('never reads /proc, /sys or /dev through a link, as a file or a folder', async () => {
    const dir = scratch();
    symlinkSync('/proc/self/pagemap', join(dir, 'pagemap.json'));
    symlinkSync('/proc/self', join(dir, 'self'));
    symlinkSync('/dev/zero', join(dir, 'zero.json'));
    writeFileSync(join(dir, 'good.json'), recordsJson([makeEvent('g')]));
    const read = await readEventFile(join(dir, 'pagemap.json'));
    expect(read).toMatchObject({ shape: 'not-cloudtrail', rows: [] });
    expect(read.reason).toMatch(/under \/proc/);
    const listing = await listFolder(dir);
    expect(listing.files).toEqual([join(dir, 'good.json')]);
    const reasons = Object.fromEntries(listing.skipped.map((s) => [s.path.slice(dir.length + 1), s.reason]));
    expect(reasons['pagemap.json']).toMatch(/under \/proc/);
    expect(reasons['self']).toMatch(/under \/proc/);
    expect(reasons['zero.json']).toMatch(/not a regular file \(character device\)/);
    // Scanning /proc/self itself reads nothing there.
    const own = await listFolder('/proc/self');
    expect(own.files).toEqual([]);
  });

  it('reads at most the size fstat gave at open, whatever is appended meanwhile', () => {
    const dir = scratch();
    const path = join(dir, 'grows.jsonl');
    writeFileSync(path, jsonLine('g0'));
    const opened = openRegularFile(path);
    if (!opened.ok) throw new Error(opened.reason);
    try {
      appendFileSync(path, jsonLine('g1'));
      expect(readUpTo(opened.fd, opened.stats.size).toString()).toBe(jsonLine('g0'));
    } finally {
      closeSync(opened.fd);
    }
  });

  it('a sparse file of NUL bytes is "not JSON" at once, at any size', async () => {
    const dir = scratch();
    const sparse = join(dir, 'sparse.json');
    closeSync(openSync(sparse, 'w'));
    truncateSync(sparse, 4 * 1024 ** 3); // 4 GiB of holes
    const started = Date.now();
    const read = await readEventFile(sparse);
    expect(read).toMatchObject({ shape: 'not-cloudtrail', reason: 'not JSON (starts with NUL bytes)' });
    expect(Date.now() - started).toBeLessThan(5_000);
    const small = join(dir, 'zeros.json');
    writeFileSync(small, Buffer.alloc(100));
    expect((await readEventFile(small)).reason).toBe('not JSON (starts with NUL bytes)');
    const gz = join(dir, 'zeros.json.gz');
    writeFileSync(gz, gzipSync(Buffer.alloc(1 << 20)));
    expect((await readEventFile(gz, { streamThreshold: 1024 })).reason).toBe('not JSON (starts with NUL bytes)');
    rmSync(sparse);
  });
});

describe('item 4: tail on a write error', () => {
  it.runIf(existsSync('/dev/full'))('says "write error: No space left on device" and exits 1; a closed pipe stays a quiet 0', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'a.json'), recordsJson(Array.from({ length: 3000 }, (_, k) => makeEvent(`t${k}`, k))));
    const full = openSync('/dev/full', 'w');
    cleanups.push(() => closeSync(full));
    const run = spawnSync(process.execPath, [BIN, 'tail', dir], { stdio: ['ignore', full, 'pipe'], timeout: 20_000, encoding: 'utf8' });
    expect(run.stderr).toBe('trailtop: write error: No space left on device\n');
    expect(run.status).toBe(1);

    const piped = startCli(['tail', dir]);
    await piped.waitFor(() => piped.stdout().length > 0, 'the first lines', 15_000);
    piped.child.stdout!.destroy();
    // The next write after the reader went away meets EPIPE.
    writeFileSync(join(dir, 'b.json'), recordsJson([makeEvent('after-close', 5000)]));
    const exited = await new Promise<number | null>((resolve) => piped.child.on('close', (code) => resolve(code)));
    expect(exited).toBe(0);
    expect(piped.stderr()).toBe('');
  }, 40_000);
});

describe('item 11: gzip with trailing garbage', () => {
  it('keeps what decoded and says "partly read: trailing data after the gzip stream"', async () => {
    const dir = scratch();
    const path = join(dir, 'trailing.json.gz');
    writeFileSync(path, Buffer.concat([gzipSync(recordsJson([makeEvent('kept')])), Buffer.from('garbage from a partial upload')]));
    const read = await readEventFile(path);
    expect(read.rows.map((r) => r.id)).toEqual(['kept']);
    expect(read.reason).toMatch(/^trailing data after the gzip stream \(29 bytes ignored\)$/);
    // Two members then garbage: both members kept; a broken first member is not salvaged.
    const two = Buffer.concat([gzipSync('{"Records":[{"eventID":"a"},'), gzipSync('{"eventID":"b"}]}'), Buffer.from([0x1f, 0x8b, 0x99])]);
    const members = gunzipMembers(two, 1 << 20);
    expect(members).not.toBe(null);
    expect(members !== 'too-large' && members?.members).toBe(2);
    expect(gunzipMembers(Buffer.from('not gzip'), 100)).toBe(null);
  });
});

describe('item 11: scan text caps displayed values, the JSON keeps them', () => {
  it('a 10 MB event name shows as 200 columns with an ellipsis in the text and whole in --json', async () => {
    const dir = scratch();
    const name = `Get${'A'.repeat(10_000_000)}`;
    writeFileSync(join(dir, 'big.json'), recordsJson([{ ...makeEvent('big'), eventName: name }]));
    const text = await runCli(['scan', dir], 30_000);
    expect(text.stdout.length).toBeLessThan(5_000);
    const line = text.stdout.split('\n').find((l) => l.includes('GetAAA'))!;
    expect(line).toMatch(/ GetA{196}…$/);
    const json = await runCli(['scan', dir, '--json'], 30_000);
    expect((JSON.parse(json.stdout) as { topEventNames: { name: string }[] }).topEventNames[0]!.name).toBe(name);
  }, 60_000);
});

// chain, sql, --help and --version wrote with a bare process.stdout.write: `trailtop chain DIR ID | grep -q root`
// (a reader that leaves early) printed Node's "Unhandled 'error' event ... write EPIPE" stack, and a full disk did too.
describe('chain, sql, help and version on a closed pipe or a full disk', () => {
  function commands(): string[][] {
    const dir = scratch();
    writeFileSync(join(dir, 'a.json'), recordsJson([makeEvent('the-event')]));
    return [
      ['chain', dir, 'the-event'],
      ['chain', dir, 'the-event', '--json'],
      ['sql', '--dialect', 'duckdb', 'name:x'],
      ['sql', '--ddl'],
      ['--help'],
      ['scan', '--help'],
      ['--version'],
    ];
  }

  it('a reader gone before the answer is written is a quiet exit 0', () => {
    for (const args of commands()) {
      // The reader closes its end at once: the write meets EPIPE.
      const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
      const run = spawnSync('bash', ['-c', `${quoted} | (exec 0<&-; sleep 0.5); echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8', timeout: 30_000 });
      expect(run.stderr, args.join(' ')).toBe('');
      expect(run.stdout.trim(), args.join(' ')).toBe('0');
    }
  });

  it.runIf(existsSync('/dev/full'))('a full disk is one line on stderr and exit 1', () => {
    const full = openSync('/dev/full', 'w');
    cleanups.push(() => closeSync(full));
    for (const args of commands()) {
      const run = spawnSync(process.execPath, [BIN, ...args], { stdio: ['ignore', full, 'pipe'], timeout: 30_000, encoding: 'utf8' });
      expect(run.stderr, args.join(' ')).toMatch(/^trailtop: cannot write the (chain|SQL|table|help|version): ENOSPC: no space left on device, write\n$/);
      expect(run.status, args.join(' ')).toBe(1);
    }
  });
});
