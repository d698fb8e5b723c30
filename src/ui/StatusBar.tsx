import { Box, Text } from 'ink';
import { displayWidth, truncate } from '../term/width.js';
import { fitStatusMessage, type StatusMessage } from './statusMessage.js';
import { useTheme } from './theme.js';

export interface StatusBarProps {
  /** A message from the last action (copied ..., too big ...); shown instead of the hints. */
  message: StatusMessage;
  /** Key hints, most important first; as many as fit are shown whole. */
  hints: readonly string[];
  right: string;
  width: number;
}

const SEPARATOR = ' · ';

/** Joins the leading hints that fit in `room` columns, dropping whole hints rather than cutting one. */
export function fitHints(hints: readonly string[], room: number): string {
  let out = '';
  for (const hint of hints) {
    const next = out ? `${out}${SEPARATOR}${hint}` : hint;
    if (displayWidth(next) > room) break;
    out = next;
  }
  return out || truncate(hints[0] ?? '', room);
}

export function StatusBar({ message, hints, right, width }: StatusBarProps) {
  const theme = useTheme();
  const rightText = right ? ` ${right}` : '';
  const room = Math.max(1, width - rightText.length);
  const left = message ? fitStatusMessage(message, room) : fitHints(hints, room);
  const gap = Math.max(0, width - displayWidth(left) - displayWidth(rightText));
  return (
    <Box width={width} flexShrink={0}>
      <Text wrap="truncate-end">
        <Text color={message ? theme.warn : theme.muted}>{left}</Text>
        <Text>{' '.repeat(gap)}</Text>
        <Text color={theme.muted}>{rightText}</Text>
      </Text>
    </Box>
  );
}
