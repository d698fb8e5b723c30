/**
 * Which keys of the top values (`T`) and principal summary (`p`) views read
 * what the view counted: a line to move to, a value to pivot on or summarise.
 * While the view's columns are built in the background (the first count of a
 * field at 1M high-cardinality events: seconds) those keys wait for the count;
 * the others (Esc, `T` again, Tab to another field, `/`, `?`, `q`) act at once.
 */
import type { Action, Mode } from '../keys.js';

const READ_COUNTED: ReadonlySet<Action> = new Set<Action>(['up', 'down', 'pageUp', 'pageDown', 'top', 'bottom', 'topFilter', 'summaryFilter', 'pivotReplace', 'pivotAdd', 'pivotExclude', 'principal']);

export function readsCounted(mode: Mode, action: Action | null): boolean {
  return (mode === 'top' || mode === 'principal') && action !== null && READ_COUNTED.has(action);
}
