/**
 * `scan|detect|export|chain --db FILE DIR` first import what is new in DIR, which takes minutes on a big
 * folder: on a terminal they draw `archive`'s progress bar meanwhile and clear it before their output,
 * where the screen stayed blank until the import ended. Piped, stderr holds no bar. The terminal is a
 * tmux pane whose output is copied byte for byte (pipe-pane): the bar is cleared at the end, so the
 * screen alone would never show it. Needs a build (npm test builds first) and tmux (CI installs it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordsJson, tempFolder } from '../support/files.js';
import { hasTmux, requireTmuxInCi, tmuxServer, trailtopCommand } from '../support/tmux.js';

const ROOT = resolve(import.meta.dirname, '../..');
const scratch = tempFolder('trailtop-db-import-progress-');
const logs = join(scratch.dir, 'logs');

function trailtop(args: string[]): { status: number | null; stdout: string; stderr: string } {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
  return spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...args], { encoding: 'utf8', timeout: 60_000 });
}

beforeAll(() => {
  mkdirSync(logs);
  for (let f = 0; f < 3; f++) {
    const events = [{ eventVersion: '1.08', eventID: `e${f}`, eventTime: `2024-01-01T00:00:0${f}Z`, eventName: 'ListBuckets', eventSource: 's3.amazonaws.com', awsRegion: 'us-east-1' }];
    writeFileSync(join(logs, `f${f}.json`), recordsJson(events));
  }
});
afterAll(() => scratch.remove());

describe('scan --db FILE DIR importing DIR', () => {
  it('piped, draws no bar on stderr', () => {
    const run = trailtop(['scan', '--db', join(scratch.dir, 'piped.duckdb'), logs]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('3 read, 3 unique');
  });

  requireTmuxInCi('scan --db DIR drawing its import progress on a terminal');
  it.skipIf(!hasTmux)("on a terminal, draws archive's bar up to all the files, cleared before the summary", async () => {
    const raw = join(scratch.dir, 'pane.raw');
    const go = join(scratch.dir, 'go');
    writeFileSync(raw, '');
    const tmux = tmuxServer('dbimportprogress');
    try {
      // Started only once the pane's output is being copied, so none of it is missed.
      tmux.start('scan', 120, 20, `while [ ! -e ${JSON.stringify(go)} ]; do sleep 0.05; done; ${trailtopCommand(scratch.dir, ['scan', '--db', join(scratch.dir, 'tty.duckdb'), logs])}`);
      tmux.run('pipe-pane', '-t', 'scan', `cat >> ${JSON.stringify(raw)}`);
      writeFileSync(go, '');
      await tmux.waitFor('scan', (text) => text.includes('EXITED'), 'the scan to end', { timeoutMs: 30_000 });
      const deadline = performance.now() + 10_000;
      while (!readFileSync(raw, 'utf8').includes('EXITED') && performance.now() < deadline) await new Promise((done) => setTimeout(done, 50));
      const bytes = readFileSync(raw, 'utf8');
      expect(bytes).toContain('EXITED 0');
      // The bar as formatArchiveProgress draws it, redrawn in place (\r ... erase to the end of the line), then cleared.
      // eslint-disable-next-line no-control-regex
      expect(bytes).toMatch(/\r\[#+\] 100% 3\/3 files 3 events [^\r\n]*\x1b\[K\r\x1b\[K/);
      expect(bytes).toContain('3 read, 3 unique');
    } finally {
      tmux.kill();
    }
  }, 60_000);
});
