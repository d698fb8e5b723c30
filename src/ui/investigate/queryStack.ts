/**
 * Back and forward through applied queries (`[` and `]`), and Up/Down
 * through the saved query history in the query bar. Pure functions over the
 * UI state; the reducer (state.ts) calls them.
 *
 * Every change of the applied query (typed and kept with Enter, a pivot, an
 * Insights or findings jump, a histogram span) pushes where the reader was:
 * the query text, the cursor (its row by identity, follow, and its distance
 * from the top of the window) and, when it came from an event's details (a
 * pivot, `r`), those details. Going back restores all of it. Following a
 * session chain link to the event behind it is a step too (same query, other
 * event). The anchor is the folder's EventRow; the --db dashboard keeps its
 * ArchivedEvent (its place in the archive's order) in the same stack, and its
 * own kind of "new" marker (N: archiveNav.ts ArchiveNewMarker).
 */
import type { EventRow } from '../../model/types.js';

export interface QueryPlace<A = EventRow, M extends string = string, N = A, K = unknown> {
  text: string;
  anchor: A | null;
  follow: boolean;
  offset: number;
  /**
   * The row that was newest when the reader stopped following (null while following): restored with
   * the place, so the header's "▲ N new" counts only what arrived since, not the rows above the cursor.
   * The --db dashboard keeps its count and where the cursor stood instead (ArchiveNewMarker).
   */
  newestWhenLeft: N | null;
  /**
   * The details being read, when the query changed from them or from a view opened over them
   * (T, p, i ... from the details, then Enter); null from the list.
   */
  detail: { row: A; linkIndex: number; scroll: number } | null;
  /**
   * The views over the list or details, nearest last, when a query applied from them (T's Enter)
   * took the reader to the list: Esc there goes back into them (reducer `back`). Absent otherwise.
   */
  views?: readonly M[];
  /**
   * With `views`: what the reader had chosen in them (T's line, the histogram's buckets ...), as the dashboard
   * keeps it (K). Esc back restores it, so the views come back as left even when others of the same kind
   * were opened from that list in between.
   */
  kept?: K;
  /**
   * The `views` (and `kept`) of the place before this one, when `[` left this list for it: `]` back here gives
   * them to the place it leaves, so Esc in the list still goes back into them, as left. Absent otherwise.
   */
  openedFrom?: { views: readonly M[]; kept?: K };
}

/** Places kept on each side; older ones are dropped. */
export const MAX_PLACES = 100;

export interface QueryStackState<A = EventRow, M extends string = string, N = A, K = unknown> {
  queryText: string;
  anchor: A | null;
  follow: boolean;
  offset: number;
  /** The view, and the details it shows when it is `detail` (or when `detail` is under it). */
  mode: M;
  /** The views under `mode`, nearest last (viewStack.ts); the first is the list or the details. */
  under?: readonly M[];
  detailRow: A | null;
  linkIndex: number;
  scroll: number;
  newestWhenLeft: N | null;
  /** Earlier places, oldest first. */
  past: readonly QueryPlace<A, M, N, K>[];
  /** Places gone back from, nearest last. */
  future: readonly QueryPlace<A, M, N, K>[];
}

/** The place type of a stack state (the folder's or the archive's anchor). */
type PlaceOf<S extends QueryStackState<unknown, string, unknown, unknown>> = S['past'][number];

export function placeOf<A, M extends string, N, K>(state: QueryStackState<A, M, N, K>): QueryPlace<A, M, N, K> {
  // A view opened from the details (T, p ...) stands on them: the reader comes back to those details, as Esc would.
  const ground = state.under?.[0] ?? state.mode;
  const detail = ground === 'detail' && state.detailRow ? { row: state.detailRow, linkIndex: state.linkIndex, scroll: state.scroll } : null;
  return { text: state.queryText, anchor: state.anchor, follow: state.follow, offset: state.offset, newestWhenLeft: state.newestWhenLeft, detail };
}

/**
 * The place a query applied from `state` leaves when it takes the reader to the list: from a view over
 * the list or details (T, p, i, h, ! and Enter), it names the views left and keeps what was chosen in
 * them (`kept`), so Esc in that list can go back into them as they were (drilledFrom, keptIn).
 * `ground`: the views with nothing under them (the list, the details).
 */
export function placeLeft<A, M extends string, N, K>(state: QueryStackState<A, M, N, K>, ground: readonly M[], kept: K): QueryPlace<A, M, N, K> {
  const place = placeOf(state);
  if (ground.includes(state.mode)) return place;
  // under[0] is the ground the views stand on: the place's `detail` already says which.
  return { ...place, views: [...(state.under ?? []).slice(1), state.mode], kept };
}

/** The views the list on screen was opened from (T, then Enter), nearest last; none when Esc in the list does nothing. */
export function drilledFrom<M extends string>(mode: M, past: readonly QueryPlace<unknown, M, unknown, unknown>[]): readonly M[] {
  return (mode === 'list' && past[past.length - 1]?.views) || [];
}

/** What was chosen in the views drilledFrom names, to restore with them; undefined when none are. */
export function keptIn<K>(mode: string, past: readonly QueryPlace<unknown, string, unknown, K>[]): K | undefined {
  return mode === 'list' ? past[past.length - 1]?.kept : undefined;
}

/**
 * `from` pushed on the back stack (a new branch: forward is cleared). It takes the place of the
 * last one when both are the same query read from the same details (or both from the list); two
 * events of one query (a chain link followed) are two places.
 */
export function pushPlace<S extends QueryStackState<unknown, string, unknown, unknown>>(state: S, from: PlaceOf<S>): S {
  const last = state.past[state.past.length - 1];
  const same = last && last.text === from.text && (last.detail?.row ?? null) === (from.detail?.row ?? null);
  const past = same ? [...state.past.slice(0, -1), from] : [...state.past, from];
  return { ...state, past: past.slice(-MAX_PLACES), future: [] };
}

function restore<S extends QueryStackState<unknown, string, unknown, unknown>>(state: S, place: PlaceOf<S>): S {
  return { ...state, queryText: place.text, anchor: place.anchor, follow: place.follow, offset: place.offset };
}

/** One step back, and the place it restored (null when there is nothing behind). */
export function stepBack<S extends QueryStackState<unknown, string, unknown, unknown>>(state: S): { state: S; place: PlaceOf<S> } | null {
  const place = state.past[state.past.length - 1];
  if (!place) return null;
  // The way back into the views this list was opened from is on the place left behind: kept for `]`.
  const left = place.views ? { ...placeOf(state), openedFrom: { views: place.views, ...(place.kept === undefined ? {} : { kept: place.kept }) } } : placeOf(state);
  return { state: { ...restore(state, place), past: state.past.slice(0, -1), future: [...state.future, left].slice(-MAX_PLACES) }, place };
}

/** One step forward, and the place it restored (null when nothing was gone back from). */
export function stepForward<S extends QueryStackState<unknown, string, unknown, unknown>>(state: S): { state: S; place: PlaceOf<S> } | null {
  const place = state.future[state.future.length - 1];
  if (!place) return null;
  // `[` then `]` is no step at all: the list comes back with its way back into the views it was opened from.
  const left = place.openedFrom ? { ...placeOf(state), ...place.openedFrom } : placeOf(state);
  return { state: { ...restore(state, place), future: state.future.slice(0, -1), past: [...state.past, left].slice(-MAX_PLACES) }, place };
}

/** Where the query bar is in the history: -1 when not browsing it. */
export interface HistoryCursor {
  index: number;
  /** What was typed before Up was first pressed (Down past the newest entry gives it back). */
  typed: string;
}

/**
 * The draft after Up (`step` -1, older) or Down (+1, newer) through `history`
 * (oldest first), or null when there is nowhere to go.
 */
export function walkHistory(history: readonly string[], cursor: HistoryCursor, draft: string, step: -1 | 1): { draft: string; cursor: HistoryCursor } | null {
  if (history.length === 0) return null;
  if (cursor.index < 0) {
    if (step === 1) return null;
    // Up from a fresh draft: the newest entry that differs from what is in the bar.
    let index = history.length - 1;
    if (history[index] === draft && index > 0) index--;
    else if (history[index] === draft) return null;
    return { draft: history[index]!, cursor: { index, typed: draft } };
  }
  const index = cursor.index + step;
  if (index < 0) return null;
  if (index >= history.length) return { draft: cursor.typed, cursor: { index: -1, typed: '' } };
  return { draft: history[index]!, cursor: { index, typed: cursor.typed } };
}
