import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChildReaper, spawnCollected, type CollectedRun } from '../support/processes.js';
import { makeEvent, tempFolder, waitFor, writeRecords } from '../watch/helpers.js';
import { UNDECODABLE_ARGUMENT_HINT } from '../../src/ingest/undecodableNames.js';

// Spawns the built CLI: `npm test` compiles dist/ first.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(root, 'bin/trailtop.js');

const reaper = new ChildReaper();
const cleanups: (() => void)[] = [];
afterEach(() => {
  reaper.killAll();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

beforeAll(() => {
  if (!existsSync(join(root, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test builds first)');
});

function run(args: string[]): CollectedRun {
  return reaper.track(spawnCollected(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } }));
}

function folder(): string {
  const temp = tempFolder('trailtop-filecli-');
  cleanups.push(temp.remove);
  return temp.dir;
}

const line = (id: string, minute: number) => `${JSON.stringify(makeEvent(id, minute))}\n`;
const idsOf = (lines: string[]) => lines.map((text) => (JSON.parse(text) as { eventID: string }).eventID);

/** One gzip log beside a sibling that must never be read. */
function fileWithSibling(): string {
  const dir = folder();
  const file = join(dir, 'handed-over.json.gz');
  writeRecords(file, [makeEvent('f-2', 2), makeEvent('f-1', 1)]);
  writeRecords(join(dir, 'sibling.json'), [makeEvent('sibling', 5)]);
  return file;
}

describe('a single file on the command line', () => {
  it('scan FILE summarises only that file', async () => {
    const file = fileWithSibling();
    const scan = run(['scan', file, '--json']);
    expect(await scan.exit).toBe(0);
    const summary = JSON.parse(scan.stdout()) as { folder: string; files: { read: number; byShape: object }; events: { unique: number } };
    expect(summary.folder).toBe(file);
    expect(summary.files.read).toBe(1);
    expect(summary.files.byShape).toEqual({ records: 1 });
    expect(summary.events.unique).toBe(2);
    expect(scan.stderr()).toBe('');
  });

  it('scan follows a symlink to a file', async () => {
    const file = fileWithSibling();
    const link = join(folder(), 'link.json.gz');
    symlinkSync(file, link);
    const scan = run(['scan', link]);
    expect(await scan.exit).toBe(0);
    expect(scan.stdout()).toContain(`Path      ${link}`);
    expect(scan.stdout()).toContain('Events    2 read, 2 unique');
  });

  it('export FILE --format jsonl -o - writes only that file’s events, newest first', async () => {
    const file = fileWithSibling();
    const exported = run(['export', file, '--format', 'jsonl', '-o', '-']);
    expect(await exported.exit).toBe(0);
    expect(idsOf(exported.lines())).toEqual(['f-2', 'f-1']);
    expect(exported.stderr()).toMatch(/^trailtop: wrote 2 events \(.*\) to stdout\n$/);
  });

  it('tail FILE prints its events, then a line appended while it runs, and never a sibling’s', async () => {
    const dir = folder();
    const file = join(dir, 'live.jsonl');
    writeFileSync(file, line('t-1', 1) + line('t-2', 2));
    const tail = run(['tail', file]);
    await waitFor(() => tail.lines().length === 2, 'the existing events', 8_000);
    expect(idsOf(tail.lines())).toEqual(['t-1', 't-2']);
    writeRecords(join(dir, 'sibling.json'), [makeEvent('sibling', 9)]);
    // When the watch is ready is not visible from outside: keep appending until a line shows up.
    let appended = 0;
    let lastWrite = 0;
    await waitFor(
      () => {
        if (tail.lines().length > 2) return true;
        if (Date.now() - lastWrite < 200) return false;
        lastWrite = Date.now();
        appendFileSync(file, line(`t-new-${appended++}`, 10 + appended));
        return false;
      },
      'an appended line',
      8_000,
    );
    // Lines appended less than a second apart (readRecord's cache window) must all come through.
    appendFileSync(file, line('t-last', 100));
    await waitFor(() => idsOf(tail.lines()).includes('t-last'), 'the last appended line', 8_000);
    await new Promise((resolve) => setTimeout(resolve, 300)); // a sibling read late would show up by now
    const expected = [...Array.from({ length: appended }, (_, k) => `t-new-${k}`), 't-last'];
    // Only appended lines (never the sibling's event), every one, once, in the order they were written.
    expect(idsOf(tail.lines()).slice(2)).toEqual(expected);
    tail.child.kill('SIGINT');
    expect(await tail.exit).toBe(0);
    expect(tail.stderr()).toBe('');
  });

  it.each([
    ['scan', ['scan']],
    ['tail', ['tail']],
    ['export', ['export', '-o', '-', '--format', 'jsonl']],
    ['the dashboard', []],
  ])('%s refuses a FIFO as the root with one line and exit 2, without opening it', async (_name, command) => {
    const fifo = join(folder(), 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    const args = command.length > 1 ? [command[0]!, fifo, ...command.slice(1)] : [...command, fifo];
    const refused = run(args);
    // A FIFO opened for reading blocks until a writer comes: without the check this never exits.
    const timeout = new Promise<'hung'>((done) => setTimeout(() => done('hung'), 8_000).unref());
    expect(await Promise.race([refused.exit, timeout])).toBe(2);
    expect(refused.stderr()).toBe(`trailtop: not a folder or regular file (a FIFO): ${fifo}\n`);
    expect(refused.stdout()).toBe('');
  });

  it('says no such file for a missing path named like a log file, no such folder otherwise', async () => {
    const missing = join(folder(), 'nope.json');
    const scan = run(['scan', missing]);
    expect(await scan.exit).toBe(2);
    expect(scan.stderr()).toBe(`trailtop: no such file: ${missing}\n`);
    const gz = join(folder(), 'nope.json.gz');
    const tail = run(['tail', gz]);
    expect(await tail.exit).toBe(2);
    expect(tail.stderr()).toBe(`trailtop: no such file: ${gz}\n`);
    // A CSV export (console, Athena, Lake) is a file trailtop reads too.
    const csv = join(folder(), 'event_history.csv');
    const csvScan = run(['scan', csv]);
    expect(await csvScan.exit).toBe(2);
    expect(csvScan.stderr()).toBe(`trailtop: no such file: ${csv}\n`);
    const dir = join(folder(), 'nope');
    const other = run(['scan', dir]);
    expect(await other.exit).toBe(2);
    expect(other.stderr()).toBe(`trailtop: no such folder: ${dir}\n`);
  });

  // Node decodes an argument that is not UTF-8 with U+FFFD: the path then names nothing, and a bare
  // 'no such file' was said of a file that exists.
  it('says why a path given with a name not valid UTF-8 cannot be read, in every command', async () => {
    const dir = folder();
    writeFileSync(Buffer.concat([Buffer.from(dir + '/'), Buffer.from('caf\xe9.json', 'latin1')]), `${JSON.stringify(makeEvent('a', 0))}\n`);
    const shown = join(dir, 'caf\uFFFD.json');
    const db = join(dir, 'a.duckdb');
    for (const args of [['scan'], ['tail'], ['detect'], ['export', '-o', join(dir, 'x.csv')], ['archive', '--db', db], []]) {
      // Arguments are strings to spawn: the shell's printf makes the 0xE9 byte ($0 node, $1 the CLI, $2 the folder).
      const script = `bin="$1" dir="$2"; shift 2; exec "$0" "$bin" "$@" "$(printf '%s/caf\\351.json' "$dir")"`;
      const env = { ...process.env, NO_COLOR: '1' };
      const refused = reaper.track(spawnCollected('/bin/sh', ['-c', script, process.execPath, bin, dir, ...args], { cwd: root, env }));
      expect(await refused.exit, args[0]).toBe(2);
      expect(refused.stderr(), args[0]).toBe(`trailtop: no such file: ${shown} (${UNDECODABLE_ARGUMENT_HINT})\n`);
    }
  });

  // Was 'no such folder: -' for `aws cloudtrail lookup-events | trailtop scan -`.
  it("says that '-' (standard input) is not read, rather than 'no such folder: -'", async () => {
    // The dashboard resolves its operand first: it said 'no such folder: /here/-'.
    for (const args of [['scan', '-'], ['export', '-', '-o', 'x.csv'], ['detect', '-'], ['tail', '-'], ['-'], ['archive', '-']]) {
      const refused = run(args);
      expect(await refused.exit, args[0]).toBe(2);
      expect(refused.stderr(), args[0]).toBe("trailtop: '-' (standard input) is not read: save the output to a file and give its path (a FIFO or pipe is refused too)\n");
      expect(refused.stdout()).toBe('');
    }
  });

  it('says FILE in the usage of scan, tail and the dashboard', async () => {
    // `trailtop --help` is the overview; the dashboard's own usage comes with an option before --help.
    for (const args of [['scan', '--help'], ['tail', '--help'], ['--no-watch', '--help']]) {
      const help = run(args);
      expect(await help.exit).toBe(0);
      expect(help.lines()[0]).toMatch(/DIR\|FILE/);
    }
  });
});
