/**
 * The download dialog in a real terminal: tmux runs `node bin/trailtop.js`
 * on a copy of samples/ from a scratch folder, filters, presses d and Enter,
 * and the file lands in that folder with exactly the listed events.
 * Needs a build (npm test builds first) and tmux (CI installs it).
 */
import { parse } from 'csv-parse/sync';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counts, hasTmux, pause, requireTmuxInCi, tmuxServer, trailtopCommand } from '../support/tmux.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
requireTmuxInCi('the real-terminal test');

const server = tmuxServer('export');
const tmux = server.run;
const session = 'export';
let dir = '';
let out = '';

function waitForScreen(until: (text: string) => boolean, what: string, timeoutMs = 15_000): Promise<string> {
  return server.waitFor(session, until, what, { timeoutMs });
}

describe.skipIf(!hasTmux)('download dialog under tmux', () => {
  beforeAll(() => {
    if (!existsSync(path.join(repo, 'dist/cli.js'))) throw new Error('build first: npx tsc -p tsconfig.json');
    dir = mkdtempSync(path.join(tmpdir(), 'trailtop-tmux-export-'));
    cpSync(path.join(repo, 'samples'), path.join(dir, 'samples'), { recursive: true });
    // The dashboard runs from an empty folder, so the default file name lands there.
    out = path.join(dir, 'out');
    mkdirSync(out);
    server.start(session, 100, 30, trailtopCommand(out, ['--no-watch', path.join(dir, 'samples')]));
  });

  afterAll(() => {
    server.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('d then Enter saves the filtered events as CSV beside the user, and says where', async () => {
    await waitForScreen((t) => t.includes('not watching') && (counts(t)?.total ?? 0) > 0, 'the full load');
    tmux('send-keys', '-t', session, '/');
    await waitForScreen((t) => t.includes('Enter keep'), 'the query bar');
    tmux('send-keys', '-t', session, '-l', 'error:*');
    await waitForScreen((t) => {
      const c = counts(t);
      return c !== null && c.shown < c.total;
    }, 'the filtered count');
    tmux('send-keys', '-t', session, 'Enter');
    let text = await waitForScreen((t) => t.includes('Enter details'), 'the list');
    const shown = counts(text)!.shown;

    tmux('send-keys', '-t', session, 'd');
    text = await waitForScreen((t) => t.includes('Download events') && t.includes('Enter download'), 'the dialog');
    expect(text).toContain(`Download ${shown.toLocaleString('en-US')} events`);
    expect(text).toMatch(/trailtop-\d{8}T\d{6}Z\.csv/);
    expect(text).toContain('neutralises');
    await pause(100); // the dialog's key listener is attached just after its first frame
    tmux('send-keys', '-t', session, 'Enter');
    text = await waitForScreen((t) => t.includes('Saved') && t.includes('y copy the path'), 'the saved message');
    const files = readdirSync(out);
    expect(files).toHaveLength(1);
    const file = path.join(out, files[0]!);
    expect(files[0]).toMatch(/^trailtop-\d{8}T\d{6}Z\.csv$/);
    expect(text).toContain(`Saved ${shown.toLocaleString('en-US')} events as CSV`);
    // The status line names the file too.
    expect(text.split('\n').some((l) => l.startsWith('Saved') && l.includes(files[0]!))).toBe(true);
    const records = parse(readFileSync(file, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(records).toHaveLength(shown);
    expect(records.every((r) => r['Error code'] !== '')).toBe(true);

    tmux('send-keys', '-t', session, 'y');
    await waitForScreen((t) => t.includes('Copied the path'), 'the copy message');
    tmux('send-keys', '-t', session, 'Escape');
    await waitForScreen((t) => t.includes('Enter details') && !t.includes('Download events'), 'the list again');
    tmux('send-keys', '-t', session, 'q');
    text = await waitForScreen((t) => t.includes('EXITED'), 'the exit');
    expect(text).toContain('EXITED 0');
  }, 60_000);
});
