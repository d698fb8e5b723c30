import { Text } from 'ink';
import { memo, useMemo, useRef } from 'react';
import type { EventRow } from '../../model/types.js';
import type { EventStore } from '../../store/eventStore.js';
import type { TimeZoneMode } from '../format.js';
import { useTheme } from '../theme.js';
import { stripCells, stripCounts, type StripCell, type StripCounts } from './stripModel.js';

export interface TimelineStripProps {
  /** The list's rows, newest first. */
  rows: readonly EventRow[];
  /** Bumped when rows change in place (the store's version). */
  version?: number;
  width: number;
  zone: TimeZoneMode;
  cursorTime?: number;
  ascii: boolean;
  /** The store the rows belong to: the counts then come from its columns, not the row objects. */
  store?: EventStore;
  /**
   * While the store is loading, and `filter` (anything standing for what selects the rows: it
   * changes whenever they are not the same list grown) is unchanged, the counts are kept until the
   * rows grew by a quarter (LOAD_RECOUNT_GROWTH). Without a filter the rows are counted at every change.
   */
  loading?: boolean;
  filter?: unknown;
}

/**
 * During a load the rows grow at every store notification, and counting a
 * million of them again took ~50 ms of each (the largest part of the frame a
 * key waited behind: issue 13's key to frame during a 1M load). Counted again
 * only when they grew by this share, a load of 1M counts about 30 times
 * instead of 90, and a few of those past 500k rows instead of 45. Exact again once loaded.
 */
export const LOAD_RECOUNT_GROWTH = 1.25;

interface KeptCounts {
  counts: StripCounts | null;
  length: number;
  filter: unknown;
  width: number;
  zone: TimeZoneMode;
  store: EventStore | undefined;
}

/** Cells of one kind next to each other become one Text, so a line is a handful of spans, not one per cell. */
function runs(cells: readonly StripCell[]): Array<{ text: string; error: boolean; cursor: boolean }> {
  const out: Array<{ text: string; error: boolean; cursor: boolean }> = [];
  for (const cell of cells) {
    const last = out[out.length - 1];
    if (last && last.error === cell.error && !last.cursor && !cell.cursor) last.text += cell.glyph;
    else out.push({ text: cell.glyph, error: cell.error, cursor: cell.cursor });
  }
  return out;
}

/**
 * One line under the header: the filtered events over the list's time span,
 * one cell per bucket, the cursor's bucket in reverse video, buckets with
 * errors in the error colour (without colour: errors `!`, the cursor `┃`).
 */
export const TimelineStrip = memo(function TimelineStrip({ rows, version, width, zone, cursorTime, ascii, store, loading = false, filter }: TimelineStripProps) {
  const theme = useTheme();
  const kept = useRef<KeptCounts | null>(null);
  // Counting walks the rows: only when they, the width or the zone change; the cursor moving only redraws.
  const counts = useMemo(
    () => {
      const last = kept.current;
      const grownLittle =
        loading &&
        filter !== undefined &&
        last !== null &&
        last.filter === filter &&
        last.width === width &&
        last.zone === zone &&
        last.store === store &&
        rows.length >= last.length &&
        rows.length < last.length * LOAD_RECOUNT_GROWTH;
      if (grownLittle) return last.counts;
      const fresh = stripCounts(rows, width, zone, store);
      kept.current = { counts: fresh, length: rows.length, filter, width, zone, store };
      return fresh;
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps -- version stands for rows changing in place
    [rows, version, width, zone, store, loading, filter],
  );
  const model = useMemo(() => (counts ? stripCells(counts, { width, zone, cursorTime, ascii, plain: !theme.enabled }) : null), [counts, width, zone, cursorTime, ascii, theme.enabled]);
  if (!model) {
    return (
      <Text color={theme.muted} wrap="truncate-end">
        {' '}
      </Text>
    );
  }
  return (
    <Text wrap="truncate-end">
      <Text color={theme.muted}>{model.prefix}</Text>
      {runs(model.cells).map((run, i) => (
        <Text key={i} color={run.error ? theme.error : theme.accent} inverse={run.cursor && theme.enabled}>
          {run.text}
        </Text>
      ))}
      <Text color={theme.muted}>{model.suffix}</Text>
    </Text>
  );
});
