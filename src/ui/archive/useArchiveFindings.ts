/**
 * The --db dashboard's side of the findings: the rules run as SQL in the
 * background (archive/detectionRunner.ts), started when the dashboard opens,
 * and what the header, the status line and the findings view show of them.
 */
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { ArchiveDetectionRunner, DetectionState } from '../../archive/detectionRunner.js';
import type { FollowStatus } from '../../archive/follow.js';
import { CONFLICT_RULE, conflictFindingOf, conflictRuleFindingOf } from '../../detect/conflictFinding.js';
import type { Finding, Findings } from '../../detect/findings.js';
import { sanitizeLine } from '../../term/sanitize.js';
import { findingsHeaderForms } from '../findings/findingsModel.js';
import { ViewKeyQueue, type Stroke } from '../viewKeys.js';
import { own } from '../../term/glyphs.js';

export interface ArchiveFindings {
  /** The last complete run's findings (undefined until the first run ends, or with no rules). */
  findings: Findings | undefined;
  /** Conflicting duplicates the imports met, as a finding beside the rules'. */
  builtin: Finding | null;
  /** The header's counts by level, long to short ('⚑ 2 high 3 med (!)' ...); none before the first run ends. */
  headerForms: string[];
  /** The run going on, or why the last one failed ('running rules… 3/19'); '' for neither. */
  pending: string;
}

const IDLE: DetectionState = { result: null, running: null, error: '' };

/**
 * Whether a followed folder's notification calls for the rules again: once an import has ended with new
 * events, not after each of its batches (a catch-up of thousands of files commits hundreds of them, and a
 * run over a big archive takes seconds of the two cores the import is using).
 */
export function rulesDueAfter(status: FollowStatus, committed: boolean): boolean {
  return committed && (status.phase === 'watching' || status.phase === 'stopped');
}

/** What a run's state shows: pure, for the hook and its tests. */
export function archiveFindingsOf(state: DetectionState): ArchiveFindings {
  const result = state.result;
  const builtin = result ? conflictRuleFindingOf(conflictFindingOf(result.conflicts.count, result.conflicts.keptTimes)) : null;
  let headerForms: string[] = [];
  if (result) {
    const counts = result.findings.levelCounts();
    headerForms = findingsHeaderForms(builtin ? { ...counts, [CONFLICT_RULE.level]: counts[CONFLICT_RULE.level] + 1 } : counts);
  }
  const pending = state.running
    ? `running rules${own('…')} ${state.running.done}/${state.running.total}`
    : state.error
      ? `the rules failed on the archive: ${sanitizeLine(state.error).slice(0, 200)}`
      : '';
  return { findings: result?.findings, builtin, headerForms, pending };
}

/** Starts the rules when the dashboard opens (a follow's imports run them again: runner.refresh()). */
export function useArchiveFindings(runner: ArchiveDetectionRunner | null): ArchiveFindings {
  const state = useSyncExternalStore(
    (listener) => runner?.subscribe(listener) ?? (() => {}),
    () => runner?.state ?? IDLE,
  );
  useEffect(() => {
    void runner?.refresh();
  }, [runner]);
  return useMemo(() => archiveFindingsOf(state), [state]);
}

/**
 * The findings view reads its own keys (viewKeys.ts), beside the dashboard's listener: both hear each
 * keypress. While the view listens the dashboard leaves keys alone; a key that closes it or covers it
 * (Esc, Enter, `?`) changes the mode at once, so the dashboard, hearing the same keypress next, would
 * act on it again (Enter opening the details, `?` closing the help it opened). `fromView` wraps the
 * view's callbacks: the rest of that keypress is the view's (it hands back what follows the key).
 */
export class FindingsViewKeys {
  /** Keys before the view listens (the rest of the `!` chunk) wait here; the view hands back those after it closes. */
  readonly queue: ViewKeyQueue;
  private took = false;

  constructor(handBack: (strokes: Stroke[]) => void) {
    this.queue = new ViewKeyQueue(handBack);
  }

  /** True while the keypress being handled was the view's. */
  get tookInput(): boolean {
    return this.took;
  }

  fromView<A extends unknown[], R>(act: (...args: A) => R): (...args: A) => R {
    return (...args: A) => {
      this.took = true;
      // Every listener hears a keypress in one synchronous emit: the flag is down before the next one.
      queueMicrotask(() => {
        this.took = false;
      });
      return act(...args);
    };
  }
}
