import { loadRuleSet } from '../detect/loadRules.js';
import { detectionSession } from '../detect/session.js';
import { openFolder } from '../ingest/open.js';
import { App } from '../ui/App.js';
import { ExportDialog } from '../ui/ExportDialog.js';
import { FindingsView } from '../ui/findings/FindingsView.js';
import { InsightsView } from '../ui/InsightsView.js';
import { ScriptedStdin } from '../ui/scriptedStdin.js';
import { median } from './table.js';
import { mountTimed, TimedStdout } from './ui.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CTRL_U = '\u0015';
const ESCAPE = '\u001b';
const ENTER = '\r';

/** One keystroke: its first frame, the last frame it caused (once frames stop), and the longest event-loop stall meanwhile. */
export interface KeyTiming {
  key: string;
  firstMs: number;
  lastMs: number;
  stallMs: number;
}

/**
 * Frames after a key until none comes for `quietMs`: the first and the last one's time, and the longest gap
 * between 2 ms timer ticks (a key typed then would have waited that long for its frame).
 */
async function timeKey(stdout: TimedStdout, stdin: ScriptedStdin, key: string, quietMs = 400): Promise<KeyTiming> {
  const frames: number[] = [];
  const onWrite = stdout.write;
  stdout.write = (data: string) => {
    frames.push(performance.now());
    return onWrite(data);
  };
  let stall = 0;
  let tick = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - tick);
    tick = now;
  }, 2);
  const pressed = performance.now();
  stdin.write(key);
  try {
    for (;;) {
      const seen = frames.length;
      await pause(quietMs);
      if (frames.length === seen && frames.length > 0) break;
      if (performance.now() - pressed > 30_000) {
        process.stderr.write(`key ${JSON.stringify(key)}: frames still coming after 30 s (${frames.length}); last:\n${stdout.last.slice(-800)}\n`);
        break;
      }
    }
  } finally {
    clearInterval(timer);
    stdout.write = onWrite;
  }
  return { key, firstMs: (frames[0] ?? NaN) - pressed, lastMs: (frames.at(-1) ?? NaN) - pressed, stallMs: stall };
}

/**
 * node -e "import('./dist/bench/queryViews.js').then(m => m.benchQueryOverViews(DIR, plan, console.log))": the
 * query bar over T, h, ! and i (and the list, the baseline), each key timed to its first and last frame.
 *
 * Typed at `gapMs` a key (a fast typist): each key's time to the frame echoing its draft in the query bar.
 * Keys that pile up behind a recount show here as echoes later than the gap.
 */
async function typeBurst(stdout: TimedStdout, stdin: ScriptedStdin, text: string, gapMs: number): Promise<{ echoMs: number[] }> {
  const echoes: Promise<number>[] = [];
  const pressedAt: number[] = [];
  for (let i = 1; i <= text.length; i++) {
    const draft = text.slice(0, i);
    // A frame can skip a draft (30 fps): the first one showing this draft or a longer one answers the key.
    echoes.push(stdout.next((f) => (/Query \/ ([^▏\n]*)▏/.exec(f)?.[1] ?? '').startsWith(draft), 30_000));
    pressedAt.push(performance.now());
    stdin.write(text[i - 1]!);
    await pause(gapMs);
  }
  const at = await Promise.all(echoes);
  // The last draft's rows and view are drawn meanwhile (the next key is timed from idle).
  await pause(1000);
  return { echoMs: at.map((t, i) => t - pressedAt[i]!) };
}

export interface ViewRun {
  view: string;
  query: string;
  keys: KeyTiming[];
  enter: KeyTiming;
  burstEchoMs: number[];
}

/** The folder dashboard over `dir` (rules of the built-in pack, as the CLI), 120x40, maxFps 30. */
export async function benchQueryOverViews(dir: string, plan: { views: string[]; queries: string[]; runs: number; gapMs: number; paste?: boolean }, log: (line: string) => void): Promise<ViewRun[]> {
  const session = detectionSession(loadRuleSet([]));
  const opened = openFolder(dir, { watch: false, detection: session.detection! });
  const loadStart = performance.now();
  await opened.ready;
  log(`loaded ${opened.store.size} events in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);
  const { stdout, stdin, instance } = mountTimed(
    <App store={opened.store} folder={dir} watching={false} env={{ NO_COLOR: '1' }} views={{ insights: InsightsView, export: ExportDialog, findings: FindingsView }} findings={session.findings} />,
  );
  const out: ViewRun[] = [];
  try {
    await pause(3000);
    const j: KeyTiming[] = [];
    for (let i = 0; i < 10; i++) j.push(await timeKey(stdout, stdin, 'j', 150));
    log(`list j: first ${median(j.map((k) => k.firstMs)).toFixed(1)} ms, last ${median(j.map((k) => k.lastMs)).toFixed(1)} ms`);
    for (const view of plan.views) {
      for (const query of plan.queries) {
        for (let run = 0; run < plan.runs; run++) {
          if (view !== 'list') {
            const opened = await timeKey(stdout, stdin, view);
            log(`open ${view}: first ${opened.firstMs.toFixed(0)} last ${opened.lastMs.toFixed(0)} stall ${opened.stallMs.toFixed(0)}`);
          }
          await timeKey(stdout, stdin, '/');
          const keys: KeyTiming[] = [];
          for (const ch of plan.paste ? [query] : query) keys.push(await timeKey(stdout, stdin, ch));
          const enter = await timeKey(stdout, stdin, ENTER);
          // Back to no query, view closed: / Ctrl-U Enter, then Esc out of the view.
          await timeKey(stdout, stdin, '/');
          await timeKey(stdout, stdin, CTRL_U);
          // The burst: the same query typed fast over the same view.
          const burst = plan.paste ? { echoMs: [] } : await typeBurst(stdout, stdin, query, plan.gapMs);
          if (!plan.paste) await timeKey(stdout, stdin, CTRL_U);
          await timeKey(stdout, stdin, ENTER);
          if (view !== 'list') await timeKey(stdout, stdin, ESCAPE);
          const r = { view, query, keys, enter, burstEchoMs: burst.echoMs };
          out.push(r);
          const f = (n: number) => n.toFixed(0);
          log(
            `${view} ${JSON.stringify(query)} run ${run + 1}: keys first [${keys.map((k) => f(k.firstMs)).join(' ')}] last [${keys.map((k) => f(k.lastMs)).join(' ')}] stall [${keys.map((k) => f(k.stallMs)).join(' ')}]; Enter first ${f(enter.firstMs)} last ${f(enter.lastMs)} stall ${f(enter.stallMs)}; burst@${plan.gapMs}ms echo [${burst.echoMs.map(f).join(' ')}]`,
          );
        }
      }
    }
    return out;
  } finally {
    instance.unmount();
    instance.cleanup();
    await opened.close();
  }
}
