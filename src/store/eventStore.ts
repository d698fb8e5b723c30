import { Interner } from '../model/intern.js';
import { contentDifference } from '../model/contentCheck.js';
import { compareCopies, compareNewestFirst } from '../model/order.js';
import { isLossy, type RecordBatch } from '../model/recordBatch.js';
import type { EventRow, ResourceRef } from '../model/types.js';
import { emptyProgress, noteConflict, type LoadProgress } from './progress.js';
import { RowColumns } from './columns.js';
import { IdIndex } from './idIndex.js';
import { storedRowClass, type StoredRowClass } from './storedRow.js';
import { listKey, resourcesKey, SharedValues, StringSharer } from './share.js';

export type StoreListener = () => void;

/** Resource types with a table of their own (EventStore.resourceRefsOf). */
const MAX_RESOURCE_TYPES = 512;

/** The longest a big store waits between change notifications (see notifyInterval). */
const MAX_NOTIFY_INTERVAL_MS = 500;
/** Rows per millisecond of notification interval: 200k rows wait 100 ms, 1M rows 500 ms. */
const ROWS_PER_NOTIFY_MS = 2_000;

// Most rows name no user names or resources; one shared empty array each saves
// two allocations per row (about 60 MB at a million rows). Frozen, so a stray
// push fails loudly instead of changing every row.
const NO_NAMES = Object.freeze([]) as unknown as string[];
const NO_RESOURCES = Object.freeze([]) as unknown as EventRow['resources'];

/**
 * Append-only, deduplicated event store.
 *
 * Two views of the same rows:
 * - `log()`: arrival order, append-only. Consumers that filter incrementally
 *   remember how far they have read and test only the rows after that.
 * - `rows()`: newest first. New rows are sorted on their own and merged in
 *   when the view is read, so a batch never re-sorts the whole store.
 *
 * Duplicates (same id) keep the copy first in file order (compareCopies:
 * the oldest delivery), whatever order files are read in. When a copy that
 * comes earlier arrives after the kept one and its content differs (a
 * conflicting duplicate), it is written over the kept row in place: same
 * object, same seq, its columns rewritten. Readers that keep results per row
 * (filters, derived columns, findings) see `rewrites` change and start over,
 * or read `rewritten()` to redo only those rows. Identical copies change nothing.
 *
 * Change notifications are coalesced to at most one per `notifyIntervalMs`
 * (more for big stores: notifyInterval).
 */
export class EventStore {
  private readonly arrival: EventRow[] = [];
  private sorted: EventRow[] = [];
  private pending: EventRow[] = [];
  private readonly ids = new IdIndex((row) => this.rowColumns.ids.at(row));
  private readonly interner = new Interner();
  private readonly nameLists: SharedValues<string[]>;
  /** Within one add(): user-name lists already shared, by the list the row came with. */
  private readonly sharedInBatch = new Map<readonly string[], string[]>();
  private readonly resourceLists: SharedValues<EventRow['resources']>;
  // Resource names and ARNs of lists not shared whole: S3 object keys never repeat, bucket names do.
  private readonly resourceNames: StringSharer;
  private readonly resourceArns: StringSharer;
  /** Resources shared one by one, a table per resource type (at most MAX_RESOURCE_TYPES of them). */
  private readonly resourceRefs = new Map<string, SharedValues<ResourceRef>>();
  private readonly dictionaryProbe: number | undefined;
  private readonly listeners = new Set<StoreListener>();
  private readonly rowColumns: RowColumns;
  /** The rows this store keeps: their fields but batch, record index and seq live in rowColumns. */
  private readonly StoredRow: StoredRowClass;
  private orderOf: { rows: readonly EventRow[]; seqs: Int32Array } | null = null;
  /** Seqs of rows written over by an earlier copy, in the order it happened (rewritten()). */
  private readonly replacedSeqs: number[] = [];
  /** Replaced rows whose time changed: they move in rows() at its next read. */
  private readonly moved = new Set<EventRow>();
  /** A row was replaced since rows() was last read: it returns a new array (readers cache by its identity). */
  private rowsRewritten = false;
  /** The last row's batch (its file interned), resource type and table, and resource account (internRow). */
  private lastBatch: RecordBatch | null = null;
  private lastResourceType: string | null = null;
  private lastResourceRefs: SharedValues<ResourceRef> | null = null;
  private lastAccountId = '';
  private notifyTimer: NodeJS.Timeout | null = null;
  private lastNotify = 0;
  private versionCounter = 0;
  progress: LoadProgress = emptyProgress();

  constructor(
    private readonly notifyIntervalMs = 100,
    options: { columnDictionaryLimit?: number; dictionaryProbe?: number } = {},
  ) {
    this.rowColumns = new RowColumns(options.columnDictionaryLimit, options.dictionaryProbe);
    this.StoredRow = storedRowClass(this.rowColumns);
    this.nameLists = new SharedValues<string[]>(undefined, options.dictionaryProbe);
    this.resourceLists = new SharedValues<EventRow['resources']>(undefined, options.dictionaryProbe);
    this.resourceNames = new StringSharer(options.dictionaryProbe);
    this.resourceArns = new StringSharer(options.dictionaryProbe);
    this.dictionaryProbe = options.dictionaryProbe;
  }

  private resourceRefsOf(type: string): SharedValues<ResourceRef> | null {
    let refs = this.resourceRefs.get(type);
    if (!refs) {
      // Crafted logs could name endless types: past this many, resources of new types are not shared.
      if (this.resourceRefs.size >= MAX_RESOURCE_TYPES) return null;
      refs = new SharedValues<ResourceRef>(undefined, this.dictionaryProbe);
      this.resourceRefs.set(type, refs);
    }
    return refs;
  }

  /**
   * Adds rows; returns how many were new (not duplicates of a known id).
   * `onReplace` hears of each kept row that now stands for `copy`, an earlier copy in file order
   * (written over when its content differs; else only pointed at copy's record).
   */
  add(rows: readonly EventRow[], onReplace?: (copy: EventRow) => void): number {
    let added = 0;
    let rereads = 0;
    this.sharedInBatch.clear();
    for (const row of rows) {
      if (!this.ids.addIfAbsent(row.id, this.arrival.length)) {
        const kept = this.get(row.id);
        // A record read again (its file re-read whole after it grew, was touched or moved) is not a second copy:
        // counted, it made the header claim duplicates ('4 events (5 records read)') and list a conflict twice.
        // A file rewritten in place with other records passes for the same below readBefore (CloudTrail never
        // rewrites a delivered file; telling them apart cost a fingerprint per duplicate, 89 MB at 1M).
        const again = row.recordIndex < row.batch.readBefore || (kept !== undefined && kept.recordIndex === row.recordIndex && kept.batch.file === row.batch.file);
        if (again) rereads++;
        else this.progress.duplicates++;
        if (kept && this.checkDuplicate(row, kept, again)) onReplace?.(row);
        continue;
      }
      this.internRow(row);
      const seq = this.arrival.length;
      row.seq = seq;
      this.rowColumns.append(row, this.nameLists.active, this.resourceLists.active, this.internValue);
      // The row kept is a compact copy reading its fields from the columns (storedRow.ts).
      const stored = new this.StoredRow(row, seq);
      this.arrival.push(stored);
      this.pending.push(stored);
      added++;
    }
    this.sharedInBatch.clear();
    this.progress.eventsRead += rows.length - rereads;
    if (added > 0 || rows.length > 0) this.changed();
    return added;
  }

  /**
   * A second copy of a known id: real CloudTrail duplicates are identical, so a
   * copy whose content differs is listed as a conflict; when it comes first in
   * file order it replaces the kept row. True when the kept copy is now `row`'s
   * (also for an identical copy that comes earlier: the row then points at its
   * record, so the record read back is the one kept everywhere). Compares the rows themselves:
   * no memory per event, and work only per duplicate.
   */
  private checkDuplicate(row: EventRow, kept: EventRow, again: boolean): boolean {
    // A copy rebuilt from CSV columns lacks fields the record has: it differs without conflicting.
    const lossy = isLossy(row) || isLossy(kept);
    const field = lossy ? null : contentDifference(kept, row);
    const earlier = compareCopies(row, kept) < 0;
    if (lossy && earlier) {
      this.replace(kept, row);
      return true;
    }
    if (field === null) {
      // An identical copy: nothing changes but where the record is read back from (the kept copy's file).
      // Fields rows do not keep may still differ (requestParameters ...): what detection saw comes from that copy.
      if (!earlier) return false;
      row.batch.file = this.interner.intern(row.batch.file);
      kept.batch = row.batch;
      kept.recordIndex = row.recordIndex;
      return true;
    }
    if (!earlier) {
      // Read again, it was listed when first read.
      if (!again) noteConflict(this.progress, { eventID: row.id, keptFile: kept.batch.file, file: row.batch.file, field });
      return false;
    }
    const dropped = kept.batch.file;
    this.replace(kept, row);
    for (const conflict of this.progress.conflicts) {
      if (conflict.eventID === row.id && conflict.keptFile === dropped) conflict.keptFile = kept.batch.file;
    }
    noteConflict(this.progress, { eventID: row.id, keptFile: kept.batch.file, file: dropped, field });
    return true;
  }

  /** Writes `copy` over the kept row (same object and seq): the fields it holds, and its columns (where the rest live, storedRow.ts). */
  private replace(kept: EventRow, copy: EventRow): void {
    this.internRow(copy);
    const seq = kept.seq;
    const timeChanged = !(kept.time === copy.time || (Number.isNaN(kept.time) && Number.isNaN(copy.time)));
    kept.batch = copy.batch;
    kept.recordIndex = copy.recordIndex;
    this.rowColumns.replace(seq, copy, this.nameLists.active, this.resourceLists.active, this.internValue);
    if (timeChanged) this.moved.add(kept);
    this.rowsRewritten = true;
    this.replacedSeqs.push(seq);
  }

  /** How many times a kept row was replaced by an earlier copy: readers that keep per-row results start over when it changes. */
  get rewrites(): number {
    return this.replacedSeqs.length;
  }

  /** Seqs of the rows replaced so far, oldest replacement first (a seq may repeat): entries past a reader's last `rewrites` are new. */
  rewritten(): readonly number[] {
    return this.replacedSeqs;
  }

  private readonly internValue = (value: string): string => this.interner.intern(value);

  /** The store's shared copy of a repeated string (rows added later are interned anyway; this lets a decoder do it once per distinct value). */
  intern(value: string): string {
    return this.interner.intern(value);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** The row with this id, if the store has one. */
  get(id: string): EventRow | undefined {
    const row = this.ids.find(id);
    return row < 0 ? undefined : this.arrival[row];
  }

  get size(): number {
    return this.arrival.length;
  }

  /** Increases on every change; the snapshot React reads through useSyncExternalStore. */
  get version(): number {
    return this.versionCounter;
  }

  readonly getSnapshot = (): number => this.versionCounter;

  /** Arrival order, append-only: rows at index >= n are the ones added after a reader saw n rows. */
  log(): readonly EventRow[] {
    return this.arrival;
  }

  /** All rows, newest first. */
  rows(): readonly EventRow[] {
    if (this.moved.size > 0) {
      // Replaced rows whose time changed are sorted in again (once per read, however many were replaced).
      const moved = this.moved;
      this.sorted = this.sorted.filter((row) => !moved.has(row));
      this.pending = this.pending.filter((row) => !moved.has(row));
      for (const row of moved) this.pending.push(row);
      moved.clear();
    } else if (this.rowsRewritten && this.pending.length === 0) {
      this.sorted = this.sorted.slice();
    }
    this.rowsRewritten = false;
    if (this.pending.length > 0) {
      const batch = this.pending.sort(compareNewestFirst);
      this.pending = [];
      this.sorted = mergeSorted(this.sorted, batch);
    }
    return this.sorted;
  }

  /** The rows' query columns, indexed by row.seq (see store/columns.ts). */
  columns(): RowColumns {
    return this.rowColumns;
  }

  /** rows() as seqs (indexes into log() and columns()), newest first; made again only after the rows change. */
  order(): Int32Array {
    const rows = this.rows();
    if (this.orderOf?.rows !== rows) {
      const seqs = new Int32Array(rows.length);
      for (let i = 0; i < rows.length; i++) seqs[i] = rows[i]!.seq;
      this.orderOf = { rows, seqs };
    }
    return this.orderOf.seqs;
  }

  /** Records a change to progress (files done, bad files ...) and notifies. */
  updateProgress(update: (progress: LoadProgress) => void): void {
    update(this.progress);
    this.changed();
  }

  readonly subscribe = (listener: StoreListener): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Delivers any coalesced notification now (headless commands call this before they finish). */
  flush(): void {
    if (this.notifyTimer) {
      clearTimeout(this.notifyTimer);
      this.notifyTimer = null;
    }
    this.emit();
  }

  private changed(): void {
    this.versionCounter++;
    if (this.notifyTimer) return;
    const wait = Math.max(0, this.lastNotify + this.notifyInterval() - Date.now());
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = null;
      this.emit();
    }, wait);
    this.notifyTimer.unref?.();
  }

  /**
   * notifyIntervalMs, longer for a big store: each notification makes readers
   * take a new newest-first array (a copy of every row: 8 MB at a million,
   * garbage the next time), so during the initial load of a million rows they
   * come every 500 ms, not every 100; keys are answered by their own frames
   * meanwhile. Once loaded (watching), new deliveries show at the base rate. 0 stays 0.
   */
  private notifyInterval(): number {
    if (this.notifyIntervalMs === 0 || this.progress.phase !== 'loading') return this.notifyIntervalMs;
    return Math.max(this.notifyIntervalMs, Math.min(MAX_NOTIFY_INTERVAL_MS, this.arrival.length / ROWS_PER_NOTIFY_MS));
  }

  private emit(): void {
    this.lastNotify = Date.now();
    for (const listener of [...this.listeners]) listener();
  }

  private internRow(row: EventRow): void {
    const i = this.interner;
    // The columns keep the text fields (columns.append), shared where they repeat.
    // Rows of one read share their batch: its file is interned once, not per row.
    if (row.batch !== this.lastBatch) {
      row.batch.file = i.intern(row.batch.file);
      this.lastBatch = row.batch;
    }
    if (row.userNames.length === 0) {
      row.userNames = NO_NAMES;
    } else if (this.sharedInBatch.has(row.userNames)) {
      // The decoder hands one list to every row of a batch that names the same users: key it once.
      row.userNames = this.sharedInBatch.get(row.userNames)!;
    } else {
      const incoming = row.userNames;
      const shared = this.nameLists.active ? this.nameLists.share(listKey(row.userNames), row.userNames) : row.userNames;
      // Frozen means already shared (by an earlier row, or a decoder that handed one list to several rows).
      if (!Object.isFrozen(shared)) {
        for (let k = 0; k < shared.length; k++) shared[k] = i.intern(shared[k]!);
        Object.freeze(shared);
      }
      row.userNames = shared;
      this.sharedInBatch.set(incoming, shared);
    }
    if (row.resources.length === 0) {
      row.resources = NO_RESOURCES;
    } else {
      // A table that gave up (lists that never repeat) is not asked: building the key was most of the cost.
      const shared = this.resourceLists.active ? this.resourceLists.share(resourcesKey(row.resources), row.resources) : row.resources;
      if (!Object.isFrozen(shared)) {
        for (let k = 0; k < shared.length; k++) {
          const resource = shared[k]!;
          // Most resources are of a type seen just before: no lookups for the type (a lookup each
          // for the interner and the table cost 5% of the main thread's load of S3 data events).
          let refs: SharedValues<ResourceRef> | null;
          if (resource.type === this.lastResourceType) {
            resource.type = this.lastResourceType;
            refs = this.lastResourceRefs;
          } else {
            resource.type = i.intern(resource.type);
            refs = this.resourceRefsOf(resource.type);
            this.lastResourceType = resource.type;
            this.lastResourceRefs = refs;
          }
          // The same resource named by many events (a bucket, a KMS key) is one object, by type: the
          // types whose resources never repeat (S3 objects) give their table up on their own.
          if (refs?.active) {
            // Keyed by the ARN alone (the name when there is none): building a key of all three
            // fields cost a string per resource. A known one is shared only when all three match.
            const known = refs.share(resource.arn !== '' ? resource.arn : resource.name, resource);
            if (known !== resource && known.name === resource.name && known.arn === resource.arn && known.accountId === resource.accountId) {
              shared[k] = known;
              continue;
            }
          }
          resource.name = this.resourceNames.share(resource.name);
          resource.arn = this.resourceArns.share(resource.arn);
          resource.accountId = resource.accountId === this.lastAccountId ? this.lastAccountId : (this.lastAccountId = i.intern(resource.accountId));
          Object.freeze(resource);
        }
        Object.freeze(shared);
      }
      row.resources = shared;
    }
  }
}

/**
 * Merges two newest-first arrays into a new one. Only the stretch where the two
 * overlap in time is compared row by row; the parts of `a` before and after it
 * are copied as they are. Batches mostly land at one end (older files during
 * the initial load, new deliveries while watching), so a merge into a million
 * rows costs a copy, not a million comparisons.
 */
export function mergeSorted(a: readonly EventRow[], b: readonly EventRow[]): EventRow[] {
  if (a.length === 0) return b.slice();
  if (b.length === 0) return a.slice();
  const out = new Array<EventRow>(a.length + b.length);
  // a[0, head) all sort before b[0]; a[tail, end) all sort after b's last row.
  const head = countBefore(a, b[0]!, 0);
  const tail = countBefore(a, b[b.length - 1]!, head);
  let k = 0;
  for (let x = 0; x < head; x++) out[k++] = a[x]!;
  let i = head;
  let j = 0;
  while (i < tail && j < b.length) {
    out[k++] = compareNewestFirst(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
  }
  while (j < b.length) out[k++] = b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  return out;
}

/** How many rows of newest-first `a` (from `from` on) sort at or before `row`: a binary search. */
function countBefore(a: readonly EventRow[], row: EventRow, from: number): number {
  let lo = from;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareNewestFirst(a[mid]!, row) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
