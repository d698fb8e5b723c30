/**
 * `i` on the --db dashboard: the folder dashboard's Insights view
 * (InsightsPanel) fed by SQL (archive/insights.ts). The Insights and the
 * clock are read when the view opens; each Insight's rate is counted the
 * first time it is selected, and kept while the view is open.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Archive } from '../../archive/db.js';
import { archiveInsightSeries, archiveInsightsView, type ArchiveInsights as InsightsData } from '../../archive/insights.js';
import type { Insight } from '../../model/insights.js';
import { sanitizeLine } from '../../term/sanitize.js';
import { InsightsPanel, type InsightsPanelProps, type SeriesState } from '../InsightsPanel.js';

export interface ArchiveInsightsProps extends Omit<InsightsPanelProps, 'insights' | 'clock' | 'seriesOf' | 'onShow' | 'emptyText'> {
  archive: Archive;
}

const NONE: readonly Insight[] = [];

function message(error: unknown): string {
  return sanitizeLine(error instanceof Error ? error.message : String(error)).slice(0, 300);
}

export function ArchiveInsights({ archive, ...view }: ArchiveInsightsProps) {
  const [data, setData] = useState<InsightsData | { failed: string } | null>(null);
  const [series, setSeries] = useState<ReadonlyMap<string, SeriesState>>(new Map());
  useEffect(() => {
    let live = true;
    archiveInsightsView(archive).then(
      (found) => live && setData(found),
      (error: unknown) => live && setData({ failed: message(error) }),
    );
    return () => {
      live = false;
    };
  }, [archive]);
  const clock = data && 'clock' in data ? data.clock : 0;
  // The Insights whose rate was asked for (counted, being counted or failed): each is counted once.
  const asked = useRef(new Set<string>());
  const onShow = useCallback(
    (insight: Insight) => {
      const id = insight.sharedEventId;
      if (asked.current.has(id)) return;
      asked.current.add(id);
      archiveInsightSeries(archive, insight, clock).then(
        (counted) => setSeries((known) => new Map(known).set(id, counted)),
        (error: unknown) => setSeries((known) => new Map(known).set(id, { failed: message(error) })),
      );
    },
    [archive, clock],
  );
  const seriesOf = useCallback((insight: Insight): SeriesState => series.get(insight.sharedEventId) ?? 'loading', [series]);
  // Mounted at once (while the Insights are read) so that its keys, Esc first, work from the start.
  const emptyText = !data
    ? 'Reading the Insights from the archive…'
    : 'failed' in data
      ? `Could not read the Insights: ${data.failed}`
      : 'No CloudTrail Insights records in this archive. Insights files live under AWSLogs/ACCOUNT/CloudTrail-Insight/.';
  return <InsightsPanel {...view} insights={data && 'insights' in data ? data.insights : NONE} clock={clock} seriesOf={seriesOf} onShow={onShow} emptyText={emptyText} />;
}
