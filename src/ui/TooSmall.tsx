import { Box, Text } from 'ink';

/** Below this the layout cannot show a header, the query bar, a few rows and the status line. */
export const MIN_COLUMNS = 40;
export const MIN_ROWS = 8;

export function isTooSmall(columns: number, rows: number): boolean {
  return columns < MIN_COLUMNS || rows < MIN_ROWS;
}

/**
 * What both dashboards draw instead of their layout on a terminal below
 * MIN_COLUMNS x MIN_ROWS. The message wraps rather than being cut: at 20
 * columns a cut line would hide the very words that say what is wrong.
 */
export function TooSmall({ columns, rows, question }: { columns: number; rows: number; question?: string }) {
  // Never as tall as the terminal (see App); at least one line so the message has room.
  const height = Math.max(1, rows - 1);
  // `question`: what `q` asked (a download is running), answered here as on the full screen.
  const size = `terminal too small (${columns}x${rows}, need ${MIN_COLUMNS}x${MIN_ROWS})`;
  return (
    <Box width={Math.max(1, columns)} height={height} overflowY="hidden">
      <Text wrap="wrap">{question ? `trailtop: ${size}. ${question}` : `trailtop: ${size}; q quits`}</Text>
    </Box>
  );
}
