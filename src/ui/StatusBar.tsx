import { Box, Text } from 'ink';
import { displayWidth, truncate } from '../term/width.js';
import { fitStatusMessage, type StatusMessage } from './statusMessage.js';
import { useTheme } from './theme.js';
import { own } from '../term/glyphs.js';

export interface StatusBarProps {
  /** A message from the last action (copied ..., too big ...); shown instead of the hints. */
  message: StatusMessage;
  /**
   * The message already fitted into lines of `width` less `right` (a question, a long error);
   * shown instead of `message`. The earlier lines go above; the last shares its line with `right`.
   */
  lines?: readonly string[];
  /** Key hints, most important first; as many as fit are shown whole. */
  hints: readonly string[];
  right: string;
  width: number;
}

const SEPARATOR = ' · ';

/** Said last when not every hint fits: the help lists every key. */
export const MORE_HINT = '? more';

/**
 * Joins the leading hints that fit in `room` columns, dropping whole hints
 * rather than cutting one; when some are dropped, ends with `? more` (the
 * help overlay lists them all) in place of a `? help` hint.
 */
export function fitHints(hints: readonly string[], room: number): string {
  // Hints are written with their symbols (↑/↓, →): drawn in ASCII where the terminal cannot show them.
  const join = (list: readonly string[]): string => list.map(own).join(own(SEPARATOR));
  if (displayWidth(join(hints)) <= room) return join(hints);
  const kept: string[] = [];
  for (const hint of hints) {
    if (hint.startsWith('? ')) continue;
    if (displayWidth(join([...kept, hint, MORE_HINT])) > room) break;
    kept.push(hint);
  }
  if (kept.length === 0) return truncate(own(hints[0] ?? ''), room);
  return join([...kept, MORE_HINT]);
}

export function StatusBar({ message, lines, hints, right, width }: StatusBarProps) {
  const theme = useTheme();
  const rightText = right ? ` ${own(right)}` : '';
  const room = Math.max(1, width - rightText.length);
  const told = lines && lines.length > 0 ? lines : message ? [fitStatusMessage(message, room)] : null;
  const above = told ? told.slice(0, -1) : [];
  const left = told ? told[told.length - 1]! : fitHints(hints, room);
  const gap = Math.max(0, width - displayWidth(left) - displayWidth(rightText));
  return (
    <Box width={width} flexDirection="column" flexShrink={0}>
      {above.map((line, i) => (
        <Text key={i} wrap="truncate-end" color={theme.warn}>
          {line}
        </Text>
      ))}
      <Text wrap="truncate-end">
        <Text color={told ? theme.warn : theme.muted}>{left}</Text>
        <Text>{' '.repeat(gap)}</Text>
        <Text color={theme.muted}>{rightText}</Text>
      </Text>
    </Box>
  );
}

/** The columns a status message has beside `right` (the zone, `filtering…`). */
export function statusRoom(width: number, right: string): number {
  return Math.max(1, width - (right ? right.length + 1 : 0));
}
