import type { EventRow, RecordRef } from './types.js';

/** Where the full original record of `row` can be read again (use this, not the row's own fields: their layout is the store's business). */
export function recordRef(row: EventRow): RecordRef {
  return { file: row.ref.file, index: row.ref.index };
}
