/**
 * Lists every regular file under a folder, recursively, in a stable order.
 * A root that is itself a regular file (or a link to one) lists just that file.
 *
 * Never opens what it lists and never hangs: FIFOs, sockets and devices are
 * reported as skipped (opening a FIFO blocks until a writer comes), symlinks
 * are followed to files and folders anywhere, and a folder already visited
 * (by real path) is not entered again, so symlink loops end.
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { normalize, sep } from 'node:path';
import type { BadFile } from '../model/types.js';
import { fsErrorReason } from './read.js';
import { isOwnTempFile, OWN_TEMP_REASON } from './ownTempFiles.js';
import { isPseudoPath, pseudoReason } from './safeOpen.js';
import { mayBeUndecodable, undecodableEntries, undecodableReason } from './undecodableNames.js';

export interface FolderListing {
  /** Regular files to read, sorted by path within each folder (descending when asked: WalkOptions.descending). */
  files: string[];
  /** Entries not read on purpose: FIFOs, sockets, symlink loops, second links to a file already listed. */
  skipped: BadFile[];
  /** Folders or links that could not be read (permission denied, broken links). */
  bad: BadFile[];
}

export interface WalkOptions {
  signal?: AbortSignal;
  /**
   * Hears of each file as it is listed, before the listing ends: at 12,000
   * files the walk takes 100-150 ms of CPU, which a caller can overlap with
   * starting its readers (FolderLoader warms its worker pool).
   */
  onFile?: (path: string) => void;
  /**
   * Each folder's entries in descending name order: S3 date folders
   * (YYYY/MM/DD) and CloudTrail's time-stamped file names then come newest
   * first, so a caller reading files as they are listed starts with recent ones.
   * Which of two links to one file is listed follows the order, so a caller
   * comparing listings must ask for the same order each time.
   */
  descending?: boolean;
}

function specialKind(entry: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (entry.isFIFO()) return 'FIFO';
  if (entry.isSocket()) return 'socket';
  if (entry.isCharacterDevice()) return 'character device';
  if (entry.isBlockDevice()) return 'block device';
  return 'special file';
}

export async function listFolder(root: string, options: WalkOptions = {}): Promise<FolderListing> {
  const listing: FolderListing = { files: [], skipped: [], bad: [] };
  if (await listRootFile(root, listing)) return listing;
  const visitedFolders = new Set<string>();
  const seenFiles = new Map<string, string>();

  let realRoot = '';

  /** `real` is the file's real path; plain entries get it from their folder's, without a syscall. */
  const addFile = (path: string, real: string): void => {
    const first = seenFiles.get(real);
    if (first !== undefined) {
      listing.skipped.push({ path, reason: `same file as ${first}` });
      return;
    }
    seenFiles.set(real, path);
    listing.files.push(path);
    options.onFile?.(path);
  };

  const visit = async (folder: string, viaLink: boolean): Promise<void> => {
    if (options.signal?.aborted) return;
    let real: string;
    try {
      real = await realpath(folder);
    } catch (error) {
      listing.bad.push({ path: folder, reason: fsErrorReason(error) });
      return;
    }
    if (isPseudoPath(real)) {
      // /proc/self and friends: endless or side-effecting files, never read (safeOpen.ts says why).
      listing.skipped.push({ path: folder, reason: pseudoReason(real) });
      return;
    }
    if (realRoot === '') realRoot = real;
    if (viaLink && real !== realRoot && !real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)) {
      // A link to / or $HOME would walk the whole disk; files linked from outside are still read.
      listing.skipped.push({ path: folder, reason: 'symlink to a folder outside the scanned folder' });
      return;
    }
    if (visitedFolders.has(real)) {
      listing.skipped.push({ path: folder, reason: 'symlink loop (folder already visited)' });
      return;
    }
    visitedFolders.add(real);
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      listing.bad.push({ path: folder, reason: fsErrorReason(error) });
      return;
    }
    const after = options.descending ? -1 : 1;
    entries.sort((a, b) => (a.name < b.name ? -after : a.name > b.name ? after : 0));
    // Names joined by hand: join() on each of 100,000 files was a tenth of a big folder's listing. An entry
    // name holds no separator and is never `.` or `..`, so this is join()'s answer.
    const under = childPrefix(folder);
    const realUnder = childPrefix(real);
    // In a folder that is its own real path (no link on the way) a file's path is its real path: one string for both.
    const sameReal = under === realUnder;
    // Names Node decoded with U+FFFD open as no file: looked up as bytes (rare, so only then), reported with the true reason.
    const undecodable = entries.some((entry) => mayBeUndecodable(entry.name)) ? await undecodableEntries(folder) : null;
    for (const entry of entries) {
      if (options.signal?.aborted) return;
      const path = under + entry.name;
      const raw = undecodable?.get(entry.name)?.shift();
      if (raw) {
        if (raw.isDirectory() || raw.isFile() || raw.isSymbolicLink()) listing.bad.push({ path, reason: undecodableReason(raw) });
        else listing.skipped.push({ path, reason: `not a regular file (${specialKind(raw)})` });
        continue;
      }
      if (isOwnTempFile(entry.name)) {
        listing.skipped.push({ path, reason: OWN_TEMP_REASON });
        continue;
      }
      if (entry.isDirectory()) {
        await visit(path, false);
      } else if (entry.isFile()) {
        addFile(path, sameReal ? path : realUnder + entry.name);
      } else if (entry.isSymbolicLink()) {
        let target;
        try {
          target = await stat(path);
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (code === 'ELOOP') listing.skipped.push({ path, reason: 'symlink loop' });
          else if (code === 'ENOENT') listing.skipped.push({ path, reason: 'broken symlink' });
          else listing.bad.push({ path, reason: fsErrorReason(error) });
          continue;
        }
        if (target.isDirectory()) await visit(path, true);
        else if (target.isFile()) {
          try {
            const realFile = await realpath(path);
            if (isPseudoPath(realFile)) listing.skipped.push({ path, reason: pseudoReason(realFile) });
            else addFile(path, realFile);
          } catch (error) {
            listing.bad.push({ path, reason: fsErrorReason(error) });
          }
        } else listing.skipped.push({ path, reason: `not a regular file (${specialKind(target)})` });
      } else {
        listing.skipped.push({ path, reason: `not a regular file (${specialKind(entry)})` });
      }
    }
  };

  await visit(root, false);
  return listing;
}

/** What join(folder, name) puts before a plain entry name. */
function childPrefix(folder: string): string {
  const base = normalize(folder);
  if (base === '.') return '';
  return base.endsWith(sep) ? base : base + sep;
}

/**
 * A root that is not a folder is a listing of its own: a regular file is the
 * one file to read, anything else (FIFO, socket, device) is skipped unopened.
 * False when the root is a folder, or cannot be stat'ed: the walk reports that.
 */
async function listRootFile(root: string, listing: FolderListing): Promise<boolean> {
  let info;
  try {
    info = await stat(root);
  } catch {
    return false;
  }
  if (info.isDirectory()) return false;
  if (info.isFile()) listing.files.push(root);
  else listing.skipped.push({ path: root, reason: `not a regular file (${specialKind(info)})` });
  return true;
}
