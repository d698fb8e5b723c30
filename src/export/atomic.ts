import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { chmod, link, lstat, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ownTempFilePid } from '../ingest/ownTempFiles.js';
import { ExportFailed, TargetExists, TargetNotAFile, toExportError } from './errors.js';
import { gzipSink, gzipsByName } from './gzip.js';
export { namesAFolder, NAMES_A_FOLDER } from './folderPath.js';

/** Where exported text goes: a file committed atomically, or a stream such as stdout. */
export interface Sink {
  /** The absolute target path, or '-' for a stream. */
  readonly path: string;
  /**
   * Writes text or bytes; resolves once they are accepted (backpressure), and
   * only then may the caller reuse the bytes' memory; returns the bytes written.
   */
  write(data: string | Uint8Array): Promise<number>;
  /** Makes the output final: for a file, fsync and rename the temp file into place. */
  commit(): Promise<void>;
  /** Throws the output away: for a file, removes the temp file. Never throws. */
  discard(): Promise<void>;
}

/** The part of a FileHandle the sink uses; injectable so tests can simulate a full disk. */
export interface WritableFile {
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** `mode`: the permission bits to create the file with (masked by the umask), or the default. */
export type OpenFile = (path: string, mode?: number) => Promise<WritableFile>;

const openExclusive: OpenFile = (path, mode) => open(path, 'wx', mode ?? 0o666);

/**
 * The permission bits of the regular file `--force` replaces, or null (none there): the new file gets them, as
 * cp does. A rename put a 0644 file in place of a 0600 one (other users could read the evidence) or a 0444 one.
 */
async function replacedMode(target: string, overwrite: boolean): Promise<number | null> {
  if (!overwrite) return null;
  try {
    const stats = await lstat(target);
    // Permission bits only: a setuid bit has no business on an export.
    return stats.isFile() ? stats.mode & 0o777 : null;
  } catch {
    return null;
  }
}

/**
 * Temp files not yet renamed or removed. A process that must exit at once
 * (a second Ctrl-C) removes them synchronously so none is left behind.
 */
const liveTempFiles = new Set<string>();

export function removeLiveTempFilesSync(): void {
  for (const path of liveTempFiles) {
    try {
      unlinkSync(path);
    } catch {
      // Already gone, or never created: nothing to clean.
    }
  }
  liveTempFiles.clear();
}

/** `.<name>.trailtop-<pid>-<random>.tmp` beside the target, so the final rename never crosses a file system. */
export function tempPathFor(target: string): string {
  // Long names would overflow NAME_MAX (255 bytes) once decorated.
  const name = basename(target).slice(0, 180);
  return join(dirname(target), `.${name}.trailtop-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/** True when a process with this pid exists (EPERM: it does, owned by someone else). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

/**
 * Removes trailtop temp files in `folder` left by an export whose process is
 * gone (`kill -9` mid-export). Files of live processes, ours included, stay.
 * Best effort: an unreadable folder or a file already gone is not an error.
 */
export async function removeStaleTempFiles(folder: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = ownTempFilePid(name);
    if (pid === null || pid === process.pid || processAlive(pid)) continue;
    const path = join(folder, name);
    try {
      const stats = await lstat(path);
      if (!stats.isFile()) continue;
      await unlink(path);
      removed.push(path);
    } catch {
      // Gone meanwhile, or not ours to remove: leave it.
    }
  }
  return removed;
}

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
}


/** Refuses a target that exists (unless overwrite) or is a folder, before any work is done. */
export async function checkTarget(target: string, overwrite: boolean): Promise<void> {
  let stats;
  try {
    stats = await lstat(target);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    throw toExportError(error, target);
  }
  if (stats.isDirectory()) throw new TargetNotAFile(`${target} is a folder, not a file`);
  // Renaming over a FIFO, a device or a symlink would silently replace it with a plain file.
  if (!stats.isFile()) throw new TargetNotAFile(`${target} is not a regular file (${kindOf(stats)}); trailtop only replaces regular files`);
  if (!overwrite) throw new TargetExists(target);
}

function kindOf(stats: { isSymbolicLink(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

/**
 * Publishes the finished temp file under the target name. Without overwrite,
 * link() refuses atomically if a file appeared there meanwhile; file systems
 * without hard links fall back to check-then-rename.
 */
async function publish(temp: string, target: string, overwrite: boolean): Promise<void> {
  if (overwrite) {
    await rename(temp, target);
    return;
  }
  try {
    await link(temp, target);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EEXIST') throw new TargetExists(target);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw error;
    if (await exists(target)) throw new TargetExists(target);
    await rename(temp, target);
    return;
  }
  await unlink(temp);
}

export interface AtomicFileOptions {
  overwrite: boolean;
  openFile?: OpenFile;
}

/**
 * A sink that writes to a temp file beside `target` and renames it into place on commit;
 * gzipped when the target's name ends in .gz (export/gzip.ts), for every file an export writes.
 */
export async function openAtomicFile(target: string, options: AtomicFileOptions): Promise<Sink> {
  const path = resolve(target);
  await checkTarget(path, options.overwrite);
  await removeStaleTempFiles(dirname(path));
  const temp = tempPathFor(path);
  const mode = await replacedMode(path, options.overwrite);
  let handle: WritableFile;
  try {
    liveTempFiles.add(temp);
    // Created with the replaced file's bits, so never readable wider than it while the events are written
    // (the umask may narrow them: they are set exactly on commit; the handle stays writable whatever they are).
    handle = await (options.openFile ?? openExclusive)(temp, mode ?? undefined);
  } catch (error) {
    liveTempFiles.delete(temp);
    if (errnoCode(error) === 'ENOENT') throw new ExportFailed('write', `folder ${dirname(path)} does not exist`);
    throw toExportError(error, path);
  }
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await handle.close();
  };

  const sink: Sink = {
    path,
    async write(data) {
      const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      try {
        let offset = 0;
        while (offset < buffer.length) {
          const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset);
          offset += bytesWritten;
        }
      } catch (error) {
        throw toExportError(error, path);
      }
      return buffer.length;
    },
    async commit() {
      try {
        // fsync before rename: after a crash the target is either complete or absent.
        await handle.sync();
        await close();
        if (mode !== null) await chmod(temp, mode);
        await publish(temp, path, options.overwrite);
      } catch (error) {
        throw toExportError(error, path);
      }
      liveTempFiles.delete(temp);
    },
    async discard() {
      try {
        await close();
      } catch {
        // The handle may already be broken (disk full); the temp file is removed below regardless.
      }
      try {
        await unlink(temp);
      } catch {
        // Never created, or already renamed away.
      }
      liveTempFiles.delete(temp);
    },
  };
  return gzipsByName(path) ? gzipSink(sink) : sink;
}

/**
 * A sink over a stream such as stdout: no temp file. Each write waits for its
 * callback, which gives backpressure and surfaces EPIPE/ENOSPC as a typed error.
 */
export function streamSink(stream: NodeJS.WritableStream): Sink {
  let failure: unknown = null;
  // Without a listener a stream 'error' (EPIPE when the reader quits) would crash the process.
  const onError = (error: unknown): void => {
    failure ??= error;
  };
  stream.on('error', onError);
  const detach = (): void => {
    stream.removeListener('error', onError);
  };
  return {
    path: '-',
    write(data) {
      if (failure) return Promise.reject(toExportError(failure, 'the output'));
      return new Promise<number>((resolveWrite, rejectWrite) => {
        stream.write(data, (error?: Error | null) => {
          const problem = error ?? failure;
          if (problem) rejectWrite(toExportError(problem, 'the output'));
          else resolveWrite(typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.length);
        });
      });
    },
    async commit() {
      detach();
      if (failure) throw toExportError(failure, 'the output');
    },
    async discard() {
      // The listener stays: a failed stream may still emit its 'error' after the failing write's callback.
    },
  };
}
