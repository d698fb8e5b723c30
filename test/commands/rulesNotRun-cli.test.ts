/**
 * `detect` lists the rules that cannot run (bad YAML, an unsupported modifier, a duplicate id), but
 * `tail --findings-only --rules DIR` and a rule: filter on scan, export and export --db ran without
 * them in silence: an alerting pipeline never learnt that the rule it relied on was not running.
 * They now name each on stderr. Needs a build (npm test builds first).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordsJson, tempFolder } from '../support/files.js';
import { ChildReaper, spawnCollected } from '../support/processes.js';

const ROOT = resolve(import.meta.dirname, '../..');
const scratch = tempFolder('trailtop-rules-not-run-');
const logs = join(scratch.dir, 'logs');
const rules = join(scratch.dir, 'rules');
const reaper = new ChildReaper();

const GOOD_RULE = `title: Buckets listed
id: 6f1c2d3e-0000-4000-8000-000000000001
logsource: {product: aws, service: cloudtrail}
detection:
  selection:
    eventName: ListBuckets
  condition: selection
level: medium
`;
const UNSUPPORTED_RULE = GOOD_RULE.replace('6f1c2d3e-0000-4000-8000-000000000001', '6f1c2d3e-0000-4000-8000-000000000002').replace(
  'eventName: ListBuckets',
  'eventName|base64offset|contains: List',
);

function trailtop(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...args], { cwd: scratch.dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, TRAILTOP_RULES: '' } });
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
  mkdirSync(logs);
  mkdirSync(rules);
  writeFileSync(join(logs, 'a.json'), recordsJson([{ eventVersion: '1.08', eventID: 'e1', eventTime: '2024-01-01T00:00:00Z', eventName: 'ListBuckets', eventSource: 's3.amazonaws.com', awsRegion: 'us-east-1' }]));
  writeFileSync(join(rules, 'good.yml'), GOOD_RULE);
  writeFileSync(join(rules, 'broken.yml'), 'title: broken\ndetection: [unclosed\n');
  writeFileSync(join(rules, 'unsupported.yml'), UNSUPPORTED_RULE);
});
afterEach(() => reaper.killAll());
afterAll(() => scratch.remove());

function expectNamed(stderr: string): void {
  expect(stderr).toMatch(/^trailtop: rule not run: .*broken\.yml: not valid YAML/m);
  expect(stderr).toMatch(/^trailtop: rule not run: .*unsupported\.yml: eventName: the \|base64offset modifier is not supported$/m);
}

describe('rules that cannot run are named by the commands that run rules', () => {
  it('tail --findings-only', async () => {
    const run = reaper.track(spawnCollected(process.execPath, [join(ROOT, 'bin/trailtop.js'), 'tail', logs, '--findings-only', '--rules', rules], { cwd: scratch.dir, env: { ...process.env, TRAILTOP_RULES: '' } }));
    // The backlog's finding is printed after the rules are loaded (and reported).
    while (!run.stdout().includes('\n')) {
      if (run.child.exitCode !== null) break;
      await new Promise((done) => setTimeout(done, 20));
    }
    expect(JSON.parse(run.lines()[0]!)).toMatchObject({ rules: ['6f1c2d3e-0000-4000-8000-000000000001'], event: { eventID: 'e1' } });
    expectNamed(run.stderr());
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(0);
  }, 60_000);

  it('scan and export with a rule: filter, on the folder and on an archive', () => {
    const scan = trailtop(['scan', logs, '--rules', rules, '--filter', 'rule:*']);
    expect(scan.status, scan.stderr).toBe(0);
    expectNamed(scan.stderr);
    const exported = trailtop(['export', logs, '--rules', rules, '--filter', 'rule:*', '-o', '-', '--format', 'jsonl']);
    expect(exported.status, exported.stderr).toBe(0);
    expect(exported.stdout.trim().split('\n')).toHaveLength(1);
    expectNamed(exported.stderr);
    const db = join(scratch.dir, 'a.duckdb');
    const fromDb = trailtop(['export', '--db', db, logs, '--rules', rules, '--filter', 'rule:*', '-o', '-', '--format', 'jsonl']);
    expect(fromDb.status, fromDb.stderr).toBe(0);
    expectNamed(fromDb.stderr);
  }, 60_000);

  it('says nothing when the rules do not run (no rule: term)', () => {
    const scan = trailtop(['scan', logs, '--rules', rules]);
    expect(scan.status, scan.stderr).toBe(0);
    expect(scan.stderr).toBe('');
  }, 60_000);
});
