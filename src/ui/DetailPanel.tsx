import { Box, Text } from 'ink';
import { useMemo } from 'react';
import type { EventRow } from '../model/types.js';
import { buildDetail, withExtra, type DetailLine, type DetailModel, type Tone } from './detailModel.js';
import type { ChainState } from './investigate/chainLines.js';
import type { TimeZoneMode } from './format.js';
import { hyperlink } from '../term/osc8.js';
import { sanitize } from '../term/sanitize.js';
import { displayWidth, fit, truncate } from '../term/width.js';
import { useTheme, type Theme } from './theme.js';
import { wrapText, wrapWords } from './wrap.js';
import { own } from '../term/glyphs.js';

export interface DetailPanelProps {
  row: EventRow;
  zone: TimeZoneMode;
  linkIndex: number;
  /** Scroll position (PgUp/PgDn); the selected link is kept in view regardless. */
  scroll: number;
  width: number;
  height: number;
  hyperlinks: boolean;
  /** The "Who is behind this session" section (absent: none). */
  chain?: ChainState;
  /** Lines after the event's own: the detection rules it fired (App and the key handler pass the same). */
  extra?: readonly DetailLine[];
}

const LABEL_WIDTH = 16;

/** The details' keys, as the title names them (both dashboards). */
export const DETAIL_TITLE_KEYS: readonly string[] = ['Tab/→ select', 'y copy', 'r resource events', 'v JSON', 'Esc close'];

export interface ScreenLine {
  label: string;
  text: string;
  tone: Tone;
  selected: boolean;
  url: string | null;
}

function toneColor(theme: Theme, tone: Tone): string | undefined {
  switch (tone) {
    case 'error':
      return theme.error;
    case 'insight':
      return theme.insight;
    case 'muted':
      return theme.muted;
    case 'link':
      return theme.link;
    case 'heading':
      return theme.accent;
    default:
      return undefined;
  }
}

export interface DetailLayout {
  screen: ScreenLine[];
  /** Screen line of the selected link, -1 when none is selected. */
  selectedLine: number;
  /** Its last screen line (a long link wraps), -1 when none is selected. */
  selectedEnd: number;
  /** Every selectable line's link and screen lines, top to bottom. */
  links: { index: number; start: number; end: number }[];
}

/** The panel's lines at a width: values word-wrapped (at most 4 lines each), links wrapped whole so they can be read. */
export function layoutDetail(model: DetailModel, width: number, linkIndex: number): DetailLayout {
  const inner = Math.max(10, width - 2);
  const valueWidth = Math.max(8, inner - LABEL_WIDTH - 2);
  const screen: ScreenLine[] = [];
  const links: DetailLayout['links'] = [];
  let selectedLine = -1;
  let selectedEnd = -1;
  for (const line of model.lines) {
    const selected = line.link !== null && line.link === linkIndex;
    if (selected) selectedLine = screen.length;
    if (line.tone === 'heading') {
      screen.push({ label: '', text: line.value, tone: 'heading', selected: false, url: null });
      continue;
    }
    // A link is wrapped whole, however long, so all of it can be read (`y` copies it); each of its lines opens it (OSC 8).
    // A summary value that Tab selects wraps like any value, and so does why a link is not available; only URLs wrap whole.
    const isLink = line.link !== null && model.links[line.link]?.kind !== 'value' && !model.links[line.link]?.unavailable;
    // Prose (error messages, rule titles) breaks between words; a word wider than the column is cut.
    const parts = isLink ? wrapText(sanitize(line.value), valueWidth) : wrapWords(sanitize(line.value), valueWidth, 4);
    const url = isLink && line.tone === 'link' ? (model.links[line.link!]?.url ?? null) : null;
    const start = screen.length;
    parts.forEach((text, i) => {
      screen.push({ label: i === 0 ? sanitize(line.label) : '', text, tone: line.tone, selected, url });
    });
    if (selected) selectedEnd = screen.length - 1;
    if (line.link !== null) links.push({ index: line.link, start, end: screen.length - 1 });
  }
  return { screen, selectedLine, selectedEnd, links };
}

/** Lines of content below the panel's title. */
export function detailBodyHeight(height: number): number {
  return Math.max(1, height - 1);
}

/** First visible line: the scroll position, moved to show the selected link (all its lines when they fit). */
export function detailTop(layout: DetailLayout, scroll: number, bodyHeight: number): number {
  const maxTop = Math.max(0, layout.screen.length - bodyHeight);
  let top = Math.max(0, Math.min(scroll, maxTop));
  const sel = layout.selectedLine;
  const end = Math.max(sel, layout.selectedEnd);
  if (sel >= 0 && (sel < top || end >= top + bodyHeight)) {
    top = Math.max(0, Math.min(sel - Math.floor(bodyHeight / 2), maxTop));
    // A link longer than half the panel: its end comes into view too, its start never leaves it.
    if (end >= top + bodyHeight) top = Math.min(sel, end - bodyHeight + 1);
  }
  return top;
}

/**
 * PgUp/PgDn in the details (`layout` laid out with `linkIndex`): `by` lines from what is shown. The
 * selected link holds the panel on itself (detailTop), so PgDn did nothing once Tab had selected a
 * value; a page that leaves it selects the first link the new page shows whole, or none.
 */
export function pageDetail(layout: DetailLayout, linkIndex: number, scroll: number, bodyHeight: number, by: number): { scroll: number; linkIndex: number } {
  const maxTop = Math.max(0, layout.screen.length - bodyHeight);
  const shown = detailTop(layout, scroll, bodyHeight);
  const top = Math.max(0, Math.min(maxTop, shown + by));
  const end = Math.max(layout.selectedLine, layout.selectedEnd);
  if (layout.selectedLine < 0 || top === shown || (layout.selectedLine >= top && end < top + bodyHeight)) return { scroll: top, linkIndex };
  const next = layout.links.find((link) => link.start >= top && link.end < top + bodyHeight);
  return { scroll: top, linkIndex: next?.index ?? -1 };
}

export function DetailPanel({ row, zone, linkIndex, scroll, width, height, hyperlinks, chain, extra }: DetailPanelProps) {
  const theme = useTheme();
  const model = useMemo(() => withExtra(buildDetail(row, zone, chain), extra), [row, zone, chain, extra]);
  const inner = Math.max(10, width - 2);
  const layout = useMemo(() => layoutDetail(model, width, linkIndex), [model, width, linkIndex]);
  const bodyHeight = detailBodyHeight(height);
  const top = detailTop(layout, scroll, bodyHeight);
  const visible = layout.screen.slice(top, top + bodyHeight);
  const more = layout.screen.length > bodyHeight ? ` ${top + 1}-${Math.min(layout.screen.length, top + bodyHeight)}/${layout.screen.length} PgUp/PgDn ${own('·')}` : '';
  // The keys go first when the title does not fit (the status line has them too): a title is never cut.
  const keys = DETAIL_TITLE_KEYS.map((key, i) => (i === 0 ? ` ${own(key)}` : ` ${own('·')} ${own(key)}`));
  let title = ` Event details${more}`;
  for (const key of keys) {
    if (displayWidth(`${title}${key} `) > inner) break;
    title += key;
  }
  title = title.endsWith(own('·')) ? title.slice(0, -2) : title;
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0} overflowY="hidden" paddingLeft={1}>
      <Text wrap="truncate-end" bold={theme.bold} color={theme.accent}>
        {truncate(title, inner)}
      </Text>
      {visible.map((line, i) => {
        const color = toneColor(theme, line.tone);
        // Every line of the selected link is marked, so it reads as one even without colour.
        const marker = line.selected ? own('›') : ' ';
        const label = fit(line.label, LABEL_WIDTH);
        const text = line.url && hyperlinks ? hyperlink(line.url, line.text, true) : line.text;
        if (line.tone === 'heading') {
          return (
            <Text key={i} wrap="truncate-end" bold={theme.bold} color={color}>
              {truncate(`${own('─')} ${line.text} `, inner)}
            </Text>
          );
        }
        return (
          <Text key={i} wrap="truncate-end">
            <Text>{marker}</Text>
            <Text color={theme.muted}>{label} </Text>
            <Text color={color} inverse={line.selected && theme.inverse}>
              {text}
            </Text>
          </Text>
        );
      })}
    </Box>
  );
}
