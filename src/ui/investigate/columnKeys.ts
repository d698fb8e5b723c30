/** What a key does in the column chooser (`C`), on the folder dashboard and the --db one (ui/archive/archiveColumns.ts). */
import type { Action } from '../keys.js';
import type { UiAction, UiState } from '../state.js';
import { chooserEntries, chosenColumns, moveColumn, toggleColumn, type ChooserEntry } from './columnChoice.js';

/** What the chooser's keys read and change: the folder's KeyContext, or the archive's adapter. */
export interface ColumnsKeyContext {
  state: Pick<UiState, 'columnIds' | 'columnIndex'>;
  dispatch(action: Extract<UiAction, { type: 'columns' | 'columnIndex' | 'status' | 'back' }>): void;
  /** Keeps a new column choice (null: the default). */
  saveColumns?(ids: string[] | null): void;
}

/** True when the key was the chooser's. */
export function handleColumnsKey(action: Action, input: string, ctx: ColumnsKeyContext): boolean {
  const { state, dispatch } = ctx;
  // From the latest state, not the last frame's entries: keys can come faster than frames.
  const entries: readonly ChooserEntry[] = chooserEntries(chosenColumns(state.columnIds));
  const last = Math.max(0, entries.length - 1);
  const index = Math.min(state.columnIndex, last);
  // The selection stays on the column that was toggled or moved, wherever it now is.
  const save = (ids: string[] | null, id: string): void => {
    dispatch({ type: 'columns', ids, select: id });
    ctx.saveColumns?.(ids);
  };
  const id = entries[index]?.def.id ?? 'time';
  // Space toggles here (elsewhere it pages down).
  if (action === 'toggleColumn' || (action === 'pageDown' && input === ' ')) {
    const ids = toggleColumn(entries, index);
    if (ids) save(ids, id);
    else dispatch({ type: 'status', text: 'The event time column always shows' });
    return true;
  }
  const moves: Partial<Record<Action, number>> = { up: index - 1, down: index + 1, top: 0, bottom: last, pageUp: 0, pageDown: last };
  const to = moves[action];
  if (to !== undefined) {
    dispatch({ type: 'columnIndex', index: Math.max(0, Math.min(last, to)) });
    return true;
  }
  if (action === 'moveColumnUp' || action === 'moveColumnDown') {
    const step = action === 'moveColumnUp' ? -1 : 1;
    const ids = moveColumn(entries, index, step);
    if (ids) save(ids, id);
    // K/J on a hidden column or on the time did nothing, and said nothing.
    else if (entries[index] && !entries[index].shown) dispatch({ type: 'status', text: 'A hidden column has no place: show it first (Enter), then move it' });
    else if (id === 'time') dispatch({ type: 'status', text: 'The event time column stays first' });
    return true;
  }
  if (action === 'resetColumns') {
    save(null, 'time');
    dispatch({ type: 'status', text: 'Default columns' });
    return true;
  }
  if (action === 'columnChooser') {
    dispatch({ type: 'back' });
    return true;
  }
  return false;
}
