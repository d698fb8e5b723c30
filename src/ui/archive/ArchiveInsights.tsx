/**
 * `i` on the --db dashboard: the folder dashboard's Insights view
 * (InsightsPanel) fed by SQL (archive/insights.ts). The Insights and the
 * clock are read when the view opens and again after each followed import;
 * each Insight's rate is counted the first time it is selected, and again
 * when selected after an import (the folder dashboard's view is live).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Archive } from '../../archive/db.js';
import { archiveInsightSeries, archiveInsightsConcerned, archiveInsightsView, type ArchiveInsights as InsightsData } from '../../archive/insights.js';
import type { Insight } from '../../model/insights.js';
import { sanitizeLine } from '../../term/sanitize.js';
import { InsightsPanel, type InsightsPanelProps, type SeriesState } from '../InsightsPanel.js';
import { own } from '../../term/glyphs.js';

export interface ArchiveInsightsProps extends Omit<InsightsPanelProps, 'insights' | 'clock' | 'seriesOf' | 'onShow' | 'emptyText' | 'of'> {
  archive: Archive;
  /** The followed imports ended so far: each one is read again (0 without a follow). */
  imports?: number;
  /** The applied query's SQL, null without one: the Insights it concerns are listed, their rates counted among its events. */
  where?: string | null;
}

const NONE: readonly Insight[] = [];

function seriesKey(where: string | null, id: string): string {
  return `${where ?? ''}\u0000${id}`;
}

function message(error: unknown): string {
  return sanitizeLine(error instanceof Error ? error.message : String(error)).slice(0, 300);
}

export function ArchiveInsights({ archive, imports = 0, where = null, ...view }: ArchiveInsightsProps) {
  const [data, setData] = useState<InsightsData | { failed: string } | null>(null);
  const [series, setSeries] = useState<ReadonlyMap<string, SeriesState>>(new Map());
  // Under a query (`/` here, as in the folder's view): the Insights it concerns, once counted (null meanwhile).
  const [concerned, setConcerned] = useState<{ where: string; insights: Insight[] } | { where: string; failed: string } | null>(null);
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
  const all = data && 'insights' in data ? data.insights : NONE;
  useEffect(() => {
    if (where === null || all.length === 0) return setConcerned(null);
    let live = true;
    archiveInsightsConcerned(archive, all, where, clock).then(
      (insights) => live && setConcerned({ where, insights }),
      (error: unknown) => live && setConcerned({ where, failed: message(error) }),
    );
    return () => {
      live = false;
    };
  }, [archive, all, where, clock]);
  // The Insights whose rate was asked for since the last import or query (counted, being counted or failed): each
  // is counted once per import and query; the rate counted before stays on screen until the new one arrives.
  const asked = useRef({ imports, where, ids: new Set<string>() });
  const onShow = useCallback(
    (insight: Insight) => {
      const id = insight.sharedEventId;
      if (asked.current.imports !== imports || asked.current.where !== where) asked.current = { imports, where, ids: new Set() };
      if (asked.current.ids.has(id)) return;
      asked.current.ids.add(id);
      // Kept by query and Insight: a rate counted on another query is never drawn for this one.
      const key = seriesKey(where, id);
      archiveInsightSeries(archive, insight, clock, where).then(
        (counted) => setSeries((known) => new Map(known).set(key, counted)),
        (error: unknown) => setSeries((known) => new Map(known).set(key, { failed: message(error) })),
      );
    },
    [archive, clock, imports, where],
  );
  const seriesOf = useCallback((insight: Insight): SeriesState => series.get(seriesKey(where, insight.sharedEventId)) ?? 'loading', [series, where]);
  // Mounted at once (while the Insights are read): the keys meanwhile, Esc first, are kept for it, not lost.
  const scoped = where !== null && all.length > 0;
  const counted = scoped && concerned?.where === where ? concerned : null;
  const emptyText = !data
    ? own('Reading the Insights from the archive…')
    : 'failed' in data
      ? `Could not read the Insights: ${data.failed}`
      : scoped && !counted
        ? own('Counting the Insights this query concerns…')
        : counted && 'failed' in counted
          ? `Could not count the Insights this query concerns: ${counted.failed}`
          : scoped
            ? `None of the ${all.length} Insights concerns the events of this query: neither its records nor calls of its API in its window are among them. / edits the query; Esc in the query bar restores the one before.`
            : 'No CloudTrail Insights records in this archive. Insights files live under AWSLogs/ACCOUNT/CloudTrail-Insight/.';
  const shown = !scoped ? all : counted && 'insights' in counted ? counted.insights : NONE;
  // It listens once the Insights are read: keys typed with `i` (`i j Enter`) wait in the dashboard's queue
  // for them, where an empty list dropped them (the folder dashboard's view has its Insights at once).
  const listening = view.active !== false && data !== null;
  return <InsightsPanel {...view} active={listening} insights={shown} {...(scoped ? { of: all.length } : {})} clock={clock} seriesOf={seriesOf} onShow={onShow} emptyText={emptyText} />;
}
