import { Box, Text } from 'ink';
import { ALL_MODES, KEYMAP, type KeyBinding, type Mode } from './keys.js';
import { displayWidth, fit, truncate } from '../term/width.js';
import { useTheme } from './theme.js';

const MODE_NAMES: Record<Mode, string> = {
  list: 'list',
  query: 'query bar',
  detail: 'details',
  json: 'JSON',
  help: 'help',
  insights: 'Insights',
  export: 'download form',
  exportConfirm: 'overwrite question',
  exportRunning: 'download running',
  exportDone: 'download done',
  badfiles: 'bad files',
};

export interface HelpLine {
  text: string;
  heading: boolean;
}

const LABEL_WIDTH = 12;
/** The overlay indents every line by two columns. */
const INDENT = 2;

/** Where a binding works, as the overlay prints it after the description. */
export function whereText(binding: KeyBinding): string {
  if (binding.modes.length === ALL_MODES.length) return '[everywhere]';
  return `[${binding.modes.map((m) => MODE_NAMES[m]).join(', ')}]`;
}

/** Word-wraps `words` into lines of at most `room` columns (a word longer than that gets a line of its own). */
function wrapWords(words: readonly string[], room: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const next = line ? `${line} ${word}` : word;
    if (line && displayWidth(next) > room) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * Every binding of the keymap, by section, then the query language help.
 * Descriptions and the `[where]` note wrap under the description column so
 * nothing is cut off at 80 columns.
 */
export function helpLines(queryHelp: readonly string[], wired: { insights: boolean; export: boolean }, width = 200): HelpLine[] {
  const lines: HelpLine[] = [{ text: 'Keys', heading: true }];
  const room = Math.max(20, width - INDENT - LABEL_WIDTH - 1);
  const pad = ' '.repeat(LABEL_WIDTH + 1);
  let group = '';
  for (const binding of KEYMAP) {
    if (binding.group !== group) {
      group = binding.group;
      lines.push({ text: group, heading: true });
    }
    const coming = (binding.action === 'insights' && !wired.insights) || (binding.action === 'export' && !wired.export) ? ' (coming)' : '';
    // The description stays whole on its first line when it fits; the where-note follows, wrapped by words.
    const body = wrapWords([...`${binding.description}${coming}`.split(' '), ...whereText(binding).split(' ')], room);
    body.forEach((text, i) => lines.push({ text: `${i === 0 ? fit(binding.label, LABEL_WIDTH) : pad} ${text}`, heading: false }));
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
