/**
 * The --db dashboard's `[` / `]` and its pivots from the list and the
 * details, with the folder dashboard's own modules: the back/forward stack
 * (investigate/queryStack.ts), the field question after `=`/`+`/`-` in the
 * list (investigate/pivotPick.ts) and the details' values (detailModel.ts).
 * The same event gives the same query text on both dashboards.
 *
 * On an archive the cursor is an index into a keyset-paged list, which a new
 * import or another query moves; a place therefore keeps the cursor's event
 * (ArchivedEvent: its time and arrival), and going back asks the archive for
 * that event's index in the list (the `apply` command's `at`). Plain data, no Ink.
 */
import type { Key } from 'ink';
import type { ArchivedEvent } from '../../archive/query.js';
import { describePivot, pivotQuery, termText, type PivotOp, type PivotTerm } from '../../investigate/pivot.js';
import type { EventRow } from '../../model/types.js';
import { buildDetail, linkCopy, noPivotStatus, resourceQuery } from '../detailModel.js';
import type { ChainState } from '../investigate/chainLines.js';
import type { Action } from '../keys.js';
import { pickMissText, pickTerm, type PivotPick } from '../investigate/pivotPick.js';
import { drilledFrom, keptIn, placeLeft, placeOf, pushPlace, stepBack, stepForward, type QueryPlace, type QueryStackState } from '../investigate/queryStack.js';
import { reopen } from '../viewStack.js';
import type { ArchiveKeyContext, ArchiveMode, ArchiveUiState, KeyResult } from './archiveModel.js';
import { aheadOf, followsNewest, newestEnd } from './archiveRefresh.js';

/**
 * What a place keeps of the header's `▲ N new` (the folder dashboard's places keep the row that was
 * newest when the reader left the newest; an archive's list has no such row at hand): the count, and
 * the events then on the newest side of the cursor's event. Back at the place, any more there now came
 * meanwhile, and count too, as the folder's marker counts them.
 */
export interface ArchiveNewMarker {
  count: number;
  ahead: number;
}

/** Where the cursor is, as a place needs it: its event (null when its page is not read yet) in a list of `total`. */
export type ArchiveHere = Pick<ArchiveKeyContext, 'current' | 'total'>;

/** What the reader chose in the views over the list: a place a query left them from keeps it, for Esc back into them. */
export type ArchiveViewChoices = Pick<
  ArchiveUiState,
  'topField' | 'topIndex' | 'bucketSize' | 'bucketIndex' | 'bucketZoomed' | 'spanAnchor' | 'stack' | 'principal' | 'principalIndex' | 'viewsKept'
>;

export type ArchivePlace = QueryPlace<ArchivedEvent, ArchiveMode, ArchiveNewMarker, ArchiveViewChoices>;

function choicesOf({ topField, topIndex, bucketSize, bucketIndex, bucketZoomed, spanAnchor, stack, principal, principalIndex, viewsKept }: ArchiveUiState): ArchiveViewChoices {
  return { topField, topIndex, bucketSize, bucketIndex, bucketZoomed, spanAnchor, stack, principal, principalIndex, viewsKept };
}

/** The views with nothing under them: Esc there goes to no earlier view (and a query from any other lands on the list). */
export const ARCHIVE_GROUND: readonly ArchiveMode[] = ['list', 'detail'];

/**
 * Where a query's answer puts the reader: the cursor's event (found again in the new list; null: the
 * top), its distance from the top, and the details with their selection when they were open. A place
 * `[`/`]` restores is one; so is the details of the event a chain link opens (`id:` of it, on top).
 */
export interface ArchiveLanding {
  anchor: ArchivedEvent | null;
  offset: number;
  detail: { linkIndex: number; scroll: number } | null;
  /** Esc in a list a view's Enter opened: those views open again over the place (nearest last). */
  reopen?: readonly ArchiveMode[];
  /** A place left on the newest event comes back on the newest (anchor aside), as the folder dashboard follows again. */
  follow?: boolean;
  /** The place's `▲ N new` (null or absent: none, as for a new query). */
  newestWhenLeft?: ArchiveNewMarker | null;
  /** With `reopen`: what was chosen in those views when they were left (T's line, the histogram's buckets ...). */
  kept?: ArchiveViewChoices | undefined;
}

export interface ArchiveNav {
  /** Earlier places, oldest first (`[`). */
  past: readonly ArchivePlace[];
  /** Places gone back from, nearest last (`]`). */
  future: readonly ArchivePlace[];
  /** Where the reader was when `/` was pressed: the place an applied query is a step from. */
  editFrom: ArchivePlace | null;
  /** `=`, `+` or `-` in the list waits for the letter of a field of the row; null otherwise. */
  pick: PivotPick | null;
  /** The details' selected value or link (Tab, arrows); -1 for none. */
  linkIndex: number;
}

export const NO_NAV: ArchiveNav = { past: [], future: [], editFrom: null, pick: null, linkIndex: -1 };

/** The stack's view of the archive's state: the cursor's event is the anchor, and the event the details show. */
function stackView(state: ArchiveUiState, { current = null, total }: ArchiveHere): QueryStackState<ArchivedEvent, ArchiveMode, ArchiveNewMarker, ArchiveViewChoices> {
  // On the newest end, not reading an event: following (archiveRefresh.ts), with nothing counted as new.
  const follow = followsNewest(state, total);
  return {
    queryText: state.queryText,
    anchor: current,
    follow,
    offset: state.offset,
    mode: state.mode,
    // A view opened from the details (T, p) stands on them: a query applied from it comes back to them.
    under: state.under,
    detailRow: current,
    linkIndex: state.nav.linkIndex,
    scroll: state.scroll,
    newestWhenLeft: follow ? null : { count: state.unseen, ahead: aheadOf(state.order, Math.min(state.cursor, Math.max(0, total - 1)), total) },
    past: state.nav.past,
    future: state.nav.future,
  };
}

/**
 * Where the reader is: the query, the cursor's event (null when its page is not read yet) and the details when
 * open; from a view (T, p, h, !, i), the views too, with what was chosen in them: every query applied from one
 * lands on the list, and Esc there goes back into them as they were left (drillBack), as on the folder dashboard.
 */
export function archivePlace(state: ArchiveUiState, here: ArchiveHere): ArchivePlace {
  return placeLeft(stackView(state, here), ARCHIVE_GROUND, choicesOf(state));
}

/** Where the reader is without the views: a query applied under a view that stays open (T's `-`), as the folder's placeOf. */
export function archivePlaceOf(state: ArchiveUiState, here: ArchiveHere): ArchivePlace {
  return placeOf(stackView(state, here));
}

/** `from` pushed on the back stack once the query applied from it has run (forward is cleared). */
export function withPlacePushed(state: ArchiveUiState, from: ArchivePlace): ArchiveUiState {
  // Only the stack is read: no cursor is needed.
  const { past, future } = pushPlace(stackView(state, { current: null, total: 0 }), from);
  return { ...state, nav: { ...state.nav, past, future } };
}

/** The state with no selection in the details (another event, or the list). */
export function unselected(state: ArchiveUiState): ArchiveUiState {
  return state.nav.linkIndex === -1 ? state : { ...state, nav: { ...state.nav, linkIndex: -1 } };
}

const OPS: Partial<Record<Action, PivotOp>> = { pivotReplace: 'replace', pivotAdd: 'add', pivotExclude: 'exclude' };

/**
 * A pivot applied: the new query, said on the status line, a step `[` comes back from. It lands on
 * the event pivoted from, as `[` lands on a place's event: the cursor on it (on the event in its place
 * when the query leaves it out), as far from the top, and in its details when they were open (afterApply).
 */
function pivoted(state: ArchiveUiState, term: PivotTerm, op: PivotOp, current: ArchivedEvent, total: number): KeyResult {
  const text = pivotQuery(state.queryText, term, op);
  const from = archivePlace(state, { current, total });
  const at: ArchiveLanding = { anchor: current, offset: state.offset, detail: from.detail ? { linkIndex: from.detail.linkIndex, scroll: from.detail.scroll } : null };
  return { state: { ...state, draft: text, caret: text.length, status: describePivot(term, op) }, command: { kind: 'apply', text, from, at } };
}

/**
 * Enter on a session chain link: the details of the event behind it (the AssumeRole that issued the
 * key), as a step `[` comes back from. The folder dashboard opens them over the same list; an
 * archive's details show the list's cursor event, so the list becomes that one event (`id:`).
 */
function visitChainLink(state: ArchiveUiState, row: EventRow, current: ArchivedEvent, total: number): KeyResult {
  const text = termText({ field: 'id', value: row.id });
  const at: ArchiveLanding = { anchor: null, offset: 0, detail: { linkIndex: -1, scroll: 0 } };
  return { state, command: { kind: 'apply', text, from: archivePlace(state, { current, total }), at } };
}

/**
 * What a key does to the stack, the pick or the details' selection in the list and the details;
 * null when it is none of those (archiveKey goes on). `current`: the cursor's event, when read, in a
 * list of `total`; `chain`: its session chain as the details show it (its links are selectable there).
 */
export function archiveNavKey(
  state: ArchiveUiState,
  action: Action | null,
  input: string,
  key: Key,
  { current = null, total, chain = { status: 'none' } }: Pick<ArchiveKeyContext, 'current' | 'total' | 'chain'>,
): KeyResult | null {
  const now = { ...state, status: '' };
  const pick = state.nav.pick;
  if (pick) {
    // The letter after `=`, `+` or `-` names the field; any other key cancels, as in the folder dashboard.
    const cleared = { ...now, nav: { ...state.nav, pick: null } };
    const term = key.escape || key.ctrl ? null : pickTerm(pick, input);
    if (!term) return { state: { ...cleared, status: key.escape ? '' : pickMissText(key.ctrl ? '' : input) } };
    if (!current) return { state: { ...cleared, status: 'No event to pivot from (or its page is still being read)' } };
    return pivoted(cleared, term, pick.op, current, total);
  }
  if (action === 'drillBack') {
    const views = drilledFrom(state.mode, state.nav.past);
    // Esc in a list no view opened: nothing, as on the folder dashboard (no query was cleared by it either).
    if (views.length === 0) return { state };
    const step = stepBack(stackView(state, { current, total }))!;
    // `[`, then the views open again over the place it lands on once the archive answers (afterApply).
    const { anchor, offset, detail, follow, newestWhenLeft } = step.place;
    const at: ArchiveLanding = { anchor, offset, detail, follow, newestWhenLeft, reopen: views, kept: keptIn(state.mode, state.nav.past) };
    return { state: { ...now, nav: { ...state.nav, past: step.state.past, future: step.state.future, editFrom: null } }, command: { kind: 'apply', text: step.place.text, at } };
  }
  if (action === 'queryBack' || action === 'queryForward') {
    const here = stackView(state, { current, total });
    const step = action === 'queryBack' ? stepBack(here) : stepForward(here);
    if (!step) return { state: { ...now, status: action === 'queryBack' ? 'No earlier query ([)' : 'No later query (])' } };
    // The query, the list around the event and the view come back together once the archive answers (`at`).
    return { state: { ...now, nav: { ...state.nav, past: step.state.past, future: step.state.future, editFrom: null } }, command: { kind: 'apply', text: step.place.text, at: step.place } };
  }
  const op = action ? OPS[action] : undefined;
  if (op && state.mode === 'list') {
    if (!current) return { state: { ...now, status: 'No event to pivot from (or its page is still being read)' } };
    return { state: { ...now, nav: { ...state.nav, pick: { op, row: current.row } } } };
  }
  if (state.mode !== 'detail' || !current) return null;
  const links = buildDetail(current.row, state.zone, chain).links;
  const chained = action === 'open' ? links[state.nav.linkIndex]?.row : undefined;
  if (chained) return visitChainLink(now, chained, current, total);
  if (op) {
    const term = links[state.nav.linkIndex]?.pivot;
    if (!term) return { state: { ...now, status: noPivotStatus(links[state.nav.linkIndex]) } };
    return pivoted(now, term, op, current, total);
  }
  if (action === 'copy') {
    const copied = linkCopy(links[state.nav.linkIndex]);
    return 'status' in copied ? { state: { ...now, status: copied.status } } : { state: now, command: { kind: 'copy', ...copied } };
  }
  if (action === 'resourceTimeline') {
    // The folder dashboard's query for the resource (detailModel resourceQuery): the same text on both.
    const resource = links[state.nav.linkIndex]?.resource;
    if (!resource) return { state: { ...now, status: 'Select a resource link first (Tab)' } };
    const text = resourceQuery(resource);
    return { state: { ...now, mode: 'list', draft: text, caret: text.length }, command: { kind: 'apply', text, from: archivePlace(state, { current, total }) } };
  }
  if (action === 'nextLink' || action === 'prevLink') {
    if (links.length === 0) return { state: { ...now, status: 'No links for this event' } };
    const at = state.nav.linkIndex;
    const from = at < 0 ? (action === 'nextLink' ? -1 : 0) : at;
    const step = action === 'nextLink' ? 1 : -1;
    return { state: { ...now, nav: { ...state.nav, linkIndex: (from + step + links.length) % links.length } } };
  }
  return null;
}

/** Where a query's answer has a landing's event: its index in the new list of `total` (where it would be, when not `present`). */
export interface ArchiveFound {
  index: number;
  total: number;
  /** Whether the new list holds the event (absent: it does). */
  present?: boolean;
}

/**
 * The state once the archive has answered a query: `from` pushed when the query changed (a step
 * back to it), and for `[` / `]` (`at`) the place restored: the cursor on its event, `found` in the
 * new list, as far from the top as it was (as the screen allows), and the details it was read in;
 * on the newest when the place was following; its `▲ N new` with what came meanwhile. A new query
 * starts on its newest event (the top of a newest-first list, the bottom of an oldest-first one). The
 * details show the cursor's event, so they close when the new list does not hold it.
 */
export function afterApply(state: ArchiveUiState, text: string, found: ArchiveFound, bodyH: number, from?: ArchivePlace, at?: ArchiveLanding): ArchiveUiState {
  const pushed = from && text !== state.queryText ? withPlacePushed(state, from) : state;
  // Another list: what was counted as new was counted in the one it replaces.
  const applied = { ...pushed, queryText: text, draft: text, caret: text.length, queryError: null, unseen: 0 };
  // Following its newest event in either order, as `f` does and as the folder dashboard's new query does
  // (in oldest-first order it landed on the oldest, at the top, paused).
  if (!at) {
    const newest = newestEnd(state.order, found.total);
    return { ...applied, cursor: newest, offset: Math.min(newest, Math.max(0, bodyH - 1)) };
  }
  const cursor = at.follow ? newestEnd(state.order, found.total) : Math.max(0, found.index);
  const offset = Math.max(0, Math.min(at.offset, cursor, bodyH - 1));
  // Events on the newest side of the place's event beyond those there when it was left came meanwhile.
  const marker = at.follow ? null : at.newestWhenLeft;
  const unseen = marker ? Math.max(0, marker.count + aheadOf(state.order, cursor, found.total) - marker.ahead) : 0;
  const landed =
    at.detail && (found.present ?? true)
      ? { ...applied, unseen, cursor, offset, mode: 'detail' as const, scroll: at.detail.scroll, nav: { ...applied.nav, linkIndex: at.detail.linkIndex } }
      : unselected({ ...applied, unseen, cursor, offset, mode: state.mode === 'detail' ? 'list' : state.mode, scroll: 0 });
  return at.reopen?.length ? { ...landed, ...at.kept, ...reopen(landed.mode === 'detail' ? 'detail' : 'list', at.reopen), scroll: 0 } : landed;
}
