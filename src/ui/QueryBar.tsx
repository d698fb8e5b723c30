import { Box, Text } from 'ink';
import { errorColumn, type QueryError } from '../query/index.js';
import { sanitize } from '../term/sanitize.js';
import { displayWidth, truncate } from '../term/width.js';
import { scrollStart, visiblePart } from './lineEditor.js';
import { wrapWords } from './wrap.js';
import { useTheme } from './theme.js';
import { own } from '../term/glyphs.js';

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

export function queryBarHeight(error: QueryError | null, explanation: string, focused: boolean, width = Number.POSITIVE_INFINITY, draft = '', caret = 0): number {
  if (error) return 1 + errorLines(error, width, focused ? draftView(draft, caret, width) : null, draft).length;
  return focused && explanation ? 2 : 1;
}

/** The draft as the bar shows it while editing: the text and where its shown part starts (scrolled to the caret). */
export interface ShownDraft {
  text: string;
  start: number;
}

function draftRoom(width: number): number {
  return Math.max(4, width - PROMPT.length - 1);
}

export function draftView(draft: string, caret: number, width: number): ShownDraft {
  return { text: draft, start: scrollStart(caret, draftRoom(width)) };
}

/** The screen column under `position` of the shown draft, or null when it is scrolled out of view. */
function pointerColumn(position: number, shown: ShownDraft | null, width: number): number | null {
  if (!shown || position < shown.start) return null;
  const column = PROMPT.length + displayWidth(sanitize(shown.text.slice(shown.start, position)));
  return column < width - 1 ? column : null;
}

const PROMPT = 'Query / ';

/** Most lines a query error takes (the pointer line and its hint wrapped), so the list keeps its room. */
const MAX_ERROR_LINES = 4;

/**
 * The error under the query: a `^` under the bad term as the bar shows the
 * draft (`shown`: scrolled, wide characters), with the message after it when
 * it fits, else the message and the hint (a field list, a suggestion) wrapped
 * by words below it rather than cut, within MAX_ERROR_LINES. When the term is
 * not on screen (scrolled away, or the draft not shown) the line says
 * `^ col N:` at the start instead of pointing at the wrong text.
 */
export function errorLines(error: QueryError, width: number, shown?: ShownDraft | null, source = shown?.text): string[] {
  // The parser's words (its `( … )`), around what was typed: the typed text is the reader's, not a log's.
  const message = own(sanitize(error.message));
  const at = errorColumn(error, source ?? '');
  const hint = error.hint ? own(sanitize(error.hint)) : '';
  // Without the draft (a caller that only has the error), columns are counted as characters from the start.
  const view = shown === undefined ? { text: ' '.repeat(error.position), start: 0 } : shown;
  const column = pointerColumn(error.position, view, width);
  const indent = ' '.repeat(PROMPT.length);
  if (column !== null) {
    const pad = ' '.repeat(column);
    const whole = `${pad}^ ${message}${hint ? ` ${own('—')} ${hint}` : ''} (position ${at}; last valid query still applied)`;
    if (displayWidth(whole) <= width) return [whole];
    const withHint = `${pad}^ ${message}${hint ? ` ${own('—')} ${hint}` : ''}`;
    if (displayWidth(withHint) <= width) return [withHint];
    // The pointer under the term with as many words after it as fit, the rest wrapped below.
    const words = `${message}${hint ? ` ${own('—')} ${hint}` : ''}`.split(' ');
    let first = `${pad}^`;
    while (words.length > 0 && displayWidth(`${first} ${words[0]!}`) <= width) first += ` ${words.shift()!}`;
    const room = Math.max(8, width - PROMPT.length - 2);
    const wrapped = words.length > 0 ? wrapWords(words.join(' '), room) : [];
    const lines = [first, ...wrapped.slice(0, MAX_ERROR_LINES - 1).map((line) => `${indent}  ${line}`)];
    if (wrapped.length > MAX_ERROR_LINES - 1) lines[MAX_ERROR_LINES - 1] = truncate(`${lines[MAX_ERROR_LINES - 1]!} ${own('…')}`, width);
    return lines.map((line) => truncate(line, width));
  }
  const short = `${indent}^ col ${at}: ${message}${hint ? ` ${own('—')} ${hint}` : ''}`;
  if (displayWidth(short) <= width) return [short];
  const room = Math.max(8, width - PROMPT.length - 2); // continuation lines are indented two more
  const wrapped = wrapWords(`^ col ${at}: ${message}${hint ? ` ${own('—')} ${hint}` : ''}`, room);
  const lines = wrapped.slice(0, MAX_ERROR_LINES).map((line, i) => `${indent}${i === 0 ? '' : '  '}${line}`);
  if (wrapped.length > MAX_ERROR_LINES) lines[MAX_ERROR_LINES - 1] = truncate(`${lines[MAX_ERROR_LINES - 1]!} ${own('…')}`, width);
  return lines.map((line) => truncate(line, width));
}

export function QueryBar({ focused, draft, caret, applied, error, explanation, width }: QueryBarProps) {
  const theme = useTheme();
  const room = draftRoom(width);
  let body;
  if (focused) {
    // The draft was stripped of control characters when typed; sanitise anyway since pasted text is untrusted.
    const part = visiblePart(sanitize(draft), caret, room);
    body = (
      <Text>
        {part.before}
        {theme.inverse ? <Text inverse>{part.at || ' '}</Text> : <Text>{`${own('▏')}${part.at}`}</Text>}
        {part.after}
      </Text>
    );
  } else if (applied) {
    body = <Text>{truncate(sanitize(applied), room)}</Text>;
  } else {
    body = <Text color={theme.muted}>{truncate(own('press / to filter: words, name:Create*, user:alice, error:*, since:2h …'), room)}</Text>;
  }
  const shownErrors = error ? errorLines(error, width, focused ? draftView(draft, caret, width) : null, draft) : [];
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
