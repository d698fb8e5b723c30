/**
 * The figures `trailtop scan` reports, as plain data built from a loaded
 * store. `--json` prints this object; the human form is rendered from it.
 */
import type { EventStore } from '../store/eventStore.js';
import { reportedConflict, type ReportedConflict } from '../store/progress.js';
import type { BadFile, EventRow, FileShape } from '../model/types.js';
import { READ_SHAPES } from '../ingest/scanFolder.js';
import { isInsightRow, pairInsights, summarizeInsights, type InsightSummary } from '../model/insights.js';
import { errorLabel } from '../model/failure.js';

export interface Count {
  name: string;
  count: number;
}

export interface ScanSummary {
  folder: string;
  /** The query that selected events, null without --filter/--since/--until. */
  filter: string | null;
  files: {
    /** Files whose content was read as CloudTrail (including empty ones). */
    read: number;
    digests: number;
    skipped: BadFile[];
    bad: BadFile[];
    byShape: Partial<Record<FileShape, number>>;
    /** Detection rules the watchdog stopped (for a rule: filter), by file: their events are counted. Only when some were. */
    rulesStopped?: BadFile[];
  };
  events: {
    /**
     * Events read (with a filter: matching events read), duplicates included. Null where it cannot be
     * known: an archive keeps one copy of each event, so under a filter the copies read are not counted.
     */
    read: number | null;
    /** Distinct events (by eventID, or content for records without one); with a filter, the matching ones. */
    unique: number;
    /** Null where `read` is. */
    duplicates: number | null;
    /** Distinct events in the folder before any filter. */
    total: number;
    /** AwsCloudTrailInsight records among the unique events counted. */
    insights: number;
    /** Events whose eventTime did not parse (kept, shown last). */
    badTime: number;
    /**
     * Duplicates whose content differs from the copy kept (same eventID, different content: tampering).
     * Absent where the source cannot tell (an archive keeps one copy).
     */
    conflicts?: number;
  };
  /** The conflicting duplicates, the first MAX_LISTED_CONFLICTS of them (store/progress.ts); absent with `conflicts`. */
  conflictingDuplicates?: ReportedConflict[];
  time: { first: string | null; last: string | null };
  topEventNames: Count[];
  topActors: Count[];
  /**
   * Failed events by error code; a failed console sign-in, which has none, by its errorMessage
   * (errorLabel, as the Error code column and the CSV show it), so the counts add up to error:*.
   */
  errorsByCode: { code: string; count: number }[];
  /** Insights Start/End pairs among the counted events, with the events behind each span on disk. */
  insights: InsightSummary[];
}

export interface SummaryOptions {
  folder?: string;
  filter?: string | null;
  /** Matching events read before deduplication (scan counts them as files load); without it read = unique. */
  matchedRead?: number;
  /** Entries in each top list. */
  top?: number;
}

export interface RowMatcher {
  test(row: EventRow): boolean;
}

function topOf(counts: Map<string, number>, limit: number): Count[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, limit)
    .map(([name, count]) => ({ name, count }));
}

function bump(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Builds the scan summary of everything in `store`, or of the rows `matcher` accepts. */
export function summarizeStore(store: EventStore, matcher?: RowMatcher | null, options: SummaryOptions = {}): ScanSummary {
  const progress = store.progress;
  const top = options.top ?? 10;
  const names = new Map<string, number>();
  const actors = new Map<string, number>();
  const errors = new Map<string, number>();
  let unique = 0;
  let insights = 0;
  let badTime = 0;
  let first = Infinity;
  let last = -Infinity;
  const insightRows: EventRow[] = [];
  for (const row of store.log()) {
    if (matcher && !matcher.test(row)) continue;
    unique++;
    if (isInsightRow(row)) insightRows.push(row);
    bump(names, row.name || '(none)');
    bump(actors, row.actor || '(none)');
    const error = errorLabel(row);
    if (error) bump(errors, error);
    if (row.eventType === 'AwsCloudTrailInsight' || isInsightRow(row)) insights++;
    if (Number.isNaN(row.time)) badTime++;
    else {
      if (row.time < first) first = row.time;
      if (row.time > last) last = row.time;
    }
  }
  let read = 0;
  for (const [shape, count] of Object.entries(progress.shapes) as [FileShape, number][]) {
    if (READ_SHAPES.has(shape)) read += count;
  }
  const eventsRead = matcher ? (options.matchedRead ?? unique) : progress.eventsRead;
  return {
    folder: options.folder ?? '',
    filter: options.filter ?? null,
    files: {
      read,
      digests: progress.digests,
      skipped: progress.skippedFiles.slice(),
      bad: progress.badFiles.slice(),
      byShape: { ...progress.shapes },
      ...(progress.ruleStops.length > 0 ? { rulesStopped: progress.ruleStops.slice() } : {}),
    },
    events: {
      read: eventsRead,
      unique,
      duplicates: matcher ? Math.max(0, eventsRead - unique) : progress.duplicates,
      total: store.size,
      insights,
      badTime,
      conflicts: progress.conflictCount,
    },
    conflictingDuplicates: progress.conflicts.map(reportedConflict),
    time: {
      first: Number.isFinite(first) ? new Date(first).toISOString() : null,
      last: Number.isFinite(last) ? new Date(last).toISOString() : null,
    },
    topEventNames: topOf(names, top),
    topActors: topOf(actors, top),
    errorsByCode: topOf(errors, Math.max(top, 50)).map(({ name, count }) => ({ code: name, count })),
    // eventsOnDisk counts every event in the folder, not only matching ones: it says what the logs hold behind the span.
    insights: summarizeInsights(pairInsights(insightRows), store.log()),
  };
}
