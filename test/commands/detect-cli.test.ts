import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ChildReaper, spawnCollected, type CollectedRun } from '../support/processes.js';
import { tempFolder, waitFor, writeRecords } from '../watch/helpers.js';

// Spawns the built CLI: `npm test` compiles dist/ first.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(root, 'bin/trailtop.js');
const DATASETS = join(root, '../shared/datasets');
const STRATUS = join(DATASETS, 'stratus-red-team');
const SIGMA = join(DATASETS, 'sigma-cloudtrail/rules');
const present = existsSync(STRATUS) && existsSync(SIGMA);

const reaper = new ChildReaper();
const cleanups: (() => void)[] = [];
afterEach(() => {
  reaper.killAll();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function run(args: string[], env: NodeJS.ProcessEnv = process.env): CollectedRun {
  return reaper.track(spawnCollected('node', [bin, ...args], { cwd: root, env }));
}

const TRAIL_STOPPED = '0f0e8801-7b3e-407d-bcfd-d0172ba33299';
const builtinEvents = (name: string) =>
  JSON.parse(readFileSync(join(root, 'rules/tests', `${name}.json`), 'utf8')) as { fires: Record<string, unknown>[]; quiet: Record<string, unknown>[] };

describe.skipIf(!present)('trailtop detect', () => {
  it('--json prints the shape of the issue: unique events, rules loaded and skipped with reasons, findings with unique counts', async () => {
    const detect = run(['detect', STRATUS, '--rules', SIGMA, '--json']);
    expect(await detect.exit).toBe(0);
    const report = JSON.parse(detect.stdout()) as {
      events: { unique: number };
      rules: { loaded: number; skipped: { path: string; reason: string }[] };
      findings: { id: string; title: string; level: string; tags: string[]; count: number; first: string; last: string }[];
    };
    expect(Object.keys(report)).toEqual(['events', 'rules', 'findings']);
    expect(report.events).toEqual({ unique: 310 });
    expect(report.rules.loaded).toBe(57 + 28);
    expect(report.rules.skipped).toEqual([]);
    const stopped = report.findings.find((f) => f.id === TRAIL_STOPPED)!;
    expect(stopped).toEqual({
      id: TRAIL_STOPPED,
      title: 'CloudTrail trail stopped or deleted',
      level: 'high',
      tags: ['attack.defense-evasion', 'attack.t1562.008'],
      count: 2,
      first: '2024-07-31T12:46:41.000Z',
      last: '2024-07-31T13:06:24.000Z',
    });
    for (const f of report.findings) expect(Object.keys(f)).toEqual(['id', 'title', 'level', 'tags', 'count', 'first', 'last']);
  });

  it('--level keeps findings at or above it; the text form lists them', async () => {
    const high = run(['detect', STRATUS, '--json', '--level', 'high']);
    expect(await high.exit).toBe(0);
    const levels = (JSON.parse(high.stdout()) as { findings: { level: string }[] }).findings.map((f) => f.level);
    expect(levels.length).toBeGreaterThan(0);
    expect(new Set(levels)).toEqual(new Set(['high']));
    const text = run(['detect', STRATUS]);
    expect(await text.exit).toBe(0);
    expect(text.stdout()).toMatch(/^Findings {2}\d+ rules fired/m);
    expect(text.stdout()).toMatch(/^high +2 {2}2024-07-31T12:46:41Z {2}2024-07-31T13:06:24Z {2}CloudTrail trail stopped or deleted/m);
    // What --level leaves out is said: "Findings  none" alone read as "nothing fired".
    const all = Number(/^Findings {2}(\d+) rules fired/m.exec(text.stdout())![1]);
    const critical = run(['detect', STRATUS, '--level', 'critical']);
    expect(await critical.exit).toBe(0);
    expect(critical.stdout()).toMatch(new RegExp(`^Findings {2}none at critical or above; ${all} rules fired below it \\(left out by --level\\)$`, 'm'));
    const highText = run(['detect', STRATUS, '--level', 'high']);
    expect(await highText.exit).toBe(0);
    expect(highText.stdout()).toMatch(new RegExp(`^Findings {2}${levels.length} rules fired \\(${levels.length} high\\); ${all - levels.length} more fired below high \\(left out by --level\\)$`, 'm'));
  });

  it('exits 2 on a rules folder that does not exist, from --rules or TRAILTOP_RULES, on every command', async () => {
    for (const args of [['detect', STRATUS], ['scan', STRATUS], ['tail', STRATUS], ['export', STRATUS, '-o', '-', '--format', 'jsonl']]) {
      const viaOption = run([...args, '--rules', '/nonexistent/rules']);
      expect(await viaOption.exit, args[0]).toBe(2);
      expect(viaOption.stdout()).toBe('');
    }
    const viaEnv = run(['detect', STRATUS], { ...process.env, TRAILTOP_RULES: '/nonexistent/rules' });
    expect(await viaEnv.exit).toBe(2);
    // Set in a profile long ago, it is nowhere on the command line: the message says where it came from.
    expect(viaEnv.stderr()).toBe('trailtop: no such rules folder: /nonexistent/rules (named in TRAILTOP_RULES)\n');
    const viaOption = run(['detect', STRATUS, '--rules', '/nonexistent/rules']);
    expect(await viaOption.exit).toBe(2);
    expect(viaOption.stderr()).toBe('trailtop: no such rules folder: /nonexistent/rules\n');
  });

  it('rule: filters work headless: scan, scan --histogram, export', async () => {
    const scan = run(['scan', STRATUS, '--json', '--filter', `rule:${TRAIL_STOPPED}`]);
    expect(await scan.exit).toBe(0);
    expect((JSON.parse(scan.stdout()) as { events: { unique: number } }).events.unique).toBe(2);
    const histogram = run(['scan', STRATUS, '--histogram', '--bucket', '1d', '--json', '--filter', `rule:${TRAIL_STOPPED}`]);
    expect(await histogram.exit).toBe(0);
    expect((JSON.parse(histogram.stdout()) as { count: number }[]).reduce((sum, b) => sum + b.count, 0)).toBe(2);
    const exported = run(['export', STRATUS, '-o', '-', '--format', 'jsonl', '--filter', 'rule:"CloudTrail trail stopped or deleted"']);
    expect(await exported.exit).toBe(0);
    expect(exported.lines().map((l) => (JSON.parse(l) as { eventName: string }).eventName).sort()).toEqual(['DeleteTrail', 'StopLogging']);
  });

  // As on an archive (export --db): a rule: term naming no loaded rule (a typo, a --rules folder left out) is
  // refused with the reason, not answered with nothing (which reads as "the rule did not fire").
  it('rule: naming no loaded rule is a usage error for scan, export and tail, with or without a minus', async () => {
    for (const args of [
      ['scan', STRATUS, '--json', '--filter', 'rule:no-such-rule'],
      ['scan', STRATUS, '--histogram', '--filter', 'rule:no-such-rule'],
      ['export', STRATUS, '-o', '-', '--format', 'jsonl', '--filter', 'name:DeleteTrail -rule:*no-such*'],
      ['tail', STRATUS, '--filter', 'rule:"AWS Root Credentials"'],
    ]) {
      const refused = run(args);
      expect(await refused.exit, args.join(' ')).toBe(2);
      expect(refused.stdout()).toBe('');
      expect(refused.stderr()).toMatch(/rule:.* names none of the \d+ detection rules loaded/);
    }
    // The SigmaHQ title is named once its folder is given.
    const named = run(['export', STRATUS, '-o', '-', '--format', 'jsonl', '--rules', SIGMA, '--filter', 'rule:"AWS Root Credentials"']);
    expect(await named.exit).toBe(0);
  });
});

describe('trailtop tail --findings-only', () => {
  it('prints only events that fired a rule, as {"rules", "event"} lines, including one in a file added while it runs', async () => {
    const temp = tempFolder('trailtop-findings-');
    cleanups.push(temp.remove);
    const kms = builtinEvents('kms_key_scheduled_for_deletion');
    const sg = builtinEvents('security_group_open_to_world');
    writeRecords(join(temp.dir, 'first.json'), [kms.fires[0]!, kms.quiet[0]!]);
    const tail = run(['tail', temp.dir, '--findings-only']);
    await waitFor(() => tail.lines().length === 1, 'the existing finding', 8_000);
    expect(JSON.parse(tail.lines()[0]!)).toEqual({ rules: ['89ed80d9-3c0e-4278-ab18-d854acbe4fd3'], event: kms.fires[0] });
    writeRecords(join(temp.dir, 'later.json'), [sg.quiet[0]!, sg.fires[0]!]);
    await waitFor(() => tail.lines().length === 2, 'the new finding', 8_000);
    expect(JSON.parse(tail.lines()[1]!)).toEqual({ rules: ['3887a9bf-0251-47aa-934c-64f0d2f3f563'], event: sg.fires[0] });
    tail.child.kill('SIGINT');
    expect(await tail.exit).toBe(0);
  });
});
