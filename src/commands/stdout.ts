/**
 * Writes a command's whole answer to stdout. A reader that went away (EPIPE,
 * `| head`) is quiet success; any other failed write (a full disk) says what
 * could not be written and is exit 1.
 */
export function writeStdout(text: string, what: string): Promise<number> {
  return new Promise((resolve) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      if (error.code === 'EPIPE') return resolve(0);
      process.stderr.write(`trailtop: cannot write the ${what}: ${error.message}\n`);
      resolve(1);
    };
    process.stdout.once('error', onError);
    process.stdout.write(text, (error) => {
      if (error) return;
      process.stdout.off('error', onError);
      resolve(0);
    });
  });
}

/** What a streamed answer met on stdout: the first failed write since it started (watchStdout). */
export interface StdoutWatch {
  error: NodeJS.ErrnoException | null;
}

let current: StdoutWatch | null = null;
let listening = false;

/**
 * For an answer streamed in many writes (athena's pages): a failed write to stdout is noted on the
 * returned watch rather than left unhandled (Node's "Unhandled 'error' event" stack); the streamer
 * stops at it and says it with stdoutFailureCode. The one listener is never removed: an EPIPE from
 * the last write can arrive after the command returned.
 */
export function watchStdout(): StdoutWatch {
  if (!listening) {
    listening = true;
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (current && !current.error) current.error = error;
    });
  }
  current = { error: null };
  return current;
}

/** The exit code for a streamed answer cut by `error`: a reader gone (EPIPE) is quiet success, anything else is said and 1. */
export function stdoutFailureCode(error: NodeJS.ErrnoException, what: string): number {
  if (error.code === 'EPIPE') return 0;
  process.stderr.write(`trailtop: cannot write the ${what}: ${error.message}\n`);
  return 1;
}
