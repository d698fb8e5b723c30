/**
 * The --db histogram's bars split by a field (Tab): each part in its colour,
 * or its own glyph without colour (the folder dashboard's partStyles), and
 * the line under the bars naming the selected bucket's parts.
 */
import { Text } from 'ink';
import { displayWidth } from '../../term/width.js';
import { eventCount } from '../format.js';
import { useTheme } from '../theme.js';
import { partLabel, splitBar } from '../timeline/histogramModel.js';
import { PartCells, partStyles } from '../timeline/HistogramView.js';
import { STACK_TITLES } from '../../timeline/histogram.js';
import type { HistoParts } from './archiveStack.js';

/** One bar of `length` cells split among the bucket's parts. */
export function PartBar({ parts, bucket, total, length }: { parts: HistoParts; bucket: number; total: number; length: number }) {
  const theme = useTheme();
  const styles = partStyles({ field: parts.field, values: parts.values }, theme, false);
  return <PartCells cells={splitBar(parts.counts[bucket] ?? [], total, length)} styles={styles} />;
}

/** `  by event source · selected: 4 events: █ s3 3  ▓ iam 1`: the selected bucket's parts, as many as fit. */
export function PartsLine({ parts, bucket, total, width }: { parts: HistoParts; bucket: number; total: number; width: number }) {
  const theme = useTheme();
  const styles = partStyles({ field: parts.field, values: parts.values }, theme, false);
  const head = `  by ${STACK_TITLES[parts.field]} · selected: ${eventCount(total)}:`;
  let used = displayWidth(head);
  const shown: { k: number; text: string }[] = [];
  const counts = parts.counts[bucket] ?? [];
  for (let k = 0; k < parts.names.length; k++) {
    const n = counts[k] ?? 0;
    if (n === 0) continue;
    const text = ` ${partLabel(parts.names[k]!, 20)} ${n.toLocaleString('en-US')} `;
    if (used + 1 + displayWidth(text) > width) break;
    used += 1 + displayWidth(text);
    shown.push({ k, text });
  }
  return (
    <Text wrap="truncate-end" color={theme.muted}>
      {head}
      {shown.map(({ k, text }) => (
        <Text key={k}>
          {' '}
          <Text color={styles[k]!.color}>{styles[k]!.glyph}</Text>
          {text}
        </Text>
      ))}
    </Text>
  );
}
