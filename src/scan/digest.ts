/**
 * One file's events as `scan` needs them, made where the file is parsed (a
 * worker): each event's 16-byte id, time, and the few columns the summary
 * counts, as numbers into a small table of the file's distinct strings. No
 * row objects cross to the main thread, and none are kept.
 */
import { rowFingerprint } from '../model/contentCheck.js';
import { rowInsight } from '../model/recordBatch.js';
import type { EventRow } from '../model/types.js';
import { idKey } from './ids.js';

/** Columns per event in `cols`, in this order. */
export const NAME = 0;
export const SOURCE = 1;
export const ACTOR = 2;
export const ERROR = 3;
export const REGION = 4;
/** recipientAccount, else account: the account an Insight's rate counts by (model/rate.ts). */
export const RATE_ACCOUNT = 5;
export const COLS = 6;

/** flags: an Insights event (counted in events.insights). */
export const INSIGHT_EVENT = 1;
/** flags: never counted by an Insight's rate (an Insights record or category Insight; model/rate.ts). */
export const NOT_RATE = 2;
/** flags: the record carries Insight details (the Start/End pairing reads it). */
export const HAS_INSIGHT = 4;

export interface ScanDigest {
  count: number;
  /** Four Int32 lanes per event (scan/ids.ts). */
  ids: Int32Array;
  times: Float64Array;
  /** COLS indexes into `table` per event. */
  cols: Int32Array;
  flags: Uint8Array;
  /** rowFingerprint per event: a second copy of an id with another fingerprint is a conflicting duplicate. */
  fingerprints: Uint32Array;
  table: string[];
  /** The fingerprints are of each record's bytes (scan/fastJob.ts), not of its row. */
  byteFingerprints?: boolean;
}

export function digestRows(rows: readonly EventRow[]): ScanDigest {
  const count = rows.length;
  const ids = new Int32Array(count * 4);
  const times = new Float64Array(count);
  const cols = new Int32Array(count * COLS);
  const flags = new Uint8Array(count);
  const fingerprints = new Uint32Array(count);
  const table: string[] = [];
  const index = new Map<string, number>();
  const at = (value: string): number => {
    let k = index.get(value);
    if (k === undefined) {
      k = table.length;
      table.push(value);
      index.set(value, k);
    }
    return k;
  };
  for (let r = 0; r < count; r++) {
    const row = rows[r]!;
    idKey(row.id, ids, r * 4);
    fingerprints[r] = rowFingerprint(row);
    times[r] = row.time;
    const c = r * COLS;
    cols[c + NAME] = at(row.name);
    cols[c + SOURCE] = at(row.source);
    cols[c + ACTOR] = at(row.actor);
    cols[c + ERROR] = at(row.errorCode);
    cols[c + REGION] = at(row.region);
    cols[c + RATE_ACCOUNT] = at(row.recipientAccount || row.account);
    const insight = rowInsight(row) !== null;
    let f = 0;
    if (insight) f |= HAS_INSIGHT;
    if (insight || row.eventType === 'AwsCloudTrailInsight') f |= INSIGHT_EVENT;
    if (insight || row.category === 'Insight' || row.eventType === 'AwsCloudTrailInsight') f |= NOT_RATE;
    flags[r] = f;
  }
  return { count, ids, times, cols, flags, fingerprints, table };
}
