/**
 * A rule's regex that repeats a repetition (`^(a+)+$`) against a value an attacker wrote (`aaaa…!`):
 * V8's backtracking takes about 2^n steps there, so `detect` never finished and the dashboard froze
 * (detect/regexNesting.ts). Run as the built CLI in a child process: a hang is a child killed at the
 * guard's limit, not a test runner blocked for good.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentEvent, BIN, ROOT } from './stallFixtures.js';

/** Far past what detect needs here (well under a second): only a hang reaches it. */
const HANG_GUARD_MS = 60_000;

const event = agentEvent;

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

/**
 * Ambiguous repetitions other than the nested one (detect/regexAmbiguity.ts): each rule below takes
 * minutes or more on its hostile value in V8 (2^60 ways, or C(60,20) for the bounded one), so without
 * the check the child is killed at the guard and the test fails in about 15 s, never hangs.
 */
describe('a regex whose repetition can match one text in many ways, on attacker-written values', () => {
  const GUARD_MS = 15_000;
  const TEST_MS = 20_000;
  const shapes: [string, string, string][] = [
    ['alt-overlap', '^(a|aa)+$', `${'a'.repeat(60)}!`],
    ['alt-optional', '^(a|a?)+$', `${'a'.repeat(60)}!`],
    ['class-overlap', '^(\\w|\\d)+$', `${'1'.repeat(60)}!`],
    ['optional-tail', '^(a+b?)+$', `${'a'.repeat(60)}!`],
    ['words', '^(\\w+\\s?)*$', `${'a'.repeat(60)}!`],
    ['bounded', '(.*,){20}x', `x${','.repeat(80)}`],
  ];
  const ruleText = (name: string, source: string): string =>
    RULE.replace("User agent of a's only", `Ambiguous ${name}`)
      .replace('6d1c6f43-3f4b-4c1e-9a39-2f0c1f7b7a11', `6d1c6f43-3f4b-4c1e-9a39-${String(shapes.findIndex(([n]) => n === name)).padStart(12, '0')}`)
      // A function: in a replacement string, the source's `$'` would be the text after the match.
      .replace("userAgent|re: '^(a+)+$'", () => `userAgent|re: '${source}'`);
  const SAFE_RULE = RULE.replace("User agent of a's only", 'Agent under amazonaws')
    .replace('6d1c6f43-3f4b-4c1e-9a39-2f0c1f7b7a11', '6d1c6f43-3f4b-4c1e-9a39-2f0c1f7b7a12')
    .replace("userAgent|re: '^(a+)+$'", () => "userAgent|re: '^(?:[a-z0-9-]+\\.)+amazonaws\\.com$'");
  let dir: string;
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
    dir = mkdtempSync(join(tmpdir(), 'trailtop-ambiguous-'));
    for (const folder of ['one', 'many', 'rules']) mkdirSync(join(dir, folder));
    const records = [...shapes.map(([name, , value]) => event(`hostile-${name}`, value)), event('service', 'lambda.amazonaws.com'), event('other', 'aws-cli/2.15.0')];
    writeFileSync(join(dir, 'one', 'f.json'), JSON.stringify({ Records: records }));
    // More files than detect reads on its own thread: the worker threads run the rules.
    for (let k = 0; k < 12; k++) writeFileSync(join(dir, 'many', `f${k}.json`), JSON.stringify({ Records: records.map((r) => ({ ...r, eventID: `${(r as { eventID: string }).eventID}-${k}` })) }));
    for (const [name, source] of shapes) writeFileSync(join(dir, 'rules', `${name}.yml`), ruleText(name, source));
    writeFileSync(join(dir, 'rules', 'safe.yml'), SAFE_RULE);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[]) =>
    spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: GUARD_MS, env: { ...process.env, NO_COLOR: '1', XDG_STATE_HOME: join(dir, 'state') } });

  type Report = { events: { unique: number }; rules: { loaded: number; skipped: { path: string; reason: string }[] }; findings: { title: string; count: number }[] };
  const expectRefused = (report: Report): void => {
    expect(report.rules.skipped.map((s) => s.path).sort()).toEqual(shapes.map(([name]) => join('rules', `${name}.yml`)).sort());
    for (const skipped of report.rules.skipped) expect(skipped.reason).toMatch(/userAgent\|re: .+ (can match the same text in many ways|repeats a repetition)/);
    expect(report.findings.find((f) => f.title === 'Agent under amazonaws')?.count).toBeGreaterThan(0);
  };

  it.each([
    ['one file, read on the main thread', 'one', 8],
    ['twelve files, read on worker threads', 'many', 96],
  ])('detect on %s finishes and lists each such rule as not run, with why', (_, folder, unique) => {
    const result = run([BIN, 'detect', folder, '--rules', 'rules', '--json']);
    expect(result.signal, 'detect was killed: it did not finish').toBeNull();
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.events.unique).toBe(unique);
    expectRefused(report);
  }, TEST_MS);

  it('the in-memory detector (what the dashboard readers run per record) never gets such a rule', () => {
    // The built modules in a child: a hang there is killed at the guard, not this test runner.
    const script = `
      import { loadRuleSet } from ${JSON.stringify(join(ROOT, 'dist/detect/loadRules.js'))};
      import { createDetector } from ${JSON.stringify(join(ROOT, 'dist/detect/recordDetector.js'))};
      import { readFileSync } from 'node:fs';
      const set = loadRuleSet(['rules'], { builtin: false });
      const detector = createDetector(set.rules);
      const { Records } = JSON.parse(readFileSync('one/f.json', 'utf8'));
      const fired = Records.map((r) => detector.test(r)?.map((i) => set.rules[i].title) ?? null);
      console.log(JSON.stringify({ loaded: set.rules.map((r) => r.title), skipped: set.skipped.length, fired }));
    `;
    const result = run(['--input-type=module', '-e', script]);
    expect(result.signal, 'the detector was killed: it did not finish').toBeNull();
    expect(result.status, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as { loaded: string[]; skipped: number; fired: (string[] | null)[] };
    expect(out.loaded).toEqual(['Agent under amazonaws']);
    expect(out.skipped).toBe(shapes.length);
    expect(out.fired.filter((f) => f !== null)).toEqual([['Agent under amazonaws']]);
  }, TEST_MS);
});

/**
 * A regex the load-time check lets through (polynomial: `\s*\s*\s*(?:x|y)` is n^4 tries on 3000
 * spaces, minutes) still cannot hold `detect` for ever: the worker pool's watchdog stops the worker
 * after 5 s in one rule test; the rule is turned off for the rest of the run and the file is read
 * again without it, so its events still count, and the stop is told naming the rule and the file.
 */
describe('a rule test that runs for minutes on a worker', () => {
  const GUARD_MS = 18_000;
  let dir: string;
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
    dir = mkdtempSync(join(tmpdir(), 'trailtop-watchdog-'));
    mkdirSync(join(dir, 'logs'));
    mkdirSync(join(dir, 'rules'));
    for (let k = 0; k < 12; k++) {
      const records = [event(`plain-${k}`, 'aws-cli/2.15.0'), event(`y-${k}`, 'agent y')];
      if (k === 5) records.push(event('hostile', `${' '.repeat(3000)}!`));
      writeFileSync(join(dir, 'logs', `f${String(k).padStart(2, '0')}.json`), JSON.stringify({ Records: records }));
    }
    writeFileSync(join(dir, 'rules', 'slow.yml'), RULE.replace("User agent of a's only", 'Slow agent').replace("userAgent|re: '^(a+)+$'", () => "userAgent|re: '\\s*\\s*\\s*(?:x|y)'"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('detect stops the rule, keeps that file\'s events, and tells of the stop', () => {
    const result = spawnSync(process.execPath, [BIN, 'detect', 'logs', '--rules', 'rules', '--json'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: GUARD_MS,
      env: { ...process.env, NO_COLOR: '1', XDG_STATE_HOME: join(dir, 'state') },
    });
    expect(result.signal, 'detect was killed: it did not finish').toBeNull();
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      events: { unique: number };
      rules: { skipped: unknown[]; stopped?: { file: string; reason: string }[] };
      findings: { title: string; count: number }[];
    };
    expect(report.rules.skipped).toEqual([]);
    const stop = `rule Slow agent (${join('rules', 'slow.yml')}) stopped after 5 s on one event of this file`;
    expect(result.stderr).toContain(`detection stopped on ${join('logs', 'f05.json')}: ${stop}`);
    expect(result.stderr).not.toContain('bad file');
    expect(report.rules.stopped).toEqual([{ file: join('logs', 'f05.json'), reason: expect.stringContaining(stop) }]);
    // Twelve files of two events each and the hostile one: the stopped file's events count too.
    expect(report.events.unique).toBe(25);
    // Off from the stop on: the files the other worker read before it still fired (which those are is timing).
    const fired = report.findings.find((f) => f.title === 'Slow agent')?.count ?? 0;
    expect(fired).toBeLessThanOrEqual(11);
  }, 20_000);
});

/**
 * The same on the dashboard's load (openFolder with the rules, its parse workers): a file larger
 * than those read on the main thread holds the hostile value; without the watchdog the load never
 * ends (the child is killed at the guard), with it the rule is stopped and told of (progress.ruleStops),
 * and the file is read again without it: all its events load, none twice, and it is not a bad file.
 */
describe('a rule test that runs for minutes in a parse worker of the dashboard', () => {
  const GUARD_MS = 18_000;
  let dir: string;
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
    dir = mkdtempSync(join(tmpdir(), 'trailtop-watchdog-load-'));
    mkdirSync(join(dir, 'logs'));
    mkdirSync(join(dir, 'rules'));
    // Past 256 KiB, so a worker reads it (ingest/watch.ts INLINE_MAX_BYTES).
    const filler = Array.from({ length: 1500 }, (_, k) => event(`filler-${k}`, `aws-cli/2.15.0 ${'z'.repeat(200)}`));
    writeFileSync(join(dir, 'logs', 'big.json'), JSON.stringify({ Records: [...filler, event('hostile', `${' '.repeat(3000)}!`)] }));
    writeFileSync(join(dir, 'logs', 'small.json'), JSON.stringify({ Records: [event('y', 'agent y')] }));
    writeFileSync(join(dir, 'rules', 'slow.yml'), RULE.replace("User agent of a's only", 'Slow agent').replace("userAgent|re: '^(a+)+$'", () => "userAgent|re: '\\s*\\s*\\s*(?:x|y)'"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the load ends, the rule is stopped and told of, every event is loaded', () => {
    const script = `
      import { loadRuleSet } from ${JSON.stringify(join(ROOT, 'dist/detect/loadRules.js'))};
      import { detectionSession } from ${JSON.stringify(join(ROOT, 'dist/detect/session.js'))};
      import { openFolder } from ${JSON.stringify(join(ROOT, 'dist/ingest/open.js'))};
      const set = loadRuleSet(['rules'], { builtin: false });
      const session = detectionSession(set);
      const folder = openFolder('logs', { watch: false, detection: session.detection });
      await folder.ready;
      await folder.close();
      const p = folder.store.progress;
      console.log(JSON.stringify({ bad: p.badFiles, stops: p.ruleStops, events: p.eventsRead, size: folder.store.size, findings: session.findings.list().map((f) => [f.rule.title, f.count]) }));
    `;
    // A file, not -e: workers inherit --input-type, fail to start, and the pool then reads on its own thread.
    writeFileSync(join(dir, 'load.mjs'), script);
    const result = spawnSync(process.execPath, ['load.mjs'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: GUARD_MS,
      env: { ...process.env, NO_COLOR: '1', XDG_STATE_HOME: join(dir, 'state') },
    });
    expect(result.signal, 'the load was killed: it did not finish').toBeNull();
    expect(result.status, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as { bad: unknown[]; stops: { path: string; reason: string }[]; events: number; size: number; findings: [string, number][] };
    expect(out.bad).toEqual([]);
    expect(out.stops).toEqual([{ path: expect.stringMatching(/big\.json$/), reason: expect.stringContaining(`rule Slow agent (${join('rules', 'slow.yml')}) stopped after 5 s on one event of this file`) }]);
    // 1500 fillers, the hostile event and small.json's: each once (the stopped file's rows were not delivered twice).
    expect(out.size).toBe(1502);
    expect(out.events).toBe(1502);
    // small.json fires it unless it was read after the stop (timing).
    expect(out.findings.every(([title, count]) => title === 'Slow agent' && count <= 1)).toBe(true);
  }, 20_000);
});
