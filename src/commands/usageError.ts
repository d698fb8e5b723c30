import { signalExit } from './signals.js';

/**
 * A bad command line, query or folder: the CLI prints the message on one line
 * and exits 2, with a pointer to --help when the arguments themselves were wrong.
 * On its own so the dispatcher can catch it without loading a command's
 * modules (the query compiler comes with commands/args.ts).
 */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly suggestHelp = true,
  ) {
    super(message);
  }
}

/**
 * `trailtop COMMAND --version`: thrown by the shared option parser so every
 * command answers it the same way without each handling it.
 */
export class VersionRequested extends Error {}

/**
 * Ctrl-C (or SIGTERM) stopped a command's work part way, cleanly: the dispatcher prints the
 * message on one line and exits 130 (143 for SIGTERM), as a shell reports a process the signal killed.
 */
export class CommandInterrupted extends Error {
  readonly exitCode: number;
  constructor(
    message: string,
    readonly signal: NodeJS.Signals,
  ) {
    super(message);
    this.exitCode = signalExit(signal);
  }
}
