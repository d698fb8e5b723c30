/** Scratch folders and CloudTrail log file text for tests that read real files. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder under the OS temp dir, and the function that deletes it with everything in it. */
export function tempFolder(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The text of a CloudTrail log file: {"Records":[...]}. */
export function recordsJson(events: readonly object[]): string {
  return JSON.stringify({ Records: events });
}
