import { Box, Text, type Key } from 'ink';
import { useMemo, useRef, useState } from 'react';
import { unicodeBlocks } from '../../term/glyphs.js';
import { displayWidth, fit, truncate } from '../../term/width.js';
import { eventsBetween, stackFor, STACK_TITLES, TOP_PARTS, type StackSpec } from '../../timeline/index.js';
import type { PluginViewProps } from '../App.js';
import { formatCount, zoneLabel } from '../format.js';
import { actionFor } from '../keys.js';
import { fitHints } from '../StatusBar.js';
import { useTheme, type Theme } from '../theme.js';
import { answerSharedKey, useViewKeys } from '../viewKeys.js';
import {
  axisFormat,
  barLength,
  chartedForms,
  clampToEvents,
  cursorToEnd,
  cycleStack,
  histogramBodyRows,
  histogramWindow,
  initialHistogramState,
  moveCursor,
  partLabel,
  selectedSpan,
  spanCrossesYear,
  spanQuery,
  spanText,
  splitBar,
  toggleSpan,
  untimedCount,
  zoom,
  type HistogramViewState,
} from './histogramModel.js';

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
/** A bar's cells, part by part, each in its part's colour and glyph (both dashboards' split histograms). */
export function PartCells({ cells, styles }: { cells: readonly number[]; styles: readonly PartStyle[] }) {
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

export function partStyles(stack: StackSpec, theme: Theme, ascii: boolean): PartStyle[] {
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

/**
 * The histogram view (`h`): one line per time bucket of the filtered events,
 * oldest at the top, empty buckets included, bars split by errors or by a
 * field's top values. Zoom changes the bucket size; Enter lists the span.
 */
export function HistogramView({ store, rows, queryText, zone, width, height, onClose, setQuery, openHelp, quit, active, claimKeys, cursorTime, ascii = !unicodeBlocks() }: PluginViewProps) {
  const theme = useTheme();
  const bodyRows = histogramBodyRows(height);
  const [state, setState] = useState<HistogramViewState>(() => initialHistogramState(rows, zone, bodyRows, cursorTime));
  // Events can arrive after the view opened on an empty list: start then.
  const started = Number.isNaN(state.cursor) && rows.length > 0 ? initialHistogramState(rows, zone, bodyRows, cursorTime) : state;
  // On a bucket with events' span even after a zoom or a narrower list, so what Enter lists is what is drawn.
  const current = useMemo(() => clampToEvents(started, rows, zone), [started, rows, zone]);
  const stack = useMemo(() => stackFor(rows, current.stack, store), [rows, current.stack, store]);
  const win = useMemo(() => histogramWindow(rows, current, zone, bodyRows, stack, store), [rows, current, zone, bodyRows, stack, store]);

  const live = { state: current, rows };
  const liveRef = useRef(live);
  liveRef.current = live;
  const handle = (input: string, key: Key): boolean => {
    const { state: s, rows: r } = liveRef.current;
    const set = (next: HistogramViewState): void => {
      liveRef.current = { ...liveRef.current, state: next };
      setState(next);
    };
    const action = actionFor('histogram', input, key);
    const shared = answerSharedKey(action, openHelp, quit);
    if (shared !== undefined) return shared;
    switch (action) {
      case 'back':
        if (s.anchor !== null) {
          set(toggleSpan(s));
          return false;
        }
        onClose();
        return true;
      case 'histogram':
        onClose();
        return true;
      case 'up':
        set(moveCursor(s, r, zone, -1, bodyRows));
        return false;
      case 'down':
        set(moveCursor(s, r, zone, 1, bodyRows));
        return false;
      case 'pageUp':
        set(moveCursor(s, r, zone, -Math.max(1, bodyRows - 1), bodyRows));
        return false;
      case 'pageDown':
        set(moveCursor(s, r, zone, Math.max(1, bodyRows - 1), bodyRows));
        return false;
      case 'top':
        set(cursorToEnd(s, r, zone, 'first', bodyRows));
        return false;
      case 'bottom':
        set(cursorToEnd(s, r, zone, 'last', bodyRows));
        return false;
      case 'zoomIn':
      case 'zoomOut':
        set(zoom(s, zone, action === 'zoomIn' ? 'in' : 'out'));
        return false;
      case 'selectSpan':
        set(toggleSpan(s));
        return false;
      case 'cycleStack':
        set(cycleStack(s));
        return false;
      case 'applySpan': {
        const span = selectedSpan(s, zone);
        if (!span) return false;
        setQuery(spanQuery(queryText, span.start, span.end));
        return true;
      }
      default:
        return false;
    }
  };
  useViewKeys(handle, { active, claimKeys });

  const sizeLabel = win ? win.size.label : '';
  const untimed = useMemo(() => untimedCount(rows), [rows]);
  const titleWith = (charted: string[]): string =>
    fitHints(
      // Bars scale to the largest bucket on screen (so a quiet stretch is still readable): say so, with its count.
      [`Histogram${sizeLabel ? ` ${sizeLabel}` : ''}`, ...charted, `by ${STACK_TITLES[current.stack]}`, ...(win ? [`longest bar = ${formatCount(win.histogram.max)} on screen`] : []), zoneLabel(zone), '+/- zoom', 'v span', 'Enter list', 'Tab split', 'h/Esc back', '? help'],
      width,
    );
  // Events without a readable time are in no bar, though the list counts them: said next to the size, shortened before it is dropped.
  const charted = untimed > 0 && win ? chartedForms(rows.length - untimed, untimed) : [];
  const title = charted.map((form) => titleWith([form])).find((text, i) => text.includes(charted[i]!)) ?? titleWith([]);
  if (!win) {
    return (
      <Box flexDirection="column" width={width} height={height} overflow="hidden">
        <Text color={theme.muted} wrap="truncate-end">
          {title}
        </Text>
        <Text wrap="truncate-end">{truncate(rows.length === 0 ? '  No events to chart (the list is empty).' : '  No event has a readable time.', width)}</Text>
      </Box>
    );
  }

  const h = win.histogram;
  const styles = partStyles(stack, theme, ascii);
  const axis = axisFormat(win.size, zone, spanCrossesYear(rows, zone));
  const countWidth = Math.max(1, String(h.max).length);
  // gutter (2) + label + ' │' + bar + ' ' + count
  const barRoom = Math.max(1, width - 2 - axis.width - 2 - 1 - countWidth);
  const span = selectedSpan(current, zone);
  const spanFrom = current.anchor === null ? null : span;
  const axisBar = ascii ? '|' : '│';

  // Fewer values than TOP_PARTS: each has its own part and Other is always empty, so the legend leaves it out.
  const legendParts = stack.field !== 'errors' && stack.values.length < TOP_PARTS ? h.parts.slice(0, -1) : h.parts;
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

  const lines = h.buckets.map((bucket, i) => {
    const selected = i === win.cursorIndex;
    const inSpan = spanFrom !== null && bucket.start >= spanFrom.start && bucket.start < spanFrom.end;
    const gutter = `${selected ? '›' : ' '}${inSpan ? (ascii ? '|' : '┃') : ' '}`;
    const label = axis.label(bucket.start, i === 0 ? null : h.buckets[i - 1]!.start);
    const length = barLength(bucket.count, h.max, barRoom);
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

  // The line under the bars: the cursor's bucket (or the span) with its counts per part, whole pieces dropped when narrow.
  const cursorBucket = h.buckets[win.cursorIndex];
  let info = '';
  if (spanFrom) {
    const n = eventsBetween(rows, spanFrom.start, spanFrom.end);
    info = fitHints([`span: ${formatCount(n)} event${n === 1 ? '' : 's'}`, spanText(spanFrom.start, spanFrom.end, win.size, zone), 'Enter lists them', 'v/Esc drops the span'], width);
  } else if (cursorBucket) {
    const parts = h.parts
      .map((name, i) => ({ name, n: cursorBucket.parts[i]! }))
      .filter((p) => p.n > 0)
      .map((p) => `${partLabel(p.name, 20)} ${formatCount(p.n)}`);
    info = fitHints([`${formatCount(cursorBucket.count)} event${cursorBucket.count === 1 ? '' : 's'}`, spanText(cursorBucket.start, cursorBucket.end, win.size, zone), ...parts], width);
  }

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


/** The legend's entries that fit the width whole (each `G name  `), and how many did not. */
export function legendFit(parts: readonly string[], width: number): { items: Array<{ name: string; index: number }>; more: number } {
  const items: Array<{ name: string; index: number }> = [];
  let used = 0;
  for (let i = 0; i < parts.length; i++) {
    const name = partLabel(parts[i]!, 24);
    const need = 1 + 1 + displayWidth(name) + 2;
    const reserve = i < parts.length - 1 ? 8 : 0; // room for "+N more"
    if (used + need + reserve > width) return { items, more: parts.length - i };
    items.push({ name, index: i });
    used += need;
  }
  return { items, more: 0 };
}
