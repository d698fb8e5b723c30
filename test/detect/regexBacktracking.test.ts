/**
 * A rule's regex that repeats a repetition (`^(a+)+$`) against a value an attacker wrote (`aaaa…!`):
 * V8's backtracking takes about 2^n steps there, so `detect` never finished and the dashboard froze
 * (detect/regexNesting.ts). Run as the built CLI in a child process: a hang is a child killed at the
 * guard's limit, not a test runner blocked for good.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'bin/trailtop.js');
/** Far past what detect needs here (well under a second): only a hang reaches it. */
const HANG_GUARD_MS = 60_000;

const event = (id: string, userAgent: string): object => ({
  eventVersion: '1.08',
  eventID: id,
  eventTime: '2024-03-05T10:00:00Z',
  eventName: 'GetCallerIdentity',
  eventSource: 'sts.amazonaws.com',
  awsRegion: 'us-east-1',
  sourceIPAddress: '203.0.113.7',
  userAgent,
  userIdentity: { type: 'IAMUser', userName: 'alice' },
});

const RULE = `title: User agent of a's only
id: 6d1c6f43-3f4b-4c1e-9a39-2f0c1f7b7a11
status: experimental
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    userAgent|re: '^(a+)+$'
  condition: selection
level: high
`;

describe('a regex with nested quantifiers on an attacker-written value', () => {
  let dir: string;
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
    dir = mkdtempSync(join(tmpdir(), 'trailtop-redos-'));
    mkdirSync(join(dir, 'logs'));
    mkdirSync(join(dir, 'rules'));
    const records = [event('hostile', `${'a'.repeat(48)}!`), event('plain', 'aaaa'), event('other', 'aws-cli/2.15.0')];
    writeFileSync(join(dir, 'logs', 'f.json'), JSON.stringify({ Records: records }));
    writeFileSync(join(dir, 'rules', 'as.yml'), RULE);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: HANG_GUARD_MS, env: { ...process.env, NO_COLOR: '1', XDG_STATE_HOME: join(dir, 'state') } });

  it('detect finishes and lists the rule as not run, with why', () => {
    const result = run(['detect', 'logs', '--rules', 'rules', '--json']);
    expect(result.signal, 'detect was killed: it did not finish').toBeNull();
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { events: { unique: number }; rules: { loaded: number; skipped: { path: string; reason: string }[] } };
    expect(report.events.unique).toBe(3);
    expect(report.rules.skipped).toEqual([{ path: join('rules', 'as.yml'), reason: expect.stringContaining('userAgent|re: (a+)+ repeats a repetition') }]);
  });
});
