import { compareNewestFirst } from '../model/order.js';
import type { EventRow } from '../model/types.js';
import { mergeSorted, type EventStore } from '../store/eventStore.js';
import type { CompiledQuery } from './compile.js';
import { filterStore, filterStoreChunked } from './filter.js';
import { Vocabulary } from './vocabulary.js';

export interface FilteredViewOptions {
  /** Shared with compileQuery so fuzzy words know the store's values; a new one is made when absent. */
  vocabulary?: Vocabulary;
  /** Stores up to this many rows are re-filtered synchronously inside setQuery. */
  syncLimit?: number;
  /** Time slice of one chunk of a background re-filter. */
  budgetMs?: number;
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
 */
export class FilteredView {
  readonly vocabulary: Vocabulary;
  private current: CompiledQuery | null = null;
  private result: readonly EventRow[] = [];
  /** store.log() index up to which rows have been tested against `current`. */
  private cursor = 0;
  private running: AbortController | null = null;
  private finished: Promise<boolean> = Promise.resolve(true);
  private versionCounter = 0;
  private readonly listeners = new Set<ViewListener>();
  private readonly unsubscribeStore: () => void;
  private readonly syncLimit: number;
  private readonly budgetMs: number;

  constructor(
    private readonly store: EventStore,
    options: FilteredViewOptions = {},
  ) {
    this.vocabulary = options.vocabulary ?? new Vocabulary();
    this.syncLimit = options.syncLimit ?? 20_000;
    this.budgetMs = options.budgetMs ?? 8;
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
  setQuery(query: CompiledQuery | null): Promise<boolean> {
    this.running?.abort();
    this.running = null;
    this.current = query && !query.isEmpty ? query : null;
    if (!this.current) {
      this.showAll();
      this.finished = Promise.resolve(true);
      return this.finished;
    }
    this.vocabulary.update(this.store);
    const snapshotCursor = this.store.log().length;
    if (snapshotCursor <= this.syncLimit) {
      this.install(filterStore(this.store, this.current), snapshotCursor);
      this.finished = Promise.resolve(true);
      return this.finished;
    }
    const controller = new AbortController();
    this.running = controller;
    this.finished = filterStoreChunked(this.store, this.current, controller.signal, this.budgetMs).then((rows) => {
      if (rows === null || this.running !== controller) return false;
      this.running = null;
      this.install(rows, snapshotCursor);
      return true;
    });
    return this.finished;
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

  /** Stops listening to the store and cancels background work. */
  dispose(): void {
    this.running?.abort();
    this.running = null;
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
