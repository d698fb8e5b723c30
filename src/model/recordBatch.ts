import { ID_NONE, ID_STRIDE as STRIDE, ID_TEXT, idText, packId } from './idBytes.js';
import type { EventRow, InsightDetails, RecordRef } from './types.js';

/**
 * The records of one read of one file, and what their rows keep outside the
 * row object.
 *
 * A row costs its object plus every string only it points to; at a million
 * rows each 8-byte field and each unshared string shows as megabytes. So a
 * row holds a pointer to its batch and its record's index, and the batch
 * holds, per record: the request ID (a UUID as 16 bytes, up to 16 Latin-1
 * characters as themselves, like S3's, anything else as text) and the rare fields (unparsed eventTime, sharedEventID, Insight
 * details), which take no space in batches without them.
 *
 * Slots are record indexes minus `first`; indexes need not be contiguous
 * (skipped records leave empty slots).
 */
export class RecordBatch {
  /** Per slot: a kind byte (ID_*), then 16 bytes: a UUID's, or a short ID's characters. Null until a request ID is set. */
  private ids: Uint8Array | null = null;
  /** Request IDs that are not canonical UUIDs, by slot. */
  private texts: (string | undefined)[] | null = null;
  private extras: (RowExtra | undefined)[] | null = null;
  private first = -1;
  private slots = 0;

  /**
   * The file's identity when it was read (fileIdentity: device, inode, size,
   * mtime), '' when unknown: a record read back later is checked against it.
   */
  identity = '';

  /**
   * When the file was delivered (ingest/order.ts deliveryTime), set by the
   * loader: which of two copies of one eventID is kept (compareCopies). NaN
   * when not known (rows added directly): then the first copy added stays.
   */
  deliveredAt = NaN;

  /**
   * How many records of this file an earlier read already brought (its endIndex), set by the
   * loader when a file is read again whole (it grew, was rewritten or touched): a copy of a known
   * eventID below it is that read's copy coming back, not another duplicate or conflict.
   */
  readBefore = 0;

  /** `file` is public and writable so the store can swap in its interned copy. */
  constructor(public file: string) {}

  /** The request ID of the record at `index` ('' when it had none). */
  requestId(index: number): string {
    const slot = index - this.first;
    if (this.ids === null || slot < 0 || slot >= this.slots) return '';
    const at = slot * STRIDE;
    const kind = this.ids[at]!;
    if (kind === ID_TEXT) return this.texts?.[slot] ?? '';
    return idText(kind, this.ids, at + 1);
  }

  setRequestId(index: number, value: string): void {
    if (value === '' && this.ids === null) return;
    const slot = this.slotOf(index);
    const ids = this.ids ?? this.grow();
    const at = slot * STRIDE;
    const kind = value === '' ? ID_NONE : packId(value, ids, at + 1);
    ids[at] = kind;
    if (kind === ID_TEXT) (this.texts ??= [])[slot] = value;
    else if (this.texts !== null && this.texts[slot] !== undefined) delete this.texts[slot];
  }

  /** The rare fields of the record at `index`, or null when it has none. */
  extra(index: number): RowExtra | null {
    if (this.extras === null) return null;
    return this.extras[index - this.first] ?? null;
  }

  setExtra(index: number, extra: RowExtra): void {
    const slot = this.slotOf(index);
    const empty = extra.timeRaw === '' && extra.sharedEventId === '' && extra.insight === null && extra.signIn === undefined && extra.lossy === undefined;
    if (empty && this.extras === null) return;
    (this.extras ??= [])[slot] = empty ? undefined : extra;
  }

  /** Drops spare capacity once all records are in (a batch that will be kept). */
  trim(): this {
    if (this.ids !== null && this.ids.length > this.slots * STRIDE) this.ids = this.ids.slice(0, this.slots * STRIDE);
    return this;
  }

  /** What the rows with indexes in [from, to) keep here, for the trip from a worker. */
  pack(from: number, to: number): PackedBatch {
    const start = Math.max(0, from - this.first);
    const end = Math.max(start, Math.min(this.slots, to - this.first));
    const texts: [number, string][] = [];
    const extras: [number, RowExtra][] = [];
    for (let slot = start; slot < end; slot++) {
      const text = this.texts?.[slot];
      if (text !== undefined) texts.push([slot - start, text]);
      const extra = this.extras?.[slot];
      if (extra !== undefined) extras.push([slot - start, extra]);
    }
    return {
      file: this.file,
      identity: this.identity,
      first: this.first < 0 ? from : this.first + start,
      slots: end - start,
      ids: this.ids === null ? null : this.ids.slice(start * STRIDE, end * STRIDE),
      texts,
      extras,
    };
  }

  /** A batch from `pack` on the other side; `file` is the receiver's copy of the path. */
  static unpack(packed: PackedBatch, file: string): RecordBatch {
    const batch = new RecordBatch(file);
    batch.identity = packed.identity;
    batch.first = packed.first;
    batch.slots = packed.slots;
    batch.ids = packed.ids;
    if (packed.texts.length > 0) {
      const texts: (string | undefined)[] = [];
      for (const [slot, text] of packed.texts) texts[slot] = text;
      batch.texts = texts;
    }
    if (packed.extras.length > 0) {
      const extras: (RowExtra | undefined)[] = [];
      for (const [slot, extra] of packed.extras) extras[slot] = extra;
      batch.extras = extras;
    }
    return batch;
  }

  private slotOf(index: number): number {
    if (this.first < 0) this.first = index;
    if (index < this.first) this.rebase(index);
    const slot = index - this.first;
    if (slot >= this.slots) {
      this.slots = slot + 1;
      if (this.ids !== null && this.ids.length < this.slots * STRIDE) this.grow();
    }
    return slot;
  }

  /** Capacity for `slots` (doubling), allocating the ids on first use. */
  private grow(): Uint8Array {
    const old = this.ids;
    const needed = this.slots * STRIDE;
    if (old !== null && old.length >= needed) return old;
    const ids = new Uint8Array(Math.max(needed, (old?.length ?? 0) * 2, 16 * STRIDE));
    if (old !== null) ids.set(old);
    this.ids = ids;
    return ids;
  }

  /** Readers yield records in index order; this keeps an out-of-order set correct anyway. */
  private rebase(index: number): void {
    const shift = this.first - index;
    this.first = index;
    this.slots += shift;
    if (this.ids !== null) {
      const ids = new Uint8Array(this.slots * STRIDE);
      ids.set(this.ids.subarray(0, (this.slots - shift) * STRIDE), shift * STRIDE);
      this.ids = ids;
    }
    if (this.texts !== null) this.texts = shifted(this.texts, shift);
    if (this.extras !== null) this.extras = shifted(this.extras, shift);
  }
}

/** The fields few records have, kept together outside the row. */
export interface RowExtra {
  /** The original eventTime text when it did not parse, '' otherwise. */
  timeRaw: string;
  sharedEventId: string;
  /** Present only on AwsCloudTrailInsight records. */
  insight: InsightDetails | null;
  /** Present only on ConsoleLogin records: how the sign-in went (failure.ts). */
  signIn?: ConsoleSignIn;
  /** True for a record rebuilt from a CSV export's columns: no full record exists (ingest/csv/). */
  lossy?: true;
}

/** A console sign-in's result and whether it used MFA, as CloudTrail wrote them ('' when absent). */
export interface ConsoleSignIn {
  /** responseElements.ConsoleLogin: `Success` or `Failure`. */
  result: string;
  /** additionalEventData.MFAUsed: `Yes` or `No`. */
  mfaUsed: string;
}

/** A RecordBatch's range as plain data that structured clone copies cheaply. */
export interface PackedBatch {
  file: string;
  identity: string;
  first: number;
  slots: number;
  ids: Uint8Array | null;
  texts: [number, string][];
  extras: [number, RowExtra][];
}

/** Where the full original record of `row` can be read again. */
export function recordRef(row: EventRow): RecordRef {
  return { file: row.batch.file, index: row.recordIndex, id: row.id, identity: row.batch.identity };
}

/** A file's identity for RecordBatch.identity, from the fstat of the descriptor it was read through. */
export function fileIdentity(stats: { dev: number; ino: number; size: number; mtimeMs: number }): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}

export function requestIdOf(row: EventRow): string {
  return row.batch.requestId(row.recordIndex);
}

export function sharedEventIdOf(row: EventRow): string {
  return row.batch.extra(row.recordIndex)?.sharedEventId ?? '';
}

/** The original eventTime text when it did not parse ('' when it did). */
export function timeRawOf(row: EventRow): string {
  return row.batch.extra(row.recordIndex)?.timeRaw ?? '';
}

/** A ConsoleLogin's result and MFA use, null for every other record. */
export function consoleSignInOf(row: EventRow): ConsoleSignIn | null {
  return row.batch.extra(row.recordIndex)?.signIn ?? null;
}

/** Whether the row was rebuilt from a CSV export's columns (no full record; see ingest/csv/). */
export function isLossy(row: EventRow): boolean {
  return row.batch.extra(row.recordIndex)?.lossy === true;
}

/** Marks the record at `index` of `batch` as rebuilt from CSV columns, keeping its other rare fields. */
export function markLossy(batch: RecordBatch, index: number): void {
  const extra = batch.extra(index);
  batch.setExtra(index, { timeRaw: extra?.timeRaw ?? '', sharedEventId: extra?.sharedEventId ?? '', insight: extra?.insight ?? null, ...(extra?.signIn ? { signIn: extra.signIn } : {}), lossy: true });
}

/** The Insight details of an AwsCloudTrailInsight record, null for every other. */
export function rowInsight(row: EventRow): InsightDetails | null {
  return row.batch.extra(row.recordIndex)?.insight ?? null;
}

function shifted<T>(values: (T | undefined)[], shift: number): (T | undefined)[] {
  const out: (T | undefined)[] = [];
  values.forEach((value, slot) => {
    if (value !== undefined) out[slot + shift] = value;
  });
  return out;
}
