/**
 * `i` on the --db dashboard: the folder dashboard's Insights view
 * (InsightsPanel) fed by SQL (archive/insights.ts). The Insights and the
 * clock are read when the view opens and again after each followed import;
 * each Insight's rate is counted the first time it is selected, and again
 * when selected after an import (the folder dashboard's view is live).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Archive } from '../../archive/db.js';
import { archiveInsightSeries, archiveInsightsView, type ArchiveInsights as InsightsData } from '../../archive/insights.js';
import type { Insight } from '../../model/insights.js';
import { sanitizeLine } from '../../term/sanitize.js';
import { InsightsPanel, type InsightsPanelProps, type SeriesState } from '../InsightsPanel.js';
import { own } from '../../term/glyphs.js';

export interface ArchiveInsightsProps extends Omit<InsightsPanelProps, 'insights' | 'clock' | 'seriesOf' | 'onShow' | 'emptyText'> {
  archive: Archive;
  /** The followed imports ended so far: each one is read again (0 without a follow). */
  imports?: number;
}

const NONE: readonly Insight[] = [];

function message(error: unknown): string {
  return sanitizeLine(error instanceof Error ? error.message : String(error)).slice(0, 300);
}

export function ArchiveInsights({ archive, imports = 0, ...view }: ArchiveInsightsProps) {
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
  }, [archive, imports]);
  const clock = data && 'clock' in data ? data.clock : 0;
  // The Insights whose rate was asked for since the last import (counted, being counted or failed): each is
  // counted once per import; the rate counted before stays on screen until the new one arrives.
  const asked = useRef({ imports, ids: new Set<string>() });
  const onShow = useCallback(
    (insight: Insight) => {
      const id = insight.sharedEventId;
      if (asked.current.imports !== imports) asked.current = { imports, ids: new Set() };
      if (asked.current.ids.has(id)) return;
      asked.current.ids.add(id);
      archiveInsightSeries(archive, insight, clock).then(
        (counted) => setSeries((known) => new Map(known).set(id, counted)),
        (error: unknown) => setSeries((known) => new Map(known).set(id, { failed: message(error) })),
      );
    },
    [archive, clock, imports],
  );
  const seriesOf = useCallback((insight: Insight): SeriesState => series.get(insight.sharedEventId) ?? 'loading', [series]);
  // Mounted at once (while the Insights are read): the keys meanwhile, Esc first, are kept for it, not lost.
  const emptyText = !data
    ? own('Reading the Insights from the archive…')
    : 'failed' in data
      ? `Could not read the Insights: ${data.failed}`
      : 'No CloudTrail Insights records in this archive. Insights files live under AWSLogs/ACCOUNT/CloudTrail-Insight/.';
  // It listens once the Insights are read: keys typed with `i` (`i j Enter`) wait in the dashboard's queue
  // for them, where an empty list dropped them (the folder dashboard's view has its Insights at once).
  const listening = view.active !== false && data !== null;
  return <InsightsPanel {...view} active={listening} insights={data && 'insights' in data ? data.insights : NONE} clock={clock} seriesOf={seriesOf} onShow={onShow} emptyText={emptyText} />;
}
