/**
 * One file's events as `scan` needs them, made where the file is parsed (a
 * worker): each event's 16-byte id, time, and the few columns the summary
 * counts, as numbers into a small table of the file's distinct strings. No
 * row objects cross to the main thread, and none are kept.
 */
import { rowFingerprint } from '../model/contentCheck.js';
import { errorLabel } from '../model/failure.js';
import { isLossy, rowInsight } from '../model/recordBatch.js';
import type { EventRow } from '../model/types.js';
import { idKey } from './ids.js';

/** Columns per event in `cols`, in this order. */
export const NAME = 0;
export const SOURCE = 1;
export const ACTOR = 2;
/** What errorsByCode counts: the errorCode, or a failed console sign-in's errorMessage (FAILED_WITHOUT_CODE). */
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
/**
 * flags: ERROR holds a failed console sign-in's errorMessage, not an errorCode. errorsByCode counts it
 * (its totals then agree with error:*); an error-rate Insight counts errorCodes only (model/rate.ts).
 */
export const FAILED_WITHOUT_CODE = 8;
/**
 * flags: the event was rebuilt from a CSV export's columns (model/recordBatch.ts isLossy): a copy of
 * its eventID from a full record is kept before it, and their content never conflicts.
 */
export const LOSSY = 16;

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
  /** With byteFingerprints: every event's columns are filled all the same (scan/extract.ts), not only the parsed ones'. */
  complete?: boolean;
}

export function digestRows(rows: readonly EventRow[]): ScanDigest {
  const digest = new DigestBuilder(rows.length);
  for (let r = 0; r < rows.length; r++) digest.addRow(r, rows[r]!, rowFingerprint(rows[r]!));
  return digest.finish();
}

/**
 * A digest filled event by event: from rows (addRow), or column by column by
 * a reader that never makes rows (scan/extract.ts), through `at` and the
 * arrays themselves.
 */
export class DigestBuilder {
  readonly ids: Int32Array;
  readonly times: Float64Array;
  readonly cols: Int32Array;
  readonly flags: Uint8Array;
  readonly fingerprints: Uint32Array;
  private readonly table: string[] = [];
  private readonly index = new Map<string, number>();

  constructor(readonly count: number) {
    this.ids = new Int32Array(count * 4);
    this.times = new Float64Array(count);
    this.cols = new Int32Array(count * COLS);
    this.flags = new Uint8Array(count);
    this.fingerprints = new Uint32Array(count);
  }

  /** The index of `value` in the digest's table of strings. */
  at(value: string): number {
    let k = this.index.get(value);
    if (k === undefined) {
      k = this.table.length;
      this.table.push(value);
      this.index.set(value, k);
    }
    return k;
  }

  /** The string at an index `at` gave. */
  tableAt(index: number): string {
    return this.table[index]!;
  }

  /** Event r from its row. */
  addRow(r: number, row: EventRow, fingerprint: number): void {
    idKey(row.id, this.ids, r * 4);
    this.fingerprints[r] = fingerprint;
    this.times[r] = row.time;
    const c = r * COLS;
    const cols = this.cols;
    cols[c + NAME] = this.at(row.name);
    cols[c + SOURCE] = this.at(row.source);
    cols[c + ACTOR] = this.at(row.actor);
    const error = errorLabel(row);
    cols[c + ERROR] = this.at(error);
    cols[c + REGION] = this.at(row.region);
    cols[c + RATE_ACCOUNT] = this.at(row.recipientAccount || row.account);
    this.flags[r] = eventFlags(rowInsight(row) !== null, row.eventType, row.category) | (row.errorCode === '' && error !== '' ? FAILED_WITHOUT_CODE : 0) | (isLossy(row) ? LOSSY : 0);
  }

  finish(): ScanDigest {
    return { count: this.count, ids: this.ids, times: this.times, cols: this.cols, flags: this.flags, fingerprints: this.fingerprints, table: this.table };
  }
}

/** An event's flags from whether it carries Insight details, its eventType and its eventCategory. */
export function eventFlags(insight: boolean, eventType: string, category: string): number {
  let f = 0;
  if (insight) f |= HAS_INSIGHT;
  if (insight || eventType === 'AwsCloudTrailInsight') f |= INSIGHT_EVENT;
  if (insight || category === 'Insight' || eventType === 'AwsCloudTrailInsight') f |= NOT_RATE;
  return f;
}
