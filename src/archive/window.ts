/**
 * `trailtop --db FILE`: the dashboard's list over a whole archive, however
 * big. An ArchiveList is one query's events in the list's order (newest or
 * oldest first), addressed by index 0..total-1 as the list view addresses its
 * rows, but only a window of them is ever held: the rows around the screen.
 * Moving the window costs one page query by keyset (tt_time, tt_seq: the
 * archive's order, query.ts ORDER_BY) from the held rows' first or last
 * cursor; the last rows are the first page of the reverse order. The count
 * comes from SQL. Details read the record stored with each held row. No Ink
 * here: the UI asks `ensure(top, end)` and draws `at(i)`.
 */
import type { Archive } from './db.js';
import { openArchive } from './db.js';
import { countAndFirstPage, countEvents, ORDER_BY, pageEvents, placeOfCursor, type ArchivedEvent, type Cursor, type Order } from './query.js';

/** Rows fetched beyond what the screen asks for, each way a page goes. */
export const PAGE_MARGIN = 100;
/** The most rows held at once (the rest are dropped from the far side). */
export const MAX_HELD = 1_000;
/** How far past the held rows a move still continues by keyset (one page); further is a jump. */
export const NEAR = 2_000;

/** The window's sizes (tests make them small to exercise every path on a small archive). */
export interface ListSizes {
  margin: number;
  maxHeld: number;
  near: number;
}

const SIZES: ListSizes = { margin: PAGE_MARGIN, maxHeld: MAX_HELD, near: NEAR };

const reverse = (order: Order): Order => (order === 'newest' ? 'oldest' : 'newest');

/** What the list learns about its queries, for a status line or a bench (page queries run, ms spent in them). */
export interface ListStats {
  queries: number;
  ms: number;
}

export class ArchiveList {
  /** Index of held[0] in the list. */
  private start = 0;
  private held: ArchivedEvent[] = [];
  private pending: Promise<void> = Promise.resolve();
  readonly stats: ListStats = { queries: 0, ms: 0 };

  private constructor(
    private readonly archive: Archive,
    readonly where: string | null,
    readonly order: Order,
    /** Events the query selects (SQL count when the list was opened). */
    public total: number,
    private readonly sizes: ListSizes,
  ) {}

  /** The count and the first screen's page. `total` may be passed when known (the same query in the other order). */
  static async open(archive: Archive, where: string | null, order: Order, firstRows = 60, total?: number, sizes: Partial<ListSizes> = {}): Promise<ArchiveList> {
    const chosen = { ...SIZES, ...sizes };
    if (total === undefined && where !== null) {
      // A query: its count and first page in one pass (the filter, not the page, is the cost).
      const first = await countAndFirstPage(archive, where, firstRows + chosen.margin, order);
      const list = new ArchiveList(archive, where, order, first.total, chosen);
      list.held = first.page;
      list.stats.queries++;
      return list;
    }
    // Everything: the count is the table's row count, and the first page a top-N that zone maps cut short.
    const list = new ArchiveList(archive, where, order, total ?? (await countEvents(archive, where)), chosen);
    await list.ensure(0, firstRows);
    return list;
  }

  /**
   * The list of `where` in `order` held around `anchor`, a row known to be at `index` (the same
   * event after `o` turns the order round): two keyset pages, one each way from it.
   */
  static async openAt(archive: Archive, where: string | null, order: Order, total: number, anchor: ArchivedEvent, index: number, screen = 60, sizes: Partial<ListSizes> = {}): Promise<ArchiveList> {
    const list = new ArchiveList(archive, where, order, total, { ...SIZES, ...sizes });
    const reach = screen + list.sizes.margin;
    const after = await list.page(reach, anchor.cursor, order);
    const before = index > 0 ? (await list.page(Math.min(index, reach), anchor.cursor, reverse(order))).reverse() : [];
    list.held = [...before, anchor, ...after];
    list.start = Math.max(0, index - before.length);
    return list;
  }

  /**
   * The list of `where` in `order` held around `anchor`, an event read from an earlier list (`[` back
   * to a query): its index found by its keys (time, arrival), so the cursor goes back to that event
   * however the rows before it changed. When the event is no longer in the list (a relative time
   * moved on, a pivot left it out), the index is where it would be: the next event after it
   * (`present` false).
   */
  static async openAround(
    archive: Archive,
    where: string | null,
    order: Order,
    anchor: ArchivedEvent,
    screen = 60,
    sizes: Partial<ListSizes> = {},
  ): Promise<{ list: ArchiveList; index: number; present: boolean }> {
    const { total, before, present } = await placeOfCursor(archive, where, anchor.cursor, order);
    if (present) return { list: await ArchiveList.openAt(archive, where, order, total, anchor, before, screen, sizes), index: before, present };
    const list = new ArchiveList(archive, where, order, total, { ...SIZES, ...sizes });
    const index = Math.max(0, Math.min(before, total - 1));
    await list.ensure(Math.max(0, index - screen), index + screen);
    return { list, index, present };
  }

  /** The event at `index`, when held. */
  at(index: number): ArchivedEvent | undefined {
    return this.held[index - this.start];
  }

  /** Whether every row of [top, end) (clamped to the list) is held. */
  holds(top: number, end: number): boolean {
    const [a, b] = this.clamp(top, end);
    return a >= b || (a >= this.start && b <= this.start + this.held.length);
  }

  /** The held range, for tests and the bench: [first index, one past the last). */
  heldRange(): [number, number] {
    return [this.start, this.start + this.held.length];
  }

  private clamp(top: number, end: number): [number, number] {
    const b = Math.max(0, Math.min(this.total, Math.ceil(end)));
    const a = Math.max(0, Math.min(b, Math.floor(top)));
    return [a, b];
  }

  /** Fetches what [top, end) needs (one page query in the usual case); calls run one after another. */
  ensure(top: number, end: number): Promise<void> {
    const run = this.pending.then(() => this.fetch(top, end));
    this.pending = run.catch(() => undefined);
    return run;
  }

  private async page(limit: number, from: Cursor | undefined, order: Order): Promise<ArchivedEvent[]> {
    const started = performance.now();
    try {
      return await pageEvents(this.archive, this.where, limit, from, order);
    } finally {
      this.stats.queries++;
      this.stats.ms += performance.now() - started;
    }
  }

  private async fetch(top: number, end: number): Promise<void> {
    if (this.holds(top, end)) return;
    const [a, b] = this.clamp(top, end);
    const { margin, near } = this.sizes;
    const heldEnd = this.start + this.held.length;
    if (this.held.length > 0 && a >= this.start && b > heldEnd && b - heldEnd <= near) {
      // Onwards from the last held row.
      const more = await this.page(b - heldEnd + margin, this.held[this.held.length - 1]!.cursor, this.order);
      this.held.push(...more);
      if (more.length < b - heldEnd) this.total = this.start + this.held.length; // the archive shrank under us
    } else if (this.held.length > 0 && b <= heldEnd && a < this.start && this.start - a <= near) {
      // Back from the first held row: the reverse order's page after it, turned round.
      const want = Math.min(this.start, this.start - a + margin);
      const before = (await this.page(want, this.held[0]!.cursor, reverse(this.order))).reverse();
      this.held.unshift(...before);
      this.start -= before.length;
    } else if (this.total - a <= near && this.total - a <= a) {
      // Nearer the end: the last rows are the first page of the reverse order.
      const want = Math.min(this.total, this.total - a + margin);
      const last = (await this.page(want, undefined, reverse(this.order))).reverse();
      this.held = last;
      this.start = Math.max(0, this.total - last.length);
    } else if (a <= near) {
      this.held = await this.page(b + margin, undefined, this.order);
      this.start = 0;
    } else {
      // A jump into the middle (no key does this; a caller asking for row N does): by OFFSET.
      this.held = await this.offsetPage(Math.max(0, a - margin), b - a + 2 * margin);
      this.start = Math.max(0, a - margin);
    }
    this.trim(a, b);
  }

  private async offsetPage(offset: number, limit: number): Promise<ArchivedEvent[]> {
    // Keyset from the row just before `offset`: that row is found by OFFSET once.
    if (offset === 0) return this.page(limit, undefined, this.order);
    const before = await pageEventsAt(this.archive, this.where, this.order, offset - 1);
    this.stats.queries++;
    return before ? this.page(limit, before, this.order) : [];
  }

  /** Drops held rows far from [a, b) when more than MAX_HELD are held. */
  private trim(a: number, b: number): void {
    const { maxHeld } = this.sizes;
    const excess = this.held.length - maxHeld;
    if (excess <= 0) return;
    const roomBefore = a - this.start;
    const roomAfter = this.start + this.held.length - b;
    // Drop from the side with more rows beyond the asked range.
    const fromFront = Math.min(excess, Math.max(0, roomBefore - Math.floor((maxHeld - (b - a)) / 2)));
    const fromBack = Math.min(excess - fromFront, Math.max(0, roomAfter));
    if (fromFront > 0) {
      this.held.splice(0, fromFront);
      this.start += fromFront;
    }
    if (fromBack > 0) this.held.splice(this.held.length - fromBack, fromBack);
  }
}

/** The one row at `offset` in the order (OFFSET; for jumps into the middle only). */
async function pageEventsAt(archive: Archive, where: string | null, order: Order, offset: number): Promise<Cursor | undefined> {
  const result = await archive.connection.runAndReadAll(
    `SELECT tt_time, tt_seq FROM events ${where ? `WHERE ${where}` : ''} ORDER BY ${ORDER_BY[order]} LIMIT 1 OFFSET ${Math.max(0, Math.floor(offset))}`,
  );
  const row = result.getRows()[0];
  if (!row) return undefined;
  return { time: row[0] === null ? null : Number(row[0]), seq: Number(row[1]) };
}

/** An archive opened for the dashboard (read only). */
export async function openArchiveForDashboard(dbPath: string): Promise<Archive> {
  return openArchive(dbPath, { readOnly: true });
}
