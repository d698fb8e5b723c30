import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonLine } from '../../src/commands/tail.js';
import { ChildReaper, spawnCollected, type CollectedRun } from '../support/processes.js';
import { makeEvent, tempFolder, waitFor, writeRecords } from '../watch/helpers.js';

// Spawns the built CLI: `npm test` compiles dist/ first.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(root, 'bin/trailtop.js');

const reaper = new ChildReaper();
const cleanups: (() => void)[] = [];
afterEach(() => {
  reaper.killAll();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function run(command: string, args: string[]): CollectedRun {
  return reaper.track(spawnCollected(command, args, { cwd: root }));
}

function folderWithEvents(): string {
  const temp = tempFolder('trailtop-tail-');
  cleanups.push(temp.remove);
  writeRecords(join(temp.dir, 'one.json'), [makeEvent('e-3', 3), makeEvent('e-1', 1)]);
  writeRecords(join(temp.dir, 'sub/two.json.gz'), [makeEvent('e-2', 2)]);
  return temp.dir;
}

/** waitFor on a running tail; on a timeout the error says what it printed, so a rare CI failure can be read. */
async function waitForTail(tail: CollectedRun, condition: () => boolean, what: string): Promise<void> {
  try {
    await waitFor(condition, what, 20_000);
  } catch (error) {
    throw new Error(`${(error as Error).message}; stdout ${JSON.stringify(tail.lines())}; stderr ${JSON.stringify(tail.stderr())}`);
  }
}

const idsOf = (lines: string[]) => lines.map((line) => (JSON.parse(line) as { eventID: string }).eventID);

describe('trailtop tail', () => {
  it('prints the existing events oldest first as original records, then a file added while it runs; Ctrl-C exits 0', async () => {
    const dir = folderWithEvents();
    const tail = run('node', [bin, 'tail', dir]);
    await waitForTail(tail, () => tail.lines().length === 3, 'the existing events');
    expect(idsOf(tail.lines())).toEqual(['e-1', 'e-2', 'e-3']);
    expect(JSON.parse(tail.lines()[0]!)).toEqual(makeEvent('e-1', 1)); // the original record, not the row
    writeRecords(join(dir, 'new/deeper/three.json'), [makeEvent('e-5', 5), makeEvent('e-4', 4), makeEvent('e-1', 1)]);
    await waitForTail(tail, () => tail.lines().length === 5, 'the new events');
    expect(idsOf(tail.lines()).slice(3)).toEqual(['e-4', 'e-5']); // e-1 again is a duplicate: not printed twice
    tail.child.kill('SIGINT');
    expect(await tail.exit).toBe(0);
    expect(tail.stderr()).toBe('');
  });

  it('--new-only skips what is already there; --filter applies to new events', async () => {
    const dir = folderWithEvents();
    const tail = run('node', [bin, 'tail', dir, '--new-only', '--filter', 'name:RunInstances']);
    // When the initial load ends is not visible from outside: keep adding files until one shows up.
    let written = 0;
    let lastWrite = 0;
    await waitFor(
      () => {
        if (tail.lines().length > 0) return true;
        if (Date.now() - lastWrite < 150) return false;
        lastWrite = Date.now();
        writeRecords(join(dir, `later-${written}.json`), [makeEvent(`n-${written}`, 9, 'RunInstances'), makeEvent(`x-${written}`, 10)]);
        written++;
        return false;
      },
      'a new matching event',
      8_000,
    );
    await waitFor(() => tail.lines().length >= 1, 'the line to complete');
    const ids = idsOf(tail.lines());
    expect(ids.every((id) => id.startsWith('n-'))).toBe(true);
    tail.child.kill('SIGINT');
    expect(await tail.exit).toBe(0);
  });

  it('--filter reads the folder without the store, then follows it: changed files print only their new events, bad files are reported', async () => {
    const temp = tempFolder('trailtop-tail-filter-');
    cleanups.push(temp.remove);
    const dir = temp.dir;
    const one = join(dir, 'one.json');
    writeRecords(one, [makeEvent('e-3', 3, 'RunInstances'), makeEvent('e-1', 1, 'RunInstances'), makeEvent('x-1', 2)]);
    writeRecords(join(dir, 'sub/two.json.gz'), [makeEvent('e-2', 2, 'RunInstances'), makeEvent('x-2', 4)]);
    writeFileSync(join(dir, 'broken.json'), '{"Records":[{"eventID":"b-1",');
    const tail = run('node', [bin, 'tail', dir, '--filter', 'name:RunInstances']);
    await waitFor(() => tail.lines().length === 3 && /broken\.json/.test(tail.stderr()), 'the existing matches and the bad file', 15_000);
    expect(idsOf(tail.lines())).toEqual(['e-1', 'e-2', 'e-3']);
    expect(JSON.parse(tail.lines()[0]!)).toEqual(makeEvent('e-1', 1, 'RunInstances'));
    expect(tail.stderr()).toMatch(/bad file .*broken\.json/);

    // A file read before grows: only its new event prints. A new file delivers an old event again: printed once.
    writeRecords(one, [makeEvent('e-3', 3, 'RunInstances'), makeEvent('e-1', 1, 'RunInstances'), makeEvent('x-1', 2), makeEvent('e-6', 6, 'RunInstances')]);
    await waitFor(() => tail.lines().length === 4, 'the grown file', 15_000);
    writeRecords(join(dir, 'later.json'), [makeEvent('e-2', 2, 'RunInstances'), makeEvent('e-7', 7, 'RunInstances'), makeEvent('x-7', 7)]);
    await waitFor(() => tail.lines().length === 5, 'the new file', 15_000);
    expect(idsOf(tail.lines()).slice(3)).toEqual(['e-6', 'e-7']);
    tail.child.kill('SIGINT');
    expect(await tail.exit).toBe(0);
    expect(tail.lines()).toHaveLength(5);
  });

  it('exits 2 with the message for a bad query or a missing folder', async () => {
    const dir = folderWithEvents();
    const bad = run('node', [bin, 'tail', dir, '--filter', 'nosuchfield:x']);
    expect(await bad.exit).toBe(2);
    expect(bad.stderr()).toMatch(/bad filter/);
    expect(bad.lines()).toEqual([]);
    const missing = run('node', [bin, 'tail', join(dir, 'absent')]);
    expect(await missing.exit).toBe(2);
    expect(missing.stderr()).toMatch(/no such folder/);
    const usage = run('node', [bin, 'tail']);
    expect(await usage.exit).toBe(2);
  });

  // tail went on running in silence after its folder was deleted: its watch could never print again.
  it.each([
    ['deleted', [], (dir: string) => rmSync(dir, { recursive: true, force: true })],
    ['deleted (--filter: read without the store)', ['--filter', 'name:DescribeInstances'], (dir: string) => rmSync(dir, { recursive: true, force: true })],
    ['moved away', [], (dir: string) => renameSync(dir, `${dir}-moved`)],
    ['deleted and made again', [], (dir: string) => {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
    }],
  ] as const)('says on stderr that the folder is gone and exits 1 when it is %s', async (_how, options, remove) => {
    const dir = folderWithEvents();
    cleanups.push(() => rmSync(`${dir}-moved`, { recursive: true, force: true }));
    const tail = run('node', [bin, 'tail', dir, ...options]);
    // The events are printed once the watch is ready.
    await waitFor(() => tail.lines().length === 3, 'the existing events', 8_000);
    remove(dir);
    const hang = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 15_000).unref());
    expect(await Promise.race([tail.exit, hang])).toBe(1);
    expect(tail.stderr()).toBe(`trailtop: the folder ${dir} is gone (deleted, moved or replaced): nothing more can arrive; stopping\n`);
  }, 30_000);

  it('exits quietly with 0 when the reading end of the pipe closes', async () => {
    const dir = folderWithEvents();
    const piped = run('bash', ['-c', `set -o pipefail; node "${bin}" tail "${dir}" | head -1`]);
    await waitFor(() => piped.lines().length === 1, 'the first line', 8_000);
    // head has exited; the next write hits the closed pipe.
    writeRecords(join(dir, 'more.json'), [makeEvent('m-1', 20)]);
    expect(await piped.exit).toBe(0);
    expect(piped.stderr()).toBe('');
  });

  it('escapes terminal control characters that JSON.stringify lets through', () => {
    const line = jsonLine({ eventName: 'a\u009b31mb\u2028c\u007f' });
    expect(line).toBe('{"eventName":"a\\u009b31mb\\u2028c\\u007f"}');
    expect(JSON.parse(line)).toEqual({ eventName: 'a\u009b31mb\u2028c\u007f' });
  });

  it('prints --help', async () => {
    const help = run('node', [bin, 'tail', '--help']);
    expect(await help.exit).toBe(0);
    expect(help.lines()[0]).toMatch(/^Usage: trailtop tail DIR/);
  });
});
