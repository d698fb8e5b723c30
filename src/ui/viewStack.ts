/**
 * Where Esc goes back to, on both dashboards: the views under the one on
 * screen, nearest last. Each view opened over another (the details, then the
 * top values, then the summary, then the help over it) closes back to the one
 * under it, as k9s does; one slot for "where Esc goes" forgot the details as
 * soon as the help opened over a view. The list and the details are the
 * ground: nothing is under them.
 */

export interface ViewStack<M extends string> {
  mode: M;
  /** The views under `mode`, nearest last. */
  under: readonly M[];
}

/** `mode` opened over the view on screen. */
export function openOver<M extends string>(from: ViewStack<M>, mode: M): ViewStack<M> {
  return { mode, under: [...from.under, from.mode] };
}

/**
 * `views` (nearest last) open again over `ground`, as they were when a query applied from them took
 * the reader to the list (Esc there: drilledFrom in queryStack.ts); just the ground when there are none.
 */
export function reopen<M extends string>(ground: M, views: readonly M[]): ViewStack<M> {
  const top = views[views.length - 1];
  return top === undefined ? { mode: ground, under: [] } : { mode: top, under: [ground, ...views.slice(0, -1)] };
}

/** The view on screen closed: back to the one under it (`ground` when none is). */
export function closeBack<M extends string>(from: ViewStack<M>, ground: M): ViewStack<M> {
  const under = from.under[from.under.length - 1];
  return under === undefined ? { mode: ground, under: [] } : { mode: under, under: from.under.slice(0, -1) };
}

/** The view the one on screen covers (the help's view, kept mounted under it), if any. */
export function viewUnder<M extends string>(state: ViewStack<M>): M | undefined {
  return state.under[state.under.length - 1];
}

/**
 * The state once it reaches the ground (a query applied from a view lands on the list): nothing is left
 * under it, so a later Esc cannot climb back into views closed by other means. The same object when so already.
 */
export function grounded<M extends string, S extends ViewStack<M>>(state: S, ground: readonly M[]): S {
  return state.under.length > 0 && ground.includes(state.mode) ? { ...state, under: [] } : state;
}
