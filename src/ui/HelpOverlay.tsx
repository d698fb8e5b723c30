import { Box, Text } from 'ink';
import { ALL_MODES, KEY_GROUPS, KEYMAP, VIEW_HELP_GROUP, type KeyBinding, type Mode } from './keys.js';
import { displayWidth, fit, truncate } from '../term/width.js';
import { useTheme } from './theme.js';
import { own } from '../term/glyphs.js';

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
  findings: 'findings',
  histogram: 'histogram',
  top: 'top',
  principal: 'summary',
  columns: 'columns',
  quitConfirm: 'quit question',
};

export interface HelpLine {
  text: string;
  heading: boolean;
}

const LABEL_WIDTH = 12;
/** The overlay indents every line by two columns. */
const INDENT = 2;

function sameModes(a: readonly Mode[], b: readonly Mode[]): boolean {
  return a.length === b.length && a.every((m) => b.includes(m));
}

function modeList(modes: readonly Mode[]): string {
  return modes.map((m) => MODE_NAMES[m]).join(', ');
}

/** Where a binding works, as the overlay prints it after the description: the shorter of the modes and "everywhere but". */
export function whereText(binding: KeyBinding): string {
  const others = ALL_MODES.filter((m) => !binding.modes.includes(m));
  if (others.length === 0) return '[everywhere]';
  return others.length < binding.modes.length ? `[everywhere but ${modeList(others)}]` : `[${modeList(binding.modes)}]`;
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
 * A note above the keys (the --db dashboard's), word-wrapped to the overlay
 * like the descriptions: a line the width of a wide terminal was cut at 80 columns.
 */
export function noteLines(text: string, width: number, heading = false): HelpLine[] {
  // The overlay draws each line after '─ ' or two spaces; the lines of a plain note indent two more.
  const indent = heading ? '' : '  ';
  return wrapWords(text.split(' '), Math.max(20, width - INDENT - indent.length)).map((line, i) => ({ text: `${indent}${line}`, heading: heading && i === 0 }));
}

/**
 * Every binding of the keymap, by section (each key noted with where it
 * works unless that is its section's place), then the query language help.
 * `keep` drops the bindings a dashboard does not have (the --db one works
 * without the events in memory), so its help lists only keys that work there;
 * `describe` says what a key does there when that differs.
 */
export function helpLines(
  queryHelp: readonly string[],
  wired: { insights: boolean; export: boolean },
  width = 200,
  keep: (binding: KeyBinding) => boolean = () => true,
  describe: (binding: KeyBinding) => string = (binding) => binding.description,
): HelpLine[] {
  const lines: HelpLine[] = [];
  const room = Math.max(20, width - INDENT - LABEL_WIDTH - 1);
  const pad = ' '.repeat(LABEL_WIDTH);
  for (const group of KEY_GROUPS) {
    const bindings = KEYMAP.filter((b) => b.group === group.title && keep(b));
    if (bindings.length === 0) continue;
    const place = group.place;
    // A one-mode place is already in the title ("Query bar").
    const heading = place && place.length > 1 ? `${group.title}: ${modeList(place)}` : group.title;
    // A group with no list of places (or one place) has nothing to move under its title: a title
    // wider than the terminal is cut when drawn (the dashboard shows no help below 40 columns anyway).
    if (displayWidth(heading) + INDENT <= width || !place || place.length < 2) lines.push({ text: heading, heading: true });
    else {
      // Too many places for one heading line: the places go on the lines under it.
      lines.push({ text: group.title, heading: true });
      wrapWords(`in ${modeList(place)}`.split(' '), Math.max(20, width - INDENT)).forEach((text) => lines.push({ text, heading: false }));
    }
    for (const binding of bindings) {
      const coming = (binding.action === 'insights' && !wired.insights) || (binding.action === 'export' && !wired.export) ? ' (coming)' : '';
      const where = place && sameModes(place, binding.modes) ? '' : whereText(binding);
      // Word-wrapped under the description column, so nothing is cut off at 80 columns.
      const words = `${describe(binding)}${coming}${where ? ` ${where}` : ''}`.split(' ');
      wrapWords(words, room).forEach((text, i) => lines.push({ text: `${i === 0 ? fit(binding.label, LABEL_WIDTH) : pad} ${text}`, heading: false }));
    }
  }
  if (queryHelp.length > 0) {
    lines.push({ text: '', heading: false }, { text: 'Query language', heading: true });
    for (const text of queryHelp) lines.push({ text, heading: false });
  }
  return lines;
}

/** The line where `mode`'s own keys start in `help` (keys.ts VIEW_HELP_GROUP): `?` in a view opens there; -1 when it has none. */
export function viewHelpLine(help: readonly HelpLine[], mode: Mode): number {
  const group = VIEW_HELP_GROUP[mode];
  return group ? help.findIndex((line) => line.heading && line.text.startsWith(group)) : -1;
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
        {truncate(` Help${more} ${own('·')} ? or Esc to close`, width)}
      </Text>
      {lines.slice(top, top + body).map((line, i) => (
        <Text key={top + i} wrap="truncate-end" bold={line.heading && theme.bold} color={line.heading ? theme.accent : undefined}>
          {truncate(line.heading ? `${own('─')} ${own(line.text)}` : `  ${own(line.text)}`, width)}
        </Text>
      ))}
    </Box>
  );
}
