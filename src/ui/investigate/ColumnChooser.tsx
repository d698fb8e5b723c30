import { Box, Text } from 'ink';
import { truncate } from '../../term/width.js';
import { fitHints } from '../StatusBar.js';
import { useTheme } from '../theme.js';
import type { ChooserEntry } from './columnChoice.js';
import { own } from '../../term/glyphs.js';

export interface ColumnChooserProps {
  entries: readonly ChooserEntry[];
  selected: number;
  width: number;
  height: number;
}

const NOTE = 'Columns that do not fit the terminal give way, least needed first (the title row names them).';
const SHORT_NOTE = 'Columns that do not fit give way, least needed first (named in the title row).';

/** The column chooser (`C`): `[x]` shown, in list order, then the hidden columns. */
export function ColumnChooser({ entries, selected, width, height }: ColumnChooserProps) {
  const theme = useTheme();
  const inner = Math.max(10, width - 1);
  const bodyH = Math.max(1, height - 2);
  const index = Math.min(selected, entries.length - 1);
  const top = Math.max(0, Math.min(index - bodyH + 1, entries.length - bodyH));
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0} overflowY="hidden" paddingLeft={1}>
      <Text wrap="truncate-end" bold={theme.bold} color={theme.accent}>
        {fitHints(['List columns', 'Enter/Space show or hide', 'K/J move left/right', 'r default', 'Esc/C close', '? help'], inner)}
      </Text>
      <Text wrap="truncate-end" color={theme.muted}>
        {truncate(inner >= NOTE.length ? NOTE : SHORT_NOTE, inner)}
      </Text>
      {entries.slice(Math.max(0, top), Math.max(0, top) + bodyH).map((entry, i) => {
        const isSelected = Math.max(0, top) + i === index;
        return (
          <Text key={entry.def.id} wrap="truncate-end" inverse={isSelected && theme.inverse} color={entry.shown ? undefined : theme.muted}>
            {`${isSelected ? own('›') : ' '} [${entry.shown ? 'x' : ' '}] ${entry.def.title}${entry.def.id === 'time' ? ' (always)' : ''}`}
          </Text>
        );
      })}
    </Box>
  );
}
