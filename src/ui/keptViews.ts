/**
 * What the reader chose in the views that read their own keys (the folder's histogram, the findings,
 * the Insights), kept by the dashboard rather than only inside the view: Esc in a list a view's Enter
 * opened mounts the view again (drillBack), and it must come back as it was left, not as new. The
 * dashboard keeps these with the views' other choices (T's line, p's line, the --db histogram's
 * buckets) in the place the Enter left (queryStack.ts placeLeft), on both dashboards.
 */
import { useState } from 'react';
import type { HistogramViewState } from './timeline/histogramModel.js';
import type { TopResult } from '../investigate/topValues.js';
import type { SummaryLine } from './investigate/principalModel.js';

export interface FindingsChoice {
  /** The selected rule (null: the first row). */
  ruleId: string | null;
  order: 'newest' | 'level';
}

export interface InsightsChoice {
  /** The selected Insight's sharedEventId (null: the first row). */
  insightId: string | null;
  /** The tab under the list: 0 the chart, then the attributions. */
  tab: number;
}

export interface KeptViews {
  histogram?: HistogramViewState;
  findings?: FindingsChoice;
  insights?: InsightsChoice;
  /**
   * T's values as last counted, and p's lines as last drawn: the line kept beside them (topIndex,
   * principalIndex) is found again by its value when Esc comes back into the view over values counted
   * since (followTopSelection, followSummaryLine), not by its number, which new events move.
   */
  top?: TopResult;
  principal?: readonly SummaryLine[];
}

/** What a view that keeps its choices with the dashboard receives. */
export interface KeptViewProps {
  /** The views' choices when last left; a view absent from it opens as new. */
  kept?: KeptViews;
  /** A view's choice changed: the dashboard keeps it (absent: the view keeps it only while mounted). */
  keep?(change: KeptViews): void;
}

type Choice<V extends keyof KeptViews> = NonNullable<KeptViews[V]>;

/**
 * useState for a view's choices: it starts from what the dashboard kept (else `initial`), and every
 * change is handed to the dashboard too. The view's own copy stays the one it draws and acts on.
 */
export function useKeptState<V extends keyof KeptViews>(view: V, { kept, keep }: KeptViewProps, initial: () => Choice<V>): [Choice<V>, (next: Choice<V>) => void] {
  const [state, setState] = useState<Choice<V>>(() => kept?.[view] ?? initial());
  const set = (next: Choice<V>): void => {
    setState(next);
    const change: KeptViews = {};
    change[view] = next;
    keep?.(change);
  };
  return [state, set];
}

/** What both dashboards keep of the views over the list that opening one anew changes. */
export interface ViewSelections {
  /** T's selected line (its field is kept apart). */
  topIndex: number;
  viewsKept: KeptViews;
}

/**
 * A view opened with its key (T, h, !, i; p starts at its first line too), on both dashboards: it keeps the
 * choices the reader made in it (T's field, the histogram's split and its bucket size when zoomed, the
 * findings' order, the Insights' tab) but starts at the top, the histogram on the list cursor's bucket: the
 * line or bucket selected before was about data that has changed since, as k9s and lnav keep a view's sort
 * and zoom but not its line. A bucket size never chosen is fitted to the list again (one that fitted a
 * whole day, kept over the hour Enter listed, drew one bar). Esc back from a list the view's Enter opened
 * is another matter: it comes back as left (drillBack). The --db histogram keeps its choices beside these
 * (archiveModel.ts, the `histogram` key).
 */
export function openedAnew(state: ViewSelections, mode: string): ViewSelections {
  const views = state.viewsKept;
  const topIndex = mode === 'top' ? 0 : state.topIndex;
  if (mode === 'top' && views.top) {
    // Its first line: not where the value chosen last time has gone.
    const { top: _forgotten, ...others } = views;
    return { topIndex, viewsKept: others };
  }
  if (mode === 'histogram' && views.histogram) {
    // No bucket yet: the view places its cursor on the list cursor's bucket, with the size and split kept (HistogramView).
    return { topIndex, viewsKept: { ...views, histogram: { ...views.histogram, cursor: NaN, cursorRow: 0, anchor: null } } };
  }
  if (mode === 'findings' && views.findings) return { topIndex, viewsKept: { ...views, findings: { ...views.findings, ruleId: null } } };
  if (mode === 'insights' && views.insights) return { topIndex, viewsKept: { ...views, insights: { ...views.insights, insightId: null } } };
  return { topIndex, viewsKept: views };
}
