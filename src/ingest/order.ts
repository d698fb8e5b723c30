/**
 * Which files to read first, and which copy of a duplicated eventID is kept.
 * A year of logs takes a while to load; the dashboard reads the newest
 * deliveries first, which puts recent events on the first screen while older
 * files still load. File order, which decides duplicates, is the other way:
 * the oldest delivery first (fileOrder, compareCopies).
 */
import { stat } from 'node:fs/promises';
import { utcTime } from '../model/utc.js';

/** `..._20150801T0210Z_...` (trail logs) or `..._20150801T021059Z...` (digests), always UTC. */
const DELIVERY_STAMP = /_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?Z(?=[_.]|$)/;
/** `.../2015/08/01/...`: S3 delivery folders, also UTC. */
const DATE_FOLDERS = /(?:^|[\\/])(\d{4})[\\/](\d{2})[\\/](\d{2})(?=[\\/])/;

/**
 * The time a file was delivered, in epoch ms: the timestamp in a CloudTrail file
 * name, else the end of the day of its YYYY/MM/DD folders, else its mtime.
 */
export function deliveryTime(path: string, mtimeMs: number): number {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const stamp = DELIVERY_STAMP.exec(name);
  if (stamp) {
    const [, y, mo, d, h, mi, s] = stamp;
    const time = utcTime(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
    if (validParts(Number(mo), Number(d), Number(h), Number(mi)) && Number.isFinite(time)) return time;
  }
  const folders = DATE_FOLDERS.exec(path);
  if (folders) {
    const [, y, mo, d] = folders;
    const time = utcTime(Number(y), Number(mo) - 1, Number(d), 23, 59, 59, 999);
    if (validParts(Number(mo), Number(d), 0, 0) && Number.isFinite(time)) return time;
  }
  return Number.isFinite(mtimeMs) ? mtimeMs : 0;
}

function validParts(month: number, day: number, hour: number, minute: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59;
}

export interface OrderedFile {
  path: string;
  /** deliveryTime(path, mtime): larger is newer. */
  key: number;
}

/** Newest delivery first; equal keys by path, descending, so the order is stable across runs. */
export function compareNewestFileFirst(a: OrderedFile, b: OrderedFile): number {
  if (a.key !== b.key) return b.key - a.key;
  return a.path < b.path ? 1 : a.path > b.path ? -1 : 0;
}

/**
 * A priority queue of files to read, newest first. Files found later by the
 * watch still jump ahead of older files that are waiting.
 */
export class NewestFirstQueue<T extends OrderedFile> {
  private readonly heap: T[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(item: T): void {
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (compareNewestFileFirst(heap[i]!, heap[parent]!) >= 0) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let best = i;
        if (left < heap.length && compareNewestFileFirst(heap[left]!, heap[best]!) < 0) best = left;
        if (right < heap.length && compareNewestFileFirst(heap[right]!, heap[best]!) < 0) best = right;
        if (best === i) break;
        [heap[i], heap[best]] = [heap[best]!, heap[i]!];
        i = best;
      }
    }
    return top;
  }
}

/** File order: oldest delivery first; equal keys by path, ascending. */
export function compareOldestFileFirst(a: OrderedFile, b: OrderedFile): number {
  if (a.key !== b.key) return a.key - b.key;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * THE duplicate rule, for the dashboard, `scan`, `tail`, `export`, `detect`
 * and `archive` alike: of several copies of one eventID, the one kept is the
 * first in file order: the copy in the file delivered first (the oldest
 * delivery time, then the smaller path), and within a file the first record.
 * A forged copy added to a later file does not displace the original; it is
 * reported as a conflicting duplicate. Headless commands read (or apply
 * worker results) in this order and keep the first copy they see; the
 * dashboard reads the newest files first and its store replaces a kept copy
 * when an earlier one differs (model/order.ts compareCopies, EventStore).
 */
export function fileOrder<T extends OrderedFile>(files: T[]): T[] {
  return files.sort(compareOldestFileFirst);
}

/** Paths in file order (fileOrder): delivery time from the name, else the mtime (stat'ed 64 at a time). */
export async function pathsInFileOrder(files: readonly string[]): Promise<string[]> {
  const entries: OrderedFile[] = [];
  for (let start = 0; start < files.length; start += 64) {
    const slice = files.slice(start, start + 64);
    const keys = await Promise.all(
      slice.map(async (path) => {
        const dated = deliveryTime(path, -1);
        if (dated !== -1) return dated;
        const info = await stat(path).catch(() => null);
        return deliveryTime(path, info?.mtimeMs ?? 0);
      }),
    );
    slice.forEach((path, k) => entries.push({ path, key: keys[k]! }));
  }
  return fileOrder(entries).map((e) => e.path);
}

/**
 * Hands on the rows of reads in the order the reads were started (each gets a
 * ticket when it starts), however they finish: rows of a read that finishes
 * early wait until every earlier read is done. At most as many reads as are
 * in flight are held back, so memory stays bounded.
 */
export class FileOrderGate<R> {
  private issued = 0;
  private head = 0;
  private readonly waiting = new Map<number, { batches: R[][]; done: boolean }>();
  private held = 0;

  constructor(private readonly deliver: (rows: R[]) => void) {}

  /** Rows kept back, waiting for an earlier read. */
  get heldRows(): number {
    return this.held;
  }

  /** A ticket for a read about to start; tickets must be used in the order they were taken. */
  ticket(): number {
    return this.issued++;
  }

  /** Rows of read `ticket`, passed on now if every earlier read is done, else kept until then. */
  rows(ticket: number, rows: R[]): void {
    if (ticket === this.head) {
      this.deliver(rows);
      return;
    }
    this.entry(ticket).batches.push(rows);
    this.held += rows.length;
  }

  /** Read `ticket` is over (read, failed or given up): later reads may go on. */
  done(ticket: number): void {
    if (ticket !== this.head) {
      this.entry(ticket).done = true;
      return;
    }
    this.waiting.delete(ticket);
    this.head++;
    for (;;) {
      const next = this.waiting.get(this.head);
      if (!next) return;
      const batches = next.batches;
      next.batches = [];
      for (const batch of batches) {
        this.held -= batch.length;
        this.deliver(batch);
      }
      if (!next.done) return;
      this.waiting.delete(this.head);
      this.head++;
    }
  }

  private entry(ticket: number): { batches: R[][]; done: boolean } {
    let entry = this.waiting.get(ticket);
    if (!entry) this.waiting.set(ticket, (entry = { batches: [], done: false }));
    return entry;
  }
}
