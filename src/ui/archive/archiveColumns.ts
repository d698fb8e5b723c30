/**
 * The column chooser (`C`) on the --db dashboard: the folder dashboard's
 * chooser keys (investigate/columnKeys.ts) run on the archive's state, their
 * actions folded into it here. The choice is kept per archive file (the
 * `columns` command: FolderState.setColumns). Plain data, no Ink.
 */
import { chooserEntries, chosenColumns } from '../investigate/columnChoice.js';
import { handleColumnsKey } from '../investigate/columnKeys.js';
import type { Action } from '../keys.js';
import type { ArchiveUiState, KeyResult } from './archiveModel.js';
import { closeBack, openOver } from '../viewStack.js';

/** `C` in the list or the details: the chooser, Esc or `C` back to where it was opened. */
export function openColumns(state: ArchiveUiState): KeyResult {
  return { state: { ...state, status: '', ...openOver(state, 'columns'), scroll: 0 } };
}

function closed(state: ArchiveUiState): ArchiveUiState {
  return { ...state, ...closeBack(state, 'list') };
}

/** A key in the chooser: the folder's keys (Enter/Space/x show or hide, K/J move, r default, C close), Esc closes. */
export function columnsKey(state: ArchiveUiState, action: Action | null, input: string): KeyResult {
  let next: ArchiveUiState = { ...state, status: '' };
  const saved: (string[] | null)[] = [];
  const handled =
    action !== null &&
    handleColumnsKey(action, input, {
      state,
      dispatch(change) {
        switch (change.type) {
          case 'columns': {
            // The selection follows the column toggled or moved, as in the folder dashboard's reducer.
            const at = chooserEntries(chosenColumns(change.ids)).findIndex((entry) => entry.def.id === change.select);
            next = { ...next, columnIds: change.ids, columnIndex: Math.max(0, at) };
            return;
          }
          case 'columnIndex':
            next = { ...next, columnIndex: Math.max(0, change.index) };
            return;
          case 'status':
            next = { ...next, status: change.text };
            return;
          case 'back':
            next = closed(next);
            return;
        }
      },
      saveColumns(ids) {
        saved.push(ids);
      },
    });
  if (!handled && action === 'back') next = closed(next);
  return saved.length > 0 ? { state: next, command: { kind: 'columns', ids: saved[saved.length - 1]! } } : { state: next };
}
