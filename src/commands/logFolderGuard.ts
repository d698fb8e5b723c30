import { writesIntoLogPath } from '../export/logFolder.js';
import { sanitize } from '../term/sanitize.js';
import { UsageError } from './usageError.js';

/**
 * Nothing is ever written into the log folder (export/logFolder.ts says why):
 * `target` is refused when it lies under DIR, or is the one log FILE read.
 */
export async function refuseWriteIntoLogFolder(target: string, logPath: string, option: string): Promise<void> {
  const inside = await writesIntoLogPath(target, logPath);
  if (inside) {
    throw new UsageError(`${option} ${sanitize(target)}: would write into the log ${inside} being read (${sanitize(logPath)}); write it elsewhere`, false);
  }
}
