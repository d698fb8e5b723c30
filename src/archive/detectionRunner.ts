/**
 * The --db dashboard's findings: the rules run as SQL (detect.ts) in the
 * background, on a connection of their own so the list's page queries never
 * wait behind them, and run again when asked (a followed folder's import
 * committed new events). Runs never overlap: a refresh asked for during a run
 * starts one more run after it, however many were asked for. The last
 * complete run is what is shown, so a refresh does not empty the findings
 * while it works. No Ink: the UI subscribes.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { RuleSet } from '../detect/rule.js';
import type { Archive } from './db.js';
import { DetectionCancelled, detectArchive, type ArchiveDetection } from './detect.js';

export interface DetectionState {
  /** The last complete run; null until the first ends. */
  readonly result: ArchiveDetection | null;
  /** The run going on: rules done of all; null when none runs. */
  readonly running: { readonly done: number; readonly total: number } | null;
  /** Why the last run failed ('' when it did not). */
  readonly error: string;
}

export class ArchiveDetectionRunner {
  private current: DetectionState = { result: null, running: null, error: '' };
  private readonly listeners = new Set<() => void>();
  private connection: Promise<DuckDBConnection> | null = null;
  private active = false;
  private again = false;
  private closed = false;

  constructor(
    private readonly archive: Archive,
    private readonly set: RuleSet,
  ) {}

  get state(): DetectionState {
    return this.current;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs the rules now, or once more after the run going on. Resolves when no run is left to do. */
  async refresh(): Promise<void> {
    if (this.closed) return;
    if (this.active) {
      this.again = true;
      return;
    }
    this.active = true;
    try {
      do {
        this.again = false;
        await this.runOnce();
      } while (this.again && !this.closed);
    } finally {
      this.active = false;
    }
  }

  /** No run starts after this, and the one going on stops at its next rule (the archive's close interrupts its statement). */
  close(): void {
    this.closed = true;
  }

  private async runOnce(): Promise<void> {
    this.update({ running: { done: 0, total: this.set.rules.length } });
    try {
      // One connection for every run; a failure to open it is tried again by the next run.
      const connection = await (this.connection ??= this.archive.connect().catch((error: unknown) => {
        this.connection = null;
        throw error;
      }));
      const result = await detectArchive(this.archive, this.set, {
        connection,
        cancelled: () => this.closed,
        onProgress: (done, total) => this.update({ running: { done, total } }),
      });
      this.update({ result, running: null, error: '' });
    } catch (error) {
      if (this.closed || error instanceof DetectionCancelled) return;
      this.update({ running: null, error: error instanceof Error ? error.message : String(error) });
    }
  }

  private update(change: Partial<DetectionState>): void {
    if (this.closed) return;
    this.current = { ...this.current, ...change };
    for (const listener of [...this.listeners]) listener();
  }
}
