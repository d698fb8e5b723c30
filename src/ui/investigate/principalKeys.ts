/** What `p` opens and what keys do in the principal summary view. */
import { describePivot, pivotQuery, termText, type PivotOp, type PivotTerm } from '../../investigate/pivot.js';
import { PRINCIPAL_FIELDS } from '../../investigate/principal.js';
import { TOP_FIELDS } from '../../investigate/topValues.js';
import type { EventRow } from '../../model/types.js';
import type { KeyContext } from '../keyHandler.js';
import type { Action } from '../keys.js';
import type { SummaryLine } from './principalModel.js';
import { sanitize } from '../../term/sanitize.js';
import { own } from '../../term/glyphs.js';

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
    dispatch({ type: 'status', text: own('Select a line first (↑/↓)') });
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

/**
 * The line to select once the summary is counted again (events arrived, an import ended): the line of the
 * value selected before, which new values can push down (a new API above it, a new region), so that Enter,
 * =, + and - act on what the reader chose; without it the index could land on a section title, where Enter
 * only said "Select a line first". A value no longer listed leaves the nearest selectable line. -1 (nothing
 * moved yet: the first selectable line) stays -1.
 */
export function followSummaryLine(before: readonly SummaryLine[], index: number, after: readonly SummaryLine[]): number {
  if (index < 0) return index;
  const chosen = before[index]?.pivot;
  const same = (line: SummaryLine): boolean => line.pivot !== null && chosen !== undefined && chosen !== null && line.pivot.field === chosen.field && line.pivot.value === chosen.value;
  const selectable = after.map((line, i) => (line.pivot ? i : -1)).filter((i) => i >= 0);
  const candidates = selectable.filter((i) => same(after[i]!));
  const pool = candidates.length > 0 ? candidates : selectable;
  if (pool.length === 0) return -1;
  // Of several (one API name under two sources), or of any line when the value is gone: the nearest.
  return pool.reduce((best, i) => (Math.abs(i - index) < Math.abs(best - index) ? i : best));
}
