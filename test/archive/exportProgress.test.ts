/**
 * `export --db` on a terminal draws the folder export's progress bar on stderr, events written
 * out of those counted, and clears it before its last line; piped, it prints that line alone.
 * It drew nothing at all, however long a big archive took. The terminal is a tmux pane whose
 * output is copied byte for byte (pipe-pane): the bar is cleared at the end, so the screen alone
 * would never show it. Needs a build (npm test builds first) and tmux (CI installs it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordsJson, tempFolder } from '../support/files.js';
import { hasTmux, requireTmuxInCi, tmuxServer, trailtopCommand } from '../support/tmux.js';

const ROOT = resolve(import.meta.dirname, '../..');
const scratch = tempFolder('trailtop-export-progress-');
const logs = join(scratch.dir, 'logs');
const db = join(scratch.dir, 'trail.duckdb');
const EVENTS = 3;

function trailtop(args: string[]): { status: number | null; stdout: string; stderr: string } {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
  return spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...args], { encoding: 'utf8', timeout: 60_000 });
}

beforeAll(() => {
  mkdirSync(logs);
  const events = Array.from({ length: EVENTS }, (_, i) => ({
    eventVersion: '1.08',
    eventID: `e${i}`,
    eventTime: `2024-01-01T00:00:0${i}Z`,
    eventName: 'ListBuckets',
    eventSource: 's3.amazonaws.com',
    awsRegion: 'us-east-1',
  }));
  writeFileSync(join(logs, 'a.json'), recordsJson(events));
  const run = trailtop(['archive', logs, '--db', db, '--quiet']);
  expect(run.status, run.stderr).toBe(0);
}, 60_000);
afterAll(() => scratch.remove());

describe('export --db progress', () => {
  it('piped, stderr holds only the line that says what was written', () => {
    const out = join(scratch.dir, 'piped.jsonl');
    const run = trailtop(['export', '--db', db, '-o', out]);
    expect(run.status, run.stderr).toBe(0);
    // The folder export's words: how many, how big, where.
    expect(run.stderr).toBe(`trailtop: wrote ${EVENTS} events (${statSync(out).size} B) to ${out}\n`);
  });

  requireTmuxInCi('export --db drawing its progress on a terminal');
  it.skipIf(!hasTmux)('on a terminal, the folder export\'s bar up to all the events counted, cleared before the last line', async () => {
    const out = join(scratch.dir, 'tty.jsonl');
    const raw = join(scratch.dir, 'pane.raw');
    const go = join(scratch.dir, 'go');
    writeFileSync(raw, '');
    const tmux = tmuxServer('exportprogress');
    try {
      // Started only once the pane's output is being copied, so none of it is missed.
      tmux.start('export', 120, 10, `while [ ! -e ${JSON.stringify(go)} ]; do sleep 0.05; done; ${trailtopCommand(scratch.dir, ['export', '--db', db, '-o', out])}`);
      tmux.run('pipe-pane', '-t', 'export', `cat >> ${JSON.stringify(raw)}`);
      writeFileSync(go, '');
      await tmux.waitFor('export', (text) => text.includes('EXITED'), 'the export to end', { timeoutMs: 30_000 });
      const deadline = performance.now() + 10_000;
      while (!readFileSync(raw, 'utf8').includes('EXITED') && performance.now() < deadline) await new Promise((done) => setTimeout(done, 50));
      const bytes = readFileSync(raw, 'utf8');
      expect(bytes).toContain('EXITED 0');
      // The bar as formatProgressLine draws it, redrawn in place (\r ... erase to the end of the line).
      // eslint-disable-next-line no-control-regex
      expect(bytes).toMatch(/\r\[\.+\] +0% 0\/3 events 0 B [^\r\n]*\x1b\[K/);
      // eslint-disable-next-line no-control-regex
      expect(bytes).toMatch(/\r\[#+\] 100% 3\/3 events \d+ B [^\r\n]*\x1b\[K/);
      // Cleared, then the one line that stays.
      expect(bytes).toContain(`\r\x1b[Ktrailtop: wrote ${EVENTS} events (${statSync(out).size} B) to ${out}`);
      expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(EVENTS);
    } finally {
      tmux.kill();
    }
  }, 60_000);
});
