/** The export was cancelled (AbortSignal, Esc in the dialog, Ctrl-C in the CLI); nothing was left behind. */
export class ExportCancelled extends Error {
  constructor() {
    super('export cancelled');
    this.name = 'ExportCancelled';
  }
}

/** The target file exists and the caller did not allow overwriting it. */
export class TargetExists extends Error {
  constructor(readonly path: string) {
    super(`${path} already exists`);
    this.name = 'TargetExists';
  }
}

/**
 * Why an export failed:
 * - `disk-full`: ENOSPC/EDQUOT while writing;
 * - `write`: any other error writing or renaming the target;
 * - `closed`: the output stream was closed by its reader (EPIPE), e.g. `| head`;
 * - `source`: an original record could not be read back (file changed or removed).
 */
export type ExportFailure = 'disk-full' | 'write' | 'closed' | 'source';

export class ExportFailed extends Error {
  constructor(
    readonly reason: ExportFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExportFailed';
  }
}

/**
 * The target is there but is no file to write (a folder, a FIFO, a device, a symlink): the path
 * given was wrong, which the CLI reports as a bad argument (exit 2), as every --db FILE that is
 * a folder is, rather than as a failure while writing.
 */
export class TargetNotAFile extends ExportFailed {
  constructor(message: string) {
    super('write', message);
    this.name = 'TargetNotAFile';
  }
}

/** Maps an error met while writing to one of the typed errors above; typed errors pass through unchanged. */
export function toExportError(error: unknown, where: string): ExportFailed | ExportCancelled | TargetExists {
  if (error instanceof ExportFailed || error instanceof ExportCancelled || error instanceof TargetExists) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new ExportFailed('disk-full', `no space left on the device writing ${where}`, { cause: error });
  }
  if (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END') {
    return new ExportFailed('closed', `output closed by its reader (${code})`, { cause: error });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new ExportFailed('write', `cannot write ${where}: ${detail}`, { cause: error });
}
