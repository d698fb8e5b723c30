/** The CSV shapes (Lake, Athena, console) through the built CLI: scan's byShape, a filter, export of lossy events. */
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

const CONSOLE = [
  'Event name,Event time,User name,Event source,Resource type,Resource name,AWS access key,AWS region,Error code,Event ID,Read-only,Source IP address',
  'ConsoleLogin,2024-03-05T14:21:00Z,alice,signin.amazonaws.com,,,,us-east-1,Failed authentication,11111111-1111-4111-8111-111111111111,false,198.51.100.7',
  'ConsoleLogin,2024-03-05T14:22:00Z,bob,signin.amazonaws.com,,,,us-east-1,,22222222-2222-4222-8222-222222222222,false,198.51.100.8',
  '"=cmd|\' /C calc\'!A0",2024-03-05T14:23:00Z,carol,s3.amazonaws.com,AWS::S3::Bucket,logs,,us-east-1,,33333333-3333-4333-8333-333333333333,true,192.0.2.1',
].join('\r\n');

function folder(): string {
  const dir = tempDir();
  const lake = 'AWSLogs/111122223333/CloudTrail-Lake/Query/2024/03/05/q-1';
  write(dir, 'history.csv', CONSOLE);
  const full = JSON.stringify(event('lake-1', { eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com' })).replace(/"/g, '""');
  write(dir, `${lake}/result_1.csv.gz`, gzipSync(`eventTime,eventName,eventjson\n2024-03-05 14:24:00.000,StopLogging,"${full}"\n`));
  write(dir, `${lake}/result_sign.json`, '{"hashSignature":"ab","queryCompleteTime":"2024-03-05 14:25:00.000","files":[]}');
  write(dir, 'athena/results.csv', '"eventtime","eventname","eventsource","errorcode"\n"2024-03-05T14:26:00Z","CreateUser","iam.amazonaws.com","AccessDenied"\n');
  write(dir, 'notes.csv', 'when,what\nmonday,lunch\n');
  return dir;
}

describe('CloudTrail CSV exports (CLI)', () => {
  it('scan --json counts each shape, skips result_sign.json as a digest and another CSV as not CloudTrail', () => {
    const dir = folder();
    const { code, stdout } = trailtop('scan', dir, '--json');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.files.byShape).toEqual({ 'console-csv': 1, 'lake-csv': 1, 'athena-csv': 1, digest: 1, 'not-cloudtrail': 1 });
    expect(summary.files.skipped).toEqual([{ path: join(dir, 'notes.csv'), reason: expect.stringMatching(/CSV file whose header names no CloudTrail columns/) }]);
    expect(summary.events.unique).toBe(5);
    const failed = JSON.parse(trailtop('scan', dir, '--json', '--filter', 'name:ConsoleLogin error:*').stdout);
    expect(failed.events.unique).toBe(1);
    expect(failed.topActors).toEqual([{ name: 'alice', count: 1 }]);
  });

  it('archive imports them as plain events: byShape and a filter answer as on the folder', () => {
    const dir = folder();
    const db = join(tempDir(), 'a.duckdb');
    expect(trailtop('archive', dir, '--db', db, '--quiet').code).toBe(0);
    const summary = JSON.parse(trailtop('scan', '--db', db, '--json').stdout);
    expect(summary.files.byShape).toMatchObject({ 'console-csv': 1, 'lake-csv': 1, 'athena-csv': 1, digest: 1 });
    expect(summary.events.unique).toBe(5);
    const failed = JSON.parse(trailtop('scan', '--db', db, '--json', '--filter', 'name:ConsoleLogin error:*').stdout);
    expect(failed.topActors).toEqual([{ name: 'alice', count: 1 }]);
  });

  it('exports lossy events: JSON as the rebuilt record, CSV with a formula cell neutralised', () => {
    const dir = folder();
    const json = trailtop('export', dir, '-o', '-', '--format', 'json', '--filter', 'user:carol');
    expect(JSON.parse(json.stdout).Records).toEqual([
      expect.objectContaining({ eventName: "=cmd|' /C calc'!A0", eventTime: '2024-03-05T14:23:00Z', readOnly: true, userIdentity: { userName: 'carol' } }),
    ]);
    const csv = trailtop('export', dir, '-o', '-', '--format', 'csv', '--filter', 'user:carol');
    expect(csv.stdout).toContain(`"'=cmd|' /C calc'!A0"`);
    expect(csv.stdout).not.toMatch(/"=cmd/);
  });
});
