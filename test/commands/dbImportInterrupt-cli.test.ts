/**
 * Ctrl-C (or SIGTERM) while `scan|detect|chain --db FILE DIR` import DIR killed the process with no
 * word, its progress bar left on the terminal. They now stop the import between batches as `archive`
 * does, clear the bar, say what happened and exit 130 (143), with no summary printed. Needs a build
 * (npm test builds first).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordsJson, tempFolder } from '../support/files.js';
import { ChildReaper, spawnCollected } from '../support/processes.js';
import { hasTmux, requireTmuxInCi, tmuxServer } from '../support/tmux.js';

const ROOT = resolve(import.meta.dirname, '../..');
const scratch = tempFolder('trailtop-db-import-interrupt-');
const logs = join(scratch.dir, 'logs');
const reaper = new ChildReaper();

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
  mkdirSync(logs);
  // Enough files that the import is still running when the signal comes (it starts once the archive file exists),
  // and that its bar is on a terminal for a while (seconds) before it ends.
  for (let f = 0; f < 1500; f++) {
    const events = Array.from({ length: 100 }, (_, i) => ({
      eventVersion: '1.08',
      eventID: `e-${f}-${i}`,
      eventTime: '2024-03-05T12:00:00Z',
      eventName: 'GetObject',
      eventSource: 's3.amazonaws.com',
      awsRegion: 'us-east-1',
      requestParameters: { bucketName: `bucket-${f}`, key: `object-${i}` },
    }));
    writeFileSync(join(logs, `f${f}.json`), recordsJson(events));
  }
});
afterEach(() => reaper.killAll());
afterAll(() => scratch.remove());

async function interruptImport(command: string[], db: string, signal: NodeJS.Signals): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = reaper.track(spawnCollected(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...command], { cwd: scratch.dir }));
  // The archive file appears when the import opens it, after the command has taken the signals.
  while (!existsSync(db)) {
    if (run.child.exitCode !== null) break;
    await new Promise((done) => setTimeout(done, 10));
  }
  run.child.kill(signal);
  const code = await run.exit;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

describe('--db FILE DIR interrupted during the import', () => {
  it('scan: Ctrl-C says so and exits 130, no summary', async () => {
    const db = join(scratch.dir, 'scan.duckdb');
    const run = await interruptImport(['scan', '--db', db, logs], db, 'SIGINT');
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toMatch(/^trailtop: interrupted \(SIGINT\) while importing .*logs into .*scan\.duckdb: /m);
    expect(run.stdout).toBe('');
  }, 60_000);

  it('detect: SIGTERM says so and exits 143', async () => {
    const db = join(scratch.dir, 'detect.duckdb');
    const run = await interruptImport(['detect', '--db', db, logs], db, 'SIGTERM');
    expect(run.code, run.stderr).toBe(143);
    expect(run.stderr).toContain('trailtop: interrupted (SIGTERM) while importing');
    expect(run.stdout).toBe('');
  }, 60_000);

  it('chain: Ctrl-C says so and exits 130', async () => {
    const db = join(scratch.dir, 'chain.duckdb');
    const run = await interruptImport(['chain', '--db', db, logs, 'e-0-0'], db, 'SIGINT');
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toContain('trailtop: interrupted (SIGINT) while importing');
    expect(run.stdout).toBe('');
  }, 60_000);

  requireTmuxInCi('the import bar cleared at Ctrl-C');
  it.skipIf(!hasTmux)('on a terminal, Ctrl-C clears the bar: the message alone is left', async () => {
    const tmux = tmuxServer('dbimportinterrupt');
    const bin = join(ROOT, 'bin/trailtop.js');
    try {
      // The trap keeps the shell (which Ctrl-C reaches too) up to say how node exited.
      tmux.start('scan', 120, 10, `stty echoctl; trap : INT; cd ${JSON.stringify(scratch.dir)} && node ${JSON.stringify(bin)} scan --db tty.duckdb logs; echo "EXITED $?"; sleep 30`);
      await tmux.waitFor('scan', (text) => / files /.test(text), 'the import bar', { timeoutMs: 30_000, failOnExit: true });
      tmux.keys('scan', 'C-c');
      const screen = await tmux.waitFor('scan', (text) => text.includes('EXITED'), 'the exit', { timeoutMs: 30_000 });
      const lines = screen.split('\n').filter((l) => l.trim() !== '');
      expect(lines[0]).toMatch(/^trailtop: interrupted \(SIGINT\) while importing logs into tty\.duckdb: /);
      expect(lines[lines.length - 1]).toBe('EXITED 130');
      expect(screen).not.toMatch(/ files /);
    } finally {
      tmux.kill();
    }
  }, 60_000);
});
