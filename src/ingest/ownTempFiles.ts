/**
 * trailtop's own temporary export files: `.<name>.trailtop-<pid>-<hex>.tmp`
 * beside the target (export/atomic.ts), renamed into place when complete.
 * A `kill -9` mid-export leaves one behind; in a watched folder the reader
 * must not take it for input (it held 3,465 duplicate reads and counted as a
 * bad file), and the next export removes it once its process is gone.
 */

const OWN_TEMP = /^\..+\.trailtop-(\d+)-[0-9a-f]{8}\.tmp$/s;

/** The pid in a trailtop temp file's name, or null when the name is not one. */
export function ownTempFilePid(name: string): number | null {
  const match = OWN_TEMP.exec(name);
  return match ? Number(match[1]) : null;
}

export function isOwnTempFile(name: string): boolean {
  return OWN_TEMP.test(name);
}

export const OWN_TEMP_REASON = "trailtop's own temporary export file";
