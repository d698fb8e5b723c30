/**
 * The reader's rule for one parsed item: events, lookup-events elements and
 * EventBridge envelopes become rows; another source's envelope and non-objects
 * are skipped. Whole-file reads and appended-line reads share it so both
 * number and keep the same records.
 */
import { normalize, normalizeLookupEvent } from '../model/normalize.js';
import type { RecordBatch } from '../model/recordBatch.js';
import type { EventRow } from '../model/types.js';
import type { ItemKind } from './detect.js';

type Loose = Record<string, unknown>;

/** Adds the row an item stands for; false when the item is not an event (counted as skipped). */
export function addRows(rows: EventRow[], item: unknown, kind: ItemKind, batch: RecordBatch, index: number): boolean {
  switch (kind) {
    case 'event':
      rows.push(normalize(item, batch, index));
      return true;
    case 'lookup':
      rows.push(normalizeLookupEvent(item, batch, index));
      return true;
    case 'envelope':
      rows.push(normalize((item as Loose).detail, batch, index));
      return true;
    case 'other':
      // In a file that holds CloudTrail events every object is a record, however odd its fields;
      // only an envelope of some other EventBridge source is not.
      if (typeof (item as Loose).detail === 'object' && (item as Loose).detail !== null) return false;
      rows.push(normalize(item, batch, index));
      return true;
    default:
      return false;
  }
}
