/**
 * `trailtop --db FILE`: the dashboard over a DuckDB archive of any size. A
 * thin layer: the archive session (src/archive/session.ts) answers every
 * question by SQL, archiveModel.ts says what a key does, and this component
 * runs the commands and draws with the dashboard's own pieces (EventList,
 * DetailPanel, JsonView, TopValuesView, QueryBar, StatusBar).
 */
import { Box, Text, useApp, useInput, useStdout, type Key } from 'ink';
import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { ArchiveBucket, TimeBounds } from '../../archive/aggregate.js';
import type { ArchiveFollower, FollowStatus } from '../../archive/follow.js';
import type { ArchiveSession } from '../../archive/session.js';
import type { ArchivedEvent, ArchiveProblems } from '../../archive/query.js';
import type { ArchiveList } from '../../archive/window.js';
import type { Finding } from '../../detect/findings.js';
import { TOP_FIELDS, TOP_SHOWN, type TopResult } from '../../investigate/topValues.js';
import { MarkSet } from '../../marks/markSet.js';
import { queryHelpLines } from '../../query/index.js';
import { operatorWordHint } from '../../query/operatorWords.js';
import { timeRangeHint } from '../../query/timeRangeHint.js';
import { parseQuery } from '../../query/parse.js';
import { openFolderState, type FolderState } from '../../state/index.js';
import { colorEnabled } from '../../term/color.js';
import { describeCopy, osc52Copy, type Env } from '../../term/osc52.js';
import { supportsHyperlinks } from '../../term/osc8.js';
import { sanitize, sanitizeLine } from '../../term/sanitize.js';
import { fit, truncate } from '../../term/width.js';
import { BUCKET_SIZES, histogramOpeningSize, type TimelineZone } from '../../timeline/buckets.js';
import { ERROR_STACK, partNames, type StackField } from '../../timeline/histogram.js';
import { unicodeBlocks, own, setAsciiSymbols, unicodeSymbols } from '../../term/glyphs.js';
import { buildDetail, withExtra } from '../detailModel.js';
import { BadFilesView, badFileLines } from '../BadFilesView.js';
import { DetailPanel, detailBodyHeight, layoutDetail } from '../DetailPanel.js';
import { EventList, listBodyHeight } from '../EventList.js';
import { measuredRange } from '../listModel.js';
import { screenRows } from './screenRows.js';
import { formatCount, timesSpanYears, zoneLabel } from '../format.js';
import { isTooSmall, TooSmall } from '../TooSmall.js';
import { HelpOverlay, helpBodyHeight, helpLines, noteLines, viewHelpLine, type HelpLine } from '../HelpOverlay.js';
import { useTerminalSize } from '../hooks/useTerminalSize.js';
import { useReleaseHeldKeys } from '../hooks/useReleaseHeldKeys.js';
import { TopValuesView } from '../investigate/TopValuesView.js';
import { followTopSelection } from '../investigate/topValuesModel.js';
import { jsonBodyHeight, JsonView } from '../JsonView.js';
import { prettyJsonLines, wrapTokens } from '../jsonModel.js';
import { actionFor, splitChunk, type Action, type Mode } from '../keys.js';
import type { Stroke } from '../viewKeys.js';
import { QueryBar, queryBarHeight } from '../QueryBar.js';
import { StatusBar, statusRoom } from '../StatusBar.js';
import { statusLines } from '../statusMessage.js';
import { makeTheme, ThemeContext } from '../theme.js';
import { histogramBodyRows, yearsDiffer } from '../timeline/histogramModel.js';
import { HistogramChart } from '../timeline/HistogramChart.js';
import { bucketInfo, histogramTitle, spanInfo } from '../timeline/histogramText.js';
import { stripHeight } from '../timeline/stripModel.js';
import { nothingNewText } from '../Header.js';
import { archiveHeadline, archiveKey, archiveWindow, bucketAfterZoom, cursorAt, editQuery, initialArchiveState, type ArchiveUiState, type ZoomKeep } from './archiveModel.js';
import { followLabel } from './followLabel.js';
import { closeBack, grounded, openOver, viewUnder } from '../viewStack.js';
import { afterApply, ARCHIVE_GROUND, archivePlace, type ArchiveLanding, type ArchivePlace } from './archiveNav.js';
import { drilledFrom } from '../investigate/queryStack.js';
import { ARCHIVE_HINTS, footerHints } from '../footerHints.js';
import { useArchiveChain } from './useArchiveChain.js';
import { ArchiveInsights } from './ArchiveInsights.js';
import { aheadOf, cursorAfterRefresh, followsNewest } from './archiveRefresh.js';
import { pickPromptLines } from '../investigate/pivotPick.js';
import { useArchiveDownload } from './useArchiveDownload.js';
import { nextMarkMove, NO_MARK_HERE } from './archiveMarks.js';
import { histogramSpan } from './archiveSpan.js';
import { loadParts, stackField, type HistoParts } from './archiveStack.js';
import { ColumnChooser } from '../investigate/ColumnChooser.js';
import { chooserEntries, chosenColumns } from '../investigate/columnChoice.js';
import { FindingsPanel } from '../findings/FindingsView.js';
import type { KeptViews } from '../keptViews.js';
import { findingDetailLines } from '../findings/findingsModel.js';
import { FindingsViewKeys, rulesDueAfter, useArchiveFindings } from './useArchiveFindings.js';
import type { PivotTerm } from '../../investigate/pivot.js';
import type { PrincipalSummary } from '../../investigate/principal.js';
import { PrincipalView } from '../investigate/PrincipalView.js';
import { stepLine } from '../investigate/principalKeys.js';
import { useFollowedSummaryLine } from '../investigate/useFollowedSummaryLine.js';
import { summaryLines, summaryTitle, type SummaryLine } from '../investigate/principalModel.js';

export interface ArchiveAppProps {
  session: ArchiveSession;
  /** The archive file, for the header. */
  dbPath: string;
  env?: Env;
  folderState?: FolderState;
  initialQuery?: string;
  onQuit?: () => void;
  /** `trailtop DIR --db FILE`: the folder the archive follows; the list takes in what it imports. */
  follower?: ArchiveFollower;
  /** The longest keys wait for a command's answer (HOLD_KEYS_MS; longer in tests, where a busy machine can pass 5 s). */
  holdKeysMs?: number;
}

/** The most buckets one histogram asks for (zooming in further than that on a long span widens the bucket). */
const MAX_BUCKETS = 2_000;
/** The longest keys wait for a command's answer (a count over a big archive can take a while). */
const HOLD_KEYS_MS = 5_000;

/** The help's note on what an archive cannot do, and where to go instead (wrapped to the terminal by noteLines). */
const ARCHIVE_NOTE = {
  heading: 'On an archive (--db): every query is SQL over the whole archive (Enter applies it).',
  text:
    'd downloads the list as export --db writes it (paged from the archive; Ctrl-O: the marked events only). ' +
    '! findings runs the rules as SQL in the background (as detect --db does; under a query, one count per rule among its events). ' +
    'Enter on a session chain link in the details lists its event alone (id:), [ comes back. ' +
    'i Insights counts the rate behind each Insight by SQL (under a query: the Insights it concerns, their rates among its events). ' +
    "f goes to the newest event; opened as trailtop DIR --db FILE (which imports DIR's new files) the cursor then stays on the newest as imports add events, until it moves. " +
    'No timeline strip under the header: h opens the histogram. ' +
    "In a script: scan|export|detect --db FILE (--filter 'rule:ID' for what a rule fires on).",
};

/** What a key does on an archive where that differs from the folder dashboard. */
const ARCHIVE_DESCRIPTIONS: Partial<Record<Action, string>> = {
  follow: "follow newest events (as DIR's new files are imported; read only: the newest event)",
  queryBack: 'back to the previous query, cursor on the event it was on',
  columnChooser: 'choose, order and hide the list columns (kept for this archive file)',
  // The folder's words promised filtering at each key and a folder's history: here each query is a count
  // over the archive, applied by Enter, and the history is kept per archive file.
  editQuery: 'edit the query (Enter applies it); over T, h, ! and i they count it again and stay',
  applyQuery: 'apply the query (one count over the archive) and return to the list (or to the view, counted again)',
  historyPrev: "earlier query from this archive file's history (kept between runs)",
};


/** The commands whose answers keys wait for: the rows, the top values, the histogram's buckets. */
type LoadKind = 'list' | 'top' | 'histo' | 'principal';

/** The keys the --db dashboard answers (archiveModel.ts archiveKey): its help lists only these. */
const ARCHIVE_ACTIONS: ReadonlySet<Action> = new Set<Action>([
  'up', 'down', 'pageUp', 'pageDown', 'top', 'bottom',
  'follow', 'open', 'back', 'drillBack', 'editQuery', 'json', 'copy', 'queryBack', 'queryForward', 'nextLink', 'prevLink', 'toggleTime', 'toggleOrder', 'topValues', 'histogram', 'mark', 'nextMark',
  'applyQuery', 'cancelQuery', 'historyPrev', 'historyNext', 'deleteToStart', 'deleteWord', 'lineStart', 'lineEnd', 'charMove',
  'nextTopField', 'prevTopField', 'topFilter', 'pivotReplace', 'pivotAdd', 'pivotExclude', 'resourceTimeline',
  'zoomIn', 'zoomOut', 'applySpan', 'selectSpan', 'cycleStack',
  'export', 'cycleFormat', 'cycleFormatBack', 'toggleMarkedOnly', 'startExport', 'confirmOverwrite', 'refuseOverwrite', 'cancelExport', 'hideExport', 'copyPath', 'newExport',
  'findings', 'findingsMove', 'findingEvents', 'findingsOrder', 'principal', 'summaryFilter',
  'insights', 'jumpToEvents', 'nextTab', 'prevTab',
  'columnChooser', 'toggleColumn', 'moveColumnUp', 'moveColumnDown', 'resetColumns',
  'badFiles',
  // q while a download runs asks first (runningWork.ts), as on the folder dashboard: its answers are keys too.
  'help', 'quit', 'confirmQuit', 'refuseQuit', 'forceQuit',
]);

function archiveHelp(width: number): HelpLine[] {
  return [
    ...noteLines(ARCHIVE_NOTE.heading, width, true),
    ...noteLines(ARCHIVE_NOTE.text, width),
    { text: '', heading: false },
    ...helpLines(queryHelpLines(), { insights: true, export: true }, width, (binding) => ARCHIVE_ACTIONS.has(binding.action), (binding) => ARCHIVE_DESCRIPTIONS[binding.action] ?? binding.description),
  ];
}
interface Histo {
  size: number;
  /** The zone the buckets were counted in (t changes it in the list; h counts them again). */
  zone?: TimelineZone;
  buckets: ArchiveBucket[];
  /** Events of the query whose time did not parse: in no bucket (the title says how many). */
  untimed?: number;
  /** Tab: the bars split by a field (archiveStack.ts); absent: by errors. */
  parts?: HistoParts | null;
}

/** What `f` says once a followed folder can bring nothing more, in the folder dashboard's words; null while it can. */
function followEndedText(status: FollowStatus): string | null {
  return nothingNewText(status.folderGone ? 'folder gone' : status.phase === 'stopped' ? 'not watching' : 'watching');
}

export function ArchiveApp({ session, dbPath, env = process.env, folderState, initialQuery = '', onQuit, follower, holdKeysMs = HOLD_KEYS_MS }: ArchiveAppProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const { columns: width, rows: termRows } = useTerminalSize();
  const theme = useMemo(() => makeTheme(colorEnabled(env, { isTTY: true })), [env]);
  const hyperlinks = useMemo(() => supportsHyperlinks(env), [env]);
  const ascii = useMemo(() => !unicodeBlocks(env), [env]);
  // Before any child draws: every symbol trailtop writes reads this (glyphs.ts own), in ASCII where the terminal cannot show it.
  setAsciiSymbols(!unicodeSymbols(env));
  // Without a saved state (tests, --no-history) the query history lives for this run only, as in App.
  const memoryState = useRef<FolderState | null>(null);
  const remembered = folderState ?? (memoryState.current ??= openFolderState(dbPath, { enabled: false }));
  const stateRef = useRef<ArchiveUiState | null>(null);
  // A corrupt or unreadable state file is ignored with a message, as on the folder dashboard (App).
  stateRef.current ??= { ...initialArchiveState(initialQuery), columnIds: remembered.columns(), status: remembered.warning };
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const setState = useCallback((change: ArchiveUiState) => {
    const next = grounded(change, ARCHIVE_GROUND);
    if (next === stateRef.current) return;
    stateRef.current = next;
    rerender();
  }, []);
  const state = stateRef.current;
  const marks = useMemo(() => new MarkSet(folderState?.marks() ?? [], folderState ? (ids) => folderState.setMarks(ids) : null), [folderState]);
  session.readMarksFrom(() => marks.set());

  const [list, setList] = useState<ArchiveList | null>(null);
  const [busy, setBusy] = useState(own('opening…'));
  const [top, setTop] = useState<TopResult | null>(null);
  const [histo, setHisto] = useState<Histo | null>(null);
  const whereRef = useRef<string | null>(null);
  // Each command's answer is dropped when a newer one of the same kind was started meanwhile.
  const ticket = useRef({ list: 0, top: 0, histo: 0, principal: 0 });
  // The commands whose answer the keys behind them act on (the rows, the top values, the buckets):
  // while one is running, the keys after it in the same burst wait (`T j j` moves in the values).
  const loading = useRef({ list: false, top: false, histo: false, principal: false });
  // A flag comes down in the commit that draws its command's answer, not when the answer arrives: React runs
  // a frame's effects in a later task, and an answer landing between a frame and its effects let those
  // effects release the held keys onto the values before the answer (T j j lost both moves under load).
  const settling = useRef<{ kind: LoadKind; ticket: number }[]>([]);
  const [, settleFrame] = useReducer((n: number) => n + 1, 0);
  const settle = useCallback((kind: LoadKind, mine: number) => {
    settling.current.push({ kind, ticket: mine });
    settleFrame();
  }, []);
  useLayoutEffect(() => {
    if (settling.current.length === 0) return;
    // A newer command of the same kind started meanwhile keeps the flag up for its own answer.
    for (const { kind, ticket: mine } of settling.current) if (ticket.current[kind] === mine) loading.current[kind] = false;
    settling.current = [];
  });

  // The followed folder's state, beside the status line (set by the subscription below).
  const [follow, setFollow] = useState<FollowStatus | null>(follower?.current ?? null);
  // The bad and skipped files `b` lists: the archive's imports' (read when the view opens) and the followed folder's.
  const [problems, setProblems] = useState<ArchiveProblems | null>(null);
  const following = followLabel(follow);
  // The download dialog (d): its keys come through download.queue; a running download's progress ends the header.
  const strokesRef = useRef<(strokes: readonly Stroke[]) => void>(() => {});
  const latestState = useCallback(() => stateRef.current!, []);
  const downloadHelp = useCallback(() => Math.max(0, Math.min(viewHelpLine(ctxRef.current.help, 'export'), ctxRef.current.help.length - helpBodyHeight(ctxRef.current.mainH))), []);
  const quitNow = useCallback(() => (onQuit ? onQuit() : exit()), [onQuit, exit]);
  const download = useArchiveDownload({
    session, list, marks: marks.set(), state, setState, latest: latestState, helpScroll: downloadHelp, folder: follower?.folder,
    quit: quitNow, handBack: (strokes) => strokesRef.current(strokes),
  });
  const downloadQueue = download.queue;
  // The rules run as SQL in the background from the start (and again after each import of a follow).
  const runner = session.detection();
  const found = useArchiveFindings(runner);
  // Under a query, what the rules found among its events (findingsAmong: one count per rule), for the findings view.
  const [scopedFindings, setScopedFindings] = useState<{ where: string; found: readonly Finding[] } | null>(null);
  const rulesNote = found.pending.startsWith('running') ? `${found.pending} ${own('·')} ` : '';
  const right = `${busy ? `${busy} ` : ''}${rulesNote}${following ? `${following} ${own('·')} ` : ''}${zoneLabel(state.zone)}`;
  // A long message (an archive error, a bad file) is word-wrapped, up to 3 lines: the list gives them up.
  const statusShown = download.question ? statusLines(download.question, statusRoom(width, right)) : state.nav.pick ? pickPromptLines(state.nav.pick, statusRoom(width, right)) : state.status ? statusLines(state.status, statusRoom(width, right)) : [];

  const height = Math.max(1, termRows - 1);
  // While typing, a lowercase or/and/not between terms is said to be a word, and time terms that leave no
  // time between them are said to, as on the folder dashboard.
  const explanation = state.mode === 'query' ? operatorWordHint(state.draft) || timeRangeHint(state.draft) : '';
  const queryH = queryBarHeight(state.queryError, explanation, state.mode === 'query', width, state.draft, state.caret);
  const mainH = Math.max(2, height - 1 - queryH - Math.max(1, statusShown.length));
  const bodyH = listBodyHeight(mainH);
  // The lines h fits a span into: the folder dashboard's histogram body, one line shorter than this one's
  // where the folder has its timeline strip, so both open at the same size on the same terminal.
  const fitRows = histogramBodyRows(mainH - stripHeight(termRows));
  const total = list?.total ?? 0;
  const win = archiveWindow(state, total, bodyH);
  const followingNewest = !!follower && followsNewest(state, total);
  // Back on the newest (f, or a move; reading its details too), the count starts again from nothing.
  const onNewest = total > 0 && (state.order === 'newest' ? state.cursor === 0 : state.cursor >= total - 1);
  useEffect(() => {
    if (onNewest && stateRef.current!.unseen > 0) setState({ ...stateRef.current!, unseen: 0 });
  }, [onNewest, state.unseen]);
  const current = list?.at(win.cursor);
  // "Who is behind this session" in the details, by SQL (archive/chain.ts).
  // The followed imports ended: the Insights view reads its Insights and rates again after each, and a session
  // chain that ended at an issuing event not in the archive is looked for again.
  const [imports, setImports] = useState(0);
  const chain = useArchiveChain(state.mode === 'detail' ? (current ?? null) : null, session.archive, imports);

  const fail = useCallback((error: unknown) => {
    setBusy('');
    setState({ ...stateRef.current!, status: `the archive answered with an error: ${sanitizeLine(error instanceof Error ? error.message : String(error)).slice(0, 300)}` });
  }, []);

  // Esc in a list a view's Enter opened reopens those views (afterApply): they count again on the query gone
  // back to, which the list's apply has just set. Assigned below, where their loads are.
  const countReopened = useRef<(s: ArchiveUiState, requeried: boolean) => void>(() => {});
  const apply = useCallback(
    async (text: string, from?: ArchivePlace, at?: ArchiveLanding) => {
      const mine = ++ticket.current.list;
      loading.current.list = true;
      setBusy(own('querying…'));
      try {
        const filter = await session.filter(text);
        if (mine !== ticket.current.list) return;
        if (!filter.ok) {
          setBusy('');
          const s = stateRef.current!;
          // A query that does not parse keeps the parser's error (where, and the hint), as while typing and
          // in the folder dashboard; only what SQL refuses (a rule it cannot express) has no position.
          const parsed = parseQuery(text, { deepTerms: true });
          const queryError = parsed.ok ? { message: filter.message, position: 0, hint: '' } : parsed.error;
          setState({ ...s, mode: 'query', draft: text, caret: text.length, queryError });
          settle('list', mine);
          return;
        }
        // Back or forward to a place, or a pivot: the list opens around the event the cursor was on (a place
        // left following opens on the newest, afterApply).
        const around = at?.anchor && !at.follow ? await session.listAround(filter.where, stateRef.current!.order, at.anchor, bodyH + 1) : null;
        const next = around?.list ?? (await session.list(filter.where, stateRef.current!.order, bodyH + 1));
        if (mine !== ticket.current.list) return;
        whereRef.current = filter.where;
        if (text.trim() !== '') remembered.addHistory(text);
        setList(next);
        setTop(null);
        setHisto(null);
        setBusy('');
        const applied = afterApply(stateRef.current!, text, { index: around?.index ?? 0, total: next.total, present: around?.present ?? true }, bodyH, from, at);
        // Applied with a lowercase or/and/not or an empty time range, the list is probably empty or wide for that reason: say so, as App does.
        const wordHint = operatorWordHint(text) || timeRangeHint(text);
        setState(wordHint ? { ...applied, status: wordHint } : applied);
        // Before the list's flag comes down: keys after the Esc wait for the reopened view's values too. A query
        // applied under an open view (T's exclude) counts that view again over it.
        if (at?.reopen || !at) countReopened.current(stateRef.current!, !at);
        settle('list', mine);
      } catch (error) {
        if (mine === ticket.current.list) {
          fail(error);
          settle('list', mine);
        }
      }
    },
    [session, bodyH, remembered, settle],
  );

  useEffect(() => {
    void apply(initialQuery);
  }, []);
  // The imports' bad files are counted in the header from the start, as the folder dashboard counts its own
  // (an archive with bad files said nothing of them until b was pressed).
  useEffect(() => {
    session.problemFiles().then(setProblems, fail);
  }, [session, fail]);

  // The followed folder: its state in the status line (at most ~5 redraws a second while importing), and
  // after each commit the list asked again (count and the rows on screen), keeping the query and cursor.
  const refreshing = useRef({ running: false, again: false });
  const refreshed = useRef<{ ticket: number; list: ArchiveList } | null>(null);
  const refresh = useCallback(async () => {
    const flags = refreshing.current;
    if (flags.running) {
      flags.again = true;
      return;
    }
    flags.running = true;
    try {
      do {
        flags.again = false;
        const mine = ticket.current.list;
        // A query applied now has taken its ticket but may not have set its SQL yet: the where read here is
        // checked again on the answer, or the old query's list would be drawn under the new query's text.
        const where = whereRef.current;
        const s = stateRef.current!;
        // The cursor stays on its event (archiveRefresh.ts): new rows above it would put another there; or on
        // the newest, following. The list the cursor is in is this loop's last one until it is drawn (a second commit comes sooner).
        const held = refreshed.current?.ticket === mine ? refreshed.current.list : ctxRef.current.list;
        const following = followsNewest(s, held?.total ?? 0);
        const anchor = !following && held && held.where === where && held.total > 0 ? (held.at(Math.min(s.cursor, held.total - 1)) ?? null) : null;
        const around = anchor ? await session.listAround(where, s.order, anchor, bodyH + 1) : null;
        const next = around?.list ?? (await session.list(where, s.order, bodyH + 1));
        // A query applied meanwhile has the last word; one that set its SQL while this ran is refreshed again.
        if (mine !== ticket.current.list) continue;
        if (whereRef.current !== where) {
          flags.again = true;
          continue;
        }
        setList(next);
        refreshed.current = { ticket: mine, list: next };
        if (around) {
          const moved = cursorAfterRefresh(stateRef.current!, s.cursor, around.index, next.total, bodyH);
          // Paused: the events that came on the newest side of the cursor's event, said in the header as the folder dashboard's `▲ N new`.
          const came = aheadOf(s.order, around.index, next.total) - aheadOf(s.order, s.cursor, held!.total);
          setState(came > 0 ? { ...moved, unseen: moved.unseen + came } : moved);
        }
        // Following at the bottom of an oldest-first list: down to the newest (unless a key moved the cursor meanwhile).
        else if (following && s.order === 'oldest' && stateRef.current!.cursor === s.cursor) setState(cursorAt(stateRef.current!, next.total - 1, next.total, bodyH));
      } while (flags.again);
    } catch (error) {
      fail(error);
    } finally {
      flags.running = false;
    }
  }, [session, bodyH]);
  useEffect(() => {
    if (!follower) return;
    // This effect runs again when the list's height changes (a bad file's message wraps onto a second
    // line): the status a dropped timer was to show is taken from the follower here, not lost.
    setFollow(follower.current);
    let latest: FollowStatus | null = null;
    let timer: NodeJS.Timeout | null = null;
    // Said once each: the list is the folder's bad files now (one fixed leaves it, one bad again comes back new).
    const badSeen = new WeakSet<object>(follower.current.bad);
    const unsubscribe = follower.subscribe((status, committed) => {
      latest = status;
      timer ??= setTimeout(() => {
        timer = null;
        setFollow(latest);
      }, 200);
      const bad = status.bad.at(-1);
      if (bad && !badSeen.has(bad)) {
        for (const file of status.bad) badSeen.add(file);
        setState({ ...stateRef.current!, status: `bad file (${sanitize(bad.reason)}): ${sanitize(bad.path)}` });
      }
      if (committed) void refresh();
      if (rulesDueAfter(status, committed)) void runner?.refresh();
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [follower, refresh, runner]);

  // The list's time bounds: the rows held are a page, so whether the list spans years is the archive's to say.
  // Asked again for each list, not each query: an import's events can stretch the same query's span.
  const [bounds, setBounds] = useState<TimeBounds | null>(null);
  useEffect(() => {
    if (!list) return;
    let current = true;
    session.timeBounds(list.where).then((found) => current && setBounds(found), fail);
    return () => {
      current = false;
    };
  }, [session, list]);
  const withYear = bounds !== null && timesSpanYears([bounds.first, bounds.last], state.zone);

  // The rows on screen and a screen either side (the columns are sized over them, as on the folder dashboard):
  // one page query when they are not held (scrolling past the held rows, G, g).
  const [, pageArrived] = useReducer((n: number) => n + 1, 0);
  const measured = measuredRange(win);
  const needs = list && !list.holds(measured.top, measured.end);
  useEffect(() => {
    if (!list || list.holds(measured.top, measured.end)) return;
    setBusy(own('reading…'));
    list.ensure(measured.top, measured.end).then(() => {
      setBusy('');
      pageArrived();
    }, fail);
  }, [list, measured.top, measured.end, needs]);

  /**
   * Runs a count the held keys wait for (top values, the principal summary): its answer is shown
   * only while its command is the newest of its kind, and its flag comes down with the frame that draws it.
   */
  const countFor = useCallback(
    async <T,>(kind: 'top' | 'principal', ask: () => Promise<T>, show: (result: T) => void) => {
      const mine = ++ticket.current[kind];
      loading.current[kind] = true;
      setBusy(own('counting…'));
      try {
        const result = await ask();
        if (mine !== ticket.current[kind]) return;
        show(result);
        setBusy('');
        settle(kind, mine);
      } catch (error) {
        if (mine === ticket.current[kind]) {
          fail(error);
          settle(kind, mine);
        }
      }
    },
    [settle, fail],
  );
  const loadTop = useCallback(
    // `follow`: counted again after an import, the selection stays on its value, which may have moved in the ranking.
    (fieldIndex: number, follow = false) =>
      countFor('top', () => session.topValues(TOP_FIELDS[fieldIndex]!.field, whereRef.current, TOP_SHOWN), (result) => {
        const s = stateRef.current!;
        const shown = ctxRef.current.top;
        setTop(result);
        // Reopened by Esc from a list its Enter opened: the values it was left on (kept with the place), so the
        // line goes back to the value chosen, wherever an import since has moved it (opened anew, none are kept).
        const kept = s.viewsKept.top;
        const before = follow && shown ? { result: shown, index: s.topIndex } : kept ? { result: kept, index: s.topIndex } : null;
        // Fewer values than before (an exclusion, an import): the line stays on the last, as drawn, so Enter takes it.
        const index = followTopSelection(before, result, s.topIndex);
        setState({ ...s, topIndex: index, viewsKept: { ...s.viewsKept, top: result } });
      }),
    [session, countFor, setState],
  );

  const [summary, setSummary] = useState<PrincipalSummary | null>(null);
  const loadPrincipal = useCallback(
    (term: PivotTerm) => {
      setSummary(null);
      return countFor('principal', () => session.principalSummary(term), setSummary);
    },
    [session, countFor],
  );
  const principalLines = useMemo(() => (state.mode === 'principal' && summary ? summaryLines(summary, state.zone, width) : undefined), [state.mode, summary, state.zone, width]);
  const selectSummaryLine = useCallback((index: number) => setState({ ...stateRef.current!, principalIndex: index }), [setState]);
  const keepSummaryLines = useCallback((lines: readonly SummaryLine[]) => setState({ ...stateRef.current!, viewsKept: { ...stateRef.current!.viewsKept, principal: lines } }), [setState]);
  useFollowedSummaryLine(principalLines, state.principalIndex, state.mode === 'principal', state.mode === 'help', selectSummaryLine, state.viewsKept.principal, keepSummaryLines);

  /**
   * `sizeIndex` -1: the size that fits the span into `fitRows` lines; `keep`: the bucket to stay on (its
   * time), else the newest; `recount`: the same histogram again after an import, which says nothing of the
   * bucket cap (the user zoomed nowhere).
   */
  const loadHistogram = useCallback(
    async (sizeIndex: number, fitRows: number, { keep, recount = false }: { keep?: ZoomKeep | undefined; recount?: boolean } = {}) => {
      const mine = ++ticket.current.histo;
      loading.current.histo = true;
      setBusy(own('counting…'));
      try {
        const bounds = await session.timeBounds(whereRef.current);
        if (mine !== ticket.current.histo) return;
        if (!bounds) {
          setHisto({ size: 0, buckets: [] });
          setBusy('');
          settle('histo', mine);
          return;
        }
        // The size the folder dashboard opens at for the same span and height (histogramOpeningSize).
        let size = sizeIndex >= 0 ? sizeIndex : BUCKET_SIZES.indexOf(histogramOpeningSize(bounds.first, bounds.last, fitRows));
        while (size < BUCKET_SIZES.length - 1 && (bounds.last - bounds.first) / BUCKET_SIZES[size]!.ms > MAX_BUCKETS) size++;
        // Bounded in the zone shown, as the folder's are: a day at local midnight, a week from Monday.
        const grid = { size: BUCKET_SIZES[size]!, zone: stateRef.current!.zone };
        const buckets = await session.histogram(whereRef.current, grid, bounds.first, bounds.last + 1);
        const parts = await loadParts(session, whereRef.current, stackField(stateRef.current!), grid, bounds.first, bounds.last + 1);
        if (mine !== ticket.current.histo) return;
        setHisto({ size, zone: grid.zone, buckets, untimed: bounds.untimed, parts });
        setBusy('');
        const s = stateRef.current!;
        // Opened at the newest bucket (the list's newest-first top), or where it was: after a zoom, on the same time.
        const kept = keep ? bucketAfterZoom(buckets, keep) : -1;
        // A zoom in that the bucket cap undid would otherwise look like a key that does nothing.
        const capped = !recount && sizeIndex >= 0 && size > sizeIndex ? `${BUCKET_SIZES[size]!.label} is the smallest bucket for this span (at most ${formatCount(MAX_BUCKETS)} buckets): narrow the query or its time to zoom in` : '';
        setState({ ...s, bucketSize: size, bucketIndex: kept >= 0 ? kept : s.bucketIndex >= 0 ? Math.min(s.bucketIndex, buckets.length - 1) : buckets.length - 1, ...(capped ? { status: capped } : {}) });
        settle('histo', mine);
      } catch (error) {
        if (mine === ticket.current.histo) {
          fail(error);
          settle('histo', mine);
        }
      }
    },
    [session, settle],
  );

  // And the header's problem files: the follower reports bad files as it meets them, but not skipped ones.
  useEffect(() => {
    if (imports > 0) session.problemFiles().then(setProblems, fail);
  }, [session, fail, imports]);
  // T, p and h count live on the folder dashboard; on a followed archive, again once an import has ended
  // (under the help too: Esc shows the view again as it is now, as the folder dashboard's does).
  useEffect(() => {
    if (!follower) return;
    return follower.subscribe((status, committed) => {
      if (!rulesDueAfter(status, committed)) return;
      setImports((n) => n + 1);
      const s = stateRef.current!;
      const open = s.mode === 'help' ? viewUnder(s) : s.mode;
      if (open === 'top') void loadTop(s.topField, true);
      else if (open === 'principal' && s.principal) void loadPrincipal(s.principal.term);
      else if (open === 'histogram') {
        const { histo: shown, fitRows: rows } = ctxRef.current;
        const at = shown?.buckets[s.bucketIndex];
        void loadHistogram(s.bucketSize, rows, { keep: at ? { start: at.start, end: at.end } : undefined, recount: true });
      }
    });
  }, [follower, loadTop, loadPrincipal, loadHistogram]);

  const turnOrder = useCallback(async () => {
    const s = stateRef.current!;
    if (!list) return;
    const mine = ++ticket.current.list;
    loading.current.list = true;
    const anchor = list.at(s.cursor);
    setBusy(own('reading…'));
    try {
      const index = Math.max(0, list.total - 1 - s.cursor);
      const { ArchiveList } = await import('../../archive/window.js');
      const next = anchor
        ? await ArchiveList.openAt(session.archive, list.where, s.order, list.total, anchor, index, bodyH)
        : await session.list(list.where, s.order, bodyH + 1, list.total);
      if (mine !== ticket.current.list) return;
      setList(next);
      setBusy('');
      const now = stateRef.current!;
      setState({ ...now, cursor: anchor ? index : 0, offset: anchor ? Math.max(0, bodyH - 1 - s.offset) : 0 });
      settle('list', mine);
    } catch (error) {
      if (mine === ticket.current.list) {
        fail(error);
        settle('list', mine);
      }
    }
  }, [list, session, bodyH, settle]);

  // Scroll limits of the views that scroll.
  const record = current?.record;
  const jsonLines = useMemo(() => (state.mode === 'json' && record ? wrapTokens(prettyJsonLines(record), width) : []), [state.mode, record, width]);
  const help = useMemo(() => archiveHelp(width), [width]);
  const followBad = follow?.bad;
  const problemFiles = useMemo(() => {
    const bad = [...(problems?.bad ?? [])];
    const known = new Set(bad.map((file) => file.path));
    for (const file of followBad ?? []) if (!known.has(file.path)) bad.push(file);
    return { bad, skipped: problems?.skipped ?? [], conflicts: problems?.conflicts ?? [], conflictCount: problems?.conflictCount ?? 0 };
  }, [problems, followBad]);
  const badLines = useMemo(() => (state.mode === 'badfiles' ? badFileLines(problemFiles.bad, problemFiles.skipped, width, problemFiles.conflicts, problemFiles.conflictCount).length : 0), [state.mode, problemFiles, width]);
  // The rules the event fired (the last run's), under its details as in the folder dashboard.
  const detailFindings = useMemo(() => (found.findings && current ? findingDetailLines(found.findings.rulesOfKey(current.cursor.seq)) : []), [found.findings, current]);
  const detailModel = useMemo(
    () => (state.mode === 'detail' && current ? withExtra(buildDetail(current.row, state.zone, chain), detailFindings) : undefined),
    [state.mode, current, state.zone, detailFindings, chain],
  );
  const detailLength = useMemo(() => (detailModel ? layoutDetail(detailModel, width, -1).screen.length : 0), [detailModel, width]);
  // Laid out with the selection the key handler holds: Tab and PgDn in one burst arrive before a render.
  const detailLayout = useMemo(() => (detailModel ? (linkIndex: number) => layoutDetail(detailModel, width, linkIndex) : undefined), [detailModel, width]);
  const scrollLimit =
    state.mode === 'json'
      ? Math.max(0, jsonLines.length - jsonBodyHeight(mainH))
      : state.mode === 'help'
        ? Math.max(0, help.length - helpBodyHeight(mainH))
        : state.mode === 'badfiles'
          ? Math.max(0, badLines - (mainH - 1))
          : Math.max(0, detailLength - detailBodyHeight(mainH));

  countReopened.current = (s, requeried) => {
    const open = [...s.under, s.mode];
    if (open.includes('top')) void loadTop(s.topField);
    if (open.includes('principal') && s.principal) void loadPrincipal(s.principal.term);
    if (!open.includes('histogram')) return;
    // On its bucket and span as they were (the same query's buckets): bucketIndex is kept when no `keep` is given.
    if (!requeried) return void loadHistogram(s.bucketSize, fitRows);
    // Another query under the open view (`/` there): a size never zoomed is fitted to its events, as the folder's
    // histogram does, on the bucket of the cursor's moment (1 s fitted to two events stayed, capped at weeks, at 2013).
    const at = ctxRef.current.histo?.buckets[s.bucketIndex];
    void loadHistogram(s.bucketZoomed ? s.bucketSize : -1, fitRows, at ? { keep: { start: at.start, end: at.start + 1 } } : {});
  };
  const ctxRef = useRef({ total, bodyH, mainH, fitRows, scrollLimit, detailLayout, top, histo, list, help, principalLines, chain });
  ctxRef.current = { total, bodyH, mainH, fitRows, scrollLimit, detailLayout, top, histo, list, help, principalLines, chain };
  // The event under the cursor as a key sees it: keys of one burst (j j p) move the cursor before any frame is drawn.
  const eventUnderCursor = useCallback((): ArchivedEvent | null => {
    const c = ctxRef.current;
    return c.total > 0 ? (c.list?.at(Math.min(stateRef.current!.cursor, c.total - 1)) ?? null) : null;
  }, []);
  const onKey = useCallback(
    (input: string, key: Key) => {
      const c = ctxRef.current;
      const s = stateRef.current!;
      const cursorEvent = eventUnderCursor();
      const { state: next, command } = archiveKey(s, input, key, {
        total: c.total,
        bodyH: c.bodyH,
        mainH: c.mainH,
        scrollLimit: c.scrollLimit,
        detailLayout: c.detailLayout,
        topValues: c.top?.values ?? [],
        buckets: c.histo?.buckets ?? [],
        bucketSizes: BUCKET_SIZES.length,
        history: remembered.history(),
        current: cursorEvent,
        rowActor: cursorEvent?.row.actor ?? '',
        principalLines: c.principalLines,
        chain: c.chain,
        followed: Boolean(follower),
        // As the folder dashboard's f says under --no-watch or with its folder gone (the header drops following/paused then too).
        followEnded: follower ? followEndedText(follower.current) : null,
        // As in App: a view's `?` opens the help at that view's keys.
        helpScroll: (mode) => Math.max(0, Math.min(viewHelpLine(c.help, mode as Mode), Math.max(0, c.help.length - helpBodyHeight(c.mainH)))),
      });
      // A half-typed query shows its error while typing (parsing is cheap; SQL waits for Enter).
      if (next.mode === 'query' && next.draft !== s.draft) {
        const parsed = parseQuery(next.draft, { deepTerms: true });
        setState({ ...next, queryError: parsed.ok || next.draft.trim() === '' ? null : parsed.error });
      } else setState(next);
      if (!command) return;
      switch (command.kind) {
        case 'quit':
          // q while a download runs asks first (Ctrl-C does not).
          if (actionFor(s.mode, input, key) === 'quit' && download.askBeforeQuit()) return;
          if (onQuit) onQuit();
          else exit();
          return;
        case 'apply':
          void apply(command.text, command.from, command.at);
          return;
        case 'order':
          void turnOrder();
          return;
        case 'top':
          void loadTop(next.topField);
          return;
        case 'principal':
          if (next.principal) void loadPrincipal(next.principal.term);
          return;
        case 'histogram':
          void loadHistogram(next.bucketSize, c.fitRows, { keep: command.keep });
          return;
        case 'mark': {
          const row = cursorEvent?.row;
          if (!row) {
            // Its page not read yet (just opened, or a jump far down): say so rather than drop the key.
            setState({ ...stateRef.current!, status: c.total > 0 ? 'Nothing marked: the event is still being read (m again once it shows)' : 'No event to mark' });
            return;
          }
          const marked = marks.toggle(row.id);
          setState({ ...stateRef.current!, status: marked ? "Marked (' jumps to the next mark; query mark:*)" : 'Unmarked' });
          return;
        }
        case 'nextMark': {
          // The archive finds it by keyset (archiveMarks.ts); keys after `'` wait for the move, as after a query.
          if (!c.list || !cursorEvent) return setState({ ...stateRef.current!, status: c.total > 0 ? 'The event is still being read (\' again once it shows)' : NO_MARK_HERE });
          const mine = ticket.current.list;
          loading.current.list = true;
          const done = () => settle('list', mine);
          nextMarkMove(session, c.list.where, s.order, cursorEvent.cursor, c.bodyH).then((move) => {
            if (mine === ticket.current.list) setState(move(stateRef.current!, ctxRef.current.total));
            done();
          }, (error: unknown) => (fail(error), done()));
          return;
        }
        case 'badFiles':
          session.problemFiles().then(setProblems, fail);
          return;
        case 'columns':
          remembered.setColumns(command.ids);
          return;
        case 'copy': {
          const result = osc52Copy(command.text ?? JSON.stringify(cursorEvent?.record ?? {}, null, 2), { env });
          if (result.ok) stdout.write(result.sequence);
          setState({ ...stateRef.current!, status: describeCopy(result, command.what ?? 'the JSON') });
          return;
        }
      }
    },
    [apply, turnOrder, loadTop, loadPrincipal, loadHistogram, marks, env, stdout, onQuit, exit, remembered, session, fail, follower],
  );
  // Keys wait here, in order, while a command they would act on the answer of is running (keysMustWait):
  // `T j j`, `h k k`, `o j` or `/x` Enter `j` in one burst move in the values, buckets or rows that command
  // brings. A load never ends without its state set (fail too), and Ctrl-C is never held; still, keys are
  // not held past HOLD_KEYS_MS.
  const heldKeys = useRef<Stroke[]>([]);
  const heldSince = useRef(0);
  const keysMustWait = (): boolean => {
    const l = loading.current;
    return l.list || l.top || l.histo || l.principal;
  };
  const tooSmallRef = useRef(false);
  tooSmallRef.current = isTooSmall(width, termRows);
  const onStrokes = useCallback(
    (strokes: readonly Stroke[], force = false) => {
      for (const stroke of strokes) {
        const s = stateRef.current!;
        if (download.answersQuit(stroke, s.mode)) continue;
        // Too small to draw, the screen says only that q quits, as in App: q quits in every mode (asking first,
        // on that screen, while a download runs), Ctrl-C quits, and other keys are dropped (kept for the download
        // dialog, not on screen, they were typed into its file name once the window grew, q among them).
        if (tooSmallRef.current) {
          if (actionFor(s.mode, stroke.input, stroke.key) === 'forceQuit') onKey(stroke.input, stroke.key);
          else if (actionFor('list', stroke.input, stroke.key) === 'quit' && !download.askBeforeQuit()) quitNow();
          continue;
        }
        // The dialog's own (Ctrl-C excepted): kept for it until it listens.
        if (s.mode === 'export' && actionFor('export', stroke.input, stroke.key) !== 'forceQuit') {
          if (downloadQueue.waiting) downloadQueue.push(stroke);
          continue;
        }
        // `q` acts at once, after the keys held before it (one may open the query bar, where it is a letter):
        // held for a command's answer, it quit only once that came (a word on 10M events: 47 s) or 5 s later.
        const quitting = !force && actionFor(s.mode, stroke.input, stroke.key) === 'quit';
        if (quitting && heldKeys.current.length > 0) {
          const before = heldKeys.current;
          heldKeys.current = [];
          onStrokes(before, true);
        }
        const hold = !force && !quitting && (heldKeys.current.length > 0 || (keysMustWait() && s.mode !== 'query'));
        if (hold && actionFor(s.mode, stroke.input, stroke.key) !== 'forceQuit') {
          if (heldKeys.current.length === 0) heldSince.current = Date.now();
          heldKeys.current.push(stroke);
          continue;
        }
        // The findings and Insights views read their own keys; those before one listens (the rest of the `!` chunk) wait for it.
        // The mode as the keys let go just above left it.
        const mode = stateRef.current!.mode;
        if ((mode === 'findings' || mode === 'insights') && actionFor(mode, stroke.input, stroke.key) !== 'forceQuit') {
          if (findingsKeys.queue.waiting) findingsKeys.queue.push(stroke);
          continue;
        }
        onKey(stroke.input, stroke.key);
      }
    },
    [onKey, quitNow],
  );
  strokesRef.current = onStrokes;
  // Keys the findings view gives back (those after the one that closed it) are the list's.
  const [findingsKeys] = useState(() => new FindingsViewKeys((strokes) => strokesRef.current(strokes)));
  // The findings and Insights views say whether their Enter has anything to list; the footer drops the keys that need a line then.
  const [nothingListedIn, setNothingListedIn] = useState<'findings' | 'insights' | null>(null);
  const findingsListable = useCallback((listable: boolean) => setNothingListedIn((was) => (listable ? (was === 'findings' ? null : was) : 'findings')), []);
  const insightsListable = useCallback((listable: boolean) => setNothingListedIn((was) => (listable ? (was === 'insights' ? null : was) : 'insights')), []);
  // One handler for the app's life: Ink re-attaches a changed one after the download dialog's, which would
  // then see each key first (its `?` opened the help, and the same key here closed it again).
  const onInput = useCallback((input: string, key: Key) => {
    if (findingsKeys.tookInput) return;
    // A chunk can switch modes midway ("/name:x" + Enter), so the split follows the latest state.
    strokesRef.current(splitChunk(input, key, stateRef.current!.mode === 'query'));
  }, []);
  useInput(onInput);
  // After each frame: the held keys go once what they wait for is drawn (ctxRef holds its values).
  useReleaseHeldKeys(heldKeys, heldSince, keysMustWait, holdKeysMs, onStrokes);

  // The status message fades.
  useEffect(() => {
    if (!state.status) return;
    const timer = setTimeout(() => setState({ ...stateRef.current!, status: '' }), 5000);
    return () => clearTimeout(timer);
  }, [state.status]);

  // The applied query's SQL while the findings are on screen, under the help or the query bar too (null without a
  // query): they are counted among its events. Before the early return below: a hook every frame.
  const findingsOpen = state.mode === 'findings' || ((state.mode === 'help' || state.mode === 'query') && viewUnder(state) === 'findings');
  const findingsWhere = findingsOpen && found.findings && state.queryText.trim() ? whereRef.current : null;
  // The last complete run's (a follow's import starts another: its findings are a new object, counted again).
  const runFindings = found.findings;
  useEffect(() => {
    if (findingsWhere === null || !runFindings) return;
    let live = true;
    session.findingsAmong(runFindings, findingsWhere, () => !live).then(
      (counted) => live && counted !== null && setScopedFindings({ where: findingsWhere, found: counted }),
      (error: unknown) => live && fail(error),
    );
    return () => {
      live = false;
    };
  }, [session, runFindings, findingsWhere, fail]);
  if (tooSmallRef.current) return <TooSmall columns={width} rows={termRows} {...(download.question ? { question: download.question } : {})} />;

  // The rows on screen and the held rows a screen either side, which the columns are sized over as on the folder dashboard.
  const listed = screenRows((i) => list?.at(i)?.row, win);
  const columnDefs = chosenColumns(state.columnIds);
  const emptyText = !list ? own('Opening the archive…') : total === 0 ? (state.queryText.trim() ? 'No events match the query' : 'The archive is empty') : own('Reading…');
  const listView = (w: number) => (
    <EventList rows={listed.rows} window={listed.window} width={w} height={mainH} zone={state.zone} emptyText={emptyText} marks={marks.set()} withYear={withYear} columnDefs={columnDefs} />
  );

  // The findings view stays mounted under the help it opened, as in the folder dashboard (its order and selection survive `?`).
  const covered = state.mode === 'help' ? viewUnder(state) : undefined;
  const underQuery = state.mode === 'query' ? viewUnder(state) : undefined;
  const findingsShown = state.mode === 'findings' || covered === 'findings' || underQuery === 'findings';

  // What the findings and Insights views (one listens at a time, through the findings' key queue) call back.
  const closeView = findingsKeys.fromView(() => setState({ ...stateRef.current!, ...closeBack(stateRef.current!, 'list') }));
  const listFromView = findingsKeys.fromView((text: string) => {
    const s = stateRef.current!;
    // `[` comes back to the list's event (or the details) the view was opened over; Esc in the new list, into the view.
    const from = archivePlace(s, { current: eventUnderCursor(), total: ctxRef.current.total });
    setState({ ...s, mode: 'list', draft: text, caret: text.length });
    void apply(text, from);
  });
  // What is chosen in them is kept here too (keptViews.ts): Esc back from a list their Enter opened finds it as left.
  const keepView = (change: KeptViews) => setState({ ...stateRef.current!, viewsKept: { ...stateRef.current!.viewsKept, ...change } });
  // `/` in the findings or the Insights: the bar opens over them, as over T and h; Enter applies the query and they count it.
  const queryOverView = findingsKeys.fromView(() => {
    const s = stateRef.current!;
    setState(editQuery(s, { current: eventUnderCursor(), total: ctxRef.current.total }, true));
  });
  const helpOver = (view: 'findings' | 'insights') =>
    findingsKeys.fromView(() =>
      setState({ ...stateRef.current!, ...openOver(stateRef.current!, 'help'), scroll: Math.min(viewHelpLine(help, view), Math.max(0, help.length - helpBodyHeight(mainH))) }),
    );
  const findingsView = findingsShown ? (
    <FindingsPanel
      findings={found.findings}
      {...(findingsWhere !== null ? { scope: { count: total, found: scopedFindings?.where === findingsWhere ? scopedFindings.found : null }, queryText: state.queryText } : {})}
      builtin={findingsWhere !== null ? null : found.builtin}
      pending={found.pending}
      noneFired={(loaded) => `None of the ${loaded} detection rules fired on the archive${follower ? ' (they run again after each import)' : ''}.`}
      zone={state.zone}
      width={width}
      height={mainH}
      onClose={closeView}
      setQuery={listFromView}
      // b's view lists each conflict with both files (the finding's text says so): Enter opens it over the findings, Esc comes back, as on a folder.
      openProblems={findingsKeys.fromView(() => {
        const s = stateRef.current!;
        setState({ ...s, ...openOver(s, 'badfiles'), scroll: 0 });
        session.problemFiles().then(setProblems, fail);
      })}
      openHelp={helpOver('findings')}
      editQuery={queryOverView}
      setListable={findingsListable}
      // q asks first while a download runs, as from the list; the view does not listen while it asks.
      quit={findingsKeys.fromView(() => (download.askBeforeQuit() ? 'asking' : (quitNow(), 'quitting')))}
      active={state.mode === 'findings' && !download.question}
      claimKeys={findingsKeys.queue.claim}
      kept={state.viewsKept}
      keep={keepView}
    />
  ) : null;
  // The Insights view, likewise kept under its help and under the query bar (`/` there); its keys come through the
  // findings' queue (one view listens at a time).
  const insightsShown = state.mode === 'insights' || covered === 'insights' || underQuery === 'insights';
  const insightsView = insightsShown ? (
    <ArchiveInsights
      archive={session.archive}
      imports={imports}
      // The applied query's SQL: the Insights it concerns, their rates among its events (the folder's view does the same).
      where={state.queryText.trim() ? whereRef.current : null}
      queryText={state.queryText}
      ascii={ascii}
      zone={state.zone}
      width={width}
      height={mainH}
      onClose={closeView}
      setQuery={listFromView}
      openHelp={helpOver('insights')}
      editQuery={queryOverView}
      setListable={insightsListable}
      quit={findingsKeys.fromView(() => (onQuit ? onQuit() : exit()))}
      active={state.mode === 'insights'}
      claimKeys={findingsKeys.queue.claim}
      kept={state.viewsKept}
      keep={keepView}
    />
  ) : null;
  const topView = () =>
    top ? <TopValuesView result={top} fieldIndex={state.topField} selected={state.topIndex} queryText={state.queryText} zone={state.zone} width={width} height={mainH} ascii={ascii} /> : <Text>{own('  Counting…')}</Text>;
  const histogramView = () => (
    <ArchiveHistogram histo={histo} listEmpty={total === 0} selected={state.bucketIndex} spanAnchor={state.spanAnchor} stack={stackField(state)} zone={state.zone} width={width} height={mainH} ascii={ascii} />
  );
  // One shape for the findings, the Insights and the help, so React keeps the view (and its order and selection)
  // under the help and the query bar.
  const keptViews = (
    <>
      {findingsView ? <Box display={state.mode === 'findings' || underQuery === 'findings' ? 'flex' : 'none'}>{findingsView}</Box> : null}
      {insightsView ? <Box display={state.mode === 'insights' || underQuery === 'insights' ? 'flex' : 'none'}>{insightsView}</Box> : null}
      {state.mode === 'help' ? <HelpOverlay lines={help} scroll={state.scroll} width={width} height={mainH} /> : null}
    </>
  );
  let main;
  switch (state.mode) {
    case 'detail':
      main = current ? <DetailPanel row={current.row} zone={state.zone} linkIndex={state.nav.linkIndex} scroll={state.scroll} width={width} height={mainH} hyperlinks={hyperlinks} chain={chain} extra={detailFindings} /> : listView(width);
      break;
    case 'json':
      main = <JsonView title={`Event record ${truncate(sanitize(current?.row.id ?? ''), 40)}`} lines={jsonLines} message={record ? '' : own('Reading…')} scroll={Math.min(state.scroll, scrollLimit)} width={width} height={mainH} />;
      break;
    case 'help':
    case 'findings':
    case 'insights':
      main = keptViews;
      break;
    case 'top':
      main = topView();
      break;
    case 'query':
      // Over T, h or i (`/` there), the view stays drawn under the bar; Enter counts it again on the query.
      main = underQuery === 'top' ? topView() : underQuery === 'histogram' ? histogramView() : underQuery === 'insights' || underQuery === 'findings' ? keptViews : listView(width);
      break;
    case 'principal':
      main =
        summary && principalLines ? (
          <PrincipalView title={summaryTitle(summary)} lines={principalLines} selected={state.principalIndex >= 0 ? state.principalIndex : stepLine(principalLines, -1, 1)} width={width} height={mainH} />
        ) : (
          <Text>{own('  Counting…')}</Text>
        );
      break;
    case 'columns':
      main = <ColumnChooser entries={chooserEntries(columnDefs)} selected={state.columnIndex} width={width} height={mainH} />;
      break;
    case 'badfiles':
      main = problems ? <BadFilesView bad={problemFiles.bad} skipped={problemFiles.skipped} conflicts={problemFiles.conflicts} conflictCount={problemFiles.conflictCount} scroll={state.scroll} width={width} height={mainH} /> : <Text>{own('  Reading the archive…')}</Text>;
      break;
    case 'export':
      main = null;
      break;
    case 'histogram':
      main = histogramView();
      break;
    default:
      main = listView(width);
  }
  const hints = footerHints(state.mode, drilledFrom(state.mode, state.nav.past).length > 0, ARCHIVE_HINTS, nothingListedIn === state.mode);
  const head = archiveHeadline({
    count: list ? formatCount(total) : own('…'),
    noun: state.queryText.trim() ? 'matching' : total === 1 ? 'event' : 'events',
    row: total > 0 ? win.cursor + 1 : 0,
    order: state.order,
    // As the folder dashboard's header: only a followed folder has anything to follow, and only while more can
    // arrive (not once --no-watch's import has ended, nor with the folder gone).
    follow: follower && follow && follow.phase !== 'stopped' && !follow.folderGone ? (followingNewest ? 'following' : state.unseen > 0 && !onNewest ? `paused ${state.order === 'newest' ? own('▲') : own('▼')} ${formatCount(state.unseen)} new (f)` : 'paused') : '',
    bad: problemFiles.bad.length,
    skipped: problemFiles.skipped.length,
    conflicts: problemFiles.conflictCount,
    path: sanitize(dbPath),
    // A download's `↓ 42% (d)` ends the line, as in the folder dashboard's header (the dialog's hint says so).
    width: download.activity ? width - download.activity.length - 2 : width,
    findings: found.headerForms,
  });
  return (
    <ThemeContext.Provider value={theme}>
      <Box flexDirection="column" width={width} height={height} overflowY="hidden">
        <Text wrap="truncate-end" bold={theme.bold}>
          {fit(download.activity ? `${head}  ${download.activity}` : head, width).trimEnd()}
        </Text>
        <QueryBar focused={state.mode === 'query'} draft={state.draft} caret={state.caret} applied={state.queryText} error={state.queryError} explanation={explanation} width={width} />
        <Box height={mainH} width={width} flexShrink={0} overflowY="hidden">
          {download.dialog(width, mainH)}
          {main}
        </Box>
        <StatusBar message={state.status} lines={statusShown} hints={hints} right={right} width={width} />
      </Box>
    </ThemeContext.Provider>
  );
}

interface ArchiveHistogramProps {
  histo: Histo | null;
  /** The list has no event at all (no bucket is then not about unreadable times). */
  listEmpty: boolean;
  selected: number;
  /** `v`: where the selected span starts (archiveSpan.ts); null without one. */
  spanAnchor: number | null;
  /** What Tab split the bars by (said in the title before any bucket is counted). */
  stack: StackField;
  zone: ArchiveUiState['zone'];
  width: number;
  height: number;
  /** Without block characters (TERM=linux, no UTF-8 locale): ASCII glyphs. */
  ascii: boolean;
}

/** Events per bucket, drawn as the folder dashboard's histogram is (HistogramChart); the buckets are the archive's answer. */
function ArchiveHistogram({ histo, listEmpty, selected, spanAnchor, stack, zone: shownZone, width, height, ascii }: ArchiveHistogramProps) {
  if (!histo) return <Text>{own('  Counting…')}</Text>;
  // Drawn in the zone its buckets were counted in, until h counts them again in the one shown.
  const zone = histo.zone ?? shownZone;
  const field = histo.parts?.field ?? (histo.buckets.length === 0 ? stack : 'errors');
  const size = BUCKET_SIZES[histo.size]!;
  const body = histogramBodyRows(height);
  const at = Math.max(0, Math.min(selected, histo.buckets.length - 1));
  const first = Math.max(0, Math.min(at - Math.floor(body / 2), histo.buckets.length - body));
  const shown = histo.buckets.slice(first, first + body).map((b, i) => ({ ...b, parts: histo.parts ? (histo.parts.counts[first + i] ?? []) : [b.count - b.errors, b.errors] }));
  const longest = shown.length > 0 ? Math.max(...shown.map((b) => b.count)) : null;
  const charted = histo.buckets.reduce((n, b) => n + b.count, 0);
  const spanAt = histogramSpan(histo.buckets, at, spanAnchor);
  const span = spanAt ? { start: histo.buckets[spanAt.first]!.start, end: histo.buckets[spanAt.last]!.end } : null;
  const title = histogramTitle(
    { sizeLabel: shown.length > 0 ? size.label : '', stack: field, longest, zone, charted, untimed: histo.untimed ?? 0 },
    width,
  );
  const cursor = histo.buckets[at];
  const names = histo.parts?.names ?? partNames(ERROR_STACK);
  const info = !cursor
    ? ''
    : spanAt && span
      ? spanInfo(histo.buckets.slice(spanAt.first, spanAt.last + 1).reduce((n, b) => n + b.count, 0), span, size, zone, width)
      : bucketInfo(shown[at - first]!, names, size, zone, width);
  const bars =
    shown.length > 0
      ? { buckets: shown, names, stack: histo.parts ? { field: histo.parts.field, values: histo.parts.values } : ERROR_STACK, cursorIndex: at - first, span, size, zone, withYear: yearsDiffer(histo.buckets[0]!.start, histo.buckets[histo.buckets.length - 1]!.start, zone) }
      : null;
  // The folder dashboard's words for the two empty cases.
  const empty = listEmpty ? '  No events to chart (the list is empty).' : '  No event has a readable time.';
  return <HistogramChart title={title} bars={bars} empty={empty} info={info} width={width} height={height} ascii={ascii} />;
}
