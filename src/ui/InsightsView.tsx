import { useCallback, useMemo } from 'react';
import { insightSeries, pairInsights, type Insight } from '../model/insights.js';
import type { PluginViewProps } from './App.js';
import { useStoreVersion } from './hooks/useStore.js';
import { InsightRecords } from './insightsModel.js';
import { positionOf } from './listModel.js';
import type { EventRow } from '../model/types.js';
import type { RateSeries } from '../model/rate.js';
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
  // Under a query the view summarises its events, as T, h and ! do (`/` edits it here): the rates are
  // counted among them, and the Insights listed are those the query concerns (scopedInsights).
  const scoped = view.queryText.trim() !== '';
  const counted = scoped ? view.rows : null;
  // Only a new selection or new events recompute the series (a binary search, then the window's rows).
  // eslint-disable-next-line react-hooks/exhaustive-deps -- version stands for the store's contents
  const seriesOf = useCallback((insight: Insight) => insightSeries(insight, counted ?? store.rows(), clock, { newestFirst: true }), [store, version, clock, counted]);
  const shown = useMemo(() => (counted ? scopedInsights(insights, counted, seriesOf) : insights), [insights, counted, seriesOf]);
  return (
    <InsightsPanel
      {...view}
      insights={shown}
      {...(counted ? { of: insights.length } : {})}
      clock={clock}
      seriesOf={seriesOf}
      emptyText={
        counted
          ? `None of the ${insights.length} Insights concerns the events of this query: neither its records nor calls of its API in its window are among them. / edits the query; Esc in the query bar restores the one before.`
          : 'No CloudTrail Insights records in this folder. Insights files live under AWSLogs/ACCOUNT/CloudTrail-Insight/.'
      }
    />
  );
}

/**
 * The Insights a query's events concern: its Start or End record is among them (`region:eu-west-1`,
 * `category:insight`), or calls of its API in its window are (`user:alice`: the Insights alice's
 * calls took part in). `rows` newest first; each record found by a binary search.
 */
export function scopedInsights(insights: readonly Insight[], rows: readonly EventRow[], seriesOf: (insight: Insight) => RateSeries | null): Insight[] {
  const among = (row: EventRow | null): boolean => row !== null && rows[positionOf(rows, row)] === row;
  return insights.filter((insight) => among(insight.startRow) || among(insight.endRow) || (seriesOf(insight)?.eventsFound ?? 0) > 0);
}
