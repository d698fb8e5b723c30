/**
 * The Insights view's data on an archive, by SQL: the Insights (the records
 * of type AwsCloudTrailInsight, paired as the folder pairs them), the clock an
 * ongoing one's window ends at (the newest event), and the per-minute rate of
 * an Insight's API across its window, counted with one GROUP BY on the minute
 * under the condition `scan --db` counts an Insight's calls with (rateSql).
 * The numbers are the folder dashboard's (model/insights.ts insightSeries).
 */
import { insightCriteria, insightWindow, type Insight } from '../model/insights.js';
import { MINUTE, rateBounds, type RateSeries } from '../model/rate.js';
import type { Archive } from './db.js';
import { literal } from '../query/sql/index.js';
import { archiveInsightList, rateSql } from './query.js';

export interface ArchiveInsights {
  insights: Insight[];
  /** Where an ongoing Insight's window ends: a minute past the newest event, or `now` when earlier (InsightsView's clock). */
  clock: number;
}

/** Every Insight in the archive, newest first, and the clock for the ongoing ones. */
export async function archiveInsightsView(archive: Archive, now: number = Date.now()): Promise<ArchiveInsights> {
  const insights = await archiveInsightList(archive, null);
  const [[newest]] = (await archive.connection.runAndReadAll('SELECT max(tt_time) FROM events')).getRows() as [[unknown]];
  const clock = newest === null || newest === undefined ? now : Math.min(now, Number(newest) + 60_000);
  return { insights, clock };
}

/**
 * The calls per minute behind `insight` across its window (null when it has neither a start nor an end);
 * `where` (a query's SQL): only the calls it selects, as the folder's view counts a query's events.
 */
export async function archiveInsightSeries(archive: Archive, insight: Insight, clock: number, where: string | null = null): Promise<RateSeries | null> {
  const window = insightWindow(insight, clock);
  if (window === null) return null;
  const { from, to } = rateBounds(window);
  const buckets = new Array<number>((to - from) / MINUTE).fill(0);
  let eventsFound = 0;
  if (to > from) {
    const result = await archive.connection.runAndReadAll(
      `SELECT (tt_time - ${from}) // ${MINUTE} AS minute, count(*) FROM events WHERE ${rateSql(insightCriteria(insight), from, to)}${where ? ` AND (${where})` : ''} GROUP BY minute`,
    );
    for (const [minute, count] of result.getRows() as [unknown, unknown][]) {
      const n = Number(count);
      buckets[Number(minute)] = n;
      eventsFound += n;
    }
  }
  return { buckets, from, to, eventsFound };
}

/**
 * The Insights a query (`where`, its SQL) concerns, as the folder's view picks them (InsightsView
 * scopedInsights): its Start or End record is among the query's events, or calls of its API in its window are.
 */
export async function archiveInsightsConcerned(archive: Archive, insights: readonly Insight[], where: string, clock: number): Promise<Insight[]> {
  const ids = insights.flatMap((insight) => [insight.startRow?.id, insight.endRow?.id]).filter((id): id is string => Boolean(id));
  const matched = new Set<string>();
  if (ids.length > 0) {
    const result = await archive.connection.runAndReadAll(`SELECT eventid FROM events WHERE eventid IN (${ids.map(literal).join(', ')}) AND (${where})`);
    for (const [id] of result.getRows() as [unknown][]) matched.add(String(id));
  }
  const out: Insight[] = [];
  for (const insight of insights) {
    const byRecord = [insight.startRow?.id, insight.endRow?.id].some((id) => id !== undefined && matched.has(id));
    if (byRecord || ((await archiveInsightSeries(archive, insight, clock, where))?.eventsFound ?? 0) > 0) out.push(insight);
  }
  return out;
}
