/**
 * The reader's rule for one parsed item: events, lookup-events elements and
 * EventBridge envelopes become rows; another source's envelope and non-objects
 * are skipped. Whole-file reads and appended-line reads share it so both
 * number and keep the same records.
 */
import type { RecordDetector } from '../detect/detector.js';
import type { RuleHit } from '../detect/rule.js';
import { normalize, normalizeLookupEvent, parseLookupRecord } from '../model/normalize.js';
import type { RecordBatch } from '../model/recordBatch.js';
import type { EventRow } from '../model/types.js';
import type { ItemKind } from './detect.js';

type Loose = Record<string, unknown>;

/** Detection rules run on each record as its row is made (src/detect/), and the hits they give. */
export interface DetectionSink {
  readonly detector: RecordDetector;
  readonly hits: RuleHit[];
}

/** Adds the row an item stands for; false when the item is not an event (counted as skipped). */
export function addRows(rows: EventRow[], item: unknown, kind: ItemKind, batch: RecordBatch, index: number, detection?: DetectionSink): boolean {
  let record: unknown;
  switch (kind) {
    case 'event':
      record = item;
      break;
    case 'lookup':
      rows.push(normalizeLookupEvent(item, batch, index));
      if (detection) detect(detection, parseLookupRecord(item as Loose), rows[rows.length - 1]!, index);
      return true;
    case 'envelope':
      record = (item as Loose).detail;
      break;
    case 'other':
      // In a file that holds CloudTrail events every object is a record, however odd its fields;
      // only an envelope of some other EventBridge source is not.
      if (typeof (item as Loose).detail === 'object' && (item as Loose).detail !== null) return false;
      record = item;
      break;
    default:
      return false;
  }
  const row = normalize(record, batch, index);
  rows.push(row);
  if (detection) detect(detection, record, row, index);
  return true;
}

function detect(detection: DetectionSink, record: unknown, row: EventRow, index: number): void {
  const fired = detection.detector.test(record);
  if (fired) detection.hits.push({ id: row.id, time: row.time, index, rules: fired });
}
