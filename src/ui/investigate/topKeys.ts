/** What a key does in the top values view (`T`); keyHandler.ts hands it the keys of that mode. */
import { describePivot, pivotQuery, type PivotOp } from '../../investigate/pivot.js';
import { TOP_FIELDS } from '../../investigate/topValues.js';
import type { KeyContext } from '../keyHandler.js';
import type { Action } from '../keys.js';

/** True when the key was the view's; false lets the shared handling (help, quit, Esc) run. */
export function handleTopKey(action: Action, ctx: KeyContext): boolean {
  const { state, dispatch } = ctx;
  const values = ctx.topResult?.values ?? [];
  const last = Math.max(0, values.length - 1);
  const index = Math.min(state.topIndex, last);
  const page = Math.max(1, ctx.mainH - 5);
  const moves: Partial<Record<Action, number>> = { up: index - 1, down: index + 1, pageUp: index - page, pageDown: index + page, top: 0, bottom: last };
  const to = moves[action];
  if (to !== undefined) {
    dispatch({ type: 'top', index: Math.max(0, Math.min(last, to)) });
    return true;
  }
  const fields = TOP_FIELDS.length;
  if (action === 'nextTopField' || action === 'prevTopField') {
    dispatch({ type: 'top', field: (state.topField + (action === 'nextTopField' ? 1 : fields - 1)) % fields });
    return true;
  }
  if (action === 'topValues') {
    dispatch({ type: 'back' });
    return true;
  }
  const ops: Partial<Record<Action, PivotOp>> = { topFilter: 'replace', pivotReplace: 'replace', pivotAdd: 'add', pivotExclude: 'exclude' };
  const op = ops[action];
  if (op) {
    const value = values[index];
    if (!value) {
      dispatch({ type: 'status', text: 'No value to filter by' });
      return true;
    }
    const term = { field: TOP_FIELDS[state.topField]!.queryField, value: value.value };
    // Excluding a value keeps the view open on what is left (Esc still goes back where T was pressed); filtering shows the events.
    if (op === 'exclude') dispatch({ type: 'setQuery', text: pivotQuery(state.queryText, term, op), keepView: true });
    else ctx.setQuery(pivotQuery(state.queryText, term, op));
    dispatch({ type: 'status', text: describePivot(term, op, op === 'exclude' ? '[ goes back' : 'Esc goes back') });
    return true;
  }
  return false;
}
