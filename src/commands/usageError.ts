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
