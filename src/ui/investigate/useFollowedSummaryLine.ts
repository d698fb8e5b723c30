import { useEffect, useRef } from 'react';
import { followSummaryLine } from './principalKeys.js';
import type { SummaryLine } from './principalModel.js';

/**
 * Keeps the principal summary's selection on its value when its lines are counted again while it is open
 * (live events, a followed import; under the help too): `select` is told the new index when it moves.
 * What the view last showed is forgotten once it closes, so a summary opened again starts on its first line.
 */
export function useFollowedSummaryLine(
  lines: readonly SummaryLine[] | undefined,
  index: number,
  open: boolean,
  covered: boolean,
  select: (index: number) => void,
  /** The lines the view was left on, kept by the dashboard: Esc back from a list its Enter opened finds the line's value in them. */
  kept?: readonly SummaryLine[],
  /** Hands the dashboard the lines drawn, for `kept` (a place left from the view keeps them). */
  keep?: (lines: readonly SummaryLine[]) => void,
): void {
  // The lines drawn and the index on them: a second count can land before the frame with the moved index.
  const shown = useRef<{ lines: readonly SummaryLine[]; index: number } | null>(null);
  useEffect(() => {
    if (!open) {
      if (!covered) shown.current = null;
      return;
    }
    // An archive's summary is null while it is counted again: keep the lines drawn before.
    if (!lines || lines.length === 0) return;
    if (kept !== lines) keep?.(lines);
    // Just opened: on the lines kept when it was left (a summary opened anew starts at -1, which stays).
    const before = shown.current ?? (kept ? { lines: kept, index } : null);
    if (!before || before.lines === lines) {
      shown.current = { lines, index };
      return;
    }
    const next = followSummaryLine(before.lines, before.index, lines);
    shown.current = { lines, index: next };
    if (next !== index) select(next);
  }, [lines, index, open, covered, select, kept, keep]);
}
