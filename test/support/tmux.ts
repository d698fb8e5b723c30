/**
 * Driving the real dashboard in a real terminal: a private tmux server (its
 * own -L socket, so parallel test files never share sessions), keys in with
 * send-keys, the screen back with capture-pane.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(REPO, 'bin/trailtop.js');

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/** CI installs tmux, so there a missing tmux is a failure rather than a skip. */
export function requireTmuxInCi(what: string): void {
  if (!hasTmux && process.env['CI']) throw new Error(`tmux is required in CI for ${what}`);
}

/**
 * A shell line that runs trailtop from `cwd`, then prints "EXITED <status>" and
 * stays up so the pane can still be read. `env -u CI`: Ink draws only a final
 * frame when it thinks it runs in CI.
 */
export function trailtopCommand(cwd: string, args: string[], env = ''): string {
  // The dashboard keeps query history under XDG_STATE_HOME: never in the real home from a test.
  if (!env.includes('XDG_STATE_HOME=')) env = `XDG_STATE_HOME=${JSON.stringify(path.join(tmpdir(), `trailtop-test-state-${process.pid}`))} ${env}`.trim();
  const argv = [BIN, ...args].map((a) => JSON.stringify(a)).join(' ');
  // A UTF-8 locale unless the test sets one: the screens the tests read draw Unicode glyphs, which a
  // machine whose own locale is C (LC_ALL=C, LANG=C) would turn into their ASCII stand-ins.
  if (!/\b(LANG|LC_ALL|LC_CTYPE)=/.test(env)) env = `LANG=C.UTF-8 ${env}`.trim();
  return `cd ${JSON.stringify(cwd)} && env -u CI -u CONTINUOUS_INTEGRATION -u LC_ALL -u LC_CTYPE ${env ? `${env} ` : ''}node ${argv}; echo "EXITED $?"; sleep 30`;
}

export interface WaitOptions {
  timeoutMs: number;
  /** Fail at once when the program has exited instead of waiting out the timeout. */
  failOnExit?: boolean;
}

export interface TmuxServer {
  run(...args: string[]): string;
  start(session: string, cols: number, rows: number, command: string): void;
  keys(session: string, ...names: string[]): void;
  /** Literal text, not key names. */
  type(session: string, text: string): void;
  /** The pane's text, or '(no pane)' when it is not there (yet). */
  screen(session: string): string;
  waitFor(session: string, until: (text: string) => boolean, what: string, options: WaitOptions): Promise<string>;
  kill(): void;
}

export function tmuxServer(name: string): TmuxServer {
  const socket = `trailtop-${name}-${process.pid}-${Date.now()}`;
  // -u: the panes are read as UTF-8 whatever the machine's locale.
  const run = (...args: string[]): string => execFileSync('tmux', ['-u', '-L', socket, ...args], { encoding: 'utf8' });
  const screen = (session: string): string => {
    try {
      return run('capture-pane', '-p', '-t', session);
    } catch {
      return '(no pane)';
    }
  };
  return {
    run,
    start: (session, cols, rows, command) => {
      // exit-empty off: a server whose last session was just killed is still shutting down, and a
      // new-session then reaches it and fails with "server exited unexpectedly" (2-4% of restarts
      // under parallel load). The server now lives until kill().
      run('new-session', '-d', '-s', session, '-x', String(cols), '-y', String(rows), 'sh', '-c', command, ';', 'set-option', '-s', 'exit-empty', 'off');
    },
    keys: (session, ...names) => {
      run('send-keys', '-t', session, ...names);
    },
    type: (session, text) => {
      run('send-keys', '-t', session, '-l', text);
    },
    screen,
    waitFor: async (session, until, what, { timeoutMs, failOnExit = false }) => {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const text = screen(session);
        if (until(text)) return text;
        if (failOnExit && text.includes('EXITED')) throw new Error(`trailtop exited while waiting for ${what}; screen:\n${text}`);
        if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    kill: () => {
      spawnSync('tmux', ['-u', '-L', socket, 'kill-server']);
    },
  };
}

/** The status line's "[shown of ]total events" figures, or null when it is not on screen. */
export function counts(text: string): { shown: number; total: number } | null {
  const m = /(?:([\d,]+) of )?([\d,]+) events/.exec(text);
  if (!m) return null;
  const total = Number(m[2]!.replaceAll(',', ''));
  return { shown: m[1] ? Number(m[1].replaceAll(',', '')) : total, total };
}

export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
