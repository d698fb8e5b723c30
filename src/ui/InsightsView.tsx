import { useCallback, useMemo } from 'react';
import { insightSeries, pairInsights, type Insight } from '../model/insights.js';
import type { PluginViewProps } from './App.js';
import { useStoreVersion } from './hooks/useStore.js';
import { InsightRecords } from './insightsModel.js';
import { InsightsPanel } from './InsightsPanel.js';

export interface InsightsViewProps extends PluginViewProps {
  /** The clock for ongoing Insights (tests pin it). */
  now?: number;
}

/**
 * The Insights view (`i`) of the folder dashboard: the Insights records and
 * the rates behind them read from the store (InsightsPanel draws them).
 */
export function InsightsView({ store, now, ...view }: InsightsViewProps) {
  const version = useStoreVersion(store);
  const records = useMemo(() => new InsightRecords(), [store]);
  // Only rows that arrived since the last version are looked at; pairing runs on the Insights records alone.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the store mutates in place; version says when
  const insightRows = useMemo(() => records.update(store.log(), store.rewrites), [records, store, version]);
  const insights = useMemo(() => pairInsights(insightRows), [insightRows]);
  // An ongoing Insight's window ends at the newest event on disk, not at the wall clock:
  // minutes past the last log file are unknown, not zero, and must not be drawn as zeros.
  const clock = useMemo(() => {
    const wall = now ?? Date.now();
    const newest = store.rows().find((row) => Number.isFinite(row.time));
    return newest ? Math.min(wall, newest.time + 60_000) : wall;
  }, [now, version, store]);
  // Only a new selection or new events recompute the series (a binary search, then the window's rows).
  // eslint-disable-next-line react-hooks/exhaustive-deps -- version stands for the store's contents
  const seriesOf = useCallback((insight: Insight) => insightSeries(insight, store.rows(), clock, { newestFirst: true }), [store, version, clock]);
  return (
    <InsightsPanel
      {...view}
      insights={insights}
      clock={clock}
      seriesOf={seriesOf}
      emptyText="No CloudTrail Insights records in this folder. Insights files live under AWSLogs/ACCOUNT/CloudTrail-Insight/."
    />
  );
}
