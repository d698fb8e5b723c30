/**
 * The --db dashboard's UI state and what a key does to it: plain data, no
 * Ink, tested alone. The list is addressed by index into the archive's list
 * (archive/window.ts), so a move is arithmetic here and a page query there.
 * Work that needs the archive (apply a query, turn the order round, top
 * values, the histogram) comes back as a command the component runs.
 */
import type { Key } from 'ink';
import type { ArchivedEvent, Order } from '../../archive/query.js';
import { describePivot, pivotQuery, type PivotOp } from '../../investigate/pivot.js';
import { buildDetail } from '../detailModel.js';
import { TOP_FIELDS } from '../../investigate/topValues.js';
import type { QueryError } from '../../query/errors.js';
import type { TimeZoneMode } from '../format.js';
import { actionFor, type Action } from '../keys.js';
import { editLine } from '../lineEditor.js';
import { windowFor, type ListWindow } from '../listModel.js';
import { walkHistory, type HistoryCursor } from '../investigate/queryStack.js';
import { nothingToList, spanQuery } from '../timeline/histogramModel.js';
import { displayWidth } from '../../term/width.js';
import { truncateStart } from '../pathText.js';
import { shortenToFit } from '../shortenToFit.js';
import { formatCount } from '../format.js';
import { archiveNavKey, archivePlace, archivePlaceOf, NO_NAV, unselected, type ArchiveLanding, type ArchiveNav, type ArchivePlace } from './archiveNav.js';
import type { ChainState } from '../investigate/chainLines.js';
import type { StatusMessage } from '../statusMessage.js';
import type { SummaryLine } from '../investigate/principalModel.js';
import { openPrincipal, principalKey, type ArchivePrincipal } from './archivePrincipal.js';
import { columnsKey, openColumns } from './archiveColumns.js';
import { spanKey } from './archiveSpan.js';
import { stackKey } from './archiveStack.js';
import { closeBack, openOver } from '../viewStack.js';
import { detailBodyHeight, pageDetail, type DetailLayout } from '../DetailPanel.js';
import { openedAnew, type KeptViews } from '../keptViews.js';
import { own } from '../../term/glyphs.js';

/** `export`: the download dialog (ExportDialog), which reads its own keys. */
export type ArchiveMode = 'list' | 'query' | 'detail' | 'json' | 'help' | 'top' | 'histogram' | 'badfiles' | 'export' | 'findings' | 'principal' | 'columns' | 'insights';

export interface ArchiveUiState {
  mode: ArchiveMode;
  /** Where Esc goes back to from the views: the views under this one, nearest last (viewStack.ts). */
  under: readonly ArchiveMode[];
  draft: string;
  caret: number;
  /** Up/Down in the query bar: the position in the saved query history (-1: not browsing it). */
  historyCursor: HistoryCursor;
  /** The query the list shows (applied with Enter: each one is a count and a page query). */
  queryText: string;
  queryError: QueryError | null;
  order: Order;
  /** Index of the cursor's row in the list, and its distance from the top of the screen. */
  cursor: number;
  offset: number;
  zone: TimeZoneMode;
  /** Scroll of the details, JSON, help and the bad files. */
  scroll: number;
  topField: number;
  topIndex: number;
  /** The histogram: bucket size (index into the sizes it offers; -1: the next count fits one to the list's span) and selected bucket. */
  bucketSize: number;
  bucketIndex: number;
  /** The bucket size was chosen with +/- rather than fitted (opened anew, the histogram keeps it: keptViews.ts openedAnew). */
  bucketZoomed: boolean;
  /** `v`: the time the histogram's span starts from (archiveSpan.ts); null without a span. */
  spanAnchor: number | null;
  /** Tab: what the bars are split by, an index into STACK_FIELDS (archiveStack.ts); 0: errors. */
  stack: number;
  /** `p`: whom the summary is of, and the line selected in it (-1: the first that pivots). */
  principal: ArchivePrincipal | null;
  principalIndex: number;
  /** What was chosen in the views that read their own keys (findings, Insights): keptViews.ts. */
  viewsKept: KeptViews;
  /** Back/forward, the pivot pick in the list and the details' selection (archiveNav.ts). */
  nav: ArchiveNav;
  /**
   * Paused on a followed archive, the events an import added on the newest side of the cursor since it
   * left the newest (the header's `▲ N new`); a place keeps it for `[` / `]` (archiveNav.ts).
   */
  unseen: number;
  /** The list's columns (`C`, archiveColumns.ts): ids in order, null for the default set; the chooser's selected line. */
  columnIds: readonly string[] | null;
  columnIndex: number;
  status: StatusMessage;
}

export function initialArchiveState(queryText = ''): ArchiveUiState {
  return {
    mode: 'list',
    under: [],
    draft: queryText,
    caret: queryText.length,
    historyCursor: { index: -1, typed: '' },
    queryText,
    queryError: null,
    order: 'newest',
    cursor: 0,
    offset: 0,
    zone: 'utc',
    scroll: 0,
    topField: 0,
    topIndex: 0,
    bucketSize: -1,
    bucketIndex: -1,
    bucketZoomed: false,
    spanAnchor: null,
    stack: 0,
    principal: null,
    principalIndex: -1,
    viewsKept: {},
    status: '',
    nav: NO_NAV,
    unseen: 0,
    columnIds: null,
    columnIndex: 0,
  };
}

/** What the component must do after a key (the archive answers it). */
export type ArchiveCommand =
  /** `from`: the place the query was applied from (pushed for `[` once it runs); `at`: a place `[`/`]` goes back to. */
  | { kind: 'apply'; text: string; from?: ArchivePlace; at?: ArchiveLanding }
  | { kind: 'order' }
  | { kind: 'top' }
  /**
   * `keep`: the bucket selected before a zoom, whose time the cursor stays on, or the moment of the list cursor's
   * event the view opens on (none: the newest bucket).
   */
  | { kind: 'histogram'; keep?: ZoomKeep }
  | { kind: 'mark' }
  /** `'`: move to the next marked event after the cursor (asked of the archive). */
  | { kind: 'nextMark' }
  | { kind: 'badFiles' }
  /** Count the summary of state.principal. */
  | { kind: 'principal' }
  /** The selected link's text (details), or without it the event's whole JSON (JSON view). */
  | { kind: 'copy'; text?: string; what?: string }
  /** Keep the column choice (null: the default) for this archive file. */
  | { kind: 'columns'; ids: string[] | null }
  | { kind: 'quit' };

/** What a key sees besides the state. */
export interface ArchiveKeyContext {
  /** Events in the list (SQL count). */
  total: number;
  /** Rows of the list body. */
  bodyH: number;
  /** Lines of the main area. */
  mainH: number;
  /** Furthest scroll of the JSON or help view, or of the details. */
  scrollLimit: number;
  /** The details' lines as shown with a link selected (mode detail): PgUp/PgDn page through them. */
  detailLayout?: (linkIndex: number) => DetailLayout;
  /** Top values on screen (mode top). */
  topValues: readonly { value: string }[];
  /** Buckets in the histogram, and the one to filter by (start, end) when Enter is pressed there; one of no events (count 0) is not listed. */
  buckets: readonly { start: number; end: number; count: number }[];
  /** Bucket sizes the histogram offers. */
  bucketSizes: number;
  /** The queries applied before, oldest first (the archive's saved history; absent: none). */
  history?: readonly string[];
  /** The cursor's event, when its page is read (the place `[` comes back to, the row a pivot picks from). */
  current?: ArchivedEvent | null;
  /** Where `?` opens the help from a mode: its section's line (absent: the top). */
  helpScroll?(mode: ArchiveMode): number;
  /** The User column of the row under the cursor (`p` summarises it). */
  rowActor?: string;
  /** The principal summary's lines (mode principal). */
  principalLines?: readonly SummaryLine[];
  /** The session chain of the event the details show (its links are selectable; Enter opens one's event). */
  chain?: ChainState;
  /** A folder is followed (`trailtop DIR --db FILE`): imports add events; without one nothing new arrives. */
  followed?: boolean;
  /** What `f` says on a followed archive once its folder can bring nothing more (--no-watch imported, the folder gone); absent: events can come. */
  followEnded?: string | null;
}

export interface KeyResult {
  state: ArchiveUiState;
  command?: ArchiveCommand;
}

/** `f` on an archive opened read only: the newest event is all it can do. */
export const NOTHING_NEW = "Newest event: the archive is open read only, nothing new will arrive ('trailtop DIR --db FILE' follows DIR)";

/** The list window for the cursor (the offset keeps the screen still while moving inside it). */
export function archiveWindow(state: ArchiveUiState, total: number, bodyH: number): ListWindow {
  return windowFor(total, Math.min(state.cursor, Math.max(0, total - 1)), state.offset, bodyH);
}

function moveTo(state: ArchiveUiState, to: number, ctx: Pick<ArchiveKeyContext, 'total' | 'bodyH'>): ArchiveUiState {
  const cursor = Math.max(0, Math.min(ctx.total - 1, to));
  // The cursor moves on the screen by as many rows as in the list, the screen scrolling only at its edges
  // (as in the folder dashboard); the offset it had kept it on one screen line while the rows scrolled under it.
  const shown = archiveWindow(state, ctx.total, ctx.bodyH);
  const offset = clamp(shown.cursor - shown.top + (Math.max(0, cursor) - shown.cursor), 0, Math.max(0, ctx.bodyH - 1));
  const win = windowFor(ctx.total, Math.max(0, cursor), offset, ctx.bodyH);
  return unselected({ ...state, cursor: Math.max(0, cursor), offset: Math.max(0, cursor - win.top), scroll: 0 });
}

/** The state with the cursor on row `index` of a list of `total` (a jump the archive found: `'`). */
export function cursorAt(state: ArchiveUiState, index: number, total: number, bodyH: number): ArchiveUiState {
  return moveTo(state, index, { total, bodyH });
}

const MOVES: Partial<Record<Action, (state: ArchiveUiState, ctx: ArchiveKeyContext) => number>> = {
  up: (s) => s.cursor - 1,
  down: (s) => s.cursor + 1,
  pageUp: (s, c) => s.cursor - c.bodyH,
  pageDown: (s, c) => s.cursor + c.bodyH,
  top: () => 0,
  bottom: (_s, c) => c.total - 1,
};

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}

/**
 * The query bar opened (`/`): over the list or details, or over a view (`overView`: T, h), which stays
 * drawn under it; either way `[` later comes back to where the reader was, without the view.
 */
export function editQuery(state: ArchiveUiState, ctx: Pick<ArchiveKeyContext, 'current' | 'total'>, overView: boolean): ArchiveUiState {
  const here = { current: ctx.current ?? null, total: ctx.total };
  return {
    ...state,
    ...(overView ? openOver(state, 'query') : { mode: 'query' as const }),
    draft: state.queryText,
    caret: state.queryText.length,
    queryError: null,
    historyCursor: { index: -1, typed: '' },
    nav: { ...state.nav, editFrom: overView ? archivePlaceOf(state, here) : archivePlace(state, here) },
  };
}

/** The next state for a key, and what the component must do. */
export function archiveKey(state: ArchiveUiState, input: string, key: Key, ctx: ArchiveKeyContext): KeyResult {
  const mode = state.mode;
  const action = actionFor(mode, input, key);
  const now = { ...state, status: '' };
  if (action === 'forceQuit') return { state, command: { kind: 'quit' } };
  // The download dialog reads its own keys (useArchiveDownload.tsx).
  if (mode === 'export') return { state };
  if (mode === 'query') {
    const fresh = { index: -1, typed: '' };
    // Back to the view the bar was opened over (T, h), which counts the applied query again (ArchiveApp apply), else the list.
    const closed = state.under.length > 0 ? closeBack(state, 'list') : { mode: 'list' as const, under: [] };
    if (action === 'applyQuery') {
      const from = state.nav.editFrom;
      return { state: { ...now, ...closed, historyCursor: fresh }, command: { kind: 'apply', text: state.draft, ...(from ? { from } : {}) } };
    }
    if (action === 'cancelQuery') return { state: { ...now, ...closed, draft: state.queryText, caret: state.queryText.length, queryError: null, historyCursor: fresh } };
    // The same walk as the in-memory dashboard's (its help and the [ message point here for earlier queries).
    if (action === 'historyPrev' || action === 'historyNext') {
      const walked = walkHistory(ctx.history ?? [], state.historyCursor, state.draft, action === 'historyPrev' ? -1 : 1);
      return { state: walked ? { ...state, draft: walked.draft, caret: walked.draft.length, historyCursor: walked.cursor } : state };
    }
    const edited = editLine({ text: state.draft, caret: state.caret }, input, key);
    return { state: edited ? { ...state, draft: edited.text, caret: edited.caret, historyCursor: fresh } : state };
  }
  // `[`, `]`, pivots and the details' selection; a pick waiting for its letter takes any key (q cancels it, as in App).
  const navigated = mode === 'list' || mode === 'detail' ? archiveNavKey(state, action, input, key, ctx) : null;
  if (navigated) return navigated;
  if (action === 'quit') return { state, command: { kind: 'quit' } };
  if (action === 'help') {
    return { state: mode === 'help' ? { ...now, ...closeBack(state, 'list'), scroll: 0 } : { ...now, ...openOver(state, 'help'), scroll: ctx.helpScroll?.(mode) ?? 0 } };
  }
  if (mode === 'help' || mode === 'json' || mode === 'badfiles') {
    if (action === 'back' || (mode === 'json' && action === 'json') || (mode === 'badfiles' && action === 'badFiles')) return { state: { ...now, ...closeBack(state, 'list'), scroll: 0 } };
    if (mode === 'json' && action === 'copy') return { state, command: { kind: 'copy' } };
    const scrolls: Partial<Record<Action, number>> = { up: -1, down: 1, pageUp: -(ctx.mainH - 2), pageDown: ctx.mainH - 2 };
    if (action === 'top' || action === 'bottom') return { state: { ...state, scroll: action === 'top' ? 0 : ctx.scrollLimit } };
    const by = action ? scrolls[action] : undefined;
    return { state: by === undefined ? state : { ...state, scroll: clamp(state.scroll + by, 0, ctx.scrollLimit) } };
  }
  const principalCtx = { rowActor: ctx.rowActor ?? '', topValues: ctx.topValues, mainH: ctx.mainH, current: ctx.current ?? null, total: ctx.total, ...(ctx.principalLines ? { principalLines: ctx.principalLines } : {}) };
  if (mode === 'principal') return principalKey(state, action, principalCtx);
  if (mode === 'columns') return columnsKey(state, action, input);
  // `/` over T and h: the bar opens over the view, which counts the query again once Enter applies it.
  if ((mode === 'top' || mode === 'histogram') && action === 'editQuery') return { state: editQuery(now, ctx, true) };
  if (mode === 'top') {
    if (action === 'principal') return openPrincipal(state, principalCtx);
    const last = Math.max(0, ctx.topValues.length - 1);
    const page = Math.max(1, ctx.mainH - 5);
    const moves: Partial<Record<Action, number>> = { up: state.topIndex - 1, down: state.topIndex + 1, pageUp: state.topIndex - page, pageDown: state.topIndex + page, top: 0, bottom: last };
    const to = action ? moves[action] : undefined;
    if (to !== undefined) return { state: { ...state, topIndex: clamp(to, 0, last) } };
    if (action === 'nextTopField' || action === 'prevTopField') {
      const fields = TOP_FIELDS.length;
      return { state: { ...now, topIndex: 0, topField: (state.topField + (action === 'nextTopField' ? 1 : fields - 1)) % fields }, command: { kind: 'top' } };
    }
    if (action === 'back' || action === 'topValues') return { state: { ...now, ...closeBack(state, 'list') } };
    const ops: Partial<Record<Action, PivotOp>> = { topFilter: 'replace', pivotReplace: 'replace', pivotAdd: 'add', pivotExclude: 'exclude' };
    const op = action ? ops[action] : undefined;
    if (op) {
      const value = ctx.topValues[state.topIndex];
      if (!value) return { state: { ...now, status: 'No value to filter by' } };
      const term = { field: TOP_FIELDS[state.topField]!.queryField, value: value.value };
      const text = pivotQuery(state.queryText, term, op);
      if (op === 'exclude') {
        // The view stays open on what is left, as on the folder dashboard: a step `[` undoes, not a list Esc goes back from.
        return { state: { ...now, draft: text, caret: text.length, status: describePivot(term, op) }, command: { kind: 'apply', text, from: archivePlaceOf(state, ctx) } };
      }
      return { state: { ...now, mode: 'list', draft: text, caret: text.length, status: describePivot(term, op, 'Esc goes back') }, command: { kind: 'apply', text, from: archivePlace(state, ctx) } };
    }
    return { state };
  }
  if (mode === 'histogram') {
    const last = Math.max(0, ctx.buckets.length - 1);
    const at = clamp(state.bucketIndex, 0, last);
    const moves: Partial<Record<Action, number>> = { up: at - 1, down: at + 1, pageUp: at - (ctx.mainH - 3), pageDown: at + (ctx.mainH - 3), top: 0, bottom: last };
    const to = action ? moves[action] : undefined;
    if (to !== undefined) return { state: { ...state, bucketIndex: clamp(to, 0, last) } };
    const spanned = spanKey(state, action, ctx.buckets, at, ctx) ?? stackKey(state, action, ctx.buckets[at]);
    if (spanned) return spanned;
    if (action === 'back' || action === 'histogram') return { state: { ...now, ...closeBack(state, 'list') } };
    if (action === 'zoomIn' || action === 'zoomOut') {
      const size = clamp(state.bucketSize + (action === 'zoomIn' ? -1 : 1), 0, ctx.bucketSizes - 1);
      if (size === state.bucketSize) return { state: { ...state, status: action === 'zoomIn' ? 'These are the smallest buckets' : 'These are the largest buckets (a month)' } };
      const bucket = ctx.buckets[at];
      // As the folder's zoom (histogramModel.ts): in, the first smaller bucket inside this one with events (without
      // a span, which keeps the time it covers); out, the larger bucket holding this one's start (a week that runs
      // into the next month stays in the month it began in).
      let keep: ZoomKeep | undefined = bucket && (action === 'zoomIn' ? { start: bucket.start, end: bucket.end, withEvents: state.spanAnchor === null } : { start: bucket.start, end: bucket.start + 1 });
      let spanAnchor = state.spanAnchor;
      // Zoomed in, a span (v) keeps the time it covers, as the folder's does: its later end moves to the last
      // smaller bucket of its old bucket (the anchor to a time in it, the cursor by `keep`), not the first.
      const anchored = spanAnchor === null ? undefined : ctx.buckets.find((b) => b.start <= spanAnchor! && spanAnchor! < b.end);
      if (action === 'zoomIn' && bucket && anchored) {
        if (anchored.start >= bucket.start) spanAnchor = anchored.end - 1;
        else keep = { start: bucket.end - 1, end: bucket.end };
      }
      return { state: { ...now, bucketSize: size, bucketIndex: -1, bucketZoomed: true, spanAnchor }, command: keep ? { kind: 'histogram', keep } : { kind: 'histogram' } };
    }
    if (action === 'applySpan') {
      const bucket = ctx.buckets[at];
      if (!bucket) return { state };
      const none = nothingToList(bucket.count, false);
      if (none) return { state: { ...now, status: none } };
      const text = spanQuery(state.queryText, bucket.start, bucket.end);
      return { state: { ...now, mode: 'list', draft: text, caret: text.length }, command: { kind: 'apply', text, from: archivePlace(state, ctx) } };
    }
    return { state };
  }
  // list and detail
  const move = action ? MOVES[action] : undefined;
  if (move && !(mode === 'detail' && (action === 'pageUp' || action === 'pageDown'))) {
    return { state: moveTo(now, move(state, ctx), ctx) };
  }
  if (mode === 'detail' && (action === 'pageUp' || action === 'pageDown')) {
    const by = action === 'pageDown' ? ctx.mainH - 2 : -(ctx.mainH - 2);
    if (!ctx.detailLayout) return { state: { ...state, scroll: clamp(state.scroll + by, 0, ctx.scrollLimit) } };
    const paged = pageDetail(ctx.detailLayout(state.nav.linkIndex), state.nav.linkIndex, state.scroll, detailBodyHeight(ctx.mainH), by);
    return { state: { ...state, scroll: paged.scroll, nav: paged.linkIndex === state.nav.linkIndex ? state.nav : { ...state.nav, linkIndex: paged.linkIndex } } };
  }
  switch (action) {
    case 'open':
      if (mode === 'detail') return { state: { ...now, mode: 'list', scroll: 0 } };
      return { state: ctx.total > 0 ? unselected({ ...now, mode: 'detail', scroll: 0 }) : { ...now, status: 'No event to open' } };
    case 'back':
      return { state: { ...now, mode: 'list', scroll: 0 } };
    case 'editQuery':
      return { state: editQuery(now, ctx, false) };
    case 'json':
      return { state: ctx.total > 0 ? { ...now, ...openOver(state, 'json'), scroll: 0 } : state };
    case 'toggleTime':
      return { state: { ...now, zone: state.zone === 'utc' ? 'local' : 'utc' } };
    case 'toggleOrder':
      // Said as the folder dashboard says it: at 80 columns the header has no room for the order.
      return {
        state: { ...now, order: state.order === 'newest' ? 'oldest' : 'newest', status: state.order === 'newest' ? 'Oldest first (o: newest first)' : 'Newest first (o: oldest first)' },
        command: { kind: 'order' },
      };
    case 'topValues':
      return { state: { ...now, ...openOver(state, 'top'), ...openedAnew(state, 'top') }, command: { kind: 'top' } };
    case 'histogram': {
      // As openedAnew says for every view: the split and a zoomed size kept, on the bucket of the list cursor's event.
      const at = ctx.current?.row.time;
      const fresh = { ...now, ...openOver(state, 'histogram'), bucketIndex: -1, spanAnchor: null, bucketSize: state.bucketZoomed ? state.bucketSize : -1 };
      return { state: fresh, command: at !== undefined && Number.isFinite(at) ? { kind: 'histogram', keep: { start: at, end: at + 1 } } : { kind: 'histogram' } };
    }
    case 'mark':
      return { state: now, command: { kind: 'mark' } };
    case 'nextMark':
      return { state: now, command: { kind: 'nextMark' } };
    case 'export':
      // No list yet (its first query runs or failed) is no list to download, nor is an empty one.
      return { state: ctx.total > 0 ? { ...now, ...openOver(state, 'export') } : { ...now, status: 'No event to download' } };
    case 'principal': {
      // In the details, the selected value when it is a user, role, session, ARN or key (the folder dashboard's p).
      const selected = mode === 'detail' && ctx.current ? buildDetail(ctx.current.row, state.zone, ctx.chain ?? { status: 'none' }).links[state.nav.linkIndex]?.pivot : undefined;
      return openPrincipal(state, principalCtx, selected);
    }
    case 'columnChooser':
      return openColumns(state);
    case 'findings':
      // The view (ui/findings/) reads its own keys until it closes (ArchiveApp).
      return { state: { ...now, ...openOver(state, 'findings'), ...openedAnew(state, 'findings') } };
    case 'insights':
      // The Insights view (ArchiveInsights) reads its own keys too.
      return { state: { ...now, ...openOver(state, 'insights'), ...openedAnew(state, 'insights') } };
    case 'badFiles':
      // The archive's own list (imported_files, and the followed folder's): scan --db cannot open an archive a follow holds.
      return { state: { ...now, ...openOver(state, 'badfiles'), scroll: 0 }, command: { kind: 'badFiles' } };
    case 'follow': {
      // The newest end of the list; a refresh after each import keeps the cursor there (archiveRefresh.ts) until it moves.
      const newest = moveTo(now, state.order === 'newest' ? 0 : ctx.total - 1, ctx);
      const nothingNew = ctx.followed ? (ctx.followEnded ?? null) : NOTHING_NEW;
      return { state: nothingNew === null ? newest : { ...newest, status: nothingNew } };
    }
    default:
      return { state };
  }
}

export interface ArchiveHeadlineParts {
  /** The list's count as shown ('…' while it is counted). */
  count: string;
  noun: string;
  /** The cursor's row, from 1; 0 for none. */
  row: number;
  order: Order;
  /** `following` or `paused` on a followed archive (the folder dashboard's words), else ''. */
  follow?: string;
  /** Bad files of the imports. */
  bad: number;
  /** Files the imports skipped (not CloudTrail events): counted as the folder dashboard's header counts them, so `b` is known to hold something. */
  skipped?: number;
  /** Conflicting duplicates the imports met (same eventID, different content): first, as on the folder dashboard. */
  conflicts?: number;
  /** The archive's path, sanitised. */
  path: string;
  width: number;
  /** The findings' counts by level, long to short (findingsHeaderForms); none: nothing fired or not run yet. */
  findings?: readonly string[];
}

/**
 * The --db dashboard's first line: `trailtop · 668 events · row 1 · newest first · following · ! 2 bad files (b) · archive PATH`.
 * The counts first; the path gives way (cut from its start), then on a narrow terminal `following`, the order,
 * the name, the row and the word `files`, so the bad files' count, which says data is missing, stays.
 */
export function archiveHeadline({ count, noun, row, order, follow = '', bad, skipped = 0, conflicts = 0, path, width, findings = [] }: ArchiveHeadlineParts): string {
  const parts = {
    brand: 'trailtop',
    count: `${count} ${noun}`,
    row: row > 0 ? `row ${formatCount(row)}` : '',
    order: `${order === 'newest' ? 'newest' : 'oldest'} first`,
    follow,
    conflicts: conflicts > 0 ? `${formatCount(conflicts)} conflicting duplicate${conflicts === 1 ? '' : 's'}` : '',
    bad: bad > 0 ? `${formatCount(bad)} bad file${bad === 1 ? '' : 's'}` : '',
    skipped: skipped > 0 ? `${formatCount(skipped)} skipped` : '',
    findings: findings[0] ?? '',
    archive: 'archive',
  };
  // One `(b)` after the problems, as the folder dashboard's `! 1 conflicting duplicate · 1 bad file · 2 skipped (b)`;
  // `!` only when something is wrong (skipped files are not).
  const problems = (): string => {
    const said = [parts.conflicts, parts.bad, parts.skipped].filter(Boolean).join(own(' · '));
    return said ? `${parts.conflicts || parts.bad ? '! ' : ''}${said} (b)` : '';
  };
  const figures = (): string => [parts.brand, parts.count, parts.row, parts.order, parts.follow, parts.findings, problems(), parts.archive].filter(Boolean).join(own(' · '));
  // The findings' shorter forms, as the folder dashboard's header gives them up.
  const shorterFindings = findings.slice(1).map((form) => (p: typeof parts) => (p.findings = form));
  shortenToFit(
    parts,
    [
      // 'following' first, as in the folder dashboard's header (paused is still said).
      (p) => (p.follow = p.follow === 'following' ? '' : p.follow),
      (p) => (p.order = ''),
      // `1 dup` says as much to a reader who knows b, and keeps the counts after it on the line.
      (p) => (p.conflicts = p.conflicts.replace(/ conflicting duplicate(s?)$/, ' dup$1')),
      // Skipped files lose nothing the logs hold: they give way before the bad files' count, as on the folder dashboard.
      (p) => (p.skipped = ''),
      (p) => (p.archive = ''),
      ...shorterFindings.slice(0, 1),
      (p) => (p.brand = ''),
      (p) => (p.follow = ''),
      ...shorterFindings.slice(1),
      (p) => (p.bad = p.bad.replace(/ files?$/, '')),
      (p) => (p.row = ''),
    ],
    () => displayWidth(figures()) + 1 <= width,
  );
  // Too little room for a recognisable end of the path: none of it, rather than 'archive ……' cut twice.
  const pathRoom = width - displayWidth(figures()) - 1;
  return parts.archive && pathRoom >= 5 ? `${figures()} ${truncateStart(path, pathRoom)}` : figures();
}

/** The time a zoom keeps the cursor on: the buckets inside [start, end), the first with events if `withEvents`. */
export interface ZoomKeep {
  start: number;
  end: number;
  /**
   * Zooming in (no span): the first smaller bucket with events, as the folder's zoom does (histogramModel.ts):
   * a week zoomed to days landed on its empty Monday, and on down to 1 h the burst left the screen.
   */
  withEvents?: boolean;
}

/**
 * After a zoom, the bucket the cursor stays on: the first of the new buckets inside the one selected before
 * (zooming in; with `withEvents`, the first of them with events), else the one holding its start (zooming
 * out); -1 (the newest) when neither is there.
 */
export function bucketAfterZoom(buckets: readonly { start: number; count?: number }[], keep: ZoomKeep): number {
  let holding = -1;
  for (let i = 0; i < buckets.length; i++) {
    const start = buckets[i]!.start;
    if (start >= keep.start) {
      if (start >= keep.end) return holding;
      if (!keep.withEvents) return i;
      const busy = buckets.findIndex((b, k) => k >= i && b.start < keep.end && (b.count ?? 0) > 0);
      return busy >= 0 ? busy : i;
    }
    holding = i;
  }
  return holding;
}
