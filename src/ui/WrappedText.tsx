import { Text } from 'ink';
import { wrapWords } from './wrap.js';

export interface WrappedTextProps {
  text: string;
  width: number;
  maxLines?: number;
  color?: string | undefined;
}

/**
 * `text` word-wrapped to `width`, a Text per line. Wrapped here, not by Ink:
 * Ink's own wrap began the next line with a space when a word ended at the edge.
 */
export function WrappedText({ text, width, maxLines, color }: WrappedTextProps) {
  return (
    <>
      {wrapWords(text, width, maxLines).map((line, i) => (
        <Text key={i} color={color} wrap="truncate-end">
          {line}
        </Text>
      ))}
    </>
  );
}
