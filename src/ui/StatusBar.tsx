import { Box, Text } from 'ink';
import { truncate } from '../term/width.js';
import { useTheme } from './theme.js';

export interface StatusBarProps {
  /** A message from the last action (copied ..., too big ...); shown instead of the hints. */
  message: string;
  hints: string;
  right: string;
  width: number;
}

export function StatusBar({ message, hints, right, width }: StatusBarProps) {
  const theme = useTheme();
  const rightText = right ? ` ${right}` : '';
  const left = truncate(message || hints, Math.max(1, width - rightText.length));
  const gap = Math.max(0, width - left.length - rightText.length);
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
