import { Box, Text } from 'ink';
import { memo, useMemo } from 'react';
import type { EventRow } from '../model/types.js';
import { COLUMNS, COLUMN_GAP, FULL_TIME_WIDTH, layoutColumns, titleRow, widestValues, type ColumnContext, type ColumnDef, type LaidOutColumn } from './columns.js';
import { isError, isInsight, rowMarker, spansYears, type TimeZoneMode } from './format.js';
import { measuredRange, type ListWindow } from './listModel.js';
import { sanitize } from '../term/sanitize.js';
import { fit } from '../term/width.js';
import { useTheme, type Theme } from './theme.js';
import { own } from '../term/glyphs.js';

/** Cursor mark + row-kind mark, in front of every row. */
export const GUTTER = 2;

export interface EventListProps {
  rows: readonly EventRow[];
  window: ListWindow;
  width: number;
  /** Lines available, including the column titles. */
  height: number;
  zone: TimeZoneMode;
  emptyText: string;
  /** The same rows newest first, when `rows` is in another order (the year column is decided on them). */
  spanRows?: readonly EventRow[];
  /** Marked event IDs: `*` in the cursor column (`»` on the cursor's row). */
  marks?: ReadonlySet<string>;
  /** The columns to show, in order (the column chooser's choice); default COLUMNS. */
  columnDefs?: readonly ColumnDef[];
  /**
   * The whole list spans years, when `rows` are not the whole list (an archive's page):
   * the archive knows its time bounds. Default: decided on `spanRows ?? rows`.
   */
  withYear?: boolean;
}

/** Rows of the list body for a given total height (one line goes to the column titles). */
export function listBodyHeight(height: number): number {
  return Math.max(1, height - 1);
}

function rowText(row: EventRow, columns: LaidOutColumn[], ctx: ColumnContext): string {
  const gap = ' '.repeat(COLUMN_GAP);
  return columns
    .map((col) => {
      let value = col.def.value(row, ctx);
      if (col.def.shorten && value.length > col.width) value = col.def.shorten(value);
      return fit(sanitize(value), col.width);
    })
    .join(gap);
}

interface ListRowProps {
  row: EventRow;
  selected: boolean;
  marked: boolean;
  columns: LaidOutColumn[];
  ctx: ColumnContext;
  theme: Theme;
  width: number;
}

/** One row; memoised so rows that did not change are not rebuilt when new events arrive. */
const ListRow = memo(function ListRow({ row, selected, marked, columns, ctx, theme, width }: ListRowProps) {
  const color = isInsight(row) ? theme.insight : isError(row) ? theme.error : undefined;
  const line = `${selected ? (marked ? own('»') : own('›')) : marked ? '*' : ' '}${rowMarker(row)}${rowText(row, columns, ctx)}`;
  // Only the highlighted row needs its trailing blanks (the bar spans the line); Ink pays per character drawn.
  const highlighted = selected && theme.inverse;
  return (
    <Text wrap="truncate-end" color={color} inverse={highlighted}>
      {highlighted ? fit(line, width) : line.trimEnd()}
    </Text>
  );
});

export function EventList({ rows, window, width, height, zone, emptyText, spanRows, marks, columnDefs = COLUMNS, withYear: listSpansYears }: EventListProps) {
  const theme = useTheme();
  // Decided for the whole list, not the rows on screen, so the column does not jump while scrolling.
  const withYear = listSpansYears ?? spansYears(spanRows ?? rows, zone);
  const listWidth = Math.max(10, width - GUTTER);
  const visible = rows.slice(window.top, window.end);
  const measured = measuredRange(window);
  const nearby = rows.slice(measured.top, measured.end);
  // The time is not measured, so its form does not matter here.
  const widest = widestValues(nearby, { zone, shortTime: true, withYear }, columnDefs);
  const widestKey = JSON.stringify(widest);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- widestKey stands for widest
  const columns = useMemo(() => layoutColumns(listWidth, withYear, widest, columnDefs), [listWidth, withYear, widestKey, columnDefs]);
  // The time's form follows the width the layout gave it.
  const shortTime = (columns.find((col) => col.def.id === 'time')?.width ?? FULL_TIME_WIDTH) < FULL_TIME_WIDTH;
  const ctx = useMemo<ColumnContext>(() => ({ zone, shortTime, withYear }), [zone, shortTime, withYear]);
  const titles = ' '.repeat(GUTTER) + titleRow(columns, listWidth, columnDefs);
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0} overflowY="hidden">
      <Text wrap="truncate-end" bold={theme.bold} color={theme.accent}>
        {fit(titles, width).trimEnd()}
      </Text>
      {visible.length === 0 ? (
        <Text wrap="truncate-end" color={theme.muted}>
          {`  ${emptyText}`}
        </Text>
      ) : (
        visible.map((row, i) => (
          <ListRow
            key={row.id}
            row={row}
            selected={window.top + i === window.cursor}
            marked={marks?.has(row.id) ?? false}
            columns={columns}
            ctx={ctx}
            theme={theme}
            width={width}
          />
        ))
      )}
    </Box>
  );
}
