import { EventEmitter } from 'node:events';
import { render, type Instance } from 'ink';
import type { ReactElement } from 'react';
import { ScriptedStdin as FakeStdin } from '../../src/ui/scriptedStdin.js';

/** A fake terminal with a settable size, so layouts and resizes can be tested. */
export class FakeStdout extends EventEmitter {
  columns: number;
  rows: number;
  isTTY = true;
  frames: string[] = [];
  raw: string[] = [];
  constructor(columns: number, rows: number) {
    super();
    this.columns = columns;
    this.rows = rows;
  }
  /** OSC 52 clipboard writes (kept apart from frames). */
  clipboard: string[] = [];
  write = (data: string): boolean => {
    this.raw.push(data);
    if (data.startsWith('\u001b]52;') || data.startsWith('\u001bP')) this.clipboard.push(data);
    else this.frames.push(data);
    return true;
  };
  lastFrame(): string {
    return this.frames[this.frames.length - 1] ?? '';
  }
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

/** The dashboard's scripted stdin, under the name the tests use. */
export { FakeStdin };

export interface Harness {
  stdout: FakeStdout;
  stdin: FakeStdin;
  instance: Instance;
  frame(): string;
  /** Sends keys, then waits for the frame to satisfy `until` (polls; no fixed sleeps). */
  press(keys: string, until?: (frame: string) => boolean, timeoutMs?: number): Promise<string>;
  waitFor(until: (frame: string) => boolean, timeoutMs?: number): Promise<string>;
  cleanup(): void;
}

export const KEYS = {
  up: '\u001b[A',
  down: '\u001b[B',
  right: '\u001b[C',
  left: '\u001b[D',
  pageUp: '\u001b[5~',
  pageDown: '\u001b[6~',
  home: '\u001b[H',
  end: '\u001b[F',
  enter: '\r',
  escape: '\u001b',
  tab: '\t',
  backspace: '\u007f',
};

const WAIT_MS = 20_000;

export function renderApp(element: ReactElement, columns = 100, rows = 30): Harness {
  const stdout = new FakeStdout(columns, rows);
  const stdin = new FakeStdin();
  const stderr = new FakeStdout(columns, rows);
  const instance = render(element, {
    // Ink wants Node streams; these fakes implement what it uses.
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const frame = (): string => stdout.lastFrame();
  // A hang guard, not a speed check: under the whole suite on 2 cores a --db dashboard's SQL answer has
  // taken over 3 s (CI, stop 28), so the wait is long; a frame that never comes still fails the test.
  const waitFor = async (until: (frame: string) => boolean, timeoutMs = WAIT_MS): Promise<string> => {
    // The monotonic clock: the wall clock of a VM can jump (a CI run's 10 s wait "timed out" 1.7 s into its test).
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const current = frame();
      if (until(current)) return current;
      if (performance.now() > deadline) throw new Error(`timed out waiting for the frame; last frame:\n${current}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const press = async (keys: string, until?: (frame: string) => boolean, timeoutMs = WAIT_MS): Promise<string> => {
    const before = frame();
    stdin.write(keys);
    return waitFor(until ?? ((f) => f !== before), timeoutMs);
  };
  return {
    stdout,
    stdin,
    instance,
    frame,
    press,
    waitFor,
    cleanup: () => {
      instance.unmount();
      instance.cleanup();
    },
  };
}
