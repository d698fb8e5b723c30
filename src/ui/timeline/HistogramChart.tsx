/**
 * The histogram as both dashboards draw it: title, legend, one line per
 * bucket (time axis, bar split into parts, count) and the line under the
 * bars. The folder's view counts its rows in memory and the --db view asks
 * the archive; both hand their visible buckets here, so they look the same.
 */
import { Box, Text } from 'ink';
import { fit, truncate } from '../../term/width.js';
import { TOP_PARTS, type BucketSize, type StackSpec, type TimelineZone } from '../../timeline/index.js';
import { useTheme, type Theme } from '../theme.js';
import { axisFormat, barLength, splitBar } from './histogramModel.js';
import { legendFit } from './histogramText.js';
import { own } from '../../term/glyphs.js';

/** Colours of the parts of a bar split by a field (top 5, then Other). */
const FIELD_COLOURS = ['cyan', 'green', 'yellow', 'magenta', 'blue', 'gray'] as const;
/** Without colour each part has its own glyph. */
const PLAIN_GLYPHS = ['█', '▓', '▒', '░', '▞', '·'] as const;
const ASCII_GLYPHS = ['#', '=', '+', '%', 'o', '.'] as const;

interface PartStyle {
  glyph: string;
  color: string | undefined;
}

/** How each part is drawn: errors in the error colour (`!` without colour), field values in their colours or glyphs. */
export function partStyles(stack: Pick<StackSpec, 'field' | 'values'>, theme: Theme, ascii: boolean): PartStyle[] {
  const solid = ascii ? '#' : '█';
  if (stack.field === 'errors') {
    return [
      { glyph: solid, color: theme.enabled ? theme.ok : undefined },
      { glyph: theme.enabled ? solid : '!', color: theme.error },
    ];
  }
  const n = stack.values.length + 1;
  return Array.from({ length: n }, (_, i) => {
    const k = i === n - 1 ? FIELD_COLOURS.length - 1 : i;
    return theme.enabled ? { glyph: solid, color: FIELD_COLOURS[k] } : { glyph: (ascii ? ASCII_GLYPHS : PLAIN_GLYPHS)[k]!, color: undefined };
  });
}

/** A bar's cells, part by part, each in its part's colour and glyph. */
function PartCells({ cells, styles }: { cells: readonly number[]; styles: readonly PartStyle[] }) {
  return (
    <>
      {cells.map((n, k) =>
        n > 0 ? (
          <Text key={k} color={styles[k]!.color}>
            {styles[k]!.glyph.repeat(n)}
          </Text>
        ) : null,
      )}
    </>
  );
}

export interface ChartBucket {
  start: number;
  count: number;
  /** Counts per part (the parts' names in `names`); they add up to count. */
  parts: readonly number[];
}

export interface ChartBars {
  /** The visible buckets, oldest at the top. */
  buckets: readonly ChartBucket[];
  /** The parts' names, in drawing order. */
  names: readonly string[];
  stack: Pick<StackSpec, 'field' | 'values'>;
  /** Index of the cursor's bucket among them. */
  cursorIndex: number;
  /** The selected span [start, end) while `v` is on, else null. */
  span: { start: number; end: number } | null;
  size: BucketSize;
  zone: TimelineZone;
  /** Dates on the axis carry their year (the events' times cross one). */
  withYear: boolean;
}

export interface HistogramChartProps {
  title: string;
  /** Null when there is nothing to chart; `empty` says why. */
  bars: ChartBars | null;
  empty: string;
  /** The line under the bars (the cursor's bucket or the span). */
  info: string;
  width: number;
  height: number;
  ascii: boolean;
}

export function HistogramChart({ title, bars, empty, info, width, height, ascii }: HistogramChartProps) {
  const theme = useTheme();
  if (!bars) {
    return (
      <Box flexDirection="column" width={width} height={height} overflow="hidden">
        <Text color={theme.muted} wrap="truncate-end">
          {title}
        </Text>
        <Text wrap="truncate-end">{truncate(empty, width)}</Text>
      </Box>
    );
  }
  const { buckets, names, stack, cursorIndex, span } = bars;
  const styles = partStyles(stack, theme, ascii);
  const axis = axisFormat(bars.size, bars.zone, bars.withYear);
  // Bars scale to the largest bucket on screen, as the title says.
  const max = Math.max(0, ...buckets.map((b) => b.count));
  const countWidth = Math.max(1, String(max).length);
  // gutter (2) + label + ' │' + bar + ' ' + count
  const barRoom = Math.max(1, width - 2 - axis.width - 2 - 1 - countWidth);
  const axisBar = ascii ? '|' : own('│');

  // Fewer values than TOP_PARTS: each has its own part and Other is always empty, so the legend leaves it out.
  const legendParts = stack.field !== 'errors' && stack.values.length < TOP_PARTS ? names.slice(0, -1) : names;
  const legendItems = legendFit(legendParts, width);
  const legend = (
    <Text wrap="truncate-end">
      {legendItems.items.map(({ name, index }) => (
        <Text key={index}>
          <Text color={styles[index]!.color}>{styles[index]!.glyph}</Text>
          <Text>{` ${name}  `}</Text>
        </Text>
      ))}
      {legendItems.more > 0 ? <Text color={theme.muted}>{`+${legendItems.more} more`}</Text> : null}
    </Text>
  );

  const lines = buckets.map((bucket, i) => {
    const selected = i === cursorIndex;
    const inSpan = span !== null && bucket.start >= span.start && bucket.start < span.end;
    const gutter = `${selected ? own('›') : ' '}${inSpan ? (ascii ? '|' : own('┃')) : ' '}`;
    const label = axis.label(bucket.start, i === 0 ? null : buckets[i - 1]!.start);
    const length = barLength(bucket.count, max, barRoom);
    const cells = splitBar(bucket.parts, bucket.count, length);
    const count = String(bucket.count).padStart(countWidth);
    return (
      <Text key={bucket.start} wrap="truncate-end">
        <Text inverse={(selected || inSpan) && theme.inverse}>{`${gutter}${label}`}</Text>
        <Text color={theme.muted}>{` ${axisBar}`}</Text>
        <PartCells cells={cells} styles={styles} />
        <Text>{' '.repeat(Math.max(0, barRoom - length) + 1)}</Text>
        <Text color={bucket.count === 0 ? theme.muted : undefined}>{count}</Text>
      </Text>
    );
  });

  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Box flexShrink={0}>
        <Text color={theme.muted} wrap="truncate-end">
          {title}
        </Text>
      </Box>
      <Box flexShrink={0}>{legend}</Box>
      {lines}
      <Text wrap="truncate-end" color={theme.accent}>
        {fit(info, width).trimEnd() || ' '}
      </Text>
    </Box>
  );
}
