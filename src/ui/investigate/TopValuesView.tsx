import { Box, Text } from 'ink';
import { TOP_FIELDS, type TopResult } from '../../investigate/topValues.js';
import { sanitize } from '../../term/sanitize.js';
import { displayWidth, truncate } from '../../term/width.js';
import type { TimeZoneMode } from '../format.js';
import { useTheme } from '../theme.js';
import { moreValuesLine, topLines, topSummary } from './topValuesModel.js';
import { own } from '../../term/glyphs.js';

export interface TopValuesViewProps {
  result: TopResult;
  /** Index into TOP_FIELDS. */
  fieldIndex: number;
  selected: number;
  queryText: string;
  zone: TimeZoneMode;
  width: number;
  height: number;
  /** Without block characters (TERM=linux, no UTF-8 locale): the share bars in ASCII. */
  ascii?: boolean;
}

/** `Tab: User [Source IP] Access key …`, starting just before the selected field when all do not fit. */
export function tabLine(fieldIndex: number, width: number): string {
  const names = TOP_FIELDS.map((f, i) => (i === fieldIndex ? `[${f.label}]` : f.label));
  const all = `Tab: ${names.join(' ')}`;
  if (all.length <= width) return all;
  const from = Math.max(0, fieldIndex - 1);
  return truncate(`Tab: ${from > 0 ? own('… ') : ''}${names.slice(from).join(' ')}`, width);
}

/**
 * `Top values of User for QUERY · 3 distinct · 40 events`: when it is too wide the
 * query (shown whole in the query bar above) is shortened first, so the counts stay.
 */
export function topTitle(label: string, queryText: string, summary: string, width: number): string {
  const query = sanitize(queryText.trim());
  const whole = `Top values of ${label} ${query ? `for ${query}` : 'for all events'} ${own('·')} ${summary}`;
  if (displayWidth(whole) <= width || !query) return truncate(whole, width);
  const room = width - displayWidth(`Top values of ${label} for  ${own('·')} ${summary}`);
  if (room >= 8) return `Top values of ${label} for ${truncate(query, room)} ${own('·')} ${summary}`;
  return truncate(`Top values of ${label} ${own('·')} ${summary}`, width);
}

/**
 * The top values view (`T`): for the current filter, the 20 most frequent
 * values of one field. Tab changes the field; Enter or `=` filters by the
 * selected value, `+` adds it, `-` excludes it; `p` summarises a user or key.
 */
export function TopValuesView({ result, fieldIndex, selected, queryText, zone, width, height, ascii = false }: TopValuesViewProps) {
  const theme = useTheme();
  const inner = Math.max(10, width - 1);
  const spec = TOP_FIELDS[fieldIndex]!;
  const tabs = tabLine(fieldIndex, inner);
  const layout = topLines(result, zone, inner, ascii);
  const bodyH = Math.max(1, height - 4);
  const index = Math.min(Math.max(0, selected), Math.max(0, layout.lines.length - 1));
  const top = Math.max(0, Math.min(index - bodyH + 1, layout.lines.length - bodyH));
  const start = Math.max(0, Math.min(top, index));
  const visible = layout.lines.slice(start, start + bodyH);
  // The row under the window (title, tabs and header take three of the four kept back).
  const more = moreValuesLine(start, visible.length, layout.lines.length);
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0} overflowY="hidden" paddingLeft={1}>
      <Text wrap="truncate-end" bold={theme.bold} color={theme.accent}>
        {topTitle(spec.label, queryText, topSummary(result), inner)}
      </Text>
      <Text wrap="truncate-end" color={theme.muted}>
        {tabs}
      </Text>
      <Text wrap="truncate-end" color={theme.muted}>
        {layout.header ? `  ${layout.header}` : ''}
      </Text>
      {visible.length === 0 ? (
        <Text color={theme.muted}>{`  No ${spec.label} values in these events`}</Text>
      ) : (
        visible.map((line, i) => {
          const isSelected = start + i === index;
          return (
            <Text key={i} wrap="truncate-end" inverse={isSelected && theme.inverse}>
              {`${isSelected ? own('›') : ' '} ${line}`}
            </Text>
          );
        })
      )}
      {more ? (
        <Text wrap="truncate-end" color={theme.muted}>
          {more}
        </Text>
      ) : null}
    </Box>
  );
}
