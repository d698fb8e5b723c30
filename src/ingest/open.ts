import { EventStore } from '../store/eventStore.js';
import { ReadPool, type ReadPoolOptions } from './pool.js';
import { FolderLoader, type HitSink } from './watch.js';
import type { RuleSpec } from '../detect/rule.js';
import type { KeyedStore } from '../detect/findings.js';

export interface OpenFolderOptions {
  /** Keep following new, growing, rewritten and deleted files (or the one file) after the initial load. */
  watch: boolean;
  /** Load into this store (default: a new one). */
  store?: EventStore;
  /** Aborting closes the folder, like close(). */
  signal?: AbortSignal;
  /** Worker pool settings; `inline: true` parses on the calling thread. */
  pool?: ReadPoolOptions;
  /** Quiet time after a change before a file is read (ms, default 150). */
  settleMs?: number;
  /** Time a file must stay unchanged and unreadable before it counts as bad (ms, default 3000; watch only). */
  badAfterMs?: number;
  /** Only follow changes: the files there at the start are not read (FolderLoaderOptions.followOnly). */
  followOnly?: boolean;
  /** The watched folder was deleted, moved or replaced: nothing more can arrive (FolderLoaderOptions.onGone). */
  onGone?: (folder: string) => void;
  /** Detection rules to run where records are parsed, and where their hits go (src/detect/). */
  detection?: {
    rules: readonly RuleSpec[];
    /** Told the store first (its events are numbered by row seq), then given the hits. */
    findings: HitSink & { attach(store: KeyedStore): void };
  };
}

export interface OpenFolder {
  store: EventStore;
  /** Resolves once every file present at the start has been read once (also on close). Never rejects. */
  ready: Promise<void>;
  /** Stops the watch and the workers; rows already loaded stay in the store. */
  close(): Promise<void>;
  /** Parse workers alive now: without a watch they end once the initial load is done. */
  liveWorkers(): number;
}

/**
 * The one way into a folder of logs, used by the dashboard, `scan`, `tail`,
 * `export` and the benchmark. `dir` may also be a single file (or a link to
 * one): only that file is read, and watched for growth and rewrites. Problems
 * with single files end up in store.progress.badFiles; this never throws for them.
 */
export function openFolder(dir: string, options: OpenFolderOptions): OpenFolder {
  const store = options.store ?? new EventStore();
  // Rows are not interned as they arrive: the store's column dictionaries share the values that
  // repeat, and interning near-unique values (IPs, object ARNs) cost a Map entry each for nothing.
  const detection = options.detection && options.detection.rules.length > 0 ? options.detection : undefined;
  detection?.findings.attach(store);
  const pool = new ReadPool(detection ? { ...options.pool, rules: detection.rules } : options.pool);
  const loader = new FolderLoader(dir, store, pool, {
    watch: options.watch,
    ...(options.settleMs !== undefined ? { settleMs: options.settleMs } : {}),
    ...(options.badAfterMs !== undefined ? { badAfterMs: options.badAfterMs } : {}),
    ...(detection ? { hits: detection.findings } : {}),
    ...(options.followOnly ? { followOnly: true } : {}),
    ...(options.onGone ? { onGone: options.onGone } : {}),
  });
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      options.signal?.removeEventListener('abort', onAbort);
      await loader.close();
      await pool.close();
      store.flush();
    })();
    return closing;
  };
  const onAbort = () => void close();
  if (options.signal?.aborted) void close();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  void loader.start();
  // Without a watch no file is read after the initial load: end the workers now rather than
  // after their idle timeout, so a loaded folder does not keep their heaps (about 80 MB at 1M events).
  if (!options.watch) void loader.ready.then(() => pool.close());
  return { store, ready: loader.ready, close, liveWorkers: () => pool.liveWorkers };
}
