import { Text } from 'ink';
import { memo, useMemo } from 'react';
import type { EventRow } from '../../model/types.js';
import type { EventStore } from '../../store/eventStore.js';
import type { TimeZoneMode } from '../format.js';
import { useTheme } from '../theme.js';
import { stripCells, stripCounts, type StripCell } from './stripModel.js';

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
export const TimelineStrip = memo(function TimelineStrip({ rows, version, width, zone, cursorTime, ascii, store }: TimelineStripProps) {
  const theme = useTheme();
  // Counting walks the rows: only when they, the width or the zone change; the cursor moving only redraws.
  const counts = useMemo(
    () => stripCounts(rows, width, zone, store),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- version stands for rows changing in place
    [rows, version, width, zone, store],
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
