import { Box, Text } from 'ink';
import { KEYMAP, type Mode } from './keys.js';
import { fit, truncate } from '../term/width.js';
import { useTheme } from './theme.js';

const MODE_NAMES: Record<Mode, string> = {
  list: 'list',
  query: 'query bar',
  detail: 'details',
  json: 'JSON',
  help: 'help',
  insights: 'Insights',
  export: 'download',
  badfiles: 'bad files',
};

export interface HelpLine {
  text: string;
  heading: boolean;
}

/** Every binding of the keymap, then the query language help. */
export function helpLines(queryHelp: readonly string[], wired: { insights: boolean; export: boolean }): HelpLine[] {
  const lines: HelpLine[] = [{ text: 'Keys', heading: true }];
  for (const binding of KEYMAP) {
    const coming = (binding.action === 'insights' && !wired.insights) || (binding.action === 'export' && !wired.export) ? ' (coming)' : '';
    const where = binding.modes.length >= 7 ? 'everywhere' : binding.modes.map((m) => MODE_NAMES[m]).join(', ');
    lines.push({ text: `${fit(binding.label, 12)} ${binding.description}${coming}  [${where}]`, heading: false });
  }
  if (queryHelp.length > 0) {
    lines.push({ text: '', heading: false }, { text: 'Query language', heading: true });
    for (const text of queryHelp) lines.push({ text, heading: false });
  }
  return lines;
}

export interface HelpOverlayProps {
  lines: readonly HelpLine[];
  scroll: number;
  width: number;
  height: number;
}

export function helpBodyHeight(height: number): number {
  return Math.max(1, height - 1);
}

export function HelpOverlay({ lines, scroll, width, height }: HelpOverlayProps) {
  const theme = useTheme();
  const body = helpBodyHeight(height);
  const top = Math.max(0, Math.min(scroll, lines.length - body));
  const more = lines.length > body ? `  ${top + 1}-${Math.min(lines.length, top + body)} of ${lines.length}, j/k to scroll` : '';
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0} overflowY="hidden">
      <Text wrap="truncate-end" bold={theme.bold} color={theme.accent}>
        {truncate(` Help${more} · ? or Esc to close`, width)}
      </Text>
      {lines.slice(top, top + body).map((line, i) => (
        <Text key={top + i} wrap="truncate-end" bold={line.heading && theme.bold} color={line.heading ? theme.accent : undefined}>
          {truncate(line.heading ? `─ ${line.text}` : `  ${line.text}`, width)}
        </Text>
      ))}
    </Box>
  );
}
