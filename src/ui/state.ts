/**
 * The dashboard's UI state and its reducer: plain data, no Ink, testable alone.
 * Rows are passed into the actions that need them so the reducer stays pure.
 */
import type { EventRow } from '../model/types.js';
import type { QueryError } from '../query/index.js';
import type { TimeZoneMode } from './format.js';
import type { Mode } from './keys.js';
import { cursorIndex, newestIndex, type ListOrder } from './listModel.js';
import type { PivotPick } from './investigate/pivotPick.js';
import type { PivotTerm } from '../investigate/pivot.js';
import { drilledFrom, keptIn, placeLeft, placeOf, pushPlace, stepBack, stepForward, walkHistory, type HistoryCursor, type QueryPlace } from './investigate/queryStack.js';
import type { StatusMessage } from './statusMessage.js';
import { chooserEntries, chosenColumns } from './investigate/columnChoice.js';
import { closeBack, grounded, openOver, reopen } from './viewStack.js';
import { openedAnew, type KeptViews } from './keptViews.js';

export interface UiState {
  mode: Mode;
  /** Where Esc goes back to from the views: the views under this one, nearest last (viewStack.ts). */
  under: readonly Mode[];
  /** Query bar text being edited, and the caret position in it. */
  draft: string;
  caret: number;
  /** The applied query when `/` was pressed (Esc restores it). */
  queryAtEdit: string;
  /** The query text currently applied to the list (always valid). */
  queryText: string;
  /** Parse error of the draft; the last valid query stays applied meanwhile. */
  queryError: QueryError | null;
  /** The row the cursor is on, tracked by identity. */
  anchor: EventRow | null;
  /** Cursor pinned to the newest row; new events appear above and the cursor stays on top. */
  follow: boolean;
  /** The cursor's distance from the top of the window. */
  offset: number;
  /** The newest row when the user scrolled away, for the "N new" marker. */
  newestWhenLeft: EventRow | null;
  zone: TimeZoneMode;
  /** The event the detail panel shows (pinned: new arrivals do not change it). */
  detailRow: EventRow | null;
  /** The event the JSON view shows. */
  jsonRow: EventRow | null;
  /** Selected link in the detail panel; -1 until Tab or an arrow picks one. */
  linkIndex: number;
  /** Scroll position of the json, help and badfiles views. */
  scroll: number;
  status: StatusMessage;
  /** When the status message was set (ms since epoch; 0 for none). */
  statusAt: number;
  /** Work that goes on out of sight, for the header (a hidden download's `↓ 42% (d)`); '' when none. */
  activity: string;
  /** Earlier queries and cursor places (`[` goes back), oldest first; see investigate/queryStack.ts. */
  past: readonly FolderPlace[];
  /** Places gone back from (`]` goes forward), nearest last. */
  future: readonly FolderPlace[];
  /** Where the reader was when `/` was pressed: pushed on `past` when the edit changes the query. */
  editFrom: FolderPlace | null;
  /** Up/Down in the query bar: the position in the saved query history. */
  historyCursor: HistoryCursor;
  /** `=`, `+` or `-` in the list waits for the letter of the field to pivot on; null otherwise. */
  pivotPick: PivotPick | null;
  /**
   * A pivot made from this event (in the list or its details), until the new query's rows have come (App's
   * landing check): their newest is where the `▲ N new` count starts, and the details, when open on it,
   * stay open if the rows hold it, else close; null otherwise.
   */
  pivotedFrom: EventRow | null;
  /** The list's order (`o`): newest first, or oldest first; the rows passed to `move` are in this order. */
  order: ListOrder;
  /** The top values view (`T`): its field (index into TOP_FIELDS) and selected line. */
  topField: number;
  topIndex: number;
  /** The principal summary (`p`): whose, and the selected line. */
  principal: PivotTerm | null;
  principalIndex: number;
  /** What was chosen in the views that read their own keys (histogram, findings, Insights): keptViews.ts. */
  viewsKept: KeptViews;
  /** The column chooser's selected entry. */
  columnIndex: number;
  /**
   * The list's columns (`C`): ids in order, null for the default set. Kept here rather than in
   * React state so a burst of keys (`K K K` in one read) each moves the column the one before moved.
   */
  columnIds: readonly string[] | null;
  /** `q` was pressed while work runs (a download): the status line asks whether to cancel it and quit. */
  quitAsked: boolean;
}

/** What the reader chose in the views over the list: a place a query left them from keeps it, for Esc back into them. */
export type ViewChoices = Pick<UiState, 'topField' | 'topIndex' | 'principal' | 'principalIndex' | 'viewsKept'>;

export type FolderPlace = QueryPlace<EventRow, Mode, EventRow, ViewChoices>;

function choicesOf({ topField, topIndex, principal, principalIndex, viewsKept }: UiState): ViewChoices {
  return { topField, topIndex, principal, principalIndex, viewsKept };
}

export function initialState(queryText = '', columnIds: readonly string[] | null = null): UiState {
  return {
    mode: 'list',
    under: [],
    draft: queryText,
    caret: queryText.length,
    queryAtEdit: queryText,
    queryText,
    queryError: null,
    anchor: null,
    follow: true,
    offset: 0,
    newestWhenLeft: null,
    zone: 'utc',
    detailRow: null,
    jsonRow: null,
    linkIndex: -1,
    scroll: 0,
    status: '',
    statusAt: 0,
    activity: '',
    past: [],
    future: [],
    editFrom: null,
    historyCursor: { index: -1, typed: '' },
    pivotPick: null,
    pivotedFrom: null,
    order: 'newest',
    topField: 0,
    topIndex: 0,
    principal: null,
    principalIndex: -1,
    viewsKept: {},
    columnIndex: 0,
    columnIds,
    quitAsked: false,
  };
}

export type UiAction =
  | { type: 'move'; rows: readonly EventRow[]; to: number; height: number }
  | { type: 'followNewest' }
  | { type: 'openDetail'; row: EventRow }
  /** Opens another event's details from these (a session chain link), as a step `[` comes back from. */
  | { type: 'visitDetail'; row: EventRow }
  | { type: 'openJson'; row: EventRow }
  | { type: 'openOverlay'; mode: Mode }
  | { type: 'back' }
  | { type: 'editQuery' }
  | { type: 'draft'; text: string; caret: number }
  | { type: 'queryValid'; text: string }
  | { type: 'queryInvalid'; error: QueryError }
  | { type: 'applyQuery'; text: string }
  | { type: 'cancelQuery' }
  /**
   * A new applied query. `keepView`: the view on screen stays open over it (top values' exclude); else
   * the list shows it. `from`: the event a pivot was made from: the cursor stays on it (on the row that
   * takes its place when the query leaves it out), and the details stay open on it when they were.
   */
  | { type: 'setQuery'; text: string; keepView?: boolean; from?: EventRow }
  /** The rows of the query a pivot set have come: whether they hold its event (pivotedFrom), and their newest. */
  | { type: 'pivotLanded'; present: boolean; newest: EventRow | null }
  | { type: 'toggleZone' }
  | { type: 'link'; index: number }
  | { type: 'scroll'; to: number }
  | { type: 'status'; text: StatusMessage }
  | { type: 'activity'; text: string }
  | { type: 'toggleOrder' }
  | { type: 'queryBack' }
  | { type: 'queryForward' }
  | { type: 'historyWalk'; history: readonly string[]; step: -1 | 1 }
  | { type: 'pivotPick'; pick: PivotPick | null }
  /** A view that reads its own keys changed what is chosen in it (keptViews.ts). */
  | { type: 'keepView'; change: KeptViews }
  | { type: 'top'; field?: number; index?: number }
  | { type: 'principal'; term?: PivotTerm; index: number }
  | { type: 'columnIndex'; index: number }
  /** A new column choice; the chooser's selection follows the column `select` to its new place. */
  | { type: 'columns'; ids: readonly string[] | null; select: string }
  | { type: 'askQuit'; ask: boolean };

function withQuery(state: UiState, text: string): UiState {
  if (text === state.queryText) return { ...state, queryError: null };
  // A new query starts at its newest match.
  return { ...state, queryText: text, queryError: null, follow: true, anchor: null, offset: 0, newestWhenLeft: null, pivotedFrom: null };
}

/** The views with nothing under them: Esc there goes to no earlier view. */
const GROUND: readonly Mode[] = ['list', 'detail'];

/**
 * Esc in the list: when the list came from a view (T, p, i, h or ! and Enter), back to it as `[`
 * goes back (the query before, the details under it if it was opened from them), with the view
 * open again over them as it was left (its line, span ...). Any other list: nothing (the same state: no frame is drawn).
 */
function drillBack(state: UiState, now: number): UiState {
  const views = drilledFrom(state.mode, state.past);
  if (views.length === 0) return state;
  const kept = keptIn(state.mode, state.past);
  const back = reduceAction(state, { type: 'queryBack' }, now);
  return { ...back, ...kept, ...reopen(back.mode, views), scroll: 0 };
}

/** Where the query bar goes on Enter or Esc: back to the view it was opened over, else the list. */
function queryClosed(state: UiState): Pick<UiState, 'mode' | 'under'> {
  return state.under.length > 0 ? closeBack(state, 'list') : { mode: 'list', under: [] };
}

/** A status message older than this goes when the view or the query changes (a newer one came with the change). */
export const STATUS_KEPT_MS = 500;

/**
 * The next state. A new view or a new query clears a status message that
 * was not set as part of that same step (within STATUS_KEPT_MS), so an old
 * "Copied …" or "Select a resource link first" does not hide the new view's hints.
 */
export function reducer(state: UiState, action: UiAction, now = Date.now()): UiState {
  const next = grounded(reduceAction(state, action, now), GROUND);
  if (next === state || next.status === '' || next.status !== state.status) return next;
  if (next.mode === state.mode && next.queryText === state.queryText) return next;
  return now - next.statusAt >= STATUS_KEPT_MS ? { ...next, status: '', statusAt: 0 } : next;
}

function reduceAction(state: UiState, action: UiAction, now: number): UiState {
  switch (action.type) {
    case 'move': {
      const { rows, height } = action;
      if (rows.length === 0) return state;
      const from = cursorIndex(rows, state.anchor, state.follow, state.order);
      const to = Math.max(0, Math.min(rows.length - 1, action.to));
      const newest = newestIndex(rows.length, state.order);
      const follow = to === newest;
      const offset = Math.max(0, Math.min(Math.max(0, height - 1), Math.min(state.offset, from) + (to - from)));
      let newestWhenLeft = state.newestWhenLeft;
      if (follow) newestWhenLeft = null;
      else if (state.follow || !newestWhenLeft) newestWhenLeft = rows[newest]!;
      const moved = to !== from;
      // In the detail panel the arrows step through events, and the panel follows.
      const detailRow = state.mode === 'detail' && moved ? rows[to]! : state.detailRow;
      return {
        ...state,
        anchor: rows[to]!,
        follow,
        offset,
        newestWhenLeft,
        detailRow,
        linkIndex: moved ? -1 : state.linkIndex,
        scroll: moved && state.mode === 'detail' ? 0 : state.scroll,
      };
    }
    case 'followNewest':
      return { ...state, follow: true, anchor: null, offset: 0, newestWhenLeft: null, linkIndex: -1 };
    case 'openDetail':
      // Reading an event pauses follow, so arrivals do not pull the cursor away from it.
      return {
        ...state,
        mode: 'detail',
        detailRow: action.row,
        linkIndex: -1,
        scroll: 0,
        anchor: action.row,
        follow: false,
        newestWhenLeft: state.follow ? action.row : state.newestWhenLeft,
      };
    case 'visitDetail':
      return pushPlace(reduceAction(state, { type: 'openDetail', row: action.row }, now), placeOf(state));
    case 'openJson':
      return { ...state, ...openOver(state, 'json'), jsonRow: action.row, scroll: 0 };
    case 'openOverlay':
      return { ...state, ...openOver(state, action.mode), scroll: 0, ...openedAnew(state, action.mode) };
    case 'back': {
      if (state.mode === 'list') return drillBack(state, now);
      if (state.mode !== 'detail') return { ...state, ...closeBack(state, 'list'), scroll: 0 };
      // Closing the details of the event that was newest when they opened, without
      // having moved: the reader was following, so follow again (new events show at the top).
      if (state.anchor !== null && state.anchor === state.newestWhenLeft) {
        return { ...state, mode: 'list', scroll: 0, follow: true, anchor: null, offset: 0, newestWhenLeft: null, linkIndex: -1 };
      }
      return { ...state, mode: 'list', scroll: 0 };
    }
    case 'editQuery':
      return {
        ...state,
        // Over a view (T, h, !, i: keys.ts QUERY_VIEWS) the bar opens on top of it, which stays drawn and counts
        // the drafts' events; Enter or Esc closes back to it (queryClosed). From the list or details: the list.
        ...(GROUND.includes(state.mode) ? { mode: 'query' as const } : openOver(state, 'query')),
        draft: state.queryText,
        caret: state.queryText.length,
        queryAtEdit: state.queryText,
        queryError: null,
        editFrom: placeOf(state),
        historyCursor: { index: -1, typed: '' },
      };
    case 'draft':
      return { ...state, draft: action.text, caret: action.caret, historyCursor: { index: -1, typed: '' } };
    case 'queryValid':
      return withQuery(state, action.text);
    case 'queryInvalid':
      return { ...state, queryError: action.error };
    case 'applyQuery': {
      const applied = { ...withQuery(state, action.text), ...queryClosed(state), editFrom: null };
      return state.editFrom && action.text !== state.editFrom.text ? pushPlace(applied, state.editFrom) : applied;
    }
    case 'cancelQuery': {
      const cancelled = { ...withQuery(state, state.queryAtEdit), ...queryClosed(state), draft: state.queryAtEdit, caret: state.queryAtEdit.length, editFrom: null };
      // Back where the reader was before `/`, cursor and `▲ N new` included (the drafts applied while typing cleared the count).
      const from = state.editFrom;
      return from && from.text === state.queryAtEdit
        ? { ...cancelled, anchor: from.anchor, follow: from.follow, offset: from.offset, newestWhenLeft: from.follow ? null : from.newestWhenLeft }
        : cancelled;
    }
    case 'setQuery': {
      const set = { ...withQuery(state, action.text), mode: action.keepView ? state.mode : ('list' as const), draft: action.text, caret: action.text.length, pivotedFrom: null };
      // A pivot that leaves the query as it was (its term already there) leaves the view as it was too.
      if (action.text === state.queryText) return action.from ? { ...set, mode: state.mode } : set;
      // Leaving a view for the list (T's Enter): Esc in that list goes back into the view (drillBack).
      const pushed = pushPlace(set, set.mode === 'list' ? placeLeft(state, GROUND, choicesOf(state)) : placeOf(state));
      if (!action.from) return pushed;
      // As `[` keeps its event, by identity: the cursor finds it (or the row in its place) in the new rows.
      // Not following; the "new" count starts from the new rows' newest once they come (pivotLanded).
      const kept = { ...pushed, anchor: action.from, follow: false, offset: state.offset, newestWhenLeft: null, pivotedFrom: action.from };
      if (state.mode !== 'detail' || state.detailRow !== action.from) return kept;
      return { ...kept, mode: 'detail' as const };
    }
    case 'pivotLanded': {
      if (!state.pivotedFrom) return state;
      // What arrives from now on counts, as on the --db dashboard (the first move took the newest row then
      // as the marker, and what had come meanwhile was never counted).
      const newestWhenLeft = state.follow || state.newestWhenLeft ? state.newestWhenLeft : action.newest;
      const landed = { ...state, pivotedFrom: null, newestWhenLeft };
      // Its event left out (`-` on one of its values): back to the list, the cursor on the row in its place.
      return action.present || landed.mode !== 'detail' ? landed : { ...landed, mode: 'list', scroll: 0, linkIndex: -1 };
    }
    case 'queryBack':
    case 'queryForward': {
      const step = action.type === 'queryBack' ? stepBack(state) : stepForward(state);
      if (!step) return { ...state, status: action.type === 'queryBack' ? 'No earlier query ([)' : 'No later query (])' };
      const { state: moved, place } = step;
      const restored = { ...moved, draft: moved.queryText, caret: moved.queryText.length, queryError: null };
      // Back where the reader was: in the details the query changed from (a pivot or `r` there), else the list.
      // The place's own "new" marker: the cursor's row as the marker counted every row above it as new.
      const newestWhenLeft = moved.follow ? null : place.newestWhenLeft;
      if (place.detail) {
        const { row, linkIndex, scroll } = place.detail;
        return { ...restored, mode: 'detail', detailRow: row, linkIndex, scroll, newestWhenLeft };
      }
      return { ...restored, mode: state.mode === 'detail' ? 'list' : state.mode, newestWhenLeft };
    }
    case 'top':
      return { ...state, topField: action.field ?? state.topField, topIndex: Math.max(0, action.index ?? (action.field !== undefined ? 0 : state.topIndex)) };
    case 'columnIndex':
      return { ...state, columnIndex: Math.max(0, action.index) };
    case 'columns': {
      const at = chooserEntries(chosenColumns(action.ids)).findIndex((e) => e.def.id === action.select);
      return { ...state, columnIds: action.ids, columnIndex: Math.max(0, at) };
    }
    case 'askQuit':
      return action.ask === state.quitAsked ? state : { ...state, quitAsked: action.ask };
    case 'principal':
      if (action.term) return { ...state, ...(state.mode === 'principal' ? {} : openOver(state, 'principal')), principal: action.term, principalIndex: action.index, scroll: 0 };
      return { ...state, principalIndex: action.index };
    case 'pivotPick':
      return { ...state, pivotPick: action.pick };
    case 'keepView':
      return { ...state, viewsKept: { ...state.viewsKept, ...action.change } };
    case 'historyWalk': {
      const walked = walkHistory(action.history, state.historyCursor, state.draft, action.step);
      if (!walked) return state;
      return { ...state, draft: walked.draft, caret: walked.draft.length, historyCursor: walked.cursor };
    }
    case 'toggleOrder':
      // The cursor stays on its event (tracked by identity) at the same distance from the top, so it stays in view.
      return { ...state, order: state.order === 'newest' ? 'oldest' : 'newest' };
    case 'toggleZone':
      return { ...state, zone: state.zone === 'utc' ? 'local' : 'utc' };
    case 'link':
      return { ...state, linkIndex: action.index };
    case 'scroll':
      return { ...state, scroll: Math.max(0, action.to) };
    case 'status':
      return { ...state, status: action.text, statusAt: action.text === '' ? 0 : now };
    case 'activity':
      // Progress reports arrive about ten times a second; an unchanged text draws no frame.
      return action.text === state.activity ? state : { ...state, activity: action.text };
  }
}
