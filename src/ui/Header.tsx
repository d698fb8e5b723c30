import { Box, Text } from 'ink';
import { loadRate, type LoadProgress } from '../store/progress.js';
import { formatCount, formatRate } from './format.js';
import { sanitize } from '../term/sanitize.js';
import { displayWidth, truncate } from '../term/width.js';
import { truncateStart } from './pathText.js';
import { useTheme } from './theme.js';

export interface HeaderProps {
  folder: string;
  progress: LoadProgress;
  watching: boolean;
  shown: number;
  total: number;
  newCount: number;
  /** Oldest first (`o`): new events arrive at the bottom, so the marker points down. */
  newBelow?: boolean;
  follow: boolean;
  /** Work going on out of sight (a hidden download). Shown right after the watch state so a
   * narrow terminal, which cuts the header at its end, still shows it. */
  activity?: string;
  /** Detection findings by level ("⚑ 2 high 1 low (!)"), '' when none. */
  findings?: string;
  width: number;
}

export function liveState(progress: LoadProgress, watching: boolean): string {
  if (progress.phase === 'loading' || progress.phase === 'idle') return 'loading';
  return watching ? 'watching' : 'not watching';
}

/** Whether the header needs its second (progress) line. */
export function headerHeight(progress: LoadProgress): number {
  return progress.phase === 'loading' ? 2 : 1;
}

function progressBar(done: number, total: number, width: number): string {
  const w = Math.max(4, width);
  const filled = total > 0 ? Math.min(w, Math.round((done / total) * w)) : 0;
  return `[${'█'.repeat(filled)}${'░'.repeat(w - filled)}]`;
}

/** Cells the folder needs to show its own name (the end of the path). */
const FOLDER_ROOM = 20;
/** Fewer cells than this show no folder at all: '…/big' still names it, '…/…' does not. */
const MIN_FOLDER = 5;

export function Header({ folder, progress, watching, shown, total, newCount, newBelow = false, follow, activity = '', findings = '', width }: HeaderProps) {
  const theme = useTheme();
  const state = liveState(progress, watching);
  const stateMark = state === 'watching' ? '●' : state === 'loading' ? '◌' : '○';
  const bad = progress.badFiles.length;
  const skipped = progress.skippedFiles.length;
  const noun = total === 1 ? 'event' : 'events';
  const counts = shown === total ? `${formatCount(total)} ${noun}` : `${formatCount(shown)} of ${formatCount(total)} ${noun}`;
  // Records read count copies (the same event in two files) once: say which number is which.
  const read = progress.eventsRead > total ? ` (${formatCount(progress.eventsRead)} records read)` : '';
  const fullFollowText = follow ? 'following' : newCount > 0 ? `paused ${newBelow ? '▼' : '▲'} ${formatCount(newCount)} new (f)` : 'paused';
  const conflicts = progress.conflictCount ?? 0;
  const problems = [
    conflicts > 0 ? `! ${formatCount(conflicts)} conflicting duplicate${conflicts === 1 ? '' : 's'}` : '',
    bad > 0 ? `! ${formatCount(bad)} bad file${bad === 1 ? '' : 's'}` : '',
    skipped > 0 ? `${formatCount(skipped)} skipped` : '',
  ].filter(Boolean);
  const fullBadText = problems.length > 0 ? `${problems.join(' · ')} (b)` : '';
  // Short forms for a narrow terminal, whose header is cut at its end: the counts of bad files and conflicting
  // duplicates must survive (at 80 columns with findings, '! 1 conflicting dup…' hid the 2 bad files after it).
  const shortProblems = (withSkipped: boolean): string => {
    const parts = [conflicts > 0 ? `${formatCount(conflicts)} dup${conflicts === 1 ? '' : 's'}` : '', bad > 0 ? `${formatCount(bad)} bad` : '', withSkipped && skipped > 0 ? `${formatCount(skipped)} skipped` : ''].filter(Boolean);
    return parts.length === 0 ? '' : `${conflicts > 0 || bad > 0 ? '! ' : ''}${parts.join(' · ')} (b)`;
  };
  const activityText = activity ? sanitize(activity) : '';
  const fixedWith = (followText: string, badText: string, readText = read): string =>
    `trailtop  ${stateMark} ${state}${activityText ? `  ${activityText}` : ''}  ${counts}${readText}${findings ? `  ${findings}` : ''}${followText ? `  ${followText}` : ''}${badText ? `  ${badText}` : ''}  `;
  const fits = (text: string): boolean => displayWidth(text) + FOLDER_ROOM <= width;
  // On a narrow terminal the usual states make room for the folder's name: 'following' first (paused
  // is still said), then skipped files when none is bad (b and the footer still reach them), else the
  // problems' short form, skipped files last.
  const followText = follow && !fits(fixedWith(fullFollowText, fullBadText)) ? '' : fullFollowText;
  const onlySkipped = bad === 0 && conflicts === 0;
  const badText = fits(fixedWith(followText, fullBadText))
    ? fullBadText
    : onlySkipped
      ? ''
      : fits(fixedWith(followText, shortProblems(true)))
        ? shortProblems(true)
        : shortProblems(false);
  // Then the records-read count (the loading line repeats it while loading), so findings don't push the name out.
  const readText = fits(fixedWith(followText, badText)) ? read : '';
  const fixed = fixedWith(followText, badText, readText);
  // Cut from the left: the folder's own name, at the end of the path, is what tells folders apart.
  // Too little room left for a recognisable end of the path: none of it, rather than a cut '…/…'.
  const folderRoom = width - displayWidth(fixed);
  const folderText = folderRoom >= MIN_FOLDER ? truncateStart(sanitize(folder), folderRoom) : '';
  const rate = loadRate(progress);
  const loadingLine =
    progress.phase === 'loading'
      ? `loading ${progressBar(progress.filesDone, progress.filesTotal, Math.min(30, Math.floor(width / 4)))} ` +
        `${formatCount(progress.filesDone)}/${formatCount(progress.filesTotal)} files  ${formatCount(progress.eventsRead)} records read  ${formatRate(rate)}`
      : '';
  return (
    <Box flexDirection="column" width={width} flexShrink={0}>
      <Text wrap="truncate-end">
        <Text bold={theme.bold} color={theme.accent}>
          trailtop
        </Text>
        <Text>{'  '}</Text>
        <Text color={state === 'watching' ? theme.ok : theme.warn}>
          {stateMark} {state}
        </Text>
        {activityText ? <Text color={theme.accent}>{`  ${activityText}`}</Text> : null}
        <Text>{`  ${counts}${readText}  `}</Text>
        {findings ? <Text color={/high|crit/.test(findings) ? theme.error : theme.warn}>{`${findings}  `}</Text> : null}
        {followText ? <Text color={follow ? theme.muted : theme.warn}>{followText}</Text> : null}
        {/* The text before ends in two spaces when the follow state is left out. */}
        {badText ? <Text color={bad > 0 ? theme.error : theme.muted}>{`${followText ? '  ' : ''}${badText}`}</Text> : null}
        {/* Without a folder, no spaces either: at the edge they would be cut to a stray '…'. */}
        {folderText ? <Text color={theme.muted}>{`${followText || badText ? '  ' : ''}${folderText}`}</Text> : null}
      </Text>
      {loadingLine ? (
        <Text wrap="truncate-end" color={theme.muted}>
          {truncate(loadingLine, width)}
        </Text>
      ) : null}
    </Box>
  );
}
