/**
 * The one way a file from the watched folder is opened: never blocking,
 * checked by the open descriptor, never a pseudo-file, read at most as far
 * as its size at open.
 *
 * - A FIFO (or device) swapped in for a file between a listing and a read
 *   would block an ordinary open forever: O_NONBLOCK returns at once, and
 *   fstat on the descriptor (not an earlier stat of the path, which a
 *   rename can make stale) tells us it is not a regular file.
 * - /proc, /sys and /dev hold files that read without end (/proc/self/pagemap)
 *   or have side effects; a link from the folder must not lead there. The
 *   descriptor's real path (/proc/self/fd/N on Linux) says where it is.
 * - A file is read up to the size fstat reported at open: a file that grows
 *   meanwhile is read again later by the watcher, and a pseudo-file that
 *   claims size 0 but streams forever cannot eat memory.
 */
import { closeSync, constants, fstatSync, openSync, readlinkSync, readSync, type Stats } from 'node:fs';

/** Folders of pseudo-file systems whose files are never read. */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

/** True when a real (link-free) path lies under /proc, /sys or /dev. */
export function isPseudoPath(realPath: string): boolean {
  return PSEUDO_ROOTS.some((root) => realPath === root || realPath.startsWith(root + '/'));
}

/** The reason given for a pseudo-file that is not read. */
export function pseudoReason(realPath: string): string {
  const root = PSEUDO_ROOTS.find((r) => realPath === r || realPath.startsWith(r + '/')) ?? '/proc';
  return `under ${root} (a system pseudo-file, never read)`;
}

function nonRegularKind(stats: Stats): string {
  if (stats.isFIFO()) return 'FIFO';
  if (stats.isSocket()) return 'socket';
  if (stats.isDirectory()) return 'directory';
  if (stats.isCharacterDevice()) return 'character device';
  if (stats.isBlockDevice()) return 'block device';
  return 'special file';
}

export type OpenedFile =
  | { ok: true; fd: number; stats: Stats }
  /** `special`: the path is not a regular file or is a pseudo-file (skipped); otherwise the open failed. */
  | { ok: false; special: boolean; reason: string; error?: unknown };

/** The real path of an open descriptor, or null where the system cannot say. */
function descriptorPath(fd: number): string | null {
  if (process.platform !== 'linux') return null;
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return null;
  }
}

export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed or gone: nothing to release.
  }
}

/**
 * Opens `path` read-only without blocking and checks, by the descriptor,
 * that it is a regular file outside /proc, /sys and /dev. On success the
 * caller owns (and closes) `fd`.
 */
export function openRegularFile(path: string): OpenedFile {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    return { ok: false, special: false, reason: '', error };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      closeQuietly(fd);
      return { ok: false, special: true, reason: `not a regular file (${nonRegularKind(stats)})` };
    }
    const real = descriptorPath(fd);
    if (real !== null && isPseudoPath(real)) {
      closeQuietly(fd);
      return { ok: false, special: true, reason: pseudoReason(real) };
    }
    return { ok: true, fd, stats };
  } catch (error) {
    closeQuietly(fd);
    return { ok: false, special: false, reason: '', error };
  }
}

/** Read-only, non-blocking (a FIFO opens at once), and a terminal swapped in never becomes our controlling terminal. */
export const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/**
 * Bytes [from, min(from + length, size)) of an open file, where `size` is
 * what fstat said at open: never more, whatever the file does meanwhile.
 */
export function readUpTo(fd: number, size: number, from = 0, length = Number.POSITIVE_INFINITY): Buffer {
  const end = Math.min(size, from + length);
  const wanted = Math.max(0, end - from);
  const buffer = Buffer.allocUnsafe(wanted);
  let done = 0;
  while (done < wanted) {
    const n = readSync(fd, buffer, done, wanted - done, from + done);
    if (n === 0) break;
    done += n;
  }
  return done === wanted ? buffer : buffer.subarray(0, done);
}
