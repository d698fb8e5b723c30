import { useMemo } from 'react';
import { TOP_FIELDS, TOP_SHOWN, topValues, type TopResult } from '../../investigate/topValues.js';
import type { EventRow } from '../../model/types.js';
import type { EventStore } from '../../store/eventStore.js';

/** The top values of the list's rows while the view is open (null when closed); recounted as rows or the store change. */
export function useTopValues(store: EventStore, rows: readonly EventRow[], fieldIndex: number, active: boolean, storeVersion: number): TopResult | null {
  return useMemo(
    () => (active ? topValues(store, rows, TOP_FIELDS[fieldIndex]!.field, TOP_SHOWN) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- storeVersion stands for the store's contents
    [store, rows, fieldIndex, active, storeVersion],
  );
}
