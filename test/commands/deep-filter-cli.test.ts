import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { event, tempDir, write } from '../ingest/helpers.js';

const ROOT = resolve(__dirname, '../..');

function trailtop(...args: string[]) {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test builds first)');
  const run = spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const open = (id: string, cidr: string) =>
  event(id, {
    eventName: 'AuthorizeSecurityGroupIngress',
    eventTime: `2024-03-05T14:2${id.length % 10}:00Z`,
    requestParameters: { groupId: 'sg-1', ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, ipRanges: { items: [{ cidrIp: cidr }] } }] } },
  });

/** A folder with matches in a gzipped trail file and a JSON-lines file, and one malformed file. */
function folder(): string {
  const dir = tempDir();
  write(dir, 'a.json.gz', gzipSync(JSON.stringify({ Records: [open('open-1', '0.0.0.0/0'), open('closed-1', '10.0.0.0/8'), event('other-1')] })));
  write(dir, 'b.jsonl', [open('open-2', '0.0.0.0/0'), event('other-2', { errorCode: 'AccessDenied' })].map((r) => JSON.stringify(r)).join('\n') + '\n');
  write(dir, 'c.json', JSON.stringify({ Records: [event('login-1', { eventName: 'ConsoleLogin', additionalEventData: { MFAUsed: 'No' } })] }));
  write(dir, 'broken.json.gz', gzipSync('{"Records": [{"eventID": "x",'));
  return dir;
}

describe('--filter with record paths and params: (CLI)', () => {
  it('scan counts only the records that match, and reports the malformed file exactly as without a filter', () => {
    const dir = folder();
    const plain = trailtop('scan', dir, '--json');
    const filtered = trailtop('scan', dir, '--json', '--filter', 'name:AuthorizeSecurityGroupIngress params:0.0.0.0/0');
    expect(plain.code).toBe(0);
    expect(filtered.code).toBe(0);
    const all = JSON.parse(plain.stdout);
    const some = JSON.parse(filtered.stdout);
    expect(some.events).toMatchObject({ read: 2, unique: 2 });
    expect(some.files.bad).toEqual(all.files.bad);
    expect(all.files.bad.map((b: { path: string }) => b.path)).toEqual([join(dir, 'broken.json.gz')]);
    expect(filtered.stderr).toBe(plain.stderr);
    expect(filtered.stderr).toContain('broken.json.gz');
    // A plain word makes the main thread test the rows; the deep part is still tested on the records.
    const worded = JSON.parse(trailtop('scan', dir, '--json', '--filter', 'authorize params:0.0.0.0/0').stdout);
    expect(worded.events).toMatchObject({ read: 2, unique: 2 });
    const mfa = JSON.parse(trailtop('scan', dir, '--json', '--filter', 'additionalEventData.MFAUsed:no').stdout);
    expect(mfa.events).toMatchObject({ read: 1 });
  });

  it('export writes the matching records, newest first, and reports the malformed file with and without a filter', () => {
    const dir = folder();
    const plain = trailtop('export', dir, '-o', '-', '--format', 'jsonl');
    const run = trailtop('export', dir, '-o', '-', '--format', 'jsonl', '--filter', 'requestParameters.ipPermissions.items.ipRanges.items.cidrIp:0.0.0.0/0');
    expect(run.code).toBe(0);
    const ids = run.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { eventID: string }).eventID);
    expect(ids.sort()).toEqual(['open-1', 'open-2']);
    expect(plain.stderr).toContain('broken.json.gz');
    // The same bad-file report either way; only the last line (what was written) differs.
    const report = (stderr: string): string => stderr.replace(/^trailtop: wrote .*\n/m, '');
    expect(run.stderr).toMatch(/^trailtop: wrote 2 events \(.*\) to stdout\n$/m);
    expect(report(run.stderr)).toBe(report(plain.stderr));
    const none = trailtop('export', dir, '-o', '-', '--format', 'jsonl', '--filter', '-params:* name:AuthorizeSecurityGroupIngress');
    expect(none.stdout).toBe('');
  });

  it('tail prints the matching records and still stops on SIGTERM (the search workers do not hold the process)', async () => {
    const dir = folder();
    const child = spawn(process.execPath, [join(ROOT, 'bin/trailtop.js'), 'tail', dir, '--filter', 'params:0.0.0.0/0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let k = 0; k < 300 && out.split('\n').length < 3; k++) await new Promise((resolve) => setTimeout(resolve, 100));
    const ids = out.trim().split('\n').map((line) => (JSON.parse(line) as { eventID: string }).eventID);
    expect(ids.sort()).toEqual(['open-1', 'open-2']);
    child.kill('SIGTERM');
    const timeout = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 10_000));
    const result = await Promise.race([exited, timeout]);
    if (result === 'hung') child.kill('SIGKILL');
    expect(result).toBe(0);
  }, 60_000);

  it('--histogram refuses deep terms with exit 2', () => {
    const dir = folder();
    const run = trailtop('scan', dir, '--histogram', '--filter', 'params:x');
    expect(run.code).toBe(2);
  });
});
