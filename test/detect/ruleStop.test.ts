/**
 * A rule the watchdog stops (detect/ruleWatch.ts: one test past 5 s on a value an attacker wrote)
 * costs the user no events: the file is read again without the rule, which stays off for the rest
 * of the run, and the stop is told on stderr naming the rule and the file. Run as the built CLI in
 * child processes with a time guard: a hang is a child killed, not a test runner blocked.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'bin/trailtop.js');
/** The 5 s budget, once, and the rest of the run: a hang (minutes) is killed here. */
const GUARD_MS = 18_000;

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

const RULE_ID = '6d1c6f43-3f4b-4c1e-9a39-2f0c1f7b7a11';
/** Polynomial (n^4 tries on 3000 spaces: minutes): the load-time check lets it through, the watchdog stops it. */
const SLOW_RULE = `title: Slow agent
id: ${RULE_ID}
status: experimental
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    userAgent|re: '\\s*\\s*\\s*(?:x|y)'
  condition: selection
level: high
`;
const HOSTILE = `${' '.repeat(3000)}!`;

function makeDir(prefix: string, files: Record<string, object[]>): string {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, 'logs'));
  mkdirSync(join(dir, 'rules'));
  for (const [name, records] of Object.entries(files)) writeFileSync(join(dir, 'logs', name), JSON.stringify({ Records: records }));
  writeFileSync(join(dir, 'rules', 'slow.yml'), SLOW_RULE);
  return dir;
}

function cli(dir: string, args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: GUARD_MS,
    env: { ...process.env, NO_COLOR: '1', XDG_STATE_HOME: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'config'), XDG_CACHE_HOME: join(dir, 'cache') },
  });
}

const STOP = `detection stopped on ${join('logs', 'f05.json')}: rule Slow agent (${join('rules', 'slow.yml')}) stopped after 5 s on one event of this file`;

/** Twelve files (worker threads read them); f05 holds the hostile value and copies of events of files before and after it. */
function twelveFiles(): Record<string, object[]> {
  const files: Record<string, object[]> = {};
  for (let k = 0; k < 12; k++) {
    const records = [event(`plain-${k}`, 'aws-cli/2.15.0'), event(`y-${k}`, 'agent y')];
    if (k === 5) records.push(event('hostile', HOSTILE), event('plain-2', 'aws-cli/2.15.0'), event('plain-9', 'aws-cli/2.15.0'));
    files[`f${String(k).padStart(2, '0')}.json`] = records;
  }
  return files;
}

describe('a rule stopped on worker threads', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeDir('trailtop-rulestop-', twelveFiles());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('detect counts the stopped file\'s events once, duplicates across files included', () => {
    const result = cli(dir, ['detect', 'logs', '--rules', 'rules', '--json']);
    expect(result.signal, 'detect was killed: it did not finish').toBeNull();
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { events: { unique: number }; rules: { stopped?: { file: string; reason: string }[] } };
    // 24 plain ones and the hostile one; f05's copies of plain-2 and plain-9 are the same events.
    expect(report.events.unique).toBe(25);
    expect(result.stderr).toContain(STOP);
    expect(report.rules.stopped).toHaveLength(1);
  }, 20_000);

  it('scan with a rule: filter ends (its workers had no watchdog), every event counted, the stop told', () => {
    const result = cli(dir, ['scan', 'logs', '--rules', 'rules', '--filter', `rule:${RULE_ID}`, '--json']);
    expect(result.signal, 'scan was killed: it did not finish').toBeNull();
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { files: { bad: unknown[] }; events: { total: number; read: number } };
    expect(summary.files.bad).toEqual([]);
    expect(summary.events.total).toBe(25);
    // Off from the stop on: the y- events of the files read before it matched (which those are is timing).
    expect(summary.events.read).toBeLessThanOrEqual(11);
    expect(result.stderr).toContain(STOP);
  }, 20_000);
});
