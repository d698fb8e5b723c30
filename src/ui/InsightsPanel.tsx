import { Box, Text, type Key } from 'ink';
import { useEffect, useMemo, useRef } from 'react';
import { attributionTable, relatedEventsQuery, type AttributionTable, type Insight } from '../model/insights.js';
import type { RateSeries } from '../model/rate.js';
import { sanitize } from '../term/sanitize.js';
import { truncate } from '../term/width.js';
import type { PluginViewProps } from './App.js';
import { InsightChart } from './InsightChart.js';
import { attributionLines, insightEndWidth, insightHeaderLine, insightListLayout, insightRowLine, insightsSpanYears, insightsLayout, listWindow } from './insightsModel.js';
import { actionFor } from './keys.js';
import { fitHints } from './StatusBar.js';
import { useTheme } from './theme.js';
import { answerSharedKey, useViewKeys } from './viewKeys.js';
import { useKeptState } from './keptViews.js';
import { WrappedText } from './WrappedText.js';
import { own } from '../term/glyphs.js';

/** The rate behind an Insight as the panel shows it: counted, not yet (`loading`), or failed. */
export type SeriesState = RateSeries | null | 'loading' | { failed: string };

export interface InsightsPanelProps extends Pick<PluginViewProps, 'zone' | 'width' | 'height' | 'onClose' | 'setQuery' | 'openHelp' | 'editQuery' | 'setListable' | 'quit' | 'active' | 'claimKeys' | 'kept' | 'keep' | 'ascii'> {
  /** Every Insight, newest first (model/insights.ts pairInsights). */
  insights: readonly Insight[];
  /** The clock an ongoing Insight's window ends at (the newest event, or now). */
  clock: number;
  /** The per-minute rate of an Insight's API across its window (insightSeries), as far as it is known. */
  seriesOf(insight: Insight): SeriesState;
  /** The selected Insight changed (the archive counts its rate then). */
  onShow?(insight: Insight): void;
  /** What the view says when there is no Insight. */
  emptyText: string;
  /** Under a query: how many Insights there are in all (`insights` holds those the query concerns). */
  of?: number;
  /** The applied query: Enter narrows it to the Insight's calls when `of` says the view counts its events. */
  queryText?: string;
}

const TAB_NAMES: Readonly<Record<string, string>> = { userIdentityArn: 'Identities', userAgent: 'User agents', errorCode: 'Error codes' };

/**
 * The Insights view's drawing and keys (`i`): every Insight, newest first; for
 * the selected one, the rate found in the events against its averages, and its
 * attributions. Enter lists the events behind it; `i` or Esc returns. Fed by
 * the store (InsightsView) or by SQL on an archive (archive/ArchiveInsights).
 */
export function InsightsPanel({ insights, of, queryText = '', clock, seriesOf, onShow, emptyText, zone, width, height, onClose, setQuery, openHelp, editQuery, setListable, quit, active, claimKeys, kept, keep, ascii = false }: InsightsPanelProps) {
  const theme = useTheme();
  // Kept by the dashboard: back by Esc from the list an Insight's Enter opened, that Insight is still selected.
  const [choice, setChoice] = useKeptState('insights', { kept, keep }, () => ({ insightId: null, tab: 0 }));
  const { insightId: selectedId, tab } = choice;
  const found = selectedId === null ? -1 : insights.findIndex((i) => i.sharedEventId === selectedId);
  const index = found === -1 ? 0 : found;
  const insight = insights[index] ?? null;
  // Only a new selection or a new seriesOf (new events, a rate counted) recomputes it.
  const state = useMemo(() => (insight ? seriesOf(insight) : null), [insight, seriesOf]);
  const series = state === 'loading' || (state !== null && 'failed' in state) ? null : state;
  useEffect(() => {
    if (insight) onShow?.(insight);
  }, [insight, onShow]);
  const listable = insights.length > 0;
  useEffect(() => setListable?.(listable), [listable, setListable]);
  const tables: AttributionTable[] = useMemo(() => (insight ? attributionTable(insight) : []), [insight]);

  const allAttributionLines = useMemo(() => attributionLines(tables, width), [tables, width]);
  const layout = insightsLayout(height, insights.length, allAttributionLines.length);
  // An attribute without a tab name is named by its own text, which comes from the log.
  const tabs = layout.attributionsBelow ? ['Chart'] : ['Chart', ...tables.map((t) => TAB_NAMES[t.attribute] ?? sanitize(t.attribute))];
  const tabIndex = Math.min(tab, tabs.length - 1);

  const live = { insights, index, insight, tabs, tabIndex, choice };
  const liveRef = useRef(live);
  liveRef.current = live;
  /** True when the key closed or covered the view (the keys after it are App's). */
  const handle = (input: string, key: Key): boolean => {
    const { insights, index, insight, tabs, tabIndex } = liveRef.current;
    const select = (i: number): void => {
      const to = Math.max(0, Math.min(insights.length - 1, i));
      const next = insights[to];
      if (!next) return;
      const chosen = { ...liveRef.current.choice, insightId: next.sharedEventId };
      setChoice(chosen);
      // The next key of the same chunk sees this move before any render.
      liveRef.current = { ...liveRef.current, index: to, insight: next, choice: chosen };
    };
    const switchTab = (step: number): void => {
      const next = (tabIndex + step + tabs.length) % tabs.length;
      const chosen = { ...liveRef.current.choice, tab: next };
      liveRef.current = { ...liveRef.current, tabIndex: next, choice: chosen };
      setChoice(chosen);
    };
    const action = actionFor('insights', input, key);
    const shared = answerSharedKey(action, openHelp, quit, editQuery);
    if (shared !== undefined) return shared;
    switch (action) {
      case 'back':
      case 'insights':
        onClose();
        return true;
      case 'up':
        select(index - 1);
        return false;
      case 'down':
        select(index + 1);
        return false;
      case 'pageUp':
        select(index - layout.listRows);
        return false;
      case 'pageDown':
        select(index + layout.listRows);
        return false;
      case 'top':
        select(0);
        return false;
      case 'bottom':
        select(insights.length - 1);
        return false;
      case 'nextTab':
        switchTab(1);
        return false;
      case 'prevTab':
        switchTab(-1);
        return false;
      case 'jumpToEvents':
        if (!insight) return false;
        // Counted among a query's events (`of`), the list shows those: the query narrowed to the Insight's calls.
        // An explicit AND, the loosest operator: it narrows all of the query, even where it names the same fields.
        setQuery(of !== undefined && queryText.trim() !== '' ? `${queryText.trim()} AND (${relatedEventsQuery(insight)})` : relatedEventsQuery(insight));
        return true;
      default:
        return false;
    }
  };
  // One keystroke at a time: tmux send-keys and fast typing deliver several in one chunk ("jj").
  useViewKeys(handle, { active, claimKeys });

  const withYear = insightsSpanYears(insights, zone);
  const listLayout = insightListLayout(width, withYear, insightEndWidth(insights, zone, withYear));
  const win = listWindow(insights.length, index, layout.listRows);
  // Whole hints are dropped on narrow terminals, never cut halfway.
  // With no Insights there is nothing to select, list or attribute: only the way back is offered.
  const keys = insights.length === 0 ? [] : ['j/k select', 'Enter events', ...(tabs.length > 1 ? ['Tab attributions'] : [])];
  const counted = of === undefined ? `Insights (${insights.length})` : `Insights (${insights.length} of ${of} for the query; rates: its events)`;
  const title = fitHints([counted, ...keys, 'i/Esc back', '? help'], width);

  if (insights.length === 0) {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Text color={theme.muted}>{title}</Text>
        <Text> </Text>
        <WrappedText text={emptyText} width={width} />
      </Box>
    );
  }

  const listLines = insights.slice(win.from, win.to).map((ins, i) => {
    const selected = win.from + i === index;
    return (
      <Text key={ins.sharedEventId} inverse={selected && theme.inverse} wrap="truncate-end">
        {truncate(insightRowLine(ins, listLayout, zone, selected), width)}
      </Text>
    );
  });

  const tabLine = tabs.length > 1 && (
    <Text wrap="truncate-end">
      {tabs.map((name, i) => (
        <Text key={name} inverse={i === tabIndex && theme.inverse} color={i === tabIndex ? theme.accent : theme.muted}>
          {i === tabIndex ? `[${name}]` : ` ${name} `}
        </Text>
      ))}
      <Text color={theme.muted}> (Tab)</Text>
    </Text>
  );

  const attribution = (lines: ReturnType<typeof attributionLines>, rows: number) =>
    lines.slice(0, Math.max(0, rows)).map((line, i) => (
      <Text key={i} bold={line.kind === 'title' && theme.bold} color={line.kind === 'header' || line.kind === 'other' ? theme.muted : undefined} wrap="truncate-end">
        {line.text}
      </Text>
    ));

  let lower;
  if (insight && series && tabIndex === 0 && layout.chartHeight > 0) {
    lower = (
      <>
        <InsightChart insight={insight} series={series} zone={zone} width={width} height={layout.chartHeight} now={clock} ascii={ascii} queried={of !== undefined} />
        {layout.attributionsBelow && <Box flexDirection="column">{attribution(allAttributionLines, layout.attributionRows)}</Box>}
      </>
    );
  } else if (insight && tabIndex > 0) {
    const table = tables[tabIndex - 1];
    lower = <Box flexDirection="column">{attribution(attributionLines(table ? [table] : [], width), layout.attributionRows)}</Box>;
  } else if (insight && state === 'loading') {
    lower = <Text color={theme.muted}>{own('Counting the calls behind it…')}</Text>;
  } else if (insight && state !== null && typeof state === 'object' && 'failed' in state) {
    lower = <Text color={theme.error} wrap="truncate-end">{truncate(`Could not count the calls behind it: ${state.failed}`, width)}</Text>;
  } else if (insight && series) {
    lower = (
      <Text color={theme.muted} wrap="truncate-end">
        {truncate('Too short for the chart: a taller terminal shows it (Tab: attributions)', width)}
      </Text>
    );
  } else {
    lower = <Text color={theme.muted}>This Insight has neither a start nor an end time; nothing to chart.</Text>;
  }

  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {/* Not shrinkable: when the parts below are too tall, they are cut at the bottom, never the title. */}
      <Box flexShrink={0}>
        <Text color={theme.muted} wrap="truncate-end">
          {title}
        </Text>
      </Box>
      {layout.header && (
        <Text bold={theme.bold} wrap="truncate-end">
          {truncate(insightHeaderLine(listLayout), width)}
        </Text>
      )}
      {listLines}
      {tabLine}
      {lower}
    </Box>
  );
}
