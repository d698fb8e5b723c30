import { Box, Text } from 'ink';
import type { BadFile } from '../model/types.js';
import type { ConflictingDuplicate } from '../store/progress.js';
import { sanitize } from '../term/sanitize.js';
import { truncate } from '../term/width.js';
import { truncatePath } from './pathText.js';
import { useTheme } from './theme.js';
import { wrapWords } from './wrap.js';
import { own } from '../term/glyphs.js';

export interface BadFilesViewProps {
  bad: readonly BadFile[];
  skipped: readonly BadFile[];
  /** Conflicting duplicates listed (store progress), and how many there are in all. */
  conflicts?: readonly ConflictingDuplicate[];
  conflictCount?: number;
  /** Detection rules the watchdog stopped, by file (their events are loaded). */
  ruleStops?: readonly BadFile[];
  scroll: number;
  width: number;
  height: number;
}

interface Line {
  text: string;
  tone: 'heading' | 'path' | 'reason';
}

/** Lines of the view; file names and reasons come from the folder and are sanitised like log text. */
export function badFileLines(
  bad: readonly BadFile[],
  skipped: readonly BadFile[],
  width: number,
  conflicts: readonly ConflictingDuplicate[] = [],
  conflictCount = conflicts.length,
  ruleStops: readonly BadFile[] = [],
): Line[] {
  const lines: Line[] = [];
  if (conflictCount > 0) {
    // Real CloudTrail duplicates are identical: a copy with other content is tampering, shown first.
    lines.push({ text: `Conflicting duplicates: same eventID, different content (${conflictCount})`, tone: 'heading' });
    for (const c of conflicts) {
      lines.push({ text: `  ${truncate(sanitize(c.eventID), width - 2)}`, tone: 'path' });
      // One line each, the paths cut in their middle as the files' are below.
      if (c.field) lines.push({ text: `      ${truncate(`${sanitize(c.field)} differs`, width - 6)}`, tone: 'reason' });
      lines.push({ text: `      other copy in ${truncatePath(sanitize(c.file), width - 20)}`, tone: 'reason' });
      if (c.keptFile) lines.push({ text: `      kept the copy in ${truncatePath(sanitize(c.keptFile), width - 23)}`, tone: 'reason' });
    }
    if (conflictCount > conflicts.length) lines.push({ text: `  ... and ${conflictCount - conflicts.length} more`, tone: 'reason' });
  }
  const section = (title: string, files: readonly BadFile[]): void => {
    lines.push({ text: `${title} (${files.length})`, tone: 'heading' });
    if (files.length === 0) lines.push({ text: '  none', tone: 'reason' });
    for (const file of files) {
      // One line a path, cut in its middle: wrapped, an S3-layout path broke inside a folder or the file
      // name, and a list of them no longer read as one file a line. The file name stays whole.
      lines.push({ text: `  ${truncatePath(sanitize(file.path), Math.max(1, width - 2))}`, tone: 'path' });
      // A reason is prose: broken between words (`Expected double-quoted prop` / `erty name` read badly).
      for (const part of wrapWords(sanitize(file.reason), width - 6, 3)) lines.push({ text: `      ${part}`, tone: 'reason' });
    }
  };
  // A rule off for the rest of the run misses findings from here on: said before the files, and only when it happened.
  if (ruleStops.length > 0) section('Detection rules stopped (the events are loaded; the rule no longer runs)', ruleStops);
  section('Unreadable or malformed files', bad);
  section('Skipped (not CloudTrail events)', skipped);
  return lines;
}

export function BadFilesView({ bad, skipped, conflicts, conflictCount, ruleStops, scroll, width, height }: BadFilesViewProps) {
  const theme = useTheme();
  const lines = badFileLines(bad, skipped, width, conflicts, conflictCount, ruleStops);
  const body = Math.max(1, height - 1);
  const top = Math.max(0, Math.min(scroll, lines.length - body));
  // Where the reader is, as the JSON view and the help say it.
  const position = lines.length > 0 ? `  ${top + 1}-${Math.min(lines.length, top + body)} of ${lines.length}` : '';
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0} overflowY="hidden">
      <Text wrap="truncate-end" bold={theme.bold} color={theme.accent}>
        {truncate(own(` Files with problems${position} · j/k scroll · Esc back`), width)}
      </Text>
      {lines.slice(top, top + body).map((line, i) => (
        <Text
          key={top + i}
          wrap="truncate-end"
          bold={line.tone === 'heading' && theme.bold}
          color={line.tone === 'heading' ? theme.accent : line.tone === 'reason' ? theme.muted : undefined}
        >
          {line.text}
        </Text>
      ))}
    </Box>
  );
}
