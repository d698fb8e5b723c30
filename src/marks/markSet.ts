/**
 * The events the user marked (`m`), by eventID: stable across runs, so they
 * are kept per folder with the query history (src/state/) and come back when
 * the folder is opened again, for events that are still there. Plain data
 * with a change signal for React (useSyncExternalStore); no Ink.
 */
export class MarkSet {
  private readonly ids: Set<string>;
  private versionCounter = 0;
  private readonly listeners = new Set<() => void>();

  /** @param save called with every mark, in the order marked, after each change (null: kept in memory only). */
  constructor(
    initial: Iterable<string> = [],
    private readonly save: ((ids: readonly string[]) => void) | null = null,
  ) {
    this.ids = new Set(initial);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  get size(): number {
    return this.ids.size;
  }

  /** The marked IDs (the set a `mark:*` term reads). Do not mutate. */
  set(): ReadonlySet<string> {
    return this.ids;
  }

  /** Marks an unmarked event and unmarks a marked one; returns whether it is marked now. */
  toggle(id: string): boolean {
    const marked = !this.ids.has(id);
    if (marked) this.ids.add(id);
    else this.ids.delete(id);
    this.changed();
    return marked;
  }

  get version(): number {
    return this.versionCounter;
  }

  readonly getSnapshot = (): number => this.versionCounter;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private changed(): void {
    this.versionCounter++;
    this.save?.([...this.ids]);
    for (const listener of [...this.listeners]) listener();
  }
}
