import { EventEmitter } from 'node:events';
import type { ReactElement } from 'react';
import { render, type Instance } from 'ink';
import { compileQuery, filterRows } from '../query/index.js';
import type { EventStore } from '../store/eventStore.js';
import { App } from '../ui/App.js';
import { ScriptedStdin } from '../ui/scriptedStdin.js';
import { formatCount } from '../ui/format.js';
import { median, type Figure } from './table.js';

/** A terminal that records when Ink writes, so a keystroke can be timed to the frame it causes. */
export class TimedStdout extends EventEmitter {
  isTTY = true;
  last = '';
  private waiters: Array<{ until: (frame: string) => boolean; resolve: (at: number) => void }> = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (data: string): boolean => {
    const at = performance.now();
    this.last = data;
    this.waiters = this.waiters.filter((w) => {
      if (!w.until(data)) return true;
      w.resolve(at);
      return false;
    });
    return true;
  };
  /** Resolves with the time of the first write that satisfies `until` (or rejects after `timeoutMs`). */
  next(until: (frame: string) => boolean, timeoutMs = 60_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no frame within ${timeoutMs} ms; last:\n${this.last.slice(-500)}`)), timeoutMs);
      this.waiters.push({
        until,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      });
    });
  }
}


const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CTRL_U = '\u0015';
const ESCAPE = '\u001b';

/**
 * Mounts `app` as the CLI renders it (maxFps 30) on `stdout`, a 120x40 timed terminal made by the caller
 * when it must watch the first frame, with a scripted keyboard.
 */
export function mountTimed(app: ReactElement, stdout = new TimedStdout(120, 40)): { stdout: TimedStdout; stdin: ScriptedStdin; instance: Instance } {
  const stdin = new ScriptedStdin();
  const instance = render(app, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: new TimedStdout(120, 40) as unknown as NodeJS.WriteStream,
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: 30,
  });
  return { stdout, stdin, instance };
}

/**
 * Keystroke to frame in the real dashboard over `store`, rendered by Ink with
 * the options the CLI uses (30 fps cap) into a 120x40 fake terminal:
 * - render: `j` (cursor down), the frame that follows;
 * - query: typing a query (as a paste), the first frame (echo) and the frame
 *   whose header shows the filtered count.
 */
export async function benchKeystrokes(store: EventStore, label: string, runs: number): Promise<Figure[]> {
  const total = store.size;
  const querySource = 'error:AccessDenied';
  const compiled = compileQuery(querySource);
  if (!compiled.ok) throw new Error('bench query does not parse');
  const expected = filterRows(store.rows(), compiled.query, undefined, { newestFirst: true }).length;
  const screen = new TimedStdout(120, 40);
  const mountedAt = performance.now();
  const firstFrame = screen.next((f) => f.includes(`${formatCount(total)} events`));
  const { stdout, stdin, instance } = mountTimed(<App store={store} folder="/bench" watching={false} env={{ NO_COLOR: '1' }} />, screen);
  try {
    const mountMs = (await firstFrame) - mountedAt;
    await pause(100);
    const keyMs: number[] = [];
    for (let i = 0; i < Math.max(runs, 10); i++) {
      const frame = stdout.next(() => true);
      const pressed = performance.now();
      stdin.write('j');
      keyMs.push((await frame) - pressed);
      await pause(50); // past the 30 fps throttle window, so each key starts from idle
    }

    const shown = `${formatCount(expected)} of ${formatCount(total)} events`;
    const echoMs: number[] = [];
    const resultMs: number[] = [];
    const opened = stdout.next(() => true);
    stdin.write('/');
    await opened;
    await pause(50);
    for (let i = 0; i < runs; i++) {
      const echo = stdout.next((f) => f.includes(querySource));
      const result = stdout.next((f) => f.includes(shown));
      const pressed = performance.now();
      stdin.write(querySource);
      echoMs.push((await echo) - pressed);
      resultMs.push((await result) - pressed);
      await pause(50);
      const cleared = stdout.next((f) => f.includes(`${formatCount(total)} events`) && !f.includes(' of '));
      stdin.write(CTRL_U);
      await cleared;
      await pause(50);
    }
    stdin.write(ESCAPE);
    return [
      {
        name: `UI: keystroke \`j\` to frame (render), ${label}`,
        unit: 'ms',
        value: median(keyMs),
        baseline: null,
        baselineLabel: '',
        goal: { on: 'value', kind: 'max', limit: 50, label: '<= 50 ms' },
        runs: keyMs.length,
        note: `Ink 6.8, 120x40, maxFps 30 as the CLI; first frame after mount ${mountMs.toFixed(0)} ms`,
      },
      {
        name: `UI: query typed to echo frame, ${label}`,
        unit: 'ms',
        value: median(echoMs),
        baseline: null,
        baselineLabel: '',
        goal: { on: 'value', kind: 'max', limit: 50, label: '<= 50 ms' },
        runs,
      },
      {
        name: `UI: query typed to filtered frame, ${label}`,
        unit: 'ms',
        value: median(resultMs),
        baseline: null,
        baselineLabel: '',
        goal: { on: 'value', kind: 'max', limit: 100, label: '<= 100 ms (query goal)' },
        runs,
        note: `\`${querySource}\` pasted into the query bar until the header shows ${formatCount(expected)} of ${formatCount(total)}`,
      },
    ];
  } finally {
    instance.unmount();
    instance.cleanup();
  }
}

/** The p-th percentile (0..100) of the values, nearest rank; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * Keys while a folder loads: the dashboard renders over a store that
 * openFolder (workers, as the CLI) is filling; every ~200 ms `?` opens or
 * closes the help overlay, and the time to the first frame that shows the
 * change is taken. Frames the load itself causes do not count: only one that
 * shows (or no longer shows) the help title answers the key.
 */
export async function benchKeysDuringLoad(dir: string, label: string): Promise<Figure[]> {
  const { openFolder } = await import('../ingest/open.js');
  const opened = openFolder(dir, { watch: false });
  let loaded = false;
  void opened.ready.then(() => {
    loaded = true;
  });
  const { stdout, stdin, instance } = mountTimed(<App store={opened.store} folder={dir} watching={false} env={{ NO_COLOR: '1' }} />);
  const helpTitle = '? or Esc to close';
  const keyMs: number[] = [];
  let open = false;
  const started = performance.now();
  try {
    while (!loaded) {
      await pause(200);
      if (loaded) break;
      const frame = stdout.next((f) => f.includes(helpTitle) !== open, 30_000);
      const pressed = performance.now();
      stdin.write('?');
      keyMs.push((await frame) - pressed);
      open = !open;
    }
    const loadMs = performance.now() - started;
    return [
      {
        name: `UI: key to frame during the load (p95), ${label}`,
        unit: 'ms',
        value: percentile(keyMs, 95),
        baseline: null,
        baselineLabel: '',
        goal: { on: 'value', kind: 'max', limit: 100, label: '<= 100 ms p95' },
        runs: keyMs.length,
        note: `\`?\` every 200 ms while ${formatCount(opened.store.size)} events loaded in ${(loadMs / 1000).toFixed(1)} s; median ${median(keyMs).toFixed(0)} ms, max ${Math.max(...keyMs).toFixed(0)} ms`,
      },
    ];
  } finally {
    instance.unmount();
    instance.cleanup();
    await opened.close();
  }
}
