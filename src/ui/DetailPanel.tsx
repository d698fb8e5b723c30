import { Box, Text } from 'ink';
import { useMemo } from 'react';
import type { EventRow } from '../model/types.js';
import { buildDetail, type Tone } from './detailModel.js';
import type { TimeZoneMode } from './format.js';
import { hyperlink } from '../term/osc8.js';
import { sanitize } from '../term/sanitize.js';
import { fit, truncate } from '../term/width.js';
import { useTheme, type Theme } from './theme.js';
import { wrapText } from './wrap.js';

export interface DetailPanelProps {
  row: EventRow;
  zone: TimeZoneMode;
  linkIndex: number;
  width: number;
  height: number;
  hyperlinks: boolean;
}

const LABEL_WIDTH = 16;

interface ScreenLine {
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

export function DetailPanel({ row, zone, linkIndex, width, height, hyperlinks }: DetailPanelProps) {
  const theme = useTheme();
  const model = useMemo(() => buildDetail(row, zone), [row, zone]);
  const inner = Math.max(10, width - 2);
  const valueWidth = Math.max(8, inner - LABEL_WIDTH - 2);
  const screen: ScreenLine[] = [];
  let selectedLine = 0;
  for (const line of model.lines) {
    const selected = line.link !== null && line.link === linkIndex;
    if (selected) selectedLine = screen.length;
    if (line.tone === 'heading') {
      screen.push({ label: '', text: line.value, tone: 'heading', selected: false, url: null });
      continue;
    }
    // Links stay on one line (wrapping would break copy-by-eye); the full URL is what `y` copies.
    const isLink = line.link !== null;
    const parts = isLink ? [truncate(sanitize(line.value), valueWidth)] : wrapText(sanitize(line.value), valueWidth, 4);
    parts.forEach((text, i) => {
      screen.push({
        label: i === 0 ? sanitize(line.label) : '',
        text,
        tone: line.tone,
        selected,
        url: isLink && i === 0 && line.tone === 'link' ? model.links[line.link!]?.url ?? null : null,
      });
    });
  }
  const bodyHeight = Math.max(1, height - 2);
  // Keep the selected link in view; otherwise start at the top.
  const top =
    selectedLine < bodyHeight - 1 ? 0 : Math.max(0, Math.min(selectedLine - Math.floor(bodyHeight / 2), screen.length - bodyHeight));
  const visible = screen.slice(top, top + bodyHeight);
  const title = ` Event details  Tab/→ links · y copy · r resource events · v JSON · Esc close `;
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0} overflowY="hidden" paddingLeft={1}>
      <Text wrap="truncate-end" bold={theme.bold} color={theme.accent}>
        {truncate(title, inner)}
      </Text>
      {visible.map((line, i) => {
        const color = toneColor(theme, line.tone);
        const marker = line.selected ? '›' : ' ';
        const label = fit(line.label, LABEL_WIDTH);
        const text = line.url && hyperlinks ? hyperlink(line.url, line.text, true) : line.text;
        if (line.tone === 'heading') {
          return (
            <Text key={i} wrap="truncate-end" bold={theme.bold} color={color}>
              {truncate(`─ ${line.text} `, inner)}
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
