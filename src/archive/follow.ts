/**
 * `trailtop DIR --db FILE`: the archive follows DIR. At start, what DIR holds
 * that the archive has not seen is imported (archive's incremental import);
 * then a watch on DIR's folders sends each new or changed file through the
 * same import, a moment after its last write. Imports run one at a time on
 * their own connection (one transaction per batch, as `archive` does), so
 * the dashboard's queries on the main connection see whole batches only,
 * and a listener hears after each commit that the list has more to show.
 *
 * Nothing is written into DIR; the staging files live in the temp folder.
 */
import { stat, realpath } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import type { FSWatcher } from 'chokidar';
import { FolderGoneCheck } from '../ingest/folderGone.js';
import { addMissedSubfolders } from '../ingest/missedFolders.js';
import { isOwnTempFile } from '../ingest/ownTempFiles.js';
import { mayBeUndecodable } from '../ingest/undecodableNames.js';
import type { BadFile } from '../model/types.js';
import type { Archive } from './db.js';
import { importFolder, type ImportProgress, type ImportSummary } from './import.js';

export interface FollowStatus {
  /** 'catching up': the first import of what DIR holds; 'importing': files the watch found; 'watching': idle. */
  phase: 'catching up' | 'importing' | 'watching' | 'stopped';
  /** The running import's progress. */
  progress: ImportProgress | null;
  /** Events added since the dashboard opened. */
  eventsAdded: number;
  /** The folder's bad files (as scan reports them), newest last: a file read again whole since is no longer among them. */
  bad: readonly BadFile[];
  /** The last import's failure (the archive keeps the batches committed before it). */
  error: string | null;
  /** The folder was deleted, moved or replaced: its watch is dead, nothing new will be imported. */
  folderGone: boolean;
}

export interface FollowOptions {
  /** Watch DIR after the first import (default true); false imports once. */
  watch?: boolean;
  /** Quiet time after a file's last change before it is imported (default 300 ms), like the loader's half-written-file wait. */
  settleMs?: number;
}

type Listener = (status: FollowStatus, committed: boolean) => void;

export class ArchiveFollower {
  private status: FollowStatus = { phase: 'catching up', progress: null, eventsAdded: 0, bad: [], error: null, folderGone: false };
  private readonly listeners = new Set<Listener>();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private watcher: FSWatcher | null = null;
  private goneCheck: FolderGoneCheck | null = null;
  private readonly controller = new AbortController();
  private closed = false;

  private constructor(
    /** The archive with the import's own connection (db.ts connect()). */
    private readonly archive: Archive,
    readonly folder: string,
    private readonly options: FollowOptions,
  ) {}

  /** Starts following: the first import runs in the background (listen to see it), the watch is up when this resolves. */
  static async start(archive: Archive, folder: string, options: FollowOptions = {}): Promise<ArchiveFollower> {
    const connection = await archive.connect();
    // Its connection closes with the archive (db.ts close()).
    const own: Archive = { path: archive.path, connection, connect: () => archive.connect(), close: () => Promise.resolve() };
    const follower = new ArchiveFollower(own, folder, options);
    if (options.watch !== false) {
      try {
        await follower.startWatcher();
      } catch (error) {
        // Nobody will hold this follower: its folder check (a timer that keeps the process up) stops here.
        await follower.close();
        throw error;
      }
    }
    follower.running = follower.importNow(null).finally(() => {
      follower.running = null;
      follower.schedule();
    });
    return follower;
  }

  get current(): FollowStatus {
    return this.status;
  }

  /** `committed` is true when events were added (a batch committed): the list may have more to show. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when nothing is waiting or being imported (tests, and quitting cleanly). */
  async idle(): Promise<void> {
    while (this.running || this.timer || this.pending.size > 0) {
      if (this.running) await this.running;
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Stops the watch; an import under way stops between batches (its committed batches stay). */
  async close(): Promise<void> {
    this.closed = true;
    this.controller.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.goneCheck?.stop();
    await this.watcher?.close();
    await this.running?.catch(() => undefined);
    await this.archive.close();
    this.update({ phase: 'stopped', progress: null }, false);
  }

  private update(change: Partial<FollowStatus>, committed: boolean): void {
    this.status = { ...this.status, ...change };
    for (const listener of this.listeners) listener(this.status, committed);
  }

  /**
   * chokidar on the folders only (one inotify watch per folder, as the loader's watch): their raw events name the files.
   * A single log FILE is followed through its (real) folder's watch, as the folder dashboard follows it (ingest/watch.ts):
   * the folder-only filter left a FILE unwatched, so `trailtop FILE --db X` said `following` and took in nothing.
   */
  private async startWatcher(): Promise<void> {
    const { watch } = await import('chokidar');
    const rootIsFile = (await stat(this.folder).catch(() => null))?.isFile() === true;
    const target = rootIsFile ? await realpath(this.folder).catch(() => this.folder) : this.folder;
    const watchedFolder = rootIsFile ? dirname(target) : this.folder;
    const gone = (): void => this.update({ folderGone: true }, false);
    const goneCheck = await FolderGoneCheck.start(watchedFolder, gone);
    if (!goneCheck) return;
    this.goneCheck = goneCheck;
    const watcher = watch(watchedFolder, {
      persistent: true,
      ignoreInitial: true,
      followSymlinks: true,
      ...(rootIsFile ? { depth: 0 } : {}),
      ignored: (path, stats) => (rootIsFile ? path !== watchedFolder : stats !== undefined && !stats.isDirectory()),
    });
    this.watcher = watcher;
    watcher.on('raw', (_event, name, details) => {
      const folder = (details as { watchedPath?: string }).watchedPath;
      if (!name || !folder || isOwnTempFile(basename(name))) return;
      const path = join(folder, name);
      // Only the FILE's own name counts: its siblings are never read.
      // A name not UTF-8 (decoded with U+FFFD) opens nothing: its folder's listing reports it with the true reason.
      if (!rootIsFile) this.found(mayBeUndecodable(name) ? folder : path);
      else if (path === target) this.found(this.folder);
    });
    watcher.on('unlinkDir', (path) => {
      if (rootIsFile && path === watchedFolder) void goneCheck.check();
    });
    if (rootIsFile) {
      watcher.on('error', (error) => this.update({ error: error instanceof Error ? error.message : String(error) }, false));
      await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
      return;
    }
    // A new folder (S3 sync makes one a day): everything below it, listed when it has settled.
    watcher.on('addDir', (path) => {
      this.found(path);
      // Its subfolders made before its watch existed (missedFolders.ts): imported, and watched from now on.
      setTimeout(() => {
        if (!this.closed) void addMissedSubfolders(watcher, path).then((missed) => missed.forEach((folder) => this.found(folder)));
      }, 250).unref();
    });
    watcher.on('unlinkDir', (path) => {
      if (path === this.folder) void goneCheck.check();
    });
    watcher.on('error', (error) => this.update({ error: error instanceof Error ? error.message : String(error) }, false));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  }

  private found(path: string): void {
    if (this.closed) return;
    this.pending.add(path);
    this.schedule();
  }

  /** Waits for the quiet time after the last change, then imports everything found meanwhile. */
  private schedule(): void {
    if (this.closed || this.running || this.pending.size === 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.running || this.closed) return;
      const paths = [...this.pending];
      this.pending.clear();
      this.running = this.importNow(paths).finally(() => {
        this.running = null;
        this.schedule();
      });
    }, this.options.settleMs ?? 300);
  }

  private async importNow(paths: string[] | null): Promise<void> {
    this.update({ phase: paths ? 'importing' : 'catching up', progress: null, error: null }, false);
    let summary: ImportSummary;
    try {
      summary = await importFolder(this.archive, this.folder, {
        signal: this.controller.signal,
        ...(paths ? { paths } : {}),
        onProgress: (progress) => this.update({ progress }, false),
        afterCommit: () => this.update({}, true),
      });
    } catch (error) {
      if (!this.closed) this.update({ phase: 'watching', progress: null, error: error instanceof Error ? error.message : String(error) }, false);
      return;
    }
    if (this.closed) return;
    // The first import reports every bad file of the folder; a later one says anew what the files it listed are: one
    // fixed since (a half-written file whole now) is bad no more, and one bad again is listed once, with its last reason.
    const said = new Set([...summary.listed, ...summary.bad.map((file) => file.path)]);
    // A folder imported is listed whole: what was bad under it and is not said again is gone (renamed, deleted).
    const under = (path: string): boolean => paths !== null && paths.some((listed) => path.startsWith(listed.endsWith(sep) ? listed : listed + sep));
    const bad = paths ? [...this.status.bad.filter((file) => !said.has(file.path) && !under(file.path)), ...summary.bad] : summary.bad;
    this.update({ phase: this.watcher ? 'watching' : 'stopped', progress: null, eventsAdded: this.status.eventsAdded + summary.eventsAdded, bad }, summary.eventsAdded > 0);
  }
}
