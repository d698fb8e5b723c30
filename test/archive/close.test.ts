/**
 * Closing an archive while its statements run (quitting the --db dashboard while it counts, Ctrl-C
 * in export --db): DuckDB's client crashed the process (SIGSEGV), hung it, or failed with
 * bad_weak_ptr when closed under a running statement. Each close runs in a child process, so a
 * crash is a failed test and not a lost test worker.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveOf, type TestArchive } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DIST = join(ROOT, 'dist');

const records = Array.from({ length: 400 }, (_, k) => ({
  eventID: `ev-${k}`,
  eventTime: new Date(Date.UTC(2024, 2, 5, 10, 0, k)).toISOString().replace('.000', ''),
  eventName: k % 3 ? 'AssumeRole' : 'GetObject',
  eventSource: 'sts.amazonaws.com',
  awsRegion: 'us-east-1',
  userIdentity: { type: 'IAMUser', userName: `user-${k % 17}` },
}));

describe('closing an archive while its statements run', () => {
  let archive: TestArchive;
  let db: string;
  beforeAll(async () => {
    if (!existsSync(join(DIST, 'archive/session.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
    archive = await archiveOf(records, 40);
    db = archive.archive.path;
    // The children open it read-only: this process lets go of it first.
    await archive.archive.close();
  }, 60_000);
  afterAll(() => archive?.close());

  for (const delayMs of [0, 1, 3, 10, 40]) {
    it(`interrupts and waits, then closes, ${delayMs} ms after the first queries`, () => {
      const child = spawnSync(process.execPath, [join(ROOT, 'test/archive/closeChild.mjs'), db, String(delayMs), DIST], { encoding: 'utf8', timeout: 30_000 });
      expect(child.signal, child.stderr).toBeNull();
      expect(child.status, child.stderr).toBe(0);
      const report = JSON.parse(child.stdout) as { outcomes: string[]; closeMs: number; after: string };
      // Every statement ended one way or the other; the long one was stopped, not waited out.
      expect(report.outcomes).toHaveLength(5);
      expect(report.outcomes.find((o) => o.startsWith('4 '))).toMatch(/^4 failed: /);
      // A statement after the close is refused with an error, never sent to a closed database.
      expect(report.after).toBe('refused');
    });
  }
});
