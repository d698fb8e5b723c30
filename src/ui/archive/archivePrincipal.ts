/**
 * `p` on the --db dashboard: whom it summarises and what keys do in the
 * summary (the folder dashboard's PrincipalView and lines, principalModel.ts),
 * as archiveModel.ts's plain state changes. The summary itself is SQL
 * (archive/principal.ts), loaded by the component on the 'principal' command.
 */
import { describePivot, pivotQuery, termText, type PivotOp, type PivotTerm } from '../../investigate/pivot.js';
import { PRINCIPAL_FIELDS } from '../../investigate/principal.js';
import { TOP_FIELDS } from '../../investigate/topValues.js';
import { sanitize } from '../../term/sanitize.js';
import type { Action } from '../keys.js';
import { stepLine } from '../investigate/principalKeys.js';
import type { SummaryLine } from '../investigate/principalModel.js';
import type { ArchivedEvent } from '../../archive/query.js';
import type { ArchiveUiState, KeyResult } from './archiveModel.js';
import { archivePlace } from './archiveNav.js';
import { closeBack, openOver } from '../viewStack.js';
import { own } from '../../term/glyphs.js';

/** The principal summarised. */
export interface ArchivePrincipal {
  term: PivotTerm;
}

/** What the principal keys see besides the state. */
export interface PrincipalKeyContext {
  /** The User column of the list's row under the cursor ('' for none or not read yet). */
  rowActor: string;
  topValues: readonly { value: string }[];
  mainH: number;
  /** The summary's lines on screen (empty while it is counted). */
  principalLines?: readonly SummaryLine[];
  /** The list's event under the cursor (the place `[` comes back to after a pivot from the summary), in a list of `total`. */
  current?: ArchivedEvent | null;
  total: number;
}

/**
 * `p` in the list, the details or the top values: the summary of the row's user, or of the selected user or key
 * (`selected`: the details' selected value, which is a principal when it is a user, role, session, ARN or key,
 * as the folder dashboard's principalTerm takes it).
 */
export function openPrincipal(state: ArchiveUiState, ctx: PrincipalKeyContext, selected?: PivotTerm): KeyResult {
  const now = { ...state, status: '' };
  let term: PivotTerm | null = null;
  if (state.mode === 'top') {
    const field = TOP_FIELDS[state.topField]!.queryField;
    const value = ctx.topValues[state.topIndex]?.value;
    term = PRINCIPAL_FIELDS.has(field) && value ? { field, value } : null;
  } else if (selected && PRINCIPAL_FIELDS.has(selected.field)) term = selected;
  else if (ctx.rowActor) term = { field: 'user', value: ctx.rowActor };
  if (!term) return { state: { ...now, status: 'p summarises a user, role or access key: select one first' } };
  return { state: { ...now, ...openOver(state, 'principal'), principal: { term }, principalIndex: -1 }, command: { kind: 'principal' } };
}

/** A key in the summary: move among the lines that pivot, list the principal's events with one, pivot, or go back. */
export function principalKey(state: ArchiveUiState, action: Action | null, ctx: PrincipalKeyContext): KeyResult {
  const now = { ...state, status: '' };
  const lines = ctx.principalLines ?? [];
  const principal = state.principal;
  if (action === 'back' || action === 'principal' || !principal) return { state: { ...now, ...closeBack(state, 'list') } };
  const current = state.principalIndex >= 0 ? state.principalIndex : stepLine(lines, -1, 1);
  const page = Math.max(1, ctx.mainH - 3);
  const steps: Partial<Record<Action, number>> = { up: -1, down: 1, pageUp: -page, pageDown: page, top: -lines.length, bottom: lines.length };
  const step = action ? steps[action] : undefined;
  if (step !== undefined) return { state: { ...state, principalIndex: stepLine(lines, current, step) } };
  const ops: Partial<Record<Action, PivotOp | 'within'>> = { summaryFilter: 'within', pivotReplace: 'replace', pivotAdd: 'add', pivotExclude: 'exclude' };
  const op = action ? ops[action] : undefined;
  if (!op) return { state };
  const line = lines[current];
  if (!line?.pivot) return { state: { ...now, status: own('Select a line first (↑/↓)') } };
  // Enter: the principal's events with this API, IP, region ...; =/+/-: the line's value on the query.
  const text = op === 'within' ? pivotQuery(termText(principal.term), line.pivot, 'add') : pivotQuery(state.queryText, line.pivot, op);
  const status = op === 'within' ? `Filtered by ${sanitize(text)} (Esc goes back)` : describePivot(line.pivot, op, 'Esc goes back');
  // `[` comes back to the list's event (or the details) under the summary; Esc in the list, into the summary
  // and the top values when `p` was pressed there.
  const from = archivePlace(state, ctx);
  return { state: { ...now, mode: 'list', draft: text, caret: text.length, status }, command: { kind: 'apply', text, from } };
}
