/**
 * A watchdog over worker threads that run rules: V8 gives a regex no time limit, and a value an
 * attacker writes can make a rule's regex backtrack for hours (a polynomial one, which the load-time
 * check of regexAmbiguity.ts lets through). Each worker gets a shared beat its Detector updates
 * (detector.ts watchWith); a worker whose one rule test has not moved for the budget is handed to
 * onStall, which terminates it (V8's terminate interrupts a running regex) and fails its file.
 * The main thread cannot be watched so: a test running there has no one to stop it.
 */
import type { Worker } from 'node:worker_threads';
import type { RuleSpec } from './rule.js';

/** Far past any honest rule test on one event (microseconds; a large policy document, milliseconds). */
export const RULE_BUDGET_MS = 5_000;

/**
 * A test this long is slow: still a thousand times an honest one. A crafted value can be sized to
 * hold a test just under the budget, event after event (n^4 tries: 450 spaces take 1-2 s), which
 * never trips it and slows a run by hours; SLOW_TESTS such tests of one rule turn it off instead.
 */
export const SLOW_TEST_MS = 1_000;
export const SLOW_TESTS = 3;

/** A new beat for one worker's workerData: [0] rule tests begun, [1] the rule under test plus one (0 between tests). */
export function newBeat(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(8));
}

/** The rules stopped in one run (Detector.skipWith), shared by all its threads: one flag per rule. */
export function newRulesOff(count: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * Math.max(1, count)));
}

/**
 * Turns rule `rule` off for every thread sharing `off`, from their next rule test on. False when it
 * was off already (turned off as slow, or stopped on another worker): that stop was told once already.
 */
export function stopRule(off: Int32Array, rule: number): boolean {
  if (rule < 0 || rule >= off.length) return false;
  return Atomics.exchange(off, rule, 1) === 0;
}

/**
 * What the user is told when rule `rule` was stopped on a file: the file is read again without
 * it (its events are kept), and the rule is not run for the rest of the run, since the value
 * shape that held it recurs (a second stall would cost another budget per file).
 */
export function ruleStopReason(specs: readonly RuleSpec[] | null | undefined, rule: number, budgetMs = RULE_BUDGET_MS): string {
  const name = specs?.[rule]?.name;
  return `rule ${name ?? `#${rule + 1}`} stopped after ${budgetMs / 1000} s on one event of this file (a value crafted to keep its test busy) and not run for the rest of this run; the file's events are loaded without it`;
}

/** What the user is told when rule `rule` was turned off on a file after SLOW_TESTS slow tests (the file is not read again). */
export function ruleSlowReason(specs: readonly RuleSpec[] | null | undefined, rule: number, slowMs = SLOW_TEST_MS): string {
  const name = specs?.[rule]?.name;
  return `rule ${name ?? `#${rule + 1}`} turned off here after ${SLOW_TESTS} tests of more than ${slowMs / 1000} s on one event each (values crafted to keep its tests busy) and not run for the rest of this run; the events are loaded, its findings miss those read after`;
}

/** A file's reason when its worker was stopped in rule `rule`. */
export function stalledReason(specs: readonly RuleSpec[] | null | undefined, rule: number, budgetMs = RULE_BUDGET_MS): string {
  const name = specs?.[rule]?.name;
  return `detection stopped: rule ${name ?? `#${rule + 1}`} ran for more than ${budgetMs / 1000} s on one event (a value crafted to keep its test busy)`;
}

export class RuleWatch {
  /** `slow`: the test under way was counted slow already. */
  private readonly watched = new Map<Worker, { beat: Int32Array; seen: number; since: number; slow: boolean }>();
  /** Slow tests by rule, over every worker watched: told once a rule reaches SLOW_TESTS. */
  private readonly slowTests = new Map<number, number>();
  private timer: ReturnType<typeof setInterval> | null = null;

  /** @param onSlow told once a rule has had SLOW_TESTS tests of more than slowMs (the worker goes on). */
  constructor(
    private readonly onStall: (worker: Worker, rule: number) => void,
    private readonly budgetMs = RULE_BUDGET_MS,
    private readonly onSlow: ((worker: Worker, rule: number) => void) | null = null,
    private readonly slowMs = SLOW_TEST_MS,
  ) {}

  add(worker: Worker, beat: Int32Array): void {
    this.watched.set(worker, { beat, seen: -1, since: Date.now(), slow: false });
    if (!this.timer) {
      // Often enough to tell a test of slowMs apart.
      this.timer = setInterval(() => this.check(), Math.min(this.slowMs / 4, this.budgetMs / 4));
      // It never keeps the process alive by itself.
      this.timer.unref();
    }
  }

  remove(worker: Worker): void {
    this.watched.delete(worker);
    if (this.watched.size === 0) this.stop();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.watched.clear();
  }

  private check(): void {
    const now = Date.now();
    for (const [worker, w] of this.watched) {
      const count = w.beat[0]!;
      const rule = w.beat[1]!;
      if (rule === 0 || count !== w.seen) {
        w.seen = count;
        w.since = now;
        w.slow = false;
      } else if (now - w.since >= this.budgetMs) {
        this.remove(worker);
        this.onStall(worker, rule - 1);
      } else if (!w.slow && this.onSlow && now - w.since >= this.slowMs) {
        w.slow = true;
        const slow = (this.slowTests.get(rule - 1) ?? 0) + 1;
        this.slowTests.set(rule - 1, slow);
        if (slow === SLOW_TESTS) this.onSlow(worker, rule - 1);
      }
    }
  }
}
