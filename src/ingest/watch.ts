import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve as resolvePath, sep } from 'node:path';
import type { FSWatcher } from 'chokidar';
import type { EventRow, FileShape } from '../model/types.js';
import type { EventStore } from '../store/eventStore.js';
import { isDigestPath } from './detect.js';
import { listFolder } from './walk.js';
import { FolderGoneCheck } from './folderGone.js';
import { addMissedSubfolders } from './missedFolders.js';
import { isOwnTempFile } from './ownTempFiles.js';
import { isUndecodableReason, mayBeUndecodable, undecodableEntries, undecodableReason } from './undecodableNames.js';
import { deliveryTime, FileOrderGate, NewestFirstQueue, type OrderedFile } from './order.js';
import type { ReadPool } from './pool.js';
import type { ReadSummary } from './readJob.js';
import type { LinesResume } from './appendedLines.js';
import type { RowHits } from '../detect/hitCodec.js';

export interface FolderLoaderOptions {
  /** Keep watching for new and changed files after the initial load. */
  watch: boolean;
  /** Quiet time after the last change before a file is read (ms). */
  settleMs?: number;
  /** How long a file must stay unchanged and unreadable before it is reported bad (ms; watch mode only). */
  badAfterMs?: number;
  /** Where detection hits go (when the pool runs rules), by the seq of the stored row they name. */
  hits?: HitSink;
  /**
   * The caller reads the folder as it is itself (`tail --filter` reads it
   * without a store): the files the initial listing finds count as loaded and
   * are not read; only later changes are (new files, growth, rewrites).
   */
  followOnly?: boolean;
  /**
   * Called once when the watched folder (the root, or a file root's folder) is deleted, moved away
   * or replaced by another folder of the same name: its watch is dead, so nothing more can arrive.
   * Every watch also notes it in the store's progress (watchedFolderGone), for the dashboard's header.
   */
  onGone?: (folder: string) => void;
}

/** Takes detection hits by store seq (detect/findings.ts). */
export interface HitSink {
  /** The rules rules[from .. to) fired on the stored row `seq`, whose time is `time`. */
  hit(seq: number, time: number, rules: ArrayLike<number>, from: number, to: number): void;
  /** The stored row `seq` now stands for an earlier copy in file order: its hits are that copy's, which follow. */
  forgetKey(seq: number): void;
}

type FileState = 'queued' | 'settling' | 'reading' | 'loaded' | 'bad-pending' | 'bad';

interface FileEntry extends OrderedFile {
  state: FileState;
  /** Found by the initial load, which `ready` waits for. */
  initial: boolean;
  /** Counted in filesDone. */
  done: boolean;
  /** Changed while being read: read again afterwards. */
  dirty: boolean;
  shape: FileShape | null;
  /** For a plain JSON-lines file: where reading its appended lines continues. */
  resume: LinesResume | null;
  /** Records the last read of the file went through (its endIndex): a read again brings them back (RecordBatch.readBefore). */
  readRecords: number;
  timer: NodeJS.Timeout | null;
  /** Bytes on disk when last seen (-1 unknown): small files are read on the main thread. */
  sizeHint: number;
  /** Size and mtime when a read failed: unchanged after badAfterMs means really bad. */
  badStat: string;
  badReason: string;
  /**
   * An early read (listInitial) waiting for its turn: called when the queue
   * reaches it in newest-first order, it takes the read's ticket then.
   */
  turn: (() => void) | null;
}

/** Folders with at most this many files load on the main thread: starting workers would take longer. */
export const SMALL_FOLDER_FILES = 64;
/**
 * Files of a big folder read while it is still being listed (the newest of the
 * first SMALL_FOLDER_FILES + 1 listed): about 2,000 events of CloudTrail's
 * deliveries, more than a first screen needs.
 */
export const EARLY_READS = 24;
/** Reads in flight at most, as a multiple of the pool's capacity, while fewer than UNDELIVERED_ROWS rows wait (roomForAnotherRead). */
const UNDELIVERED_READS = 2;
const UNDELIVERED_ROWS = 50_000;
/** Files up to this size (on disk) are read on the main thread when they arrive one by one: a few ms of parsing. */
const INLINE_MAX_BYTES = 256 * 1024;

/**
 * Loads every file under a folder (or the one file given as the root) into the store, newest deliveries first,
 * then (in watch mode) follows new, growing, rewritten and deleted files.
 * Parsing happens in the pool; this class decides what to read and when, and
 * never throws on a bad file: it lands in progress.badFiles with a reason.
 */
export class FolderLoader {
  readonly root: string;
  readonly ready: Promise<void>;
  private readonly files = new Map<string, FileEntry>();
  private readonly queue = new NewestFirstQueue<FileEntry>();
  /**
   * Rows reach the store in the order reads started (newest deliveries first, for the first
   * screen); the store keeps the copy of a duplicated eventID that is first in file order (the
   * oldest delivery, order.ts), replacing a kept copy when an earlier one differs.
   */
  private readonly gate = new FileOrderGate<EventRow>((rows) => {
    if (this.closed) return;
    const hits = this.hitsOf.get(rows);
    if (this.goneFiles.size > 0) this.adoptMovedRows(rows);
    const sink = this.options.hits;
    // Kept rows that now stand for an earlier copy in file order (by that copy): their hits become the copy's.
    let replaced: Map<EventRow, number> | null = null;
    this.store.add(
      rows,
      sink
        ? (copy) => {
            const kept = this.store.get(copy.id);
            if (!kept) return;
            sink.forgetKey(kept.seq);
            (replaced ??= new Map()).set(copy, kept.seq);
          }
        : undefined,
    );
    // After the rows are stored (each new row got its seq); before anyone hears of them (store notifications wait for a timer).
    if (sink && hits) passHits(sink, rows, hits, replaced);
  });
  /** Detection hits travelling with a batch of rows through the gate. */
  private readonly hitsOf = new WeakMap<EventRow[], RowHits>();
  private readonly digests = new Set<string>();
  /** Links the listing chose not to follow (loops, folders outside); the watch leaves them alone too. */
  private readonly skippedPaths = new Set<string>();
  /** Paths being stat'ed after a watch event; true when another event came meanwhile. */
  private readonly probing = new Map<string, boolean>();
  /** What the root turned out to be; 'other' (missing, FIFO, device) is not watched. */
  private rootKind: 'folder' | 'file' | 'other' = 'other';
  /**
   * Files deleted after loading, with the records their last read went through (FileEntry.readRecords):
   * their rows may be found again under a new name, or the same one.
   */
  private readonly goneFiles = new Map<string, number>();
  /** Files that are a gone file moved (adoptMovedRows), with that file's readRecords. */
  private readonly movedFrom = new Map<string, number>();
  /** The initial listing was small enough to read on this thread. */
  private smallFolder = false;
  /** The initial listing is being taken in: it updates progress once for all its files (listInitial). */
  private quietDiscovery = false;
  /** The initial walk of a big folder is still going, and its files are queued as they are listed. */
  private readingEarly = false;
  private readonly settleMs: number;
  private readonly badAfterMs: number;
  private watcher: FSWatcher | null = null;
  /** Tells when the watched folder is deleted, moved or replaced (its watch is then dead). */
  private goneCheck: FolderGoneCheck | null = null;
  private inFlight = 0;
  private initialPending = 0;
  private listingDone = false;
  private watcherReady: boolean;
  private closed = false;
  private resolveReady: () => void = () => {};

  constructor(
    root: string,
    private readonly store: EventStore,
    private readonly pool: ReadPool,
    private readonly options: FolderLoaderOptions,
  ) {
    this.root = resolvePath(root);
    this.settleMs = options.settleMs ?? 150;
    this.badAfterMs = options.badAfterMs ?? 3_000;
    this.watcherReady = !options.watch;
    this.ready = new Promise<void>((resolve) => {
      this.resolveReady = resolve;
    });
    this.pool.onJobParsed = () => this.pump();
  }

  /** Starts the listing (and the watch); `ready` resolves when every file found at the start has been read once. */
  async start(): Promise<void> {
    this.store.updateProgress((p) => {
      p.phase = 'loading';
      p.startedAt = Date.now();
      p.finishedAt = null;
    });
    try {
      const info = await stat(this.root);
      this.rootKind = info.isDirectory() ? 'folder' : info.isFile() ? 'file' : 'other';
      // The walk lists a file root alone and skips a FIFO or device root unopened.
      await this.listInitial();
    } catch (error) {
      this.reportBad(this.root, describeError(error));
    }
    this.listingDone = true;
    this.pump();
    // Started after the listing so it can skip what the listing skipped; files created
    // in between are found by a second listing once the watch is ready (reconcile).
    if (this.options.watch && !this.closed && this.rootKind !== 'other') void this.startWatcher();
    else this.watcherReady = true; // nothing to follow: a FIFO, device or missing root
    this.checkReady();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.goneCheck?.stop();
    for (const entry of this.files.values()) this.clearTimer(entry);
    const watcher = this.watcher;
    this.watcher = null;
    if (watcher) await watcher.close();
    this.resolveReady();
  }

  // ---- discovery -------------------------------------------------------

  /**
   * The shared folder walk (symlinks followed, loops and links out of the folder skipped), then a stat where the path has no date.
   * In a big folder a few files are read while the walk goes on: listing 12,000 files takes 100-150 ms
   * of CPU, most of the first screen's wait. The walk goes newest first (descending names: S3 date
   * folders, then time-stamped names), so the newest EARLY_READS of the first files it lists are recent
   * ones; every other file waits for the whole listing and goes newest first. Only a few: more held the
   * walk's turns back behind their rows (its end came 2 s late at a million events), and files not yet
   * listed may be newer. Their rows wait for their turn in the whole folder's newest-first order before
   * they reach the store (arrival numbers, which order equal times, are the same as without early reads),
   * so only the parsing overlaps the walk. Which copy of a duplicated event is kept does not depend on the
   * order of reads.
   */
  private async listInitial(): Promise<void> {
    const early: string[] = [];
    const undated: string[] = [];
    // Following only, nothing is read until something changes.
    const onFile = this.options.followOnly
      ? undefined
      : (path: string) => {
          if (this.readingEarly) {
            this.discoverListed(path, undated);
            return;
          }
          early.push(path);
          if (early.length <= SMALL_FOLDER_FILES) return;
          // A big folder: start the workers (100-300 ms; they overlap the rest of the walk) and read the
          // newest few files listed so far. Always the same files, so a folder loads the same way each
          // time (rows of equal time keep their arrival order). The rest wait for the whole listing.
          this.pool.warm();
          this.readingEarly = true;
          for (const known of early) this.discoverListed(known, undated);
          const first: FileEntry[] = [];
          for (let k = 0; k < EARLY_READS; k++) {
            const entry = this.queue.pop();
            if (!entry) break;
            first.push(entry);
          }
          for (const entry of first) void this.read(entry, true);
        };
    const listing = await listFolder(this.root, { descending: true, ...(onFile ? { onFile } : {}) });
    this.smallFolder = listing.files.length <= SMALL_FOLDER_FILES;
    for (const skipped of listing.skipped) this.skippedPaths.add(skipped.path);
    this.store.updateProgress((p) => {
      p.skippedFiles.push(...listing.skipped);
      p.badFiles.push(...listing.bad);
    });
    if (!this.readingEarly) {
      const before = this.files.size;
      let digests = 0;
      // One progress update for the whole listing, not one per file.
      this.quietDiscovery = true;
      try {
        for (const path of listing.files) {
          // The digest test and delivery time are worked out once here (each splits or scans the path).
          if (isDigestPath(path)) {
            if (this.discoverDigest(path)) digests++;
            continue;
          }
          // A small folder is stat'ed whole: sizes decide which files are read on this thread.
          const key = this.smallFolder ? -1 : deliveryTime(path, -1);
          if (key !== -1) this.discover(path, 0, true, -1, key);
          else undated.push(path);
        }
      } finally {
        this.quietDiscovery = false;
      }
      const found = this.files.size - before;
      if (found > 0 || digests > 0) {
        this.store.updateProgress((p) => {
          p.filesTotal += found + digests;
          p.filesDone += digests + (this.options.followOnly ? found : 0);
          p.digests += digests;
        });
      }
    }
    this.readingEarly = false;
    // Undated files are ordered by mtime; stat a few at a time so a big folder does not open thousands of requests at once.
    for (let start = 0; start < undated.length; start += 64) {
      const slice = undated.slice(start, start + 64);
      const stats = await Promise.all(slice.map((path) => stat(path).then((info) => info, () => null)));
      slice.forEach((path, k) => this.discover(path, stats[k]?.mtimeMs ?? 0, true, stats[k]?.size ?? -1));
    }
  }

  /** A file the walk of a big folder just listed: queued (and read when its turn comes) unless it needs a stat for its date. */
  private discoverListed(path: string, undated: string[]): void {
    if (isDigestPath(path)) {
      this.discoverDigest(path);
      return;
    }
    const key = deliveryTime(path, -1);
    if (key !== -1) this.discover(path, 0, true, -1, key);
    else undated.push(path);
  }

  /** A digest file: counted, never read. False when it was known already. */
  private discoverDigest(path: string): boolean {
    if (this.digests.has(path)) return false;
    this.digests.add(path);
    if (!this.quietDiscovery) {
      this.store.updateProgress((p) => {
        p.filesTotal++;
        p.filesDone++;
        p.digests++;
      });
    }
    return true;
  }

  /**
   * A file seen for the first time, by the listing or the watch. `key` is its
   * delivery time when the caller worked it out already (and it is no digest).
   */
  private discover(path: string, mtimeMs: number, initial: boolean, sizeHint = -1, key = Number.NaN): void {
    if (this.closed) return;
    if (Number.isNaN(key) && isDigestPath(path)) {
      this.discoverDigest(path);
      return;
    }
    if (this.files.has(path)) return;
    // Deleted and written again: records of the old file that come back are not new copies (RecordBatch.readBefore).
    const readBefore = this.goneFiles.get(path) ?? 0;
    this.goneFiles.delete(path);
    const entry: FileEntry = {
      path,
      key: Number.isNaN(key) ? deliveryTime(path, mtimeMs) : key,
      state: 'queued',
      initial,
      done: false,
      dirty: false,
      shape: null,
      resume: null,
      readRecords: readBefore,
      sizeHint,
      timer: null,
      badStat: '',
      badReason: '',
      turn: null,
    };
    this.files.set(path, entry);
    if (initial && this.options.followOnly) {
      entry.state = 'loaded';
      entry.done = true;
      if (!this.quietDiscovery) {
        this.store.updateProgress((p) => {
          p.filesTotal++;
          p.filesDone++;
        });
      }
      return;
    }
    if (initial) this.initialPending++;
    if (!this.quietDiscovery) {
      this.store.updateProgress((p) => {
        p.filesTotal++;
      });
    }
    if (initial) {
      this.queue.push(entry);
      // Wait for the whole listing before reading, so the newest files go first (but for listInitial's few early reads).
      if (this.listingDone) this.pump();
    } else {
      this.settle(entry);
    }
  }

  // ---- watch -----------------------------------------------------------

  /**
   * chokidar watches the folders only. Watching every file as well costs one
   * inotify watch and handle per file (about 80 MB and 1.5 s more at 12,000
   * files, and many systems allow only 8,192 watches); a folder's watch already
   * reports each file created, written, renamed or removed in it, which chokidar
   * passes on as 'raw' events. New folders at any depth come as 'addDir'.
   *
   * A root that is a file is followed through its own folder's watch, not the
   * file's: that also sees the file deleted and written again, or replaced by a
   * rename. Only events for that one name count; its siblings are never read.
   * A link is followed to the real file, whose folder is the one that changes.
   */
  private async startWatcher(): Promise<void> {
    const rootIsFile = this.rootKind === 'file';
    let target = this.root;
    if (rootIsFile) {
      try {
        target = await realpath(this.root);
      } catch {
        // Gone since the listing: watch where it was, so it is seen if it comes back.
      }
    }
    // Loaded here: a load without a watch (export, detect) never needs it.
    const { watch: chokidarWatch } = await import('chokidar');
    if (this.closed) return;
    const watchedFolder = rootIsFile ? dirname(target) : this.root;
    const goneCheck = await FolderGoneCheck.start(watchedFolder, (folder) => this.reportGone(folder));
    if (!goneCheck) {
      // Gone between the listing and the watch: nothing more can arrive, and the load is as done as it gets.
      this.watcherReady = true;
      this.checkReady();
      return;
    }
    if (this.closed) return goneCheck.stop();
    this.goneCheck = goneCheck;
    const watcher = chokidarWatch(watchedFolder, {
      persistent: true,
      ignoreInitial: true,
      followSymlinks: true,
      ignorePermissionErrors: false,
      ...(rootIsFile ? { depth: 0 } : {}),
      ignored: (path, stats) =>
        this.skippedPaths.has(path) ||
        isOwnTempFile(basename(path)) || (rootIsFile ? path !== watchedFolder : stats !== undefined && !stats.isDirectory()),
    });
    this.watcher = watcher;
    watcher.on('raw', (event, name, details) => {
      if (!this.watcherReady || !name) return;
      const folder = (details as { watchedPath?: string }).watchedPath;
      if (!folder) return;
      const path = join(folder, name);
      // An export writing into the watched folder: its temp file is not input (ownTempFiles.ts).
      if (isOwnTempFile(name)) return;
      // A name that is not UTF-8 stats as missing (ENOENT, dropped in silence): told with its true reason instead.
      if (!rootIsFile && mayBeUndecodable(name)) void this.reportUndecodable(folder);
      if (!rootIsFile) this.probe(path, event === 'change');
      else if (path === target) this.probe(this.root, event === 'change');
    });
    if (!rootIsFile) {
      watcher.on('addDir', (path) => {
        void this.listNewFolder(path);
        // Files and folders made before the folder's own watch existed: look once more a little later.
        setTimeout(() => void this.lookAgain(path), 250).unref();
      });
      watcher.on('unlinkDir', (path) => {
        const prefix = path.endsWith(sep) ? path : path + sep;
        for (const known of [...this.files.keys()]) if (known.startsWith(prefix)) this.removed(known);
      });
    }
    // chokidar says unlinkDir for the watched folder itself when it is deleted or moved away.
    watcher.on('unlinkDir', (path) => {
      if (path === watchedFolder) void goneCheck.check();
    });
    watcher.on('error', (error) => {
      const failure = error as NodeJS.ErrnoException;
      this.reportBad(failure.path ?? this.root, describeError(error));
    });
    watcher.on('ready', () => {
      this.watcherReady = true;
      this.checkReady();
      // Files created between the initial listing and the watch starting.
      void this.reconcile();
    });
  }

  private reportGone(folder: string): void {
    if (this.closed) return;
    this.store.updateProgress((p) => {
      p.watchedFolderGone = folder;
    });
    this.options.onGone?.(folder);
  }

  /** Something happened to `path`: find out whether it is a new file, a changed one or a removed one. */
  private probe(path: string, contentChanged: boolean): void {
    if (this.closed) return;
    const known = this.files.get(path);
    if (known && contentChanged) {
      this.changed(known);
      return;
    }
    if (this.probing.has(path)) {
      this.probing.set(path, true);
      return;
    }
    this.probing.set(path, false);
    void stat(path).then(
      (info) => {
        if (info.isFile()) {
          const entry = this.files.get(path);
          if (entry) {
            entry.sizeHint = info.size;
            this.changed(entry);
          } else {
            this.discover(path, info.mtimeMs, false, info.size);
          }
        }
      },
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT' || error.code === 'ENOTDIR') this.removed(path);
        else if (!this.files.has(path)) this.reportBad(path, describeError(error));
      },
    ).finally(() => {
      const again = this.probing.get(path);
      this.probing.delete(path);
      if (again) this.probe(path, false);
    });
  }

  /** The files directly in a folder that appeared after the start; its subfolders come as their own 'addDir'. */
  private async listNewFolder(folder: string): Promise<void> {
    if (this.closed) return;
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch {
      return; // gone again, or unreadable: chokidar reports the latter
    }
    if (entries.some((entry) => mayBeUndecodable(entry.name))) await this.reportUndecodable(folder);
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (this.files.has(path) || this.skippedPaths.has(path) || isOwnTempFile(entry.name)) continue;
      if (entry.isFile() || entry.isSymbolicLink()) this.probe(path, false);
    }
  }

  /** The second look at a new folder: its files, and the subfolders chokidar missed with everything under them. */
  private async lookAgain(folder: string): Promise<void> {
    await this.listNewFolder(folder);
    if (this.closed || !this.watcher) return;
    for (const missed of await addMissedSubfolders(this.watcher, folder)) {
      const listing = await listFolder(missed, { descending: true });
      for (const path of listing.files) if (!this.files.has(path) && !this.digests.has(path)) this.probe(path, false);
    }
  }

  private async reconcile(): Promise<void> {
    // The initial listing's order: of two links to one file, the same one is listed.
    const listing = await listFolder(this.root, { descending: true });
    for (const path of listing.files) if (!this.files.has(path) && !this.digests.has(path)) this.probe(path, false);
  }

  private changed(entry: FileEntry): void {
    if (this.closed) return;
    switch (entry.state) {
      case 'queued':
        return; // the read has not started; it will see the new content
      case 'reading':
        entry.dirty = true;
        return;
      default:
        this.settle(entry);
    }
  }

  private removed(path: string): void {
    const entry = this.files.get(path);
    if (!entry) return;
    this.clearTimer(entry);
    this.files.delete(path);
    const wasLoaded = entry.done && entry.state !== 'bad' && entry.state !== 'bad-pending';
    if (wasLoaded) this.goneFiles.set(path, entry.readRecords);
    this.store.updateProgress((p) => {
      if (wasLoaded) p.deletedFiles++;
      else if (!entry.done) p.filesTotal--; // vanished before it was read: a temporary file, most likely
      if (entry.state === 'bad') p.badFiles = p.badFiles.filter((bad) => bad.path !== path);
    });
    // A queued entry stays in the heap; pump() skips entries no longer in the map.
    if (entry.initial && !entry.done) {
      this.initialPending--;
      this.checkReady();
    }
  }

  /** Reads the file once it has been quiet for settleMs. */
  private settle(entry: FileEntry): void {
    this.clearTimer(entry);
    entry.state = 'settling';
    entry.timer = setTimeout(() => {
      entry.timer = null;
      if (this.closed || this.files.get(entry.path) !== entry) return;
      entry.state = 'queued';
      this.queue.push(entry);
      this.pump();
    }, this.settleMs);
  }

  // ---- reading ---------------------------------------------------------

  private pump(): void {
    if (!this.listingDone || this.closed) return;
    while (this.roomForAnotherRead()) {
      const entry = this.queue.pop();
      if (!entry) return;
      if (entry.turn) {
        // An early read: its rows go on now, in newest-first order (they may have been parsed already).
        entry.turn();
        continue;
      }
      if (entry.state !== 'queued' || this.files.get(entry.path) !== entry) continue;
      void this.read(entry);
    }
  }

  /**
   * Whether to start another read. The pool keeps its workers `capacity` jobs
   * deep; reads whose rows only wait for this thread do not count against
   * that, so the workers go on while this thread catches up (a million-event
   * load had its workers wait for this thread after every file). Rows that
   * wait are held in memory: beyond `capacity` reads in flight, only up to
   * UNDELIVERED_READS times as many, and only while few rows wait.
   */
  private roomForAnotherRead(): boolean {
    const capacity = this.pool.capacity;
    if (this.pool.queued >= capacity) return false;
    if (this.inFlight < capacity) return true;
    return this.inFlight < capacity * UNDELIVERED_READS && this.pool.undeliveredRows + this.gate.heldRows < UNDELIVERED_ROWS;
  }

  /**
   * Reads a file; its rows reach the store in the order of the reads' tickets
   * (FileOrderGate), which is their arrival order: equal times keep it
   * (model/order.ts). A read `early` (listInitial: started while the walk
   * goes on) takes its ticket only when the queue reaches it after the
   * listing, so arrival is the newest-first order of the whole folder
   * (ingest/order.ts compareNewestFileFirst), whichever files happened to be
   * listed first, as in `export --db` (archive/import.ts tt_seq). Its parsing
   * still overlaps the walk; its rows wait for the files newer than it.
   */
  private async read(entry: FileEntry, early = false): Promise<void> {
    entry.state = 'reading';
    entry.dirty = false;
    this.inFlight++;

    let ticket = early ? -1 : this.gate.ticket();
    let waiting: EventRow[][] = [];
    let turn: Promise<void> | null = null;
    if (early) {
      turn = new Promise<void>((resolveTurn) => {
        entry.turn = () => {
          entry.turn = null;
          ticket = this.gate.ticket();
          for (const rows of waiting) this.gate.rows(ticket, rows);
          waiting = [];
          resolveTurn();
        };
      });
      // Back in the queue: pump() pops it (and calls turn) in its newest-first place once the listing is done.
      this.queue.push(entry);
    }
    const readBefore = entry.readRecords;
    const addRows = (rows: EventRow[], hits?: RowHits) => {
      // The delivery time decides which copy of a duplicated eventID is kept (compareCopies).
      let batch = null;
      for (const row of rows) {
        if (row.batch === batch) continue;
        batch = row.batch;
        batch.deliveredAt = entry.key;
        batch.readBefore = readBefore;
      }
      if (hits) this.hitsOf.set(rows, hits);
      if (ticket < 0) waiting.push(rows);
      else this.gate.rows(ticket, rows);
    };
    // Waking a worker costs 100-300 ms; a small file parses here in a few ms.
    const small = entry.sizeHint >= 0 && entry.sizeHint <= INLINE_MAX_BYTES;
    const here = small && (!entry.initial || this.smallFolder);
    // A JSON-lines file read before continues after its last complete line.
    const resume = entry.shape === 'jsonl' ? entry.resume : null;
    const summary = await this.pool.read({ path: entry.path, firstIndex: 0, resume }, addRows, here);
    if (turn) {
      this.inFlight--;
      this.pump();
      await turn;
      this.inFlight++;
    }
    this.gate.done(ticket);
    this.inFlight--;

    if (!this.closed) this.finish(entry, summary);
    this.pump();
  }

  /**
   * A file moved or renamed arrives as a deletion and a new file with the same
   * events. The rows already loaded keep pointing at the old, gone path; point
   * them at the new one so the full record can still be read. Its copies of
   * events another file's row stands for come back too: they are the gone
   * file's records (RecordBatch.readBefore), not new duplicates. Told by a row
   * the gone file kept, never by a copy alone: a new file holding a copy a
   * deleted one held (a forged one, say) is no move, and its copy counts.
   */
  private adoptMovedRows(rows: readonly EventRow[]): void {
    for (const row of rows) {
      const known = this.store.get(row.id);
      if (!known || known.batch.file === row.batch.file || !this.goneFiles.has(known.batch.file)) continue;
      const from = known.batch.file;
      row.batch.file = this.store.intern(row.batch.file);
      known.batch = row.batch;
      known.recordIndex = row.recordIndex;
      this.movedFrom.set(row.batch.file, Math.max(this.movedFrom.get(row.batch.file) ?? 0, this.goneFiles.get(from)!));
    }
    // After the loop: a copy before the first row that told of the move is the gone file's too.
    for (const row of rows) {
      const readBefore = this.movedFrom.get(row.batch.file);
      if (readBefore !== undefined && row.batch.readBefore < readBefore) row.batch.readBefore = readBefore;
    }
  }

  private finish(entry: FileEntry, summary: ReadSummary): void {
    const current = this.files.get(entry.path) === entry;
    const firstTime = !entry.done;
    entry.done = true;
    entry.shape = summary.shape;
    entry.resume = summary.resume;
    entry.readRecords = Math.max(entry.readRecords, summary.endIndex);
    if (!summary.resume) entry.sizeHint = summary.bytes; // bytes on disk
    this.store.updateProgress((p) => {
      if (firstTime && current) {
        p.filesDone++;
        p.shapes[summary.shape] = (p.shapes[summary.shape] ?? 0) + 1;
      }
      p.bytesDone += summary.bytes;
    });
    if (summary.ruleStops && summary.ruleStops.length > 0) {
      // Told even of a file deleted meanwhile: its rows stay, and the rule is off for the rest of the run.
      this.store.updateProgress((p) => {
        for (const stop of summary.ruleStops!) p.ruleStops.push({ path: entry.path, reason: stop.reason });
      });
    }
    if (!current) return; // deleted while it was read: its rows stay, nothing more to do
    // A JSON-lines file whose last line is still being written is not bad, only unfinished.
    const unfinished = summary.openTail && this.options.watch;
    const partial = summary.reason !== '' && summary.shape !== 'not-cloudtrail' && !unfinished;
    const problem = summary.shape === 'bad' || partial;
    if (summary.shape === 'digest' && firstTime) this.store.updateProgress((p) => void p.digests++);
    if (summary.shape === 'not-cloudtrail' && firstTime) {
      this.store.updateProgress((p) => void p.skippedFiles.push({ path: entry.path, reason: summary.reason }));
    }
    if (problem) {
      this.suspect(entry, summary.shape === 'bad' ? summary.reason || 'unreadable' : `partly read: ${summary.reason}`);
    } else {
      entry.state = 'loaded';
      if (entry.badReason) this.clearBad(entry);
    }
    if (entry.dirty) this.settle(entry);
    if (firstTime && entry.initial) {
      this.initialPending--;
      this.checkReady();
    }
  }

  /**
   * A read failed or was partial. Without a watch that is final; with one the
   * file may still be being written, so it is reported only after it stayed
   * unchanged for badAfterMs. A change before then reads it again.
   */
  private suspect(entry: FileEntry, reason: string): void {
    entry.badReason = reason;
    if (!this.options.watch) {
      entry.state = 'bad';
      this.reportBad(entry.path, reason);
      return;
    }
    entry.state = 'bad-pending';
    void statFile(entry.path).then(({ key, mtimeMs }) => {
      if (entry.state !== 'bad-pending' || this.closed) return;
      entry.badStat = key;
      this.clearTimer(entry);
      // A file untouched for longer than the wait (the folder's old files at start-up) is not being written.
      const quietFor = Date.now() - mtimeMs;
      if (key !== 'missing' && quietFor >= this.badAfterMs) {
        entry.state = 'bad';
        this.reportBad(entry.path, entry.badReason);
        return;
      }
      entry.timer = setTimeout(() => void this.confirmBad(entry), this.badAfterMs);
    });
  }

  private async confirmBad(entry: FileEntry): Promise<void> {
    entry.timer = null;
    if (entry.state !== 'bad-pending' || this.closed || this.files.get(entry.path) !== entry) return;
    const key = await statKey(entry.path);
    // The watch may have reported the file gone while it was stat'ed: it is no longer this entry's to report.
    if (entry.state !== 'bad-pending' || this.closed || this.files.get(entry.path) !== entry) return;
    if (key === 'missing') {
      // Gone, not bad (a temporary file renamed away, as `aws s3 sync` writes), whether or not the
      // watch's unlink has come: as that unlink would, it leaves the list of bad files alone.
      this.removed(entry.path);
      return;
    }
    if (key !== entry.badStat) {
      this.settle(entry); // it changed without a watch event reaching us: read it again
      return;
    }
    entry.state = 'bad';
    this.reportBad(entry.path, entry.badReason);
  }

  private clearBad(entry: FileEntry): void {
    entry.badReason = '';
    this.store.updateProgress((p) => {
      p.badFiles = p.badFiles.filter((bad) => bad.path !== entry.path);
    });
  }

  /**
   * The entries of a folder whose names are not UTF-8, reported bad once each (the walk does so for the
   * initial listing); one renamed away since is no longer reported.
   */
  private async reportUndecodable(folder: string): Promise<void> {
    const found = await undecodableEntries(folder);
    if (this.closed) return;
    const under = folder.endsWith(sep) ? folder : folder + sep;
    const paths = new Map<string, string>();
    for (const [name, entries] of found) {
      const entry = entries[0]!;
      // A FIFO or device so named is never read anyway (the walk lists it as skipped).
      if (entry.isFile() || entry.isDirectory() || entry.isSymbolicLink()) paths.set(under + name, undecodableReason(entry));
    }
    this.store.updateProgress((p) => {
      p.badFiles = p.badFiles.filter(
        (bad) => paths.has(bad.path) || !bad.path.startsWith(under) || bad.path.includes(sep, under.length) || !isUndecodableReason(bad.reason),
      );
      for (const [path, reason] of paths) if (!p.badFiles.some((bad) => bad.path === path)) p.badFiles.push({ path, reason });
    });
  }

  private reportBad(path: string, reason: string): void {
    this.store.updateProgress((p) => {
      const existing = p.badFiles.find((bad) => bad.path === path);
      if (existing) existing.reason = reason;
      else p.badFiles.push({ path, reason });
    });
  }

  private clearTimer(entry: FileEntry): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
  }

  private checkReady(): void {
    if (this.closed || !this.listingDone || !this.watcherReady || this.initialPending > 0) return;
    const progress = this.store.progress;
    if (progress.phase !== 'loading') return;
    this.store.updateProgress((p) => {
      p.phase = this.options.watch ? 'watching' : 'done';
      p.finishedAt = Date.now();
    });
    this.store.flush();
    this.resolveReady();
  }
}

async function statKey(path: string): Promise<string> {
  return (await statFile(path)).key;
}

/** The file's size-and-mtime key ('missing' when it cannot be stat'ed) and its mtime. */
async function statFile(path: string): Promise<{ key: string; mtimeMs: number }> {
  try {
    const info = await stat(path);
    return { key: `${info.size}:${info.mtimeMs}`, mtimeMs: info.mtimeMs };
  } catch {
    return { key: 'missing', mtimeMs: Number.NaN };
  }
}

function describeError(error: unknown): string {
  const failure = error as NodeJS.ErrnoException;
  switch (failure?.code) {
    case 'ELOOP':
      return 'symlink loop';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'vanished before it could be read';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Hands a stored batch's hits on by seq: a row the store took as new has its
 * seq; a duplicate counts only where it replaced the kept copy (`replaced`);
 * the hits of a copy the store did not keep are dropped (its record may differ,
 * and its rules must not be pinned on the kept one).
 */
function passHits(sink: HitSink, rows: readonly EventRow[], hits: RowHits, replaced: ReadonlyMap<EventRow, number> | null): void {
  const { at, ends, rules } = hits;
  let start = 0;
  for (let h = 0; h < at.length; h++) {
    const end = ends[h]!;
    const row = rows[at[h]!];
    if (row) {
      const seq = row.seq >= 0 ? row.seq : (replaced?.get(row) ?? -1);
      if (seq >= 0) sink.hit(seq, row.time, rules, start, end);
    }
    start = end;
  }
}
