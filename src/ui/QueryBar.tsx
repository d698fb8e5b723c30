import { Box, Text } from 'ink';
import type { QueryError } from '../query/index.js';
import { sanitize } from '../term/sanitize.js';
import { displayWidth, truncate } from '../term/width.js';
import { visiblePart } from './lineEditor.js';
import { useTheme } from './theme.js';

export interface QueryBarProps {
  focused: boolean;
  draft: string;
  caret: number;
  applied: string;
  error: QueryError | null;
  /** What the fuzzy words of the applied query matched ("assumrole ~ AssumeRole, ..."); shown while editing. */
  explanation: string;
  width: number;
}

export function queryBarHeight(error: QueryError | null, explanation: string, focused: boolean): number {
  return error || (focused && explanation) ? 2 : 1;
}

const PROMPT = 'Query / ';

export function QueryBar({ focused, draft, caret, applied, error, explanation, width }: QueryBarProps) {
  const theme = useTheme();
  const room = Math.max(4, width - PROMPT.length - 1);
  let body;
  if (focused) {
    // The draft was stripped of control characters when typed; sanitise anyway since pasted text is untrusted.
    const part = visiblePart(sanitize(draft), caret, room);
    body = (
      <Text>
        {part.before}
        {theme.inverse ? <Text inverse>{part.at || ' '}</Text> : <Text>{`▏${part.at}`}</Text>}
        {part.after}
      </Text>
    );
  } else if (applied) {
    body = <Text>{truncate(sanitize(applied), room)}</Text>;
  } else {
    body = <Text color={theme.muted}>press / to filter: words, name:Create*, user:alice, error:*, since:2h …</Text>;
  }
  let errorLine = '';
  if (error) {
    const pointer = Math.min(error.position, Math.max(0, width - PROMPT.length - 2));
    errorLine = `${' '.repeat(PROMPT.length + pointer)}^ ${error.message}${error.hint ? ` — ${error.hint}` : ''} (position ${error.position + 1}; last valid query still applied)`;
    if (displayWidth(errorLine) > width) errorLine = truncate(`${' '.repeat(PROMPT.length)}^ col ${error.position + 1}: ${error.message}${error.hint ? ` — ${error.hint}` : ''}`, width);
  }
  return (
    <Box flexDirection="column" width={width} flexShrink={0}>
      <Text wrap="truncate-end">
        <Text color={focused ? theme.accent : theme.muted} bold={focused && theme.bold}>
          {PROMPT}
        </Text>
        {body}
      </Text>
      {error ? (
        <Text wrap="truncate-end" color={theme.error}>
          {sanitize(errorLine)}
        </Text>
      ) : focused && explanation ? (
        <Text wrap="truncate-end" color={theme.muted}>
          {truncate(`${' '.repeat(PROMPT.length)}${sanitize(explanation)}`, width)}
        </Text>
      ) : null}
    </Box>
  );
}
