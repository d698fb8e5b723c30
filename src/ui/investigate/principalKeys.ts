/** What `p` opens and what keys do in the principal summary view. */
import { describePivot, pivotQuery, termText, type PivotOp, type PivotTerm } from '../../investigate/pivot.js';
import { PRINCIPAL_FIELDS } from '../../investigate/principal.js';
import { TOP_FIELDS } from '../../investigate/topValues.js';
import type { EventRow } from '../../model/types.js';
import type { KeyContext } from '../keyHandler.js';
import type { Action } from '../keys.js';
import type { SummaryLine } from './principalModel.js';
import { sanitize } from '../../term/sanitize.js';

/** Whom `p` summarises: the selected user/key value (details, top values), else the row's user. */
export function principalTerm(ctx: KeyContext, selected: PivotTerm | undefined, row: EventRow | null): PivotTerm | null {
  if (ctx.state.mode === 'top') {
    const field = TOP_FIELDS[ctx.state.topField]!.queryField;
    const value = ctx.topResult?.values[Math.min(ctx.state.topIndex, (ctx.topResult?.values.length ?? 1) - 1)]?.value;
    return PRINCIPAL_FIELDS.has(field) && value ? { field, value } : null;
  }
  if (selected && PRINCIPAL_FIELDS.has(selected.field)) return selected;
  return row?.actor ? { field: 'user', value: row.actor } : null;
}

/** The selectable line `step` pivot lines away from `from` (clamped). */
export function stepLine(lines: readonly SummaryLine[], from: number, step: number): number {
  const selectable = lines.map((line, i) => (line.pivot ? i : -1)).filter((i) => i >= 0);
  if (selectable.length === 0) return -1;
  const at = selectable.indexOf(from);
  const next = at < 0 ? (step > 0 ? 0 : selectable.length - 1) : Math.max(0, Math.min(selectable.length - 1, at + step));
  return selectable[next]!;
}

/** True when the key was the view's. */
export function handlePrincipalKey(action: Action, ctx: KeyContext): boolean {
  const { state, dispatch } = ctx;
  const lines = ctx.principalLines ?? [];
  // Until a key moves it, the first selectable line is selected.
  const current = state.principalIndex >= 0 ? state.principalIndex : stepLine(lines, -1, 1);
  const page = Math.max(1, ctx.mainH - 3);
  const steps: Partial<Record<Action, number>> = { up: -1, down: 1, pageUp: -page, pageDown: page, top: -lines.length, bottom: lines.length };
  const step = steps[action];
  if (step !== undefined) {
    dispatch({ type: 'principal', index: stepLine(lines, current, step) });
    return true;
  }
  const ops: Partial<Record<Action, PivotOp | 'within'>> = { summaryFilter: 'within', pivotReplace: 'replace', pivotAdd: 'add', pivotExclude: 'exclude' };
  const op = ops[action];
  if (!op) return false;
  const line = lines[current];
  if (!line?.pivot || !state.principal) {
    dispatch({ type: 'status', text: 'Select a line first (↑/↓)' });
    return true;
  }
  if (op === 'within') {
    // The principal's events with this API, IP, region ...
    const query = pivotQuery(termText(state.principal), line.pivot, 'add');
    ctx.setQuery(query);
    dispatch({ type: 'status', text: `Filtered by ${sanitize(query)} (Esc goes back)` });
    return true;
  }
  ctx.setQuery(pivotQuery(state.queryText, line.pivot, op));
  dispatch({ type: 'status', text: describePivot(line.pivot, op, 'Esc goes back') });
  return true;
}
