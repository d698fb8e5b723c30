import { Box, Text } from 'ink';
import { useTheme } from '../theme.js';
import { summaryHeading, type SummaryLine } from './principalModel.js';
import { own } from '../../term/glyphs.js';

export interface PrincipalViewProps {
  title: string;
  lines: readonly SummaryLine[];
  /** Index into lines of the selected (pivot) line; -1 for none. */
  selected: number;
  width: number;
  height: number;
}

/**
 * The principal summary (`p`): what one user or key did. Each API, region, IP,
 * agent and key line pivots: Enter lists the principal's events with it, `=`
 * filters by it alone, `+` adds it, `-` excludes it.
 */
export function PrincipalView({ title, lines, selected, width, height }: PrincipalViewProps) {
  const theme = useTheme();
  const inner = Math.max(10, width - 1);
  const bodyH = Math.max(1, height - 1);
  const top = Math.max(0, Math.min(selected - Math.floor(bodyH / 2), lines.length - bodyH));
  const visible = lines.slice(top, top + bodyH);
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0} overflowY="hidden" paddingLeft={1}>
      <Text wrap="truncate-end" bold={theme.bold} color={theme.accent}>
        {summaryHeading(title, inner)}
      </Text>
      {visible.map((line, i) => {
        const isSelected = top + i === selected;
        if (line.heading) {
          return (
            <Text key={i} wrap="truncate-end" bold={theme.bold} color={theme.accent}>
              {line.text}
            </Text>
          );
        }
        return (
          <Text key={i} wrap="truncate-end" inverse={isSelected && theme.inverse} color={line.pivot ? undefined : theme.muted}>
            {`${isSelected ? own('›') : ' '} ${line.text}`}
          </Text>
        );
      })}
    </Box>
  );
}
