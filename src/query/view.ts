import { compareNewestFirst } from '../model/order.js';
import type { EventRow } from '../model/types.js';
import { mergeSorted, type EventStore } from '../store/eventStore.js';
import type { CompiledQuery } from './compile.js';
import { DeepEngine, type DeepUpdate } from './deep/engine.js';
import { filterStore, filterStoreChunked } from './filter.js';
import { Vocabulary } from './vocabulary.js';

export interface FilteredViewOptions {
  /** Shared with compileQuery so fuzzy words know the store's values; a new one is made when absent. */
  vocabulary?: Vocabulary;
  /** Stores up to this many rows are re-filtered synchronously inside setQuery. */
  syncLimit?: number;
  /** Time slice of one chunk of a background re-filter. */
  budgetMs?: number;
  /** Reads records back for deep terms (paths, params:); one with workers is made on first need. */
  deep?: DeepEngine;
}

/** How far a deep search has read: candidates decided of all candidates. */
export interface DeepProgress {
  done: number;
  total: number;
}

export type ViewListener = () => void;

/**
 * The rows of an EventStore that the current query keeps, newest first.
 *
 * A new query re-filters every row, in chunks that yield to the event loop;
 * a newer setQuery cancels the older one's work, and until it finishes the
 * previous result stays visible. Rows the store receives afterwards are
 * tested on their own (store.log() from a cursor) and merged in.
 *
 * Compile queries with `{ vocabulary: view.vocabulary }`: the view brings the
 * vocabulary up to date before it tests rows, so fuzzy words also match
 * values that arrive later.
 *
 * A query with deep terms (CompiledQuery.deep) is run in two steps: the
 * summary terms pick the candidates by column, then a DeepEngine reads the
 * candidates' records back and keeps those that match. The matches found so
 * far are shown as they come (the newest first), with `deepProgress`; a new
 * setQuery cancels the search. Rows arriving later are searched the same way.
 */
export class FilteredView {
  readonly vocabulary: Vocabulary;
  private current: CompiledQuery | null = null;
  private result: readonly EventRow[] = [];
  /** store.log() index up to which rows have been tested against `current`. */
  private cursor = 0;
  /** store.rewrites when the result was made: a row replaced since means filtering again. */
  private rewrites = 0;
  private running: AbortController | null = null;
  private finished: Promise<boolean> = Promise.resolve(true);
  private versionCounter = 0;
  private readonly listeners = new Set<ViewListener>();
  private readonly unsubscribeStore: () => void;
  private readonly syncLimit: number;
  private readonly budgetMs: number;
  private deepEngine: DeepEngine | null;
  private readonly sharedEngine: boolean;
  private searching: DeepProgress | null = null;
  /** Deep searches of arriving rows, one after another. */
  private arrivals: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: EventStore,
    options: FilteredViewOptions = {},
  ) {
    this.vocabulary = options.vocabulary ?? new Vocabulary();
    this.syncLimit = options.syncLimit ?? 20_000;
    this.budgetMs = options.budgetMs ?? 8;
    this.deepEngine = options.deep ?? null;
    this.sharedEngine = options.deep !== undefined;
    this.unsubscribeStore = store.subscribe(() => this.refresh());
    this.refresh();
  }

  /** The query being applied (null: every row). */
  get query(): CompiledQuery | null {
    return this.current;
  }

  /**
   * Applies a query; resolves true when its result is in place, false when a
   * newer query replaced it first. Small stores are filtered before this returns.
   */
  setQuery(next: CompiledQuery | null): Promise<boolean> {
    this.running?.abort();
    this.running = null;
    this.searching = null;
    this.current = next && !next.isEmpty ? next : null;
    if (!this.current) {
      this.showAll();
      this.finished = Promise.resolve(true);
      return this.finished;
    }
    this.vocabulary.update(this.store);
    this.rewrites = this.store.rewrites;
    const snapshotCursor = this.store.log().length;
    const query = this.current;
    if (!query.deep && snapshotCursor <= this.syncLimit) {
      this.setSearching(null);
      this.install(filterStore(this.store, query), snapshotCursor);
      this.finished = Promise.resolve(true);
      return this.finished;
    }
    const controller = new AbortController();
    this.running = controller;
    const candidates =
      snapshotCursor <= this.syncLimit
        ? Promise.resolve(filterStore(this.store, query))
        : filterStoreChunked(this.store, query, controller.signal, this.budgetMs);
    this.finished = candidates.then(async (rows) => {
      if (rows === null || this.running !== controller) return false;
      if (query.deep) {
        rows = await this.searchRecords(rows, query, controller);
        if (rows === null || this.running !== controller) return false;
      }
      this.running = null;
      this.install(rows, snapshotCursor);
      return true;
    });
    return this.finished;
  }

  /** How far the deep search of the current query has read; null when none runs. */
  get deepProgress(): DeepProgress | null {
    return this.searching;
  }

  private engine(): DeepEngine {
    return (this.deepEngine ??= DeepEngine.create());
  }

  /** The candidates whose records match, showing matches as they are found; null when cancelled. */
  private async searchRecords(candidates: readonly EventRow[], query: CompiledQuery, controller: AbortController): Promise<EventRow[] | null> {
    this.setSearching({ done: 0, total: candidates.length });
    // The list empties at once: the previous result says nothing about this query.
    this.result = [];
    this.changed();
    const onUpdate = (update: DeepUpdate): void => {
      if (this.running !== controller) return;
      this.result = update.rows;
      this.searching = { done: update.done, total: update.total };
      this.changed();
    };
    try {
      const rows = await this.engine().search(candidates, query.ast, { signal: controller.signal, onUpdate });
      if (this.running === controller) this.setSearching(null);
      return rows;
    } catch {
      // A record reader that failed: keep what the summary terms allow rather than nothing.
      if (this.running === controller) this.setSearching(null);
      return controller.signal.aborted ? null : candidates.slice();
    }
  }

  private setSearching(progress: DeepProgress | null): void {
    if (this.searching === progress) return;
    this.searching = progress;
  }

  /** False while a re-filter runs in the background (the previous result is still shown). */
  get ready(): boolean {
    return this.running === null;
  }

  /** Settles when the latest setQuery has finished (true) or been replaced (false). */
  whenReady(): Promise<boolean> {
    return this.finished;
  }

  /** Tests rows the store received since the last look and merges the matches in. */
  refresh(): void {
    if (this.running) return; // the running re-filter catches up when it installs its result
    if (this.store.rewrites !== this.rewrites) {
      // A kept row was replaced by an earlier copy (rare): its old answer may be wrong, so filter again.
      this.rewrites = this.store.rewrites;
      if (this.current) void this.setQuery(this.current);
      else this.showAll();
      return;
    }
    const log = this.store.log();
    if (this.cursor >= log.length) return;
    // Kept current while rows arrive, so the first fuzzy word does not pay for a million rows at once.
    this.vocabulary.update(this.store);
    const query = this.current;
    if (!query) {
      this.showAll();
      return;
    }
    const fresh: EventRow[] = [];
    for (let i = this.cursor; i < log.length; i++) {
      const row = log[i]!;
      if (query.test(row)) fresh.push(row);
    }
    this.cursor = log.length;
    if (fresh.length === 0) return;
    fresh.sort(compareNewestFirst);
    if (query.deep) {
      this.searchArrivals(fresh, query);
      return;
    }
    this.merge(fresh);
  }

  /** Arriving candidates of a deep query: their records are read, one batch after another, and the matches merged in. */
  private searchArrivals(fresh: EventRow[], query: CompiledQuery): void {
    this.arrivals = this.arrivals.then(async () => {
      if (this.current !== query) return;
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      const watch = setInterval(() => {
        if (this.current !== query) stop();
      }, 50);
      try {
        const rows = await this.engine().search(fresh, query.ast, { signal: controller.signal });
        if (rows && rows.length > 0 && this.current === query) this.merge(rows);
      } catch {
        // The rows stay out: a record that cannot be read back does not match.
      } finally {
        clearInterval(watch);
      }
    });
  }

  private merge(fresh: EventRow[]): void {
    this.result = mergeSorted(this.result, fresh);
    this.changed();
  }

  /** The matching rows, newest first. Do not mutate. */
  rows(): readonly EventRow[] {
    return this.result;
  }

  get size(): number {
    return this.result.length;
  }

  /** Increases whenever rows() changes. */
  get version(): number {
    return this.versionCounter;
  }

  readonly getSnapshot = (): number => this.versionCounter;

  readonly subscribe = (listener: ViewListener): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Stops listening to the store and cancels background work; closes the deep engine unless it was given (options.deep). */
  dispose(): void {
    this.release();
    if (!this.sharedEngine) this.deepEngine?.close();
  }

  /** dispose() without closing the deep engine (one shared between views). */
  release(): void {
    this.running?.abort();
    this.running = null;
    this.current = null;
    this.unsubscribeStore();
    this.listeners.clear();
  }

  private showAll(): void {
    const all = this.store.rows();
    this.cursor = this.store.log().length;
    if (all === this.result) return;
    this.result = all;
    this.changed();
  }

  private install(rows: EventRow[], cursor: number): void {
    this.result = rows;
    this.cursor = cursor;
    this.changed();
    this.refresh();
  }

  private changed(): void {
    this.versionCounter++;
    for (const listener of [...this.listeners]) listener();
  }
}
