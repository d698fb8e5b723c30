import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function run(...args: string[]) {
  // stdio pipes: stdout is not a terminal here, as in `trailtop DIR | less`.
  const result = spawnSync('node', ['bin/trailtop.js', ...args], { cwd: repo, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('trailtop [DIR] (the dashboard command)', () => {
  it('exits 2 with one line for a missing folder or a device', () => {
    const missing = run('/definitely/not/here');
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('no such folder');
    const device = run('/dev/null');
    expect(device.code).toBe(2);
    expect(device.stderr).toContain('not a folder or regular file');
    // A file is accepted: here it is refused only for want of a terminal.
    const file = run('package.json');
    expect(file.code).toBe(2);
    expect(file.stderr).toContain('needs a terminal');
  });

  it('refuses to draw when stdout is not a terminal and points to scan/tail', () => {
    const piped = run('test');
    expect(piped.code).toBe(2);
    expect(piped.stderr).toContain('scan');
    expect(piped.stderr).toContain('tail');
    expect(piped.stdout).toBe('');
  });

  it('prints its usage with --help and rejects unknown options', () => {
    const help = run('--no-watch', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--no-watch');
    expect(help.stdout).toContain('--no-history');
    // --no-history is an option of the dashboard, not an unknown flag.
    expect(run('--no-history', '--help').code).toBe(0);
    expect(run('test', '--bogus').code).toBe(2);
  });
});
