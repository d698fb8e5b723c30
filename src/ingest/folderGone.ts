/**
 * Whether a watched folder is still the one the watch was set on. A watch on a folder that was deleted,
 * moved away or replaced by another of the same name (`rm -rf logs && aws s3 sync ...`) is dead: nothing
 * more can arrive through it, and a follower that keeps saying "watching" misleads. Both watchers (the
 * loader's, ingest/watch.ts, and the archive follower's, archive/follow.ts) tell it this way.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';

/** How often the folder is looked at (one stat), for what no watch event tells (a folder made again under the name). */
const CHECK_MS = 1_000;

export class FolderGoneCheck {
  private timer: NodeJS.Timeout | null = null;
  private done = false;

  private constructor(
    readonly folder: string,
    /**
     * The folder held open while it is checked: its inode cannot be freed and given to a folder made
     * again under the name, so device and inode tell the two apart. (The birth time would too, but where
     * statx is missing Node reports the change time there, which every new file in the folder moves.)
     */
    private readonly handle: FileHandle,
    private readonly identity: { dev: number; ino: number },
    private readonly onGone: (folder: string) => void,
  ) {}

  /**
   * Starts looking at `folder`, or calls `onGone` at once and returns null when it is not there now.
   * The timer is not unref'd: when the folder goes, chokidar's handles close, and a follower held up by
   * nothing else (tail) ended with status 0 in silence before the check could tell. stop() clears it.
   */
  static async start(folder: string, onGone: (folder: string) => void): Promise<FolderGoneCheck | null> {
    let handle: FileHandle;
    let identity: { dev: number; ino: number };
    try {
      handle = await open(folder, 'r');
    } catch {
      onGone(folder);
      return null;
    }
    try {
      const info = await handle.stat();
      if (!info.isDirectory()) throw new Error('not a folder');
      identity = { dev: info.dev, ino: info.ino };
    } catch {
      await handle.close().catch(() => undefined);
      onGone(folder);
      return null;
    }
    const check = new FolderGoneCheck(folder, handle, identity, onGone);
    check.timer = setInterval(() => void check.check(), CHECK_MS);
    return check;
  }

  /** Looks now (a watch event said something happened to the folder itself). */
  async check(): Promise<void> {
    if (this.done) return;
    try {
      const info = await stat(this.folder);
      if (info.isDirectory() && info.dev === this.identity.dev && info.ino === this.identity.ino) return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Unreadable for a moment (permissions) is not gone: only a name that leads nowhere is.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return;
    }
    if (this.done) return;
    this.stop();
    this.onGone(this.folder);
  }

  stop(): void {
    if (this.done) return;
    this.done = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    void this.handle.close().catch(() => undefined);
  }
}
