/**
 * A rule the watchdog stops (detect/ruleWatch.ts: one test past 5 s on a value an attacker wrote)
 * costs the user no events: the file is read again without the rule, which stays off for the rest
 * of the run, and the stop is told on stderr naming the rule and the file. Run as the built CLI in
 * child processes with a time guard: a hang is a child killed, not a test runner blocked.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuleNeedsWorker } from '../../src/detect/inlineGuard.js';
import { createDetector } from '../../src/detect/recordDetector.js';
import { newBeat } from '../../src/detect/ruleWatch.js';
import type { QueryNode } from '../../src/query/ast.js';
import { agentEvent, BIN, dashboardLoad, ROOT } from './stallFixtures.js';

/** The 5 s budget, once, and the rest of the run: a hang (minutes) is killed here. */
const GUARD_MS = 18_000;

const event = agentEvent;

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
    const summary = JSON.parse(result.stdout) as { files: { bad: unknown[]; rulesStopped?: { path: string; reason: string }[] }; events: { total: number; read: number } };
    expect(summary.files.bad).toEqual([]);
    expect(summary.files.rulesStopped).toEqual([{ path: join('logs', 'f05.json'), reason: expect.stringContaining('rule Slow agent') }]);
    expect(summary.events.total).toBe(25);
    // Off from the stop on: the y- events of the files read before it matched (which those are is timing).
    expect(summary.events.read).toBeLessThanOrEqual(11);
    expect(result.stderr).toContain(STOP);
  }, 20_000);
});

/**
 * Reads on the main thread (detect or scan of up to 8 files, the dashboard's small files) had no
 * watchdog: a rule test there cannot be stopped, and the process hung for good. Now a main-thread
 * read that meets a record a regex rule must test hands its file to a worker (detect/inlineGuard.ts).
 */
describe('a rule that would stall on the main thread', () => {
  let dir: string;
  beforeAll(() => {
    // Few files, all small: before, every one was read on the main thread. f05 holds the hostile value, a
    // copy of f02's plain-2 and a copy of f09's plain-9 that differs: the copy kept is the first in file
    // order (f05's), however f05 was handed from this thread to a worker and read twice.
    const all = twelveFiles();
    const files: Record<string, object[]> = {};
    for (const name of ['f02.json', 'f03.json', 'f05.json', 'f06.json', 'f09.json']) files[name] = all[name]!;
    files['f05.json'] = [...files['f05.json']!.slice(0, 4), event('plain-9', 'aws-cli/2.16.0 other')];
    dir = makeDir('trailtop-rulestop-main-', files);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('detect of a few files ends, the stopped file\'s events counted', () => {
    const result = cli(dir, ['detect', 'logs', '--rules', 'rules', '--json']);
    expect(result.signal, 'detect was killed: it did not finish').toBeNull();
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { events: { unique: number }; rules: { stopped?: unknown[] }; findings: { title: string; count: number }[] };
    // Five files of two events and the hostile one (f05's plain-2 and plain-9 are copies).
    expect(report.events.unique).toBe(11);
    expect(report.findings.filter((f) => f.title.startsWith('Conflicting duplicate')).map((f) => f.count)).toEqual([1]);
    expect(result.stderr).toContain(STOP);
  }, 20_000);

  it('detect of that one file ends', () => {
    const result = cli(dir, ['detect', join('logs', 'f05.json'), '--rules', 'rules', '--json']);
    expect(result.signal, 'detect was killed: it did not finish').toBeNull();
    expect(result.status, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { events: { unique: number } }).events.unique).toBe(5);
  }, 20_000);

  it('scan with a rule: filter ends, every event counted', () => {
    const result = cli(dir, ['scan', 'logs', '--rules', 'rules', '--filter', `rule:${RULE_ID}`, '--json']);
    expect(result.signal, 'scan was killed: it did not finish').toBeNull();
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { events: { total: number }; conflictingDuplicates: { eventID: string; file: string }[] };
    expect(summary.events.total).toBe(11);
    // The copy kept is f05's, the first in file order: f09's is the one that differs.
    expect(summary.conflictingDuplicates).toEqual([{ eventID: 'plain-9', file: expect.stringMatching(/f09\.json$/) }]);
    expect(result.stderr).toContain(STOP);
  }, 20_000);

  it('scan --histogram with a rule: filter ends', () => {
    const result = cli(dir, ['scan', 'logs', '--rules', 'rules', '--filter', `rule:${RULE_ID}`, '--histogram', '--json']);
    expect(result.signal, 'scan --histogram was killed: it did not finish').toBeNull();
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain('rule Slow agent');
  }, 20_000);

  it('the dashboard\'s load (small files read beside the workers) ends, every event loaded once', () => {
    const result = dashboardLoad(
      dir,
      '{ bad: p.badFiles, stops: p.ruleStops.length, events: p.eventsRead, size: folder.store.size, conflicts: p.conflicts.map((c) => [c.eventID, c.keptFile.split("/").pop(), c.file.split("/").pop()]) }',
      GUARD_MS,
    );
    expect(result.signal, 'the load was killed: it did not finish').toBeNull();
    expect(result.status, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as { bad: unknown[]; stops: number; events: number; size: number };
    // 13 records, 11 events: the copies counted once, the differing one kept from f05, the first in file order.
    expect(out).toEqual({ bad: [], stops: 1, events: 13, size: 11, conflicts: [['plain-9', 'f05.json', 'f09.json']] });
  }, 20_000);
});

describe('tail with rules over a file a rule stalls on', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeDir('trailtop-rulestop-tail-', { 'f05.json': twelveFiles()['f05.json']! });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints every event of the file and says the rule was stopped', async () => {
    // A rule: term runs the rules; every event matches the other side of the `or`.
    const child = spawn(process.execPath, [BIN, 'tail', 'logs', '--rules', 'rules', '--filter', `rule:${RULE_ID} OR name:GetCallerIdentity`], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', XDG_STATE_HOME: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'config'), XDG_CACHE_HOME: join(dir, 'cache') },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = () => stdout.split('\n').filter(Boolean).length;
    // Until the five events are printed and the stop is said, or the guard: then Ctrl-C.
    await new Promise<void>((resolve) => {
      const guard = setTimeout(resolve, GUARD_MS - 2_000);
      const poll = setInterval(() => {
        if (lines() >= 5 && stderr.includes('detection stopped on')) {
          clearTimeout(guard);
          clearInterval(poll);
          resolve();
        }
      }, 100);
      guard.unref();
    });
    child.kill('SIGINT');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(lines()).toBe(5);
    expect(stderr).toContain(`rule Slow agent (${join('rules', 'slow.yml')}) stopped after 5 s on one event of this file`);
    expect(stderr.match(/detection stopped on/g)).toHaveLength(1);
  }, 20_000);
});

/**
 * Values sized to hold each test of the rule 1-2 s (450 spaces: n^4 tries), under the 5 s budget:
 * without more, twenty such events kept detect busy for half a minute (hours, with more of them),
 * and the watchdog never fired. Three tests of more than 1 s turn the rule off (ruleWatch.ts SLOW_TESTS).
 */
describe('a rule whose tests each run just under the budget', () => {
  let dir: string;
  beforeAll(() => {
    const records = [event('y', 'agent y')];
    for (let k = 0; k < 20; k++) records.push(event(`slow-${k}`, `${' '.repeat(450)}!`));
    dir = makeDir('trailtop-rulestop-slow-', { 's.json': records });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // On a machine busy enough to slow one such test past 5 s, the stall stops it first: as good.
  const SLOW = new RegExp(
    `rule Slow agent \\(${join('rules', 'slow.yml').replace(/[.\\]/g, '\\$&')}\\) (turned off here after 3 tests of more than 1 s on one event each|stopped after 5 s on one event)`,
  );

  it('detect turns it off after three such tests, every event counted', () => {
    const result = cli(dir, ['detect', 'logs', '--rules', 'rules', '--json']);
    expect(result.signal, 'detect was killed: it did not finish').toBeNull();
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { events: { unique: number }; rules: { stopped?: { file: string; reason: string }[] } };
    expect(report.events.unique).toBe(21);
    expect(result.stderr).toContain(`detection stopped on ${join('logs', 's.json')}: `);
    expect(result.stderr).toMatch(SLOW);
    expect(report.rules.stopped).toHaveLength(1);
  }, 20_000);

  it('the dashboard\'s load does too', () => {
    const result = dashboardLoad(dir, '{ bad: p.badFiles, stops: p.ruleStops, size: folder.store.size }', GUARD_MS);
    expect(result.signal, 'the load was killed: it did not finish').toBeNull();
    expect(result.status, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as { bad: unknown[]; stops: { path: string; reason: string }[]; size: number };
    expect(out.bad).toEqual([]);
    expect(out.size).toBe(21);
    expect(out.stops).toEqual([{ path: expect.stringMatching(/s\.json$/), reason: expect.stringMatching(SLOW) }]);
  }, 20_000);
});

describe('a rule turned off as slow whose last test then stalls', () => {
  let dir: string;
  beforeAll(() => {
    // Two tests of 1-2 s, then one of minutes: the third slow test turns the rule off at 1 s, and at 5 s the
    // same test is stopped and the file read again. One stop to tell, not two.
    const records = [event('y', 'agent y'), event('slow-0', `${' '.repeat(450)}!`), event('slow-1', `${' '.repeat(450)}!`), event('hostile', HOSTILE)];
    dir = makeDir('trailtop-rulestop-slowstall-', { 's.json': records });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('detect tells of the rule once, every event counted', () => {
    const result = cli(dir, ['detect', 'logs', '--rules', 'rules', '--json']);
    expect(result.signal, 'detect was killed: it did not finish').toBeNull();
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { events: { unique: number }; rules: { stopped?: { file: string; reason: string }[] } };
    expect(report.events.unique).toBe(4);
    expect(report.rules.stopped).toHaveLength(1);
    expect(result.stderr.match(/detection stopped on/g)).toHaveLength(1);
  }, 20_000);
});

describe('a rule test that throws', () => {
  it('leaves no rule under test on the beat: the watchdog would take the idle or parsing worker for one stalled in it', () => {
    // A record nested past the stack: the rule's JSON text of the value overflows it (the reader makes the file bad).
    let deep: unknown = 'x';
    for (let k = 0; k < 200_000; k++) deep = [deep];
    const rule: QueryNode = {
      kind: 'field',
      ref: { kind: 'path', path: ['requestParameters', 'policyDocument'] },
      match: { kind: 'glob', pattern: { segments: ['', 'iam:passrole', ''], glob: true } },
    };
    const detector = createDetector([{ ast: rule }]);
    const beat = newBeat();
    detector.watchWith(beat);
    expect(() => detector.test({ eventName: 'PutRolePolicy', requestParameters: { policyDocument: deep } })).toThrow(RangeError);
    expect(beat[1]).toBe(0);
  });
});

describe('a detector on a main thread', () => {
  const path = { kind: 'path', path: ['userAgent'] } as const;
  const glob: QueryNode = { kind: 'field', ref: path, match: { kind: 'glob', pattern: { segments: ['aws', ''], glob: true } } };
  const regex = (source: string): QueryNode => ({ kind: 'field', ref: path, match: { kind: 'regex', source, flags: '' } });

  it('never runs a regex rule: it throws RuleNeedsWorker and counts the trip; other rules run', () => {
    const detector = createDetector([{ ast: glob }, { ast: regex('\\s*\\s*\\s*(?:x|y)') }]);
    detector.guardOnThisThread();
    expect(() => detector.test({ eventName: 'GetCallerIdentity', userAgent: `${' '.repeat(3000)}!` })).toThrow(RuleNeedsWorker);
    expect(detector.trips).toBe(1);
    // Without a regex rule due, the read stays here.
    const plain = createDetector([{ ast: glob }]);
    plain.guardOnThisThread();
    expect(plain.test({ eventName: 'GetCallerIdentity', userAgent: 'aws-cli/2' })).toEqual([0]);
    expect(plain.trips).toBe(0);
  });

  it("never runs a |fieldref rule either: two long lists cost their product (a 1 MB record, minutes)", () => {
    const compare: QueryNode = { kind: 'compare', left: { kind: 'path', path: ['userIdentity', 'arn'] }, right: { kind: 'path', path: ['requestParameters', 'userName'] }, position: 'contains' };
    const detector = createDetector([{ ast: glob }, { ast: compare }]);
    detector.guardOnThisThread();
    const many = (prefix: string) => Array.from({ length: 100 }, (_, k) => `${prefix}${k}`);
    const record = { eventName: 'UpdateLoginProfile', userAgent: 'aws-cli/2', userIdentity: { arn: many('a') }, requestParameters: { userName: many('b') } };
    expect(() => detector.test(record)).toThrow(RuleNeedsWorker);
    expect(detector.trips).toBe(1);
  });

  it('unguarded (a worker, under the watchdog) runs it', () => {
    const detector = createDetector([{ ast: glob }, { ast: regex('x$') }]);
    expect(detector.test({ eventName: 'GetCallerIdentity', userAgent: 'aws-x' })).toEqual([0, 1]);
    expect(detector.trips).toBe(0);
  });
});
