import { Box, Text } from 'ink';
import type { QueryError } from '../query/index.js';
import { sanitize } from '../term/sanitize.js';
import { displayWidth, truncate } from '../term/width.js';
import { visiblePart } from './lineEditor.js';
import { wrapWords } from './wrap.js';
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

export function queryBarHeight(error: QueryError | null, explanation: string, focused: boolean, width = Number.POSITIVE_INFINITY): number {
  if (error) return 1 + errorLines(error, width).length;
  return focused && explanation ? 2 : 1;
}

const PROMPT = 'Query / ';

/** Most lines a query error takes (the pointer line and its hint wrapped), so the list keeps its room. */
const MAX_ERROR_LINES = 4;

/**
 * The error under the query: one line with a `^` under the bad term when it
 * fits, else `^ col N: message` and the hint (a field list, a suggestion)
 * wrapped by words below it rather than cut, within MAX_ERROR_LINES.
 */
export function errorLines(error: QueryError, width: number): string[] {
  const message = sanitize(error.message);
  const hint = error.hint ? sanitize(error.hint) : '';
  const pointer = Math.min(error.position, Math.max(0, width - PROMPT.length - 2));
  const whole = `${' '.repeat(PROMPT.length + pointer)}^ ${message}${hint ? ` — ${hint}` : ''} (position ${error.position + 1}; last valid query still applied)`;
  if (displayWidth(whole) <= width) return [whole];
  const indent = ' '.repeat(PROMPT.length);
  const short = `${indent}^ col ${error.position + 1}: ${message}${hint ? ` — ${hint}` : ''}`;
  if (displayWidth(short) <= width) return [short];
  const room = Math.max(8, width - PROMPT.length - 2); // continuation lines are indented two more
  const wrapped = wrapWords(`^ col ${error.position + 1}: ${message}${hint ? ` — ${hint}` : ''}`, room);
  const lines = wrapped.slice(0, MAX_ERROR_LINES).map((line, i) => `${indent}${i === 0 ? '' : '  '}${line}`);
  if (wrapped.length > MAX_ERROR_LINES) lines[MAX_ERROR_LINES - 1] = truncate(`${lines[MAX_ERROR_LINES - 1]!} …`, width);
  return lines.map((line) => truncate(line, width));
}

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
  const shownErrors = error ? errorLines(error, width) : [];
  return (
    <Box flexDirection="column" width={width} flexShrink={0}>
      <Text wrap="truncate-end">
        <Text color={focused ? theme.accent : theme.muted} bold={focused && theme.bold}>
          {PROMPT}
        </Text>
        {body}
      </Text>
      {error ? (
        shownErrors.map((line, i) => (
          <Text key={i} wrap="truncate-end" color={theme.error}>
            {line}
          </Text>
        ))
      ) : focused && explanation ? (
        <Text wrap="truncate-end" color={theme.muted}>
          {truncate(`${' '.repeat(PROMPT.length)}${sanitize(explanation)}`, width)}
        </Text>
      ) : null}
    </Box>
  );
}
