/**
 * What the reader chose in the views that read their own keys (the folder's histogram, the findings,
 * the Insights), kept by the dashboard rather than only inside the view: Esc in a list a view's Enter
 * opened mounts the view again (drillBack), and it must come back as it was left, not as new. The
 * dashboard keeps these with the views' other choices (T's line, p's line, the --db histogram's
 * buckets) in the place the Enter left (queryStack.ts placeLeft), on both dashboards.
 */
import { useState } from 'react';
import type { HistogramViewState } from './timeline/histogramModel.js';

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

/** The choices with those of `mode` dropped, when it is a view that keeps them: opened anew (h, !, i), it starts as new. */
export function forgetView(views: KeptViews, mode: string): KeptViews {
  return (mode === 'histogram' || mode === 'findings' || mode === 'insights') && views[mode] ? { ...views, [mode]: undefined } : views;
}
