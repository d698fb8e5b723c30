/**
 * Tab in the --db histogram: the bars split by errors, then by event source,
 * user and region (the folder dashboard's STACK_FIELDS: each field's top 5
 * values over the whole list, as `T` counts them, then Other). The archive
 * answers with the top values and one GROUP BY (archive/histogramParts.ts).
 */
import type { BucketGrid } from '../../archive/histogramGrain.js';
import type { ArchiveSession } from '../../archive/session.js';
import { partNames, STACK_FIELDS, TOP_PARTS, type StackField } from '../../timeline/histogram.js';
import type { Action } from '../keys.js';
import type { ArchiveUiState, KeyResult } from './archiveModel.js';

/** A split by a field: its values, the parts' names (values, then Other) and each bucket's counts per part. */
export interface HistoParts {
  field: Exclude<StackField, 'errors'>;
  values: readonly string[];
  names: readonly string[];
  counts: readonly (readonly number[])[];
}

/** What the bars are split by in this state. */
export function stackField(state: Pick<ArchiveUiState, 'stack'>): StackField {
  return STACK_FIELDS[state.stack % STACK_FIELDS.length] ?? 'errors';
}

/** Tab: the next field; the histogram is counted again on the same bucket. */
export function stackKey(state: ArchiveUiState, action: Action | null, selected: { start: number; end: number } | undefined): KeyResult | null {
  if (action !== 'cycleStack') return null;
  const next = { ...state, status: '', stack: (state.stack + 1) % STACK_FIELDS.length };
  return { state: next, command: selected ? { kind: 'histogram', keep: { start: selected.start, end: selected.end } } : { kind: 'histogram' } };
}

/** The split of the grid's buckets from `from` to `to` (exclusive) by `field`; null for errors (the buckets' own counts). */
export async function loadParts(session: ArchiveSession, where: string | null, field: StackField, grid: BucketGrid, from: number, to: number): Promise<HistoParts | null> {
  if (field === 'errors') return null;
  const top = await session.topValues(field, where, TOP_PARTS);
  const values = top.values.map((v) => v.value);
  const counts = await session.histogramParts(where, field, values, grid, from, to);
  return { field, values, names: partNames({ field, values }), counts };
}
