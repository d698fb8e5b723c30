import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** What addMissedSubfolders uses of a chokidar watcher (a fake stands in for it in tests). */
export interface FolderWatcher {
  getWatched(): Record<string, string[]>;
  add(path: string): unknown;
}

/**
 * chokidar lists a new folder before it watches it, so a subfolder made in
 * that gap (`mkdir -p a/b` racing the listing of `a`) is never reported: no
 * file under it would ever be read. A second look once the folder has settled
 * hands chokidar the subfolders it does not know and returns them, for the
 * caller to list what is already in them (chokidar's add reports nothing that
 * is there when the watch starts).
 */
export async function addMissedSubfolders(watcher: FolderWatcher, folder: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    return []; // gone again, or unreadable: chokidar reports the latter
  }
  const known = new Set(watcher.getWatched()[folder] ?? []);
  const missed: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || known.has(entry.name)) continue;
    const path = join(folder, entry.name);
    watcher.add(path);
    missed.push(path);
  }
  return missed;
}
