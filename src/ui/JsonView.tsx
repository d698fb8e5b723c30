import { Box, Text } from 'ink';
import type { JsonToken, JsonTokenKind } from './jsonModel.js';
import { displayWidth, truncate } from '../term/width.js';
import { useTheme, type Theme } from './theme.js';
import { own } from '../term/glyphs.js';

export interface JsonViewProps {
  title: string;
  /** Wrapped display lines (see wrapTokens); empty while loading. */
  lines: readonly JsonToken[][];
  message: string;
  scroll: number;
  width: number;
  height: number;
}

/** Body lines the view shows (title and position take one line). */
export function jsonBodyHeight(height: number): number {
  return Math.max(1, height - 1);
}

function kindColor(theme: Theme, kind: JsonTokenKind): string | undefined {
  switch (kind) {
    case 'key':
      return theme.jsonKey;
    case 'string':
      return theme.jsonString;
    case 'number':
      return theme.jsonNumber;
    case 'literal':
      return theme.jsonLiteral;
    default:
      return undefined;
  }
}

export function JsonView({ title, lines, message, scroll, width, height }: JsonViewProps) {
  const theme = useTheme();
  const body = jsonBodyHeight(height);
  const top = Math.max(0, Math.min(scroll, lines.length - body));
  const visible = lines.slice(top, top + body);
  const position = lines.length > 0 ? `${top + 1}-${Math.min(lines.length, top + body)} of ${lines.length}` : '';
  // The keys go whole or not at all when the title leaves too little room (the status line has them too).
  let head = ` ${title}${position ? `  ${position}` : ''}`;
  let sep = '  ';
  for (const hint of ['j/k PgUp/PgDn g/G scroll', 'y copy JSON', 'Esc back']) {
    if (displayWidth(`${head}${sep}${hint}`) > width) break;
    head += `${sep}${hint}`;
    sep = own(' · ');
  }
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0} overflowY="hidden">
      <Text wrap="truncate-end" bold={theme.bold} color={theme.accent}>
        {truncate(head, width)}
      </Text>
      {message ? (
        <Text wrap="truncate-end" color={theme.muted}>
          {truncate(message, width)}
        </Text>
      ) : null}
      {visible.map((tokens, i) => (
        <Text key={top + i} wrap="truncate-end">
          {tokens.map((token, j) => (
            <Text key={j} color={kindColor(theme, token.kind)}>
              {token.text}
            </Text>
          ))}
        </Text>
      ))}
    </Box>
  );
}
