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
