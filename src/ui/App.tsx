import { Box, Text, useApp, useInput, useStdout, type Key } from 'ink';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState, useSyncExternalStore, type ComponentType } from 'react';
import { MarkSet } from '../marks/markSet.js';
import type { EventRow, RecordRef } from '../model/types.js';
import { compileQuery, queryHelpLines, type CompiledQuery } from '../query/index.js';
import { openFolderState, type FolderState } from '../state/index.js';
import type { EventStore } from '../store/eventStore.js';
import type { Findings } from '../detect/findings.js';
import { CONFLICT_RULE } from '../detect/conflictFinding.js';
import { findingDetailLines, findingsHeaderForms } from './findings/findingsModel.js';
import { useFindingsVersion } from './findings/FindingsView.js';
import { colorEnabled } from '../term/color.js';
import type { Env } from '../term/osc52.js';
import { describeCopy, osc52Copy } from '../term/osc52.js';
import { supportsHyperlinks } from '../term/osc8.js';
import { unicodeBlocks, own, setAsciiSymbols, unicodeSymbols } from '../term/glyphs.js';
import { sanitize } from '../term/sanitize.js';
import { truncate } from '../term/width.js';
import { BadFilesView, badFileLines } from './BadFilesView.js';
import { DetailPanel } from './DetailPanel.js';
import { EventList, listBodyHeight } from './EventList.js';
import { zoneLabel, type TimeZoneMode } from './format.js';
import { Header, headerHeight, liveState, nothingNewText } from './Header.js';
import { HelpOverlay, helpBodyHeight, helpLines, viewHelpLine } from './HelpOverlay.js';
import { useFilteredView } from './hooks/useFilteredView.js';
import { useRecordJson } from './hooks/useRecordJson.js';
import { useSlicedBuild } from './hooks/useSlicedBuild.js';
import { useTerminalSize } from './hooks/useTerminalSize.js';
import { jsonBodyHeight, JsonView } from './JsonView.js';
import { wrapTokens } from './jsonModel.js';
import { pickPromptLines } from './investigate/pivotPick.js';
import { TopValuesView } from './investigate/TopValuesView.js';
import { useTopValues } from './investigate/useTopValues.js';
import { useChain } from './investigate/useChain.js';
import { drilledFrom } from './investigate/queryStack.js';
import { footerHints } from './footerHints.js';
import { preparePrincipalSummary, principalBacklog, principalSummary } from '../investigate/principal.js';
import type { PivotTerm } from '../investigate/pivot.js';
import { TOP_FIELDS, type TopResult } from '../investigate/topValues.js';
import { followTopSelection } from './investigate/topValuesModel.js';
import { summaryLines, summaryTitle, type SummaryLine } from './investigate/principalModel.js';
import { stepLine } from './investigate/principalKeys.js';
import { useFollowedSummaryLine } from './investigate/useFollowedSummaryLine.js';
import { PrincipalView } from './investigate/PrincipalView.js';
import { chooserEntries, chosenColumns } from './investigate/columnChoice.js';
import { ColumnChooser } from './investigate/ColumnChooser.js';
import { readsCounted } from './investigate/countedKeys.js';
import { handleKey } from './keyHandler.js';
import { actionFor, splitChunk, type Mode } from './keys.js';
import { cursorIndex, newAbove, positionOf, windowFor } from './listModel.js';
import { HistogramView } from './timeline/HistogramView.js';
import { nextMarkIndex } from './timeline/marksModel.js';
import { useListOrder } from './timeline/useListOrder.js';
import { stripHeight } from './timeline/stripModel.js';
import { TimelineStrip } from './timeline/TimelineStrip.js';
import { QueryBar, queryBarHeight } from './QueryBar.js';
import { queryHint } from './queryHints.js';
import { initialState, reducer, type UiAction, type UiState } from './state.js';
import type { KeptViewProps, KeptViews } from './keptViews.js';
import { StatusBar, statusRoom } from './StatusBar.js';
import { isTooSmall, TooSmall } from './TooSmall.js';
import { makeTheme, ThemeContext } from './theme.js';
import { viewUnder } from './viewStack.js';
import { ViewKeyQueue, type KeyClaim, type Stroke } from './viewKeys.js';
import { useReleaseHeldKeys } from './hooks/useReleaseHeldKeys.js';
import { statusLines, type StatusMessage } from './statusMessage.js';
import { quitQuestion, type QuitOutcome, type RunningWork } from './runningWork.js';

/**
 * What a plug-in view (Insights, download dialog) receives; it owns its keys while open. `kept`/`keep`:
 * what the reader chose in it outlives it (keptViews.ts), so Esc back from a list its Enter opened finds it as left.
 */
export interface PluginViewProps extends KeptViewProps {
  store: EventStore;
  /** The log folder (or the one log file) being read: a download never writes into it. */
  folder?: string;
  /** The list's current rows (filtered, newest first). */
  rows: readonly EventRow[];
  queryText: string;
  zone: TimeZoneMode;
  width: number;
  height: number;
  /** Back to the list. */
  onClose(): void;
  /** Back to the list with this query applied (e.g. Insights' Enter). */
  setQuery(text: string): void;
  /** Opens the bad-files view (b) over this one; Esc comes back. */
  openProblems?(): void;
  /** A message on the status line. */
  setStatus(message: StatusMessage): void;
  /** A short note in the header for work that outlives the view (a hidden download's progress); '' clears it. */
  setActivity?(text: string): void;
  /** Quits the dashboard (`q` where the view takes no text); asks first while work runs (setRunningWork). */
  quit?(): QuitOutcome | void;
  /** Work that quitting would lose, while it runs (a download, shown or hidden); null when it ends. */
  setRunningWork?(work: RunningWork | null): void;
  /** Shows the help overlay over the view (the view stays mounted, inactive, and comes back as it was). */
  openHelp?(): void;
  /** `/`: opens the query bar over the view, which stays drawn, inactive, and counts the query's events as it changes. */
  editQuery?(): void;
  /** Whether Enter has anything to list (the findings and Insights views say when it has not): the footer offers it only then. */
  setListable?(listable: boolean): void;
  /** False while the help overlay covers the view: it must not read keys then. Default true. */
  active?: boolean;
  /** Start listening: returns the keys that reached App before the view did (see viewKeys.ts). */
  claimKeys?(): KeyClaim;
  /** What the detection rules found (the findings view reads it). */
  findings?: Findings;
  /** Time of the event under the list cursor (the histogram opens there). */
  cursorTime?: number;
  /** The query `rows` belong to; null while they are being filtered for a newer one (the histogram refits then). */
  rowsQuery?: string | null;
  /** The list's order (the download writes in it). */
  order?: 'newest' | 'oldest';
  /** Event IDs the user marked (the download's "marked events only"). */
  marks?: ReadonlySet<string>;
  /** Draw with ASCII only: TERM=linux or a locale that is not UTF-8. */
  ascii?: boolean;
}

export interface PluginViews {
  insights?: ComponentType<PluginViewProps>;
  findings?: ComponentType<PluginViewProps>;
  export?: ComponentType<PluginViewProps>;
  /** The histogram view (`h`); HistogramView when absent. */
  histogram?: ComponentType<PluginViewProps>;
}

/** Lets the code that mounted App drive it (tests, future views). */
export interface AppController {
  setQuery(text: string): void;
}

export interface AppProps {
  store: EventStore;
  folder: string;
  watching: boolean;
  env?: Env;
  readRecord?: (ref: RecordRef) => Promise<Record<string, unknown> | null>;
  views?: PluginViews;
  initialQuery?: string;
  /** What is remembered about this folder between runs (query history, marks, columns); absent: nothing is. */
  folderState?: FolderState;
  onController?: (controller: AppController) => void;
  /** Called instead of Ink's exit when the user quits (default: useApp().exit). */
  onQuit?: () => void;
  /** Detection results, growing as events load (src/detect/); absent: no rules run. */
  findings?: Findings;
  /** How long a view's background build (useSlicedBuild) runs before the keys get a turn; tests set 0: a slice a turn. */
  buildBudgetMs?: number;
}

/** "assumrole ~ AssumeRole, AssumeRoleWithSAML (+2)" for each fuzzy word of the query. */
function explainFuzzy(compiled: CompiledQuery | null): string {
  if (!compiled) return '';
  return compiled
    .explain(4)
    .filter((e) => e.values.length > 0)
    .map((e) => `${e.word} ~ ${e.values.join(', ')}${e.more > 0 ? ` (+${e.more})` : ''}`)
    .join(own('  ·  '));
}

/** Detail panel width when it sits beside the list (terminals >= SIDE_BY_SIDE columns). */
export const SIDE_BY_SIDE = 140;

const STATUS_MS = 5000;
/** The longest keys wait for the rows of a new query (see heldKeys). */
const HOLD_KEYS_MS = 2000;
/** How long typing must pause before a query error shows. */
const QUERY_ERROR_DELAY_MS = 300;

export function App({ store, folder, watching, env = process.env, readRecord, views = {}, initialQuery = '', folderState, onController, onQuit, findings, buildBudgetMs }: AppProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const { columns: width, rows: termRows } = useTerminalSize();
  // Without a saved state (tests, --no-history) the history lives for this run only.
  const memoryState = useRef<FolderState | null>(null);
  const remembered = folderState ?? (memoryState.current ??= openFolderState(folder, { enabled: false }));
  const stateRef = useRef<UiState | null>(null);
  // The list's columns: this folder's saved choice (C), or the default set.
  stateRef.current ??= { ...initialState(initialQuery, remembered.columns()), status: folderState?.warning ?? '' };
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  // State lives in a ref so each keystroke sees the one before it even when no frame was drawn in between.
  const dispatch = useCallback((action: UiAction) => {
    const next = reducer(stateRef.current!, action);
    if (next !== stateRef.current) {
      stateRef.current = next;
      rerender();
    }
  }, []);
  const state = stateRef.current;
  // Work that quitting would lose (a download), while it runs: see requestQuit.
  const runningWork = useRef<RunningWork | null>(null);
  const theme = useMemo(() => makeTheme(colorEnabled(env, { isTTY: true })), [env]);
  const ascii = useMemo(() => !unicodeBlocks(env), [env]);
  // Before any child draws: every symbol trailtop writes reads this (glyphs.ts own), in ASCII where the terminal cannot show it.
  setAsciiSymbols(!unicodeSymbols(env));
  const hyperlinks = useMemo(() => supportsHyperlinks(env), [env]);
  // Marks live with the folder's remembered state (saved on every change when saving is on); `mark:*` reads them.
  const marks = useMemo(() => new MarkSet(remembered.marks(), (ids) => remembered.setMarks(ids)), [remembered]);
  // A mark drawn or removed redraws the list (the set changes in place).
  const marksVersion = useSyncExternalStore(marks.subscribe, marks.getSnapshot);
  // mark:* reads the marks; rule: the findings' live sets of event IDs (a hit reaches them before its row reaches the store).
  const tags = useMemo(() => ({ marks: marks.set(), ...(findings ? { rules: findings.tagRules } : {}) }), [marks, findings]);
  const { rows, ready, storeVersion, compiled, view, searching } = useFilteredView(store, state.queryText, tags, marksVersion);
  // Stands for what selects `rows`: a new object whenever they stop being the same list grown (TimelineStrip).
  const stripFilter = useMemo(() => ({ query: state.queryText, tags, marksVersion }), [state.queryText, tags, marksVersion]);
  // The query the rows of this render belong to (null while they still belong to an older one).
  const rowsQuery = useRef<string | null>(null);
  const rowsFresh = view.query === compiled && ready;
  rowsQuery.current = rowsFresh ? state.queryText : null;
  const editing = state.mode === 'query';
  // Only shown while editing; new values can widen what a fuzzy word means, so it follows the store.
  // A capitalised OR/AND/NOT is a plain word here: say so before what the fuzzy words matched.
  const explanation = useMemo(() => (editing ? queryHint(state.draft, findings?.tagRules) || explainFuzzy(compiled) : ''), [editing, state.draft, compiled, storeVersion, findings]);
  const progress = store.progress;
  const findingsVersion = useFindingsVersion(findings);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- findings mutate in place; the version says when
  // The built-in conflicting-duplicates finding counts beside the rules' (as detect counts it).
  const conflicted = findings && progress.conflictCount > 0 ? CONFLICT_RULE.level : null;
  const findingsForms = useMemo(() => {
    if (!findings) return [];
    const counts = findings.levelCounts();
    return findingsHeaderForms(conflicted ? { ...counts, [conflicted]: counts[conflicted] + 1 } : counts);
  }, [findings, findingsVersion, conflicted]);

  // Never as tall as the terminal: a full-height frame makes Ink clear the screen on every update.
  const height = Math.max(1, termRows - 1);
  const tooSmall = isTooSmall(width, termRows);
  const tooSmallRef = useRef(tooSmall);
  tooSmallRef.current = tooSmall;
  const headH = headerHeight(progress);
  const stripH = stripHeight(termRows);
  const queryH = queryBarHeight(state.queryError, explanation, state.mode === 'query', width, state.draft, state.caret);
  const right = `${ready ? '' : own('filtering… ')}${zoneLabel(state.zone)}`;
  // A question waiting for its answer comes before any message; either may take more than one line.
  const room = statusRoom(width, right);
  const statusShown =
    state.quitAsked && runningWork.current
      ? statusLines(quitQuestion(runningWork.current), room)
      : state.pivotPick
        ? pickPromptLines(state.pivotPick, room)
        : state.status
          ? statusLines(state.status, room)
          : [];
  const mainH = Math.max(2, height - headH - stripH - queryH - Math.max(1, statusShown.length));
  const bodyH = listBodyHeight(mainH);

  // The list as shown: `rows` (newest first) or reversed (oldest first, `o`).
  const listRows = useListOrder(rows, state.order);
  const cursor = cursorIndex(listRows, state.anchor, state.follow, state.order);
  const win = windowFor(listRows.length, cursor, state.offset, bodyH);
  const cursorTime = listRows[cursor]?.time;
  const newCount = state.follow ? 0 : newAbove(rows, state.newestWhenLeft);
  const detailRow = state.detailRow;
  // The rules the open event fired, under its details (and counted in PgUp/PgDn's reach).
  // eslint-disable-next-line react-hooks/exhaustive-deps -- findings mutate in place; the version says when
  const detailExtra = useMemo(() => (findings && detailRow ? findingDetailLines(findings.rulesOf(detailRow.id)) : []), [findings, detailRow, findingsVersion]);

  const wide = width >= SIDE_BY_SIDE;
  const detailWidth = wide ? Math.min(100, Math.floor(width * 0.45)) : width;
  const listWidth = state.mode === 'detail' && wide ? width - detailWidth : width;

  const setQuery = useCallback((text: string) => dispatch({ type: 'setQuery', text }), []);
  const setStatus = useCallback((text: StatusMessage) => dispatch({ type: 'status', text }), []);
  const setActivity = useCallback((text: string) => dispatch({ type: 'activity', text }), []);
  // A view closes back to where it was opened from (viewStack.ts).
  const close = useCallback(() => dispatch({ type: 'back' }), []);
  const openProblems = useCallback(() => dispatch({ type: 'openOverlay', mode: 'badfiles' }), []);
  const keepView = useCallback((change: KeptViews) => dispatch({ type: 'keepView', change }), []);
  useEffect(() => {
    onController?.({ setQuery });
  }, [onController, setQuery]);

  // Applied with such a word, the list is probably empty for that reason: say it on the status line.
  useEffect(() => {
    const hint = queryHint(state.queryText, findings?.tagRules);
    if (hint && state.mode !== 'query') dispatch({ type: 'status', text: hint });
  }, [state.queryText, state.mode === 'query', findings]);

  // The followed folder deleted, moved or replaced: the header says so for good, the status line says what it means.
  const goneFolder = watching ? progress.watchedFolderGone : null;
  useEffect(() => {
    if (goneFolder) dispatch({ type: 'status', text: `The folder ${sanitize(goneFolder)} is gone (deleted, moved or replaced): the events read stay, nothing new will arrive` });
  }, [goneFolder]);

  // The status message fades after a while.
  useEffect(() => {
    if (!state.status) return;
    const timer = setTimeout(() => dispatch({ type: 'status', text: '' }), STATUS_MS);
    return () => clearTimeout(timer);
  }, [state.status]);

  // Filter as you type: a valid draft applies at once (a newer one cancels its re-filter); a
  // half-typed term is invalid for a moment, so its error shows only once typing pauses.
  useEffect(() => {
    if (state.mode !== 'query') return;
    const draft = state.draft;
    // Keys can outrun renders: when Enter, Esc or more typing came after this draft, it is stale and
    // applying it now would undo them (and put the cursor back on the newest row).
    const latest = stateRef.current!;
    if (latest.mode !== 'query' || latest.draft !== draft) return;
    const result = compileQuery(draft, { deepTerms: true });
    if (result.ok) {
      dispatch({ type: 'queryValid', text: draft });
      return;
    }
    const timer = setTimeout(() => dispatch({ type: 'queryInvalid', error: result.error }), QUERY_ERROR_DELAY_MS);
    return () => clearTimeout(timer);
  }, [state.draft, state.mode]);

  const chain = useChain(state.mode === 'detail' ? state.detailRow : null, store, readRecord, storeVersion);
  const columnDefs = useMemo(() => chosenColumns(state.columnIds), [state.columnIds]);
  const columnEntries = useMemo(() => chooserEntries(columnDefs), [columnDefs]);
  const saveColumns = useCallback((ids: string[] | null) => remembered.setColumns(ids), [remembered]);
  const summarised = state.mode === 'principal' ? state.principal : null;
  // Its counts' columns built first, in the background when that is long (the first `p` at 1M high-card).
  const summaryBuilt = useSlicedBuild(
    summarised ? { key: `${summarised.field}:${summarised.value}`, backlog: () => principalBacklog(store, summarised), work: () => preparePrincipalSummary(store, summarised) } : null,
    buildBudgetMs,
  );
  const summary = useMemo(
    () => (summarised && summaryBuilt ? principalSummary(store, summarised) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- storeVersion stands for the store's contents
    [store, summarised, summaryBuilt, storeVersion],
  );
  const principalLines = useMemo(() => (summary ? summaryLines(summary, state.zone, width) : []), [summary, state.zone, width]);
  const selectSummaryLine = useCallback((index: number) => dispatch({ type: 'principal', index }), [dispatch]);
  const keepSummaryLines = useCallback((lines: readonly SummaryLine[]) => dispatch({ type: 'keepView', change: { principal: lines } }), [dispatch]);
  useFollowedSummaryLine(principalLines, state.principalIndex, state.mode === 'principal', state.mode === 'help', selectSummaryLine, state.viewsKept.principal, keepSummaryLines);
  // The query bar opened over a view (`/` in T, h, ! or i) leaves it drawn under the bar, counting the drafts' events.
  const underQuery = state.mode === 'query' ? viewUnder(state) : undefined;
  const { result: topResult, counting: topCounting } = useTopValues(store, rows, state.topField, state.mode === 'top' || underQuery === 'top', storeVersion, buildBudgetMs);
  // A view's columns being built in the background: the keys that read its values wait for them, the others act at once.
  const counting = topCounting || (summarised !== null && !summaryBuilt);
  const countingRef = useRef(counting);
  countingRef.current = counting;
  // Counted again as events arrive (or after the help), a value can move in the ranking: the selection goes
  // with it. What the view last showed, kept under the help, forgotten once it closes (it opens on its first line).
  const topShown = useRef<{ result: TopResult; index: number } | null>(null);
  useEffect(() => {
    if (!topResult) {
      if (state.mode !== 'help') topShown.current = null;
      return;
    }
    // Counted over the rows of the query before (Esc back has just restored its own, still being filtered):
    // following the value through them would show the line on another value until the rows catch up.
    if (!rowsFresh) return;
    // Reopened by Esc from a list its Enter opened: the values it was left on (kept with the place), so the
    // line goes back to the value chosen, wherever events counted since have moved it.
    const kept = state.viewsKept.top;
    const shown = topShown.current ?? (kept ? { result: kept, index: state.topIndex } : null);
    const index = shown && shown.result !== topResult ? followTopSelection(shown, topResult, state.topIndex) : state.topIndex;
    topShown.current = { result: topResult, index };
    if (index !== state.topIndex) dispatch({ type: 'top', index });
    if (kept !== topResult) dispatch({ type: 'keepView', change: { top: topResult } });
  }, [topResult, rowsFresh, state.topIndex, state.mode, state.viewsKept.top, dispatch]);

  // Every query that gets applied (kept with Enter, a pivot, a jump, back/forward) goes into the history.
  const applied = state.mode === 'query' ? null : state.queryText;
  useEffect(() => {
    if (applied) remembered.addHistory(applied);
  }, [applied, remembered]);

  // The JSON view reads the original record back from its file.
  const json = useRecordJson(state.mode === 'json' ? state.jsonRow : null, readRecord);
  const jsonLines = useMemo(() => wrapTokens(json.lines, width), [json.lines, width]);

  const help = useMemo(() => helpLines(queryHelpLines(), { insights: Boolean(views.insights), export: Boolean(views.export) }, width), [views.insights, views.export, width]);
  const badLines = useMemo(
    () => badFileLines(progress.badFiles, progress.skippedFiles, width, progress.conflicts, progress.conflictCount, progress.ruleStops),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- progress is mutated in place; storeVersion signals it
    [progress.badFiles.length, progress.skippedFiles.length, progress.conflictCount, progress.ruleStops.length, width, storeVersion],
  );

  const copy = useCallback(
    (text: string, what: string) => {
      const result = osc52Copy(text, { env });
      if (result.ok) stdout.write(result.sequence);
      dispatch({ type: 'status', text: describeCopy(result, what) });
    },
    [env, stdout],
  );

  const quit = useCallback(() => {
    if (onQuit) onQuit();
    else exit();
  }, [exit, onQuit]);
  // A download running (even hidden) is lost on quitting: `q` asks first, y cancels it cleanly and quits.
  const setRunningWork = useCallback((work: RunningWork | null) => {
    runningWork.current = work;
    if (!work) dispatch({ type: 'askQuit', ask: false });
  }, []);
  const requestQuit = useCallback((): QuitOutcome => {
    if (!runningWork.current) {
      quit();
      return 'quitting';
    }
    dispatch({ type: 'askQuit', ask: true });
    return 'asking';
  }, [quit]);
  const requestQuitRef = useRef(requestQuit);
  requestQuitRef.current = requestQuit;
  const cancelWorkAndQuit = useCallback(() => {
    runningWork.current?.cancel();
    quit();
  }, [quit]);

  const scrollLimit = (mode: Mode, h = mainH): number => {
    if (mode === 'json') return Math.max(0, jsonLines.length - jsonBodyHeight(h));
    if (mode === 'help') return Math.max(0, help.length - helpBodyHeight(h));
    if (mode === 'badfiles') return Math.max(0, badLines.length - (h - 1));
    return 0;
  };

  // Keys are handled against the latest state (stateRef), not the last rendered one: keystrokes
  // that arrive faster than frames (typing, pastes, tmux send-keys) must each see the previous one's effect.
  const detailPanelWidth = wide ? detailWidth : width;

  const handleRef = useRef<(input: string, key: Key) => void>(() => {});
  handleRef.current = (input: string, key: Key): void =>
    handleKey(input, key, {
      state: stateRef.current!,
      rows: listRows,
      bodyH,
      mainH,
      detailPanelWidth,
      jsonText: json.text,
      hasView: { insights: Boolean(views.insights), export: Boolean(views.export), findings: Boolean(views.findings) },
      detailExtra,
      scrollLimit,
      dispatch,
      copy,
      quit,
      requestQuit,
      cancelWorkAndQuit,
      setQuery,
      history: () => remembered.history(),
      nothingNew: nothingNewText(liveState(progress, watching)),
      openHelp: () => openHelp(),
      marks: {
        toggle: (row) => marks.toggle(row.id),
        next: (from) => nextMarkIndex(listRows, from, marks.set(), (id) => store.get(id), stateRef.current!.order),
      },
      topResult,
      chain,
      principalLines,
      saveColumns,
    });
  // The top values and the summary are computed while drawing, so right after `T`, `p` or Tab the
  // ones on hand belong to the view before: the keys behind them in the same burst wait for the new ones.
  const drawnViewData = useRef<{ top: TopResult | null; principal: PivotTerm | null }>({ top: null, principal: null });
  drawnViewData.current = { top: topResult, principal: summary?.term ?? null };
  const rowsStale = (s: UiState): boolean => rowsQuery.current !== s.queryText || Boolean(s.pivotedFrom);
  // Only the open view's columns being built (no query's rows awaited): keys wait for that as long as it takes.
  const onlyCounting = (s: UiState): boolean => countingRef.current && !rowsStale(s);
  const onlyCountingRef = useRef(onlyCounting);
  onlyCountingRef.current = onlyCounting;
  const keysMustWait = (s: UiState): boolean => {
    if (rowsStale(s)) return true;
    if (s.mode === 'top') return drawnViewData.current.top?.field !== TOP_FIELDS[s.topField]!.field;
    if (s.mode === 'principal') return s.principal !== null && drawnViewData.current.principal !== s.principal;
    return false;
  };
  const keysMustWaitRef = useRef(keysMustWait);
  keysMustWaitRef.current = keysMustWait;
  const viewKeys = useRef<ViewKeyQueue | null>(null);
  // Keys wait here, in order, while the rows they would act on belong to an older query (typed
  // faster than the view re-filters, e.g. during a load): `/name:x` Enter `j` moves in the new rows;
  // likewise `T j j` moves in the top values once they are counted (keysMustWait).
  const heldKeys = useRef<Stroke[]>([]);
  const heldSince = useRef(0);
  // `force`: handle them now even if the rows are still stale (held past HOLD_KEYS_MS).
  const onStrokes = useCallback((strokes: readonly Stroke[], force = false) => {
    const queue = viewKeys.current!;
    for (const stroke of strokes) {
      const mode = stateRef.current!.mode;
      // Too small to draw, the screen says only that q quits. So q quits in every mode (asking first while a
      // download runs, the question then on that screen), Ctrl-C quits, the question takes its answers, and other
      // keys are dropped: they acted unseen, or waited for a view that is not on screen (the download dialog, the
      // histogram ...) and acted once the window grew back, where q typed a letter or did nothing.
      if (tooSmallRef.current) {
        if (stateRef.current!.quitAsked || actionFor(mode, stroke.input, stroke.key) === 'forceQuit') handleRef.current(stroke.input, stroke.key);
        else if (actionFor('list', stroke.input, stroke.key) === 'quit') requestQuitRef.current();
        continue;
      }
      const stale = keysMustWaitRef.current(stateRef.current!);
      const action = actionFor(mode, stroke.input, stroke.key);
      // The view's columns being built in the background (seconds at 1M): a key that reads no counted value (Esc, T,
      // Tab, /, ?, q) acts at once, after the keys held before it, let go first (they find no values yet: a move
      // stays, a pivot says there is no value). Before, Esc waited for the whole build.
      // `q` acts at once too, after the keys held before it (one of them may open the query bar, where it is a
      // letter): held for the rows of a query being filtered, it quit only once they came, up to HOLD_KEYS_MS
      // (2 s) later during a deep term's search at 1M events, when Ctrl-C quit at once.
      const passes =
        !force && action !== 'forceQuit' && (action === 'quit' || (!readsCounted(mode, action) && onlyCountingRef.current(stateRef.current!)));
      if (passes && heldKeys.current.length > 0) {
        const before = heldKeys.current;
        heldKeys.current = [];
        onStrokes(before, true);
      }
      // A plug-in view reads its own keys (its queue below keeps those it has not claimed yet): held here, a key
      // was handed back to App once the rows came, which leaves them to the view, and lost (`/x` Enter `Enter`
      // over the Insights: the second Enter came while the new query's rows were being filtered).
      // The mode as the keys let go just above left it: `h` held, then q, is the histogram's q (its view not
      // listening yet), which the list's handler under it dropped.
      const now = stateRef.current!.mode;
      const viewKey = !stateRef.current!.quitAsked && (now === 'insights' || now === 'export' || now === 'histogram' || now === 'findings');
      const hold = !force && !passes && (heldKeys.current.length > 0 || (stale && now !== 'query' && !viewKey));
      if (hold && action !== 'forceQuit') {
        if (heldKeys.current.length === 0) heldSince.current = Date.now();
        heldKeys.current.push(stroke);
        continue;
      }
      // A chunk can switch modes midway ("i" + "jj"): keys for a view that is not listening yet wait for it.
      // The quit question covers the view: its answer is App's.
      if (viewKey && queue.waiting && actionFor(now, stroke.input, stroke.key) !== 'forceQuit') {
        queue.push(stroke);
        continue;
      }
      handleRef.current(stroke.input, stroke.key);
    }
  }, []);
  viewKeys.current ??= new ViewKeyQueue(onStrokes);
  const onInput = useCallback((input: string, key: Key) => {
    // A chunk can switch modes midway ("/name:x" + Enter), so the split follows the latest state.
    onStrokes(splitChunk(input, key, stateRef.current!.mode === 'query'));
  }, []);
  useInput(onInput);
  // A pivot's new rows are in: the `▲ N new` count starts from their newest, and a pivot in the details keeps
  // them open on its event if they hold it (state.ts pivotLanded). Before the held keys go on (the next
  // effect), so they act in the view it leaves.
  useEffect(() => {
    const pivotedFrom = stateRef.current!.pivotedFrom;
    if (!pivotedFrom || rowsQuery.current !== stateRef.current!.queryText) return;
    dispatch({ type: 'pivotLanded', present: rows[positionOf(rows, pivotedFrom)] === pivotedFrom, newest: rows[0] ?? null });
  });
  // Never hold keys for long, even while a big re-filter keeps the rows stale over many frames.
  useReleaseHeldKeys(heldKeys, heldSince, () => keysMustWait(stateRef.current!), HOLD_KEYS_MS, onStrokes, () => onlyCounting(stateRef.current!));

  const Insights = views.insights;
  const Export = views.export;
  const Histogram = views.histogram ?? HistogramView;
  // A view's `?` opens the help at that view's keys.
  const helpRef = useRef({ help, limit: 0 });
  helpRef.current = { help, limit: scrollLimit('help') };
  const editQuery = useCallback(() => dispatch({ type: 'editQuery' }), []);
  // The view drawn says whether its Enter has anything to list; the footer drops the keys that need a line then.
  const [nothingListedIn, setNothingListedIn] = useState<Mode | null>(null);
  const openHelp = useCallback(() => {
    const at = viewHelpLine(helpRef.current.help, stateRef.current!.mode);
    dispatch({ type: 'openOverlay', mode: 'help' });
    if (at > 0) dispatch({ type: 'scroll', to: Math.min(at, helpRef.current.limit) });
  }, []);
  // The view stays mounted under the help overlay, so its selection, form or question survive `?`.
  const covered = state.mode === 'help' || state.mode === 'query' ? viewUnder(state) : undefined;
  const viewMode = covered === 'insights' || covered === 'export' || covered === 'histogram' || covered === 'findings' ? covered : state.mode;
  const View =
    viewMode === 'insights' ? Insights : viewMode === 'export' ? Export : viewMode === 'histogram' ? Histogram : viewMode === 'findings' ? views.findings : undefined;
  const viewShown = Boolean(View) && state.mode === viewMode;
  const setListable = useCallback((listable: boolean) => setNothingListedIn(listable ? null : viewMode), [viewMode]);
  // Under the query bar the view is drawn (it counts the drafts' events) but the keys are the bar's.
  const viewDrawn = viewShown || (Boolean(View) && underQuery === viewMode);
  const pluginProps: PluginViewProps = {
    store,
    folder,
    rows,
    queryText: state.queryText,
    zone: state.zone,
    width,
    height: mainH,
    onClose: close,
    openProblems,
    setQuery,
    setStatus,
    setActivity,
    openHelp,
    editQuery,
    setListable,
    quit: requestQuit,
    setRunningWork,
    active: viewShown && !state.quitAsked,
    claimKeys: viewKeys.current.claim,
    kept: state.viewsKept,
    keep: keepView,
    cursorTime,
    rowsQuery: rowsFresh ? state.queryText : null,
    order: state.order,
    marks: marks.set(),
    ascii,
    ...(findings ? { findings } : {}),
  };

  let main;
  const topView = (result: TopResult | null) =>
    result ? <TopValuesView result={result} fieldIndex={state.topField} selected={state.topIndex} queryText={state.queryText} zone={state.zone} width={width} height={mainH} ascii={ascii} /> : <Text>{own('  Counting…')}</Text>;
  const emptyText = store.size === 0 ? (progress.phase === 'loading' ? own('Loading…') : 'No events here yet') : 'No events match the query';
  const list = (w: number) => (
    <EventList rows={listRows} spanRows={rows} window={win} width={w} height={mainH} zone={state.zone} emptyText={emptyText} marks={marks.set()} columnDefs={columnDefs} />
  );
  switch (state.mode) {
    case 'detail':
      main = detailRow ? (
        wide ? (
          <Box height={mainH} width={width}>
            {list(listWidth)}
            <DetailPanel row={detailRow} zone={state.zone} linkIndex={state.linkIndex} scroll={state.scroll} width={detailWidth} height={mainH} hyperlinks={hyperlinks} chain={chain} extra={detailExtra} />
          </Box>
        ) : (
          <DetailPanel row={detailRow} zone={state.zone} linkIndex={state.linkIndex} scroll={state.scroll} width={width} height={mainH} hyperlinks={hyperlinks} chain={chain} extra={detailExtra} />
        )
      ) : (
        list(width)
      );
      break;
    case 'json':
      main = (
        <JsonView
          title={`Event record ${truncate(sanitize(json.row?.id ?? ''), 40)}`}
          lines={jsonLines}
          message={json.message}
          scroll={Math.min(state.scroll, scrollLimit('json'))}
          width={width}
          height={mainH}
        />
      );
      break;
    case 'help':
      main = <HelpOverlay lines={help} scroll={state.scroll} width={width} height={mainH} />;
      break;
    case 'columns':
      main = <ColumnChooser entries={columnEntries} selected={state.columnIndex} width={width} height={mainH} />;
      break;
    case 'principal':
      main = summary ? (
        <PrincipalView title={summaryTitle(summary)} lines={principalLines} selected={state.principalIndex >= 0 ? state.principalIndex : stepLine(principalLines, -1, 1)} width={width} height={mainH} />
      ) : summarised ? (
        <Text>{own('  Counting…')}</Text>
      ) : (
        list(width)
      );
      break;
    case 'query':
      // Over a view: that view, under the bar (the plug-in ones are drawn above, from `View`).
      main = underQuery === 'top' ? topView(topResult) : viewDrawn ? null : list(width);
      break;
    case 'top':
      main = topView(topResult);
      break;
    case 'badfiles':
      main = <BadFilesView bad={progress.badFiles} skipped={progress.skippedFiles} conflicts={progress.conflicts} conflictCount={progress.conflictCount} ruleStops={progress.ruleStops} scroll={state.scroll} width={width} height={mainH} />;
      break;
    case 'insights':
    case 'export':
    case 'histogram':
    case 'findings':
      main = View ? null : list(width);
      break;
    default:
      main = list(width);
  }

  const hints = footerHints(state.mode, drilledFrom(state.mode, state.past).length > 0, {}, nothingListedIn === state.mode);
  if (tooSmall) return <TooSmall columns={width} rows={termRows} {...(state.quitAsked && runningWork.current ? { question: quitQuestion(runningWork.current) } : {})} />;
  return (
    <ThemeContext.Provider value={theme}>
      <Box flexDirection="column" width={width} height={height} overflowY="hidden">
        <Header
          folder={folder}
          progress={progress}
          watching={watching}
          // Without a query every event is shown; the view may lag a batch behind while loading, which is not a filter.
          shown={state.queryText.trim() === '' ? store.size : rows.length}
          total={store.size}
          newCount={newCount}
          newBelow={state.order === 'oldest'}
          follow={state.follow}
          activity={[searching, state.activity].filter(Boolean).join('  ')}
          findings={findingsForms}
          width={width}
        />
        {stripH > 0 && (
          <TimelineStrip rows={rows} width={width} zone={state.zone} cursorTime={cursorTime} ascii={ascii} store={store} loading={store.progress.phase === 'loading'} filter={stripFilter} />
        )}
        <QueryBar focused={state.mode === 'query'} draft={state.draft} caret={state.caret} applied={state.queryText} error={state.queryError} explanation={explanation} width={width} />
        <Box height={mainH} width={width} flexShrink={0} overflowY="hidden">
          {View && (
            <Box key={viewMode} display={viewDrawn ? 'flex' : 'none'} width={width} height={mainH} flexShrink={0}>
              <View {...pluginProps} />
            </Box>
          )}
          {main}
        </Box>
        <StatusBar message={state.status} lines={statusShown} hints={hints} right={right} width={width} />
      </Box>
    </ThemeContext.Provider>
  );
}

