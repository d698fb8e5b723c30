import { useMemo } from 'react';
import { prepareTopValues, TOP_FIELDS, TOP_SHOWN, topValues, topValuesBacklog, type TopResult } from '../../investigate/topValues.js';
import type { EventRow } from '../../model/types.js';
import type { EventStore } from '../../store/eventStore.js';
import { useSlicedBuild } from '../hooks/useSlicedBuild.js';

export interface TopValuesState {
  /** The top values of the list's rows (null when closed or still counting). */
  result: TopResult | null;
  /** The field's columns are being built (the first count of a field at 1M high-card): the view says Counting…. */
  counting: boolean;
}

/** The top values of the list's rows while the view is open; recounted as rows or the store change. */
export function useTopValues(store: EventStore, rows: readonly EventRow[], fieldIndex: number, active: boolean, storeVersion: number, budgetMs?: number): TopValuesState {
  const field = TOP_FIELDS[fieldIndex]!.field;
  const built = useSlicedBuild(active ? { key: field, backlog: () => topValuesBacklog(store, field), work: () => prepareTopValues(store, field) } : null, budgetMs);
  const result = useMemo(
    () => (active && built ? topValues(store, rows, field, TOP_SHOWN) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- storeVersion stands for the store's contents
    [store, rows, field, active, built, storeVersion],
  );
  return { result, counting: active && !built };
}
