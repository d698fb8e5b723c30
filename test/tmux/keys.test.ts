/**
 * Keys and small terminals in a real terminal: Ctrl-U and Ctrl-W in the
 * download dialog's file name, its border at 50x12, the Insights title at
 * 50x12, and `q` quitting from inside the Insights view.
 * Needs a build (npm test builds first) and tmux (CI installs it).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counts, hasTmux, pause, requireTmuxInCi, tmuxServer, trailtopCommand } from '../support/tmux.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
requireTmuxInCi('the real-terminal test');

const server = tmuxServer('keys');
const tmux = server.run;
const session = 'keys';
let dir = '';
let out = '';

function waitForScreen(until: (text: string) => boolean, what: string, timeoutMs = 15_000): Promise<string> {
  return server.waitFor(session, until, what, { timeoutMs });
}

/** The text of the dialog's File line, up to its right border. */
function fileField(screen: string): string | null {
  const m = /│ File {4}(.*?)\s*│/.exec(screen);
  return m ? m[1]! : null;
}

describe.skipIf(!hasTmux)('keys and small terminals under tmux', () => {
  beforeAll(() => {
    if (!existsSync(path.join(repo, 'dist/cli.js'))) throw new Error('build first: npx tsc -p tsconfig.json');
    dir = mkdtempSync(path.join(tmpdir(), 'trailtop-tmux-keys-'));
    cpSync(path.join(repo, 'samples'), path.join(dir, 'samples'), { recursive: true });
    out = path.join(dir, 'out');
    mkdirSync(path.join(out, 'logs'), { recursive: true });
    server.start(session, 80, 24, trailtopCommand(out, ['--no-watch', path.join(dir, 'samples')]));
  });

  afterAll(() => {
    server.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('edits the file name with Ctrl-U and Ctrl-W, fits 50x12, and q quits from the Insights view', async () => {
    await waitForScreen((t) => t.includes('not watching') && (counts(t)?.total ?? 0) > 0, 'the full load');
    tmux('send-keys', '-t', session, 'd');
    await waitForScreen((t) => t.includes('Enter download'), 'the dialog');
    await pause(100); // the dialog's key listener is attached just after its first frame

    // Ctrl-U clears the default name (the cursor is at its end); the letter u is not typed.
    tmux('send-keys', '-t', session, 'C-u');
    let text = await waitForScreen((t) => fileField(t) === '', 'an empty file name');
    tmux('send-keys', '-t', session, '-l', 'logs/old/report.csv');
    await waitForScreen((t) => fileField(t) === 'logs/old/report.csv', 'the typed name');
    // Ctrl-W removes one part of the path at a time.
    tmux('send-keys', '-t', session, 'C-w');
    await waitForScreen((t) => fileField(t) === 'logs/old/', 'the name without report.csv');
    tmux('send-keys', '-t', session, 'C-w');
    await waitForScreen((t) => fileField(t) === 'logs/', 'the name without old/');
    tmux('send-keys', '-t', session, '-l', 'kept.csv');
    await waitForScreen((t) => fileField(t) === 'logs/kept.csv', 'the new name');

    // 50x12: the dialog keeps its whole border and its File line.
    tmux('resize-window', '-t', session, '-x', '50', '-y', '12');
    text = await waitForScreen((t) => t.split('\n').some((l) => /^╰─+╯$/.test(l)) && (t.split('\n')[0] ?? '').length <= 50, 'the dialog at 50x12');
    const box = text.split('\n').filter((l) => /^[╭│╰]/.test(l));
    expect(box[0]).toMatch(/^╭─+╮$/);
    expect(box.at(-1)).toMatch(/^╰─+╯$/);
    expect(box.slice(1, -1).every((l) => /^│.*│$/.test(l))).toBe(true);
    expect(fileField(text)).toBe('logs/kept.csv');

    tmux('send-keys', '-t', session, 'Enter');
    await waitForScreen((t) => t.includes('Saved'), 'the saved message');
    expect(readdirSync(path.join(out, 'logs'))).toEqual(['kept.csv']);

    // The Insights view at 50x12: its title line is there, whole hints only.
    tmux('send-keys', '-t', session, 'Escape');
    await waitForScreen((t) => !t.includes('Download events'), 'the list again');
    tmux('send-keys', '-t', session, 'i');
    text = await waitForScreen((t) => /^Insights \(\d+\)/m.test(t), 'the Insights title');
    const title = text.split('\n').find((l) => l.startsWith('Insights ('))!;
    expect(title).not.toContain('…');
    expect(text.split('\n').every((l) => l.length <= 50)).toBe(true);

    // q quits from inside the view.
    await pause(100);
    tmux('send-keys', '-t', session, 'q');
    text = await waitForScreen((t) => t.includes('EXITED'), 'the exit');
    expect(text).toContain('EXITED 0');
  }, 60_000);
});
