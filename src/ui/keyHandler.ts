/**
 * What a keystroke does: the keymap (keys.ts) names the action, this carries
 * it out against the latest UI state. Kept out of App so the component only
 * wires state, data and layout together.
 */
import type { Key } from 'ink';
import type { EventRow } from '../model/types.js';
import { compileQuery } from '../query/index.js';
import { sanitize } from '../term/sanitize.js';
import { describePivot, pivotQuery, type PivotOp } from '../investigate/pivot.js';
import { buildDetail, linkCopy, noPivotStatus, resourceQuery, withExtra, type DetailLine } from './detailModel.js';
import { pickMissText, pickTerm } from './investigate/pivotPick.js';
import type { ChainState } from './investigate/chainLines.js';
import { handleTopKey } from './investigate/topKeys.js';
import { handlePrincipalKey, principalTerm } from './investigate/principalKeys.js';
import type { SummaryLine } from './investigate/principalModel.js';
import { handleColumnsKey } from './investigate/columnKeys.js';
import type { TopResult } from '../investigate/topValues.js';
import { detailBodyHeight, layoutDetail, pageDetail } from './DetailPanel.js';
import { actionFor, type Action, type Mode } from './keys.js';
import { editLine } from './lineEditor.js';
import { cursorIndex } from './listModel.js';
import type { UiAction, UiState } from './state.js';

export interface KeyContext {
  state: UiState;
  /** The list's rows as last drawn (filtered, in the list's order: state.order). */
  rows: readonly EventRow[];
  /** Rows the list body shows. */
  bodyH: number;
  /** Lines of the main area (list, details, views). */
  mainH: number;
  detailPanelWidth: number;
  /** The JSON view's text, '' until read. */
  jsonText: string;
  hasView: { insights: boolean; export: boolean; findings?: boolean };
  /** Lines the details panel shows after the event's own (the rules it fired). */
  detailExtra?: readonly DetailLine[];
  /** Furthest scroll position of a scrolling view. */
  scrollLimit(mode: Mode): number;
  dispatch(action: UiAction): void;
  copy(text: string, what: string): void;
  /** Quits at once (Ctrl-C, or `y` to the quit question). */
  quit(): void;
  /** `q`: quits, or first asks while work runs that quitting would lose (default: quit). */
  requestQuit?(): void;
  /** `y` to the quit question: stops that work, then quits. */
  cancelWorkAndQuit?(): void;
  setQuery(text: string): void;
  /** The detail panel's "Who is behind this session" section as last drawn. */
  chain?: ChainState;
  /** Keeps a new column choice for this folder (null: the default); the choice itself lives in `state.columnIds`. */
  saveColumns?(ids: string[] | null): void;
  /** The principal summary's lines as last drawn (mode `principal`). */
  principalLines?: readonly SummaryLine[];
  /** The top values view's lines as last drawn (mode `top`). */
  topResult?: TopResult | null;
  /** `?`: opens the help at the current view's section (keys.ts VIEW_HELP_GROUP); absent: at the top. */
  openHelp?(): void;
  /** This folder's saved queries, oldest first (Up/Down in the query bar). */
  history?(): readonly string[];
  /** What `f` says when nothing new can arrive to follow (--no-watch once loaded, the folder gone); absent while events can arrive. */
  nothingNew?: string | null;
  /** Marks (`m`, `'`): toggles one and says whether it is marked now; finds the next marked row's index (-1: none). */
  marks?: { toggle(row: EventRow): boolean; next(cursor: number): number };
}

export function handleKey(input: string, key: Key, ctx: KeyContext): void {
  const { state, rows, bodyH, mainH, detailPanelWidth, jsonText, hasView, scrollLimit, dispatch, copy, quit, setQuery } = ctx;
  const mode = state.mode;
  const action = actionFor(mode, input, key);
  if (action === 'forceQuit') return quit();
  // The quit question takes only its answers; the view under it keeps its state.
  if (state.quitAsked) {
    const answer = actionFor('quitConfirm', input, key);
    if (answer === 'confirmQuit') return (ctx.cancelWorkAndQuit ?? quit)();
    if (answer === 'refuseQuit') dispatch({ type: 'askQuit', ask: false });
    return;
  }
  if (mode === 'insights' || mode === 'export' || mode === 'histogram' || mode === 'findings') return; // the plug-in view owns its keys
  if (mode === 'query') {
    if (action === 'applyQuery') {
      const result = compileQuery(state.draft, { deepTerms: true });
      dispatch(result.ok ? { type: 'applyQuery', text: state.draft } : { type: 'queryInvalid', error: result.error });
      return;
    }
    if (action === 'cancelQuery') return dispatch({ type: 'cancelQuery' });
    if (action === 'historyPrev' || action === 'historyNext') {
      return dispatch({ type: 'historyWalk', history: ctx.history?.() ?? [], step: action === 'historyPrev' ? -1 : 1 });
    }
    const edited = editLine({ text: state.draft, caret: state.caret }, input, key);
    if (edited) dispatch({ type: 'draft', text: edited.text, caret: edited.caret });
    return;
  }
  if (state.pivotPick) {
    // The letter after `=`, `+` or `-` in the list names the field; any other key cancels.
    const pick = state.pivotPick;
    dispatch({ type: 'pivotPick', pick: null });
    const term = key.escape || key.ctrl ? null : pickTerm(pick, input);
    if (!term) return dispatch({ type: 'status', text: key.escape ? '' : pickMissText(key.ctrl ? '' : input) });
    dispatch({ type: 'setQuery', text: pivotQuery(state.queryText, term, pick.op), from: pick.row });
    return dispatch({ type: 'status', text: describePivot(term, pick.op) });
  }
  if (!action) return;
  if (mode === 'top' && handleTopKey(action, ctx)) return;
  if (mode === 'principal' && handlePrincipalKey(action, ctx)) return;
  if (mode === 'columns' && handleColumnsKey(action, input, ctx)) return;
  const cursor = cursorIndex(rows, state.anchor, state.follow, state.order);
  const currentRow = rows[cursor] ?? null;
  if (mode === 'json' || mode === 'help' || mode === 'badfiles') {
    const limit = scrollLimit(mode);
    // A page is the view's body (every line but its title): the next page starts after the last line shown, none repeated.
    const pageView = Math.max(1, mainH - 1);
    const targets: Partial<Record<Action, number>> = {
      up: state.scroll - 1,
      down: state.scroll + 1,
      pageUp: state.scroll - pageView,
      pageDown: state.scroll + pageView,
      top: 0,
      bottom: limit,
    };
    const to = targets[action];
    if (to !== undefined) return dispatch({ type: 'scroll', to: Math.min(limit, to) });
  } else if (mode === 'detail' && (action === 'pageUp' || action === 'pageDown') && state.detailRow) {
    // In the details PgUp/PgDn read further down the panel; the arrows step through events.
    const width = detailPanelWidth;
    const layout = layoutDetail(withExtra(buildDetail(state.detailRow, state.zone, ctx.chain), ctx.detailExtra), width, state.linkIndex);
    const body = detailBodyHeight(mainH);
    const step = Math.max(1, body - 2);
    const paged = pageDetail(layout, state.linkIndex, state.scroll, body, action === 'pageDown' ? step : -step);
    if (paged.linkIndex !== state.linkIndex) dispatch({ type: 'link', index: paged.linkIndex });
    return dispatch({ type: 'scroll', to: paged.scroll });
  } else {
    const page = Math.max(1, bodyH - 1);
    const targets: Partial<Record<Action, number>> = {
      up: cursor - 1,
      down: cursor + 1,
      pageUp: cursor - page,
      pageDown: cursor + page,
      top: 0,
      bottom: rows.length - 1,
    };
    // g and G keep their meaning (top and bottom of the list); the newest end also follows.
    if ((action === 'top' && state.order === 'newest') || (action === 'bottom' && state.order === 'oldest')) return dispatch({ type: 'followNewest' });
    const to = targets[action];
    if (to !== undefined) return dispatch({ type: 'move', rows, to, height: bodyH });
  }
  const detail = state.detailRow ? buildDetail(state.detailRow, state.zone, ctx.chain) : null;
  switch (action) {
    case 'quit':
      return (ctx.requestQuit ?? quit)();
    case 'follow': {
      // In the details, the newest event's details, as on the --db dashboard: the panel and the cursor
      // stay on one event (the panel kept the old one while the list under it went to the newest).
      const newest = mode === 'detail' ? rows[cursorIndex(rows, null, true, state.order)] : undefined;
      dispatch({ type: 'followNewest' });
      if (newest) dispatch({ type: 'openDetail', row: newest });
      // As on a read-only --db archive: the cursor goes to the newest event, and the reader learns that is all there will be.
      if (ctx.nothingNew) dispatch({ type: 'status', text: ctx.nothingNew });
      return;
    }
    case 'open': {
      // Enter on a link of the session chain opens the event behind it (the AssumeRole that issued the key); `[` comes back.
      const chained = mode === 'detail' ? detail?.links[state.linkIndex]?.row : undefined;
      if (chained) return dispatch({ type: 'visitDetail', row: chained });
      if (mode === 'detail' && state.detailRow && state.detailRow === currentRow) return dispatch({ type: 'back' });
      if (currentRow) return dispatch({ type: 'openDetail', row: currentRow });
      return dispatch({ type: 'status', text: 'No event to open' });
    }
    case 'back':
    case 'drillBack':
      return dispatch({ type: 'back' });
    case 'editQuery':
      return dispatch({ type: 'editQuery' });
    case 'topValues':
      return dispatch({ type: 'openOverlay', mode: 'top' });
    case 'columnChooser':
      return dispatch({ type: 'openOverlay', mode: 'columns' });
    case 'principal': {
      const selected = mode === 'detail' ? detail?.links[state.linkIndex]?.pivot : undefined;
      const term = principalTerm(ctx, selected, mode === 'detail' ? state.detailRow : currentRow);
      if (!term) return dispatch({ type: 'status', text: 'p summarises a user, role or access key: select one first' });
      return dispatch({ type: 'principal', term, index: -1 });
    }
    case 'queryBack':
      return dispatch({ type: 'queryBack' });
    case 'queryForward':
      return dispatch({ type: 'queryForward' });
    case 'help':
      if (mode !== 'help' && ctx.openHelp) return ctx.openHelp();
      return dispatch(mode === 'help' ? { type: 'back' } : { type: 'openOverlay', mode: 'help' });
    case 'toggleTime':
      return dispatch({ type: 'toggleZone' });
    case 'badFiles':
      // Again closes it, as T, i, h and ? close theirs.
      return dispatch(mode === 'badfiles' ? { type: 'back' } : { type: 'openOverlay', mode: 'badfiles' });
    case 'toggleOrder':
      dispatch({ type: 'toggleOrder' });
      return dispatch({ type: 'status', text: state.order === 'newest' ? 'Oldest first (o: newest first)' : 'Newest first (o: oldest first)' });
    case 'mark': {
      if (!ctx.marks) return;
      if (!currentRow) return dispatch({ type: 'status', text: 'No event to mark' });
      const marked = ctx.marks.toggle(currentRow);
      return dispatch({ type: 'status', text: marked ? "Marked (' jumps to the next mark; query mark:*)" : 'Mark removed' });
    }
    case 'nextMark': {
      const to = ctx.marks ? ctx.marks.next(cursor) : -1;
      if (to < 0) return dispatch({ type: 'status', text: 'No marked event in this list (m marks one)' });
      return dispatch({ type: 'move', rows, to, height: bodyH });
    }
    case 'histogram':
      return dispatch({ type: 'openOverlay', mode: 'histogram' });
    case 'findings':
      if (hasView.findings) return dispatch({ type: 'openOverlay', mode: 'findings' });
      return dispatch({ type: 'status', text: 'Detection rules are off in this session' });
    case 'insights':
    case 'export': {
      const target = action === 'insights' ? 'insights' : 'export';
      if (hasView[target]) return dispatch({ type: 'openOverlay', mode: target });
      return dispatch({ type: 'status', text: `${action === 'insights' ? 'The Insights view' : 'Download'} is coming in a later version` });
    }
    case 'json': {
      const row = mode === 'detail' ? state.detailRow : currentRow;
      if (row) dispatch({ type: 'openJson', row });
      return;
    }
    case 'nextLink':
    case 'prevLink': {
      const count = detail?.links.length ?? 0;
      if (count === 0) return dispatch({ type: 'status', text: 'No links for this event' });
      const from = state.linkIndex < 0 ? (action === 'nextLink' ? -1 : 0) : state.linkIndex;
      const step = action === 'nextLink' ? 1 : -1;
      return dispatch({ type: 'link', index: (from + step + count) % count });
    }
    case 'copy': {
      if (mode === 'json') {
        if (jsonText) copy(jsonText, 'the event JSON');
        return;
      }
      const copied = linkCopy(detail?.links[state.linkIndex]);
      if ('status' in copied) return dispatch({ type: 'status', text: copied.status });
      return copy(copied.text, copied.what);
    }
    case 'pivotReplace':
    case 'pivotAdd':
    case 'pivotExclude': {
      const op: PivotOp = action === 'pivotReplace' ? 'replace' : action === 'pivotAdd' ? 'add' : 'exclude';
      if (mode === 'list') {
        if (!currentRow) return;
        return dispatch({ type: 'pivotPick', pick: { op, row: currentRow } });
      }
      const link = detail?.links[state.linkIndex];
      const term = link?.pivot;
      if (!term) return dispatch({ type: 'status', text: noPivotStatus(link) });
      if (state.detailRow) dispatch({ type: 'setQuery', text: pivotQuery(state.queryText, term, op), from: state.detailRow });
      return dispatch({ type: 'status', text: describePivot(term, op) });
    }
    case 'resourceTimeline': {
      const link = detail?.links[state.linkIndex];
      if (!link?.resource) return dispatch({ type: 'status', text: 'Select a resource link first (Tab)' });
      return setQuery(resourceQuery(link.resource));
    }
    default:
      return;
  }
}
