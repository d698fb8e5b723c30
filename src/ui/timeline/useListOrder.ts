import { useMemo } from 'react';
import type { EventRow } from '../../model/types.js';
import type { ListOrder } from '../listModel.js';

/**
 * The list's rows in the chosen order: the view's newest-first array itself,
 * or a reversed copy made once per change of that array (a copy of pointers:
 * about 3 ms and 8 MB at a million rows), never sorted again.
 */
export function useListOrder(rows: readonly EventRow[], order: ListOrder): readonly EventRow[] {
  return useMemo(() => (order === 'newest' ? rows : rows.slice().reverse()), [rows, order]);
}
