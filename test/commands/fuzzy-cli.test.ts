import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const SAMPLES = join(ROOT, 'samples');

function trailtop(...args: string[]) {
  const run = spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('fuzzy words on the command line mean what they mean in the dashboard', () => {
  it('scan, export and the exact field agree on a misspelt event name', () => {
    const exact = JSON.parse(trailtop('scan', SAMPLES, '--json', '--filter', 'name:AssumeRole').stdout);
    expect(exact.events.unique).toBeGreaterThan(10);
    // "assumrole" is no substring of any row: only the fuzzy vocabulary finds AssumeRole.
    const fuzzy = JSON.parse(trailtop('scan', SAMPLES, '--json', '--filter', 'assumrole').stdout);
    expect(fuzzy.events.unique).toBe(exact.events.unique);
    expect(fuzzy.topEventNames.map((n: { name: string }) => n.name)).toEqual(['AssumeRole']);

    const exported = trailtop('export', SAMPLES, '--format', 'jsonl', '-o', '-', '--filter', 'assumrole');
    expect(exported.code).toBe(0);
    const names = exported.stdout.trim().split('\n').map((line) => JSON.parse(line).eventName as string);
    expect(names).toHaveLength(exact.events.unique);
    expect(new Set(names)).toEqual(new Set(['AssumeRole']));
  });

  it('a bad query exits 2 with the position and no help pointer noise', () => {
    const bad = trailtop('export', SAMPLES, '--format', 'csv', '-o', '-', '--filter', 'name:');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^trailtop: bad filter at position \d+: /);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});
