import { Box, Text } from 'ink';
import { shareBar } from './shareBar.js';
import { loadRate, type LoadProgress } from '../store/progress.js';
import { formatCount, formatRate } from './format.js';
import { sanitize } from '../term/sanitize.js';
import { displayWidth, truncate } from '../term/width.js';
import { truncateStart } from './pathText.js';
import { shortenToFit, type ShortenStep } from './shortenToFit.js';
import { useTheme } from './theme.js';
import { own } from '../term/glyphs.js';

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
  /**
   * Detection findings by level ("⚑ 2 high 1 low (!)"), '' or none when nothing fired; several
   * forms, longest first (findingsModel.ts findingsHeaderForms), for a narrow terminal to shorten.
   */
  findings?: string | readonly string[];
  width: number;
}

export function liveState(progress: LoadProgress, watching: boolean): string {
  // Said even mid-load: the files not read yet are gone with their folder.
  if (watching && progress.watchedFolderGone) return 'folder gone';
  if (progress.phase === 'loading' || progress.phase === 'idle') return 'loading';
  return watching ? 'watching' : 'not watching';
}

/** What `f` says in a live state where nothing new can arrive (the cursor still goes to the newest event); null where events can. */
export function nothingNewText(state: string): string | null {
  if (state === 'not watching') return "Newest event: not watching (--no-watch), nothing new will arrive";
  if (state === 'folder gone') return 'Newest event: the folder is gone, nothing new will arrive';
  return null;
}

/** Whether the header needs its second (progress) line. */
export function headerHeight(progress: LoadProgress): number {
  return progress.phase === 'loading' ? 2 : 1;
}

function progressBar(done: number, total: number, width: number): string {
  return `[${shareBar(total > 0 ? done / total : 0, Math.max(4, width))}]`;
}

/** Cells the folder needs to show its own name (the end of the path). */
const FOLDER_ROOM = 20;
/** Fewer cells than this show no folder at all: '…/big' still names it, '…/…' does not. */
const MIN_FOLDER = 5;

export function Header({ folder, progress, watching, shown, total, newCount, newBelow = false, follow, activity = '', findings = '', width }: HeaderProps) {
  const theme = useTheme();
  const state = liveState(progress, watching);
  const stateMark = state === 'watching' ? own('●') : state === 'loading' ? own('◌') : own('○');
  // A stopped rule is a problem of the load (findings missed from then on): counted with the bad files.
  const stops = progress.ruleStops?.length ?? 0;
  const bad = progress.badFiles.length;
  const skipped = progress.skippedFiles.length;
  const noun = total === 1 ? 'event' : 'events';
  const counts = shown === total ? `${formatCount(total)} ${noun}` : `${formatCount(shown)} of ${formatCount(total)} ${noun}`;
  const findingsForms = typeof findings === 'string' ? (findings ? [findings] : []) : findings;
  const findingsText = findingsForms[0] ?? '';
  // Records read count copies (the same event in two files) once: say which number is which.
  const read = progress.eventsRead > total ? ` (${formatCount(progress.eventsRead)} records read)` : '';
  const newMarker = `${newBelow ? own('▼') : own('▲')} ${formatCount(newCount)} new`;
  // Nothing more can arrive (--no-watch once loaded, the folder gone): following or paused would promise
  // events, as the --db dashboard on a read-only archive says neither; unseen arrivals are still counted.
  const settled = state === 'not watching' || state === 'folder gone';
  const fullFollowText = newCount > 0 && !follow ? `paused ${newMarker} (f)` : settled ? '' : follow ? 'following' : 'paused';
  const conflicts = progress.conflictCount ?? 0;
  const problems = [
    conflicts > 0 ? `${formatCount(conflicts)} conflicting duplicate${conflicts === 1 ? '' : 's'}` : '',
    stops > 0 ? `${formatCount(stops)} rule${stops === 1 ? '' : 's'} stopped` : '',
    bad > 0 ? `${formatCount(bad)} bad file${bad === 1 ? '' : 's'}` : '',
    skipped > 0 ? `${formatCount(skipped)} skipped` : '',
  ].filter(Boolean);
  // One `!` before the problems, only when something is wrong (skipped files are not), as the --db header says them.
  const fullBadText = problems.length > 0 ? `${conflicts > 0 || bad > 0 || stops > 0 ? '! ' : ''}${problems.join(own(' · '))} (b)` : '';
  // Short forms for a narrow terminal, whose header is cut at its end: the counts of bad files and conflicting
  // duplicates must survive (at 80 columns with findings, '! 1 conflicting dup…' hid the 2 bad files after it).
  const shortProblems = (withSkipped: boolean): string => {
    const parts = [
      conflicts > 0 ? `${formatCount(conflicts)} dup${conflicts === 1 ? '' : 's'}` : '',
      stops > 0 ? `${formatCount(stops)} stopped` : '',
      bad > 0 ? `${formatCount(bad)} bad` : '',
      withSkipped && skipped > 0 ? `${formatCount(skipped)} skipped` : '',
    ].filter(Boolean);
    return parts.length === 0 ? '' : `${conflicts > 0 || bad > 0 || stops > 0 ? '! ' : ''}${parts.join(own(' · '))} (b)`;
  };
  const activityText = activity ? sanitize(activity) : '';
  const fixedWith = (followText: string, badText: string, readText: string): string =>
    `trailtop  ${stateMark} ${state}${activityText ? `  ${activityText}` : ''}  ${counts}${readText}${findingsText ? `  ${findingsText}` : ''}${followText ? `  ${followText}` : ''}${badText ? `  ${badText}` : ''}  `;
  // On a narrow terminal the usual states make room for the folder's name: 'following' first (paused
  // is still said), then skipped files when none is bad (b and the footer still reach them), then the
  // records-read count (the loading line repeats it while loading, the --db header never shows it), then
  // the problems' short form, skipped files last, so findings don't push the name out. The skipped files
  // go after the records-read count: at 80 columns on a folder with bad and skipped files the header said
  // '! 2 bad (b)' where the --db one says '! 2 bad files · 2 skipped (b)'.
  const onlySkipped = bad === 0 && conflicts === 0 && stops === 0;
  const { follow: followText, bad: badText, read: readText } = shortenToFit(
    { follow: fullFollowText, bad: fullBadText, read },
    [
      (p) => (p.follow = follow ? '' : p.follow),
      (p) => (p.bad = onlySkipped ? '' : p.bad),
      (p) => (p.read = ''),
      (p) => (p.bad = onlySkipped ? '' : shortProblems(true)),
      (p) => (p.bad = onlySkipped ? '' : shortProblems(false)),
    ],
    (p) => displayWidth(fixedWith(p.follow, p.bad, p.read)) + FOLDER_ROOM <= width,
  );

  // Still wider than the terminal (60 columns, findings, paused, a filter): no folder, and the rest is
  // shortened, least needed first, until it fits. The bad files' and duplicates' counts go last: they
  // say data is missing, which nothing else on screen says.
  const parts = { brand: 'trailtop', state: `${stateMark} ${state}`, counts: `${counts}${readText}`, findings: findingsText, follow: followText, bad: badText };
  const lineOf = (p: typeof parts): string => [p.brand, p.state, activityText, p.counts, p.findings, p.follow, p.bad].filter(Boolean).join('  ');
  const shorter: ShortenStep<typeof parts>[] = [
    (p) => (p.counts = counts),
    (p) => (p.bad = shortProblems(true)),
    (p) => (p.bad = shortProblems(false)),
    (p) => (p.brand = ''),
    (p) => (p.findings = findingsForms[1] ?? p.findings),
    (p) => (p.follow = follow ? '' : newCount > 0 ? newMarker : 'paused'),
    (p) => (p.state = stateMark),
    (p) => (p.findings = findingsForms[2] ?? p.findings),
    (p) => (p.findings = findingsForms[3] ?? p.findings),
    (p) => (p.counts = shown === total ? counts : `${formatCount(shown)}/${formatCount(total)}`),
    (p) => (p.follow = ''),
    (p) => (p.bad = p.bad.replace(/ \(b\)$/, '')),
  ];
  shortenToFit(parts, shorter, (p) => displayWidth(lineOf(p)) <= width);
  const fixed = `${lineOf(parts)}  `;
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
  // Each part in its colour, two spaces between them (none at the end: at the edge they would be cut to a stray '…').
  const segments = [
    { text: parts.brand, bold: theme.bold, color: theme.accent },
    { text: parts.state, color: state === 'watching' ? theme.ok : theme.warn },
    { text: activityText, color: theme.accent },
    { text: parts.counts },
    // Coloured by the longest form, whose levels are spelt out: a short form keeps its colour.
    { text: parts.findings, color: /high|crit/.test(findingsText) ? theme.error : theme.warn },
    { text: parts.follow, color: follow ? theme.muted : theme.warn },
    { text: parts.bad, color: bad > 0 ? theme.error : theme.muted },
    { text: folderText, color: theme.muted },
  ].filter((segment) => segment.text !== '');
  return (
    <Box flexDirection="column" width={width} flexShrink={0}>
      <Text wrap="truncate-end">
        {segments.map((segment, i) => (
          <Text key={i} bold={segment.bold ?? false} color={segment.color}>
            {`${i > 0 ? '  ' : ''}${segment.text}`}
          </Text>
        ))}
      </Text>
      {loadingLine ? (
        <Text wrap="truncate-end" color={theme.muted}>
          {truncate(loadingLine, width)}
        </Text>
      ) : null}
    </Box>
  );
}
