import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { event, tempDir, write } from '../ingest/helpers.js';

const ROOT = resolve(__dirname, '../..');

function trailtop(...args: string[]) {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test builds first)');
  const run = spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('trailtop scan (CLI)', () => {
  it('prints the JSON summary and reports bad files on stderr, exit 0', () => {
    const dir = tempDir();
    write(dir, 'a.json.gz', gzipSync(JSON.stringify({ Records: [event('a'), event('b', { errorCode: 'AccessDenied' })] })));
    write(dir, 'b.json', JSON.stringify([event('b', { errorCode: 'AccessDenied' })]));
    write(dir, 'x_CloudTrail-Digest_y.json', '{}');
    write(dir, 'broken.json', '{"Records": [}');
    const { code, stdout, stderr } = trailtop('scan', dir, '--json');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.files.read).toBe(2);
    expect(summary.files.digests).toBe(1);
    expect(summary.files.byShape).toEqual({ bad: 1, records: 1, array: 1, digest: 1 });
    expect(summary.files.bad).toEqual([{ path: join(dir, 'broken.json'), reason: expect.stringMatching(/^invalid JSON at byte 13 /) }]);
    expect(summary.events).toMatchObject({ read: 3, unique: 2, duplicates: 1 });
    expect(summary.time).toEqual({ first: '2024-03-05T14:21:00.000Z', last: '2024-03-05T14:21:00.000Z' });
    expect(summary.errorsByCode).toEqual([{ code: 'AccessDenied', count: 1 }]);
    expect(stderr).toBe(`trailtop: bad file ${join(dir, 'broken.json')}: ${summary.files.bad[0].reason}\n`);
  });

  it('prints a human summary', () => {
    const dir = tempDir();
    write(dir, 'a.json', JSON.stringify({ Records: [event('a')] }));
    const { code, stdout } = trailtop('scan', dir);
    expect(code).toBe(0);
    expect(stdout).toContain('Events    1 read, 1 unique, 0 duplicates');
    expect(stdout).toContain('Top event names\n  1  RunInstances');
  });

  it('applies --filter and rejects a bad query with exit 2 and its position', () => {
    const dir = tempDir();
    write(dir, 'a.json', JSON.stringify([event('a'), event('b', { eventName: 'StopInstances' })]));
    const filtered = trailtop('scan', dir, '--json', '--filter', 'name:StopInstances');
    expect(filtered.code).toBe(0);
    expect(JSON.parse(filtered.stdout).events).toMatchObject({ read: 1, unique: 1, total: 2 });
    const bad = trailtop('scan', dir, '--filter', 'bogus:x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^trailtop: bad filter at position 1: unknown field 'bogus'/);
    expect(bad.stdout).toBe('');
  });

  it('exits 2 with one line for a missing folder, a device, no folder or an unknown flag', () => {
    const dir = tempDir();
    const missing = trailtop('scan', join(dir, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`trailtop: no such folder: ${join(dir, 'nope')}\n`);
    // A file is read (fileRoot-cli.test.ts); a device is not.
    const device = trailtop('scan', '/dev/null');
    expect(device.code).toBe(2);
    expect(device.stderr).toBe('trailtop: not a folder or regular file (a device): /dev/null\n');
    expect(trailtop('scan').code).toBe(2);
    const flag = trailtop('scan', dir, '--bogus');
    expect(flag.code).toBe(2);
    expect(flag.stderr.split('\n')[0]).toMatch(/^trailtop: .*--bogus/);
  });

  it('shows help with exit 0', () => {
    const { code, stdout } = trailtop('scan', '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: trailtop scan DIR/);
  });
});
