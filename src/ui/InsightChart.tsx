import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { chartForInsight } from '../model/insightChart.js';
import { notOnDiskMessage, type Insight } from '../model/insights.js';
import type { RateSeries } from '../model/rate.js';
import { sanitize } from '../term/sanitize.js';
import { formatTime, type TimeZoneMode } from './format.js';
import { chartLegend, chartLines, truncateLine, yAxisWidth, type SegmentKind, type StyledLine } from './insightsModel.js';
import { useTheme, type Theme } from './theme.js';
import { WrappedText } from './WrappedText.js';

export interface InsightChartProps {
  insight: Insight;
  series: RateSeries;
  zone: TimeZoneMode;
  width: number;
  /** Plot rows; the chart takes height + 3 lines (legend, x axis, time labels). */
  height: number;
  now: number;
  /** Draw with ASCII only: TERM=linux or a locale that is not UTF-8 (unicodeBlocks). */
  ascii?: boolean;
  /** The rate is counted among a query's events, not every event on disk: said when none are found. */
  queried?: boolean;
}

export function colorOf(kind: SegmentKind, theme: Theme): string | undefined {
  switch (kind) {
    case 'bar':
      return theme.accent;
    case 'spanBar':
    case 'span':
      return theme.insight;
    case 'insight':
      return theme.warn;
    case 'baseline':
    case 'axis':
    case 'label':
      return theme.muted;
    default:
      return undefined;
  }
}

export function StyledText({ line, theme }: { line: StyledLine; theme: Theme }) {
  return (
    <Text wrap="truncate-end">
      {line.map((s, i) => (
        <Text key={i} color={colorOf(s.kind, theme)}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
}

/** Where the time window of a missing chart is said: full date and time plus the zone. */
function describeTime(t: number, zone: TimeZoneMode): string {
  return `${formatTime({ time: t, timeRaw: '' }, zone)}${zone === 'utc' ? ' UTC' : ''}`;
}

const QUERIED_HINT = 'The chart counts the events the query selects (/ edits it; with no query, every event on disk).';
const NOT_ON_DISK_HINT = 'The chart draws the rate found in the logs on disk; add the management-event logs for this window to see it.';

/**
 * The per-minute rate of the Insight's API from the logs on disk, with the
 * baseline (`-`) and insight (`=`) averages and the span (`^`) marked; or a
 * plain sentence when no events behind the window are on disk.
 */
export function InsightChart({ insight, series, zone, width, height, now, ascii = false, queried = false }: InsightChartProps) {
  const theme = useTheme();
  const lines = useMemo(() => {
    // Two passes: the y labels' width depends on the scale, the plot's width on the labels.
    const probe = chartForInsight(insight, series, width, height, now);
    const data = chartForInsight(insight, series, Math.max(4, width - yAxisWidth(probe) - 1), height, now);
    return { data, lines: chartLines(data, zone, width, ascii) };
  }, [insight, series, zone, width, height, now, ascii]);
  const legend = truncateLine(chartLegend(insight, lines.data, zone, width), width);
  const rawMissing = notOnDiskMessage(insight, series, (t) => describeTime(t, zone));
  // The sentence names the API, which comes from the log.
  const missing = rawMissing === null ? null : sanitize(queried ? rawMissing.replace(/ on disk between /, " among the query's events between ") : rawMissing);
  if (missing) {
    return (
      <Box flexDirection="column" width={width} height={height + 3}>
        <StyledText line={legend} theme={theme} />
        <Text> </Text>
        <WrappedText text={missing} width={width} maxLines={3} color={theme.warn} />
        <WrappedText text={queried ? QUERIED_HINT : NOT_ON_DISK_HINT} width={width} maxLines={2} color={theme.muted} />
      </Box>
    );
  }
  return (
    <Box flexDirection="column" width={width} height={height + 3}>
      <StyledText line={legend} theme={theme} />
      {lines.lines.map((line, i) => (
        <StyledText key={i} line={truncateLine(line, width)} theme={theme} />
      ))}
    </Box>
  );
}
