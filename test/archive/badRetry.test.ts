/**
 * A file an import found bad holds no events in the archive, and what made it bad may be gone while its
 * size and mtime stay the same (a --max-decompressed cap raised, a permission fixed): the next run reads
 * it again rather than leaving it out for good as "unchanged".
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { openArchive } from '../../src/archive/db.js';
import { importFolder } from '../../src/archive/import.js';
import { DEFAULT_MAX_DECOMPRESSED, setReadLimits } from '../../src/ingest/limits.js';
import { recordsJson, tempFolder } from '../support/files.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  setReadLimits({ maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED });
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function events(count: number): object[] {
  return Array.from({ length: count }, (_, k) => ({
    eventVersion: '1.08',
    eventID: `ev-${k}`,
    eventTime: new Date(Date.UTC(2024, 2, 5) + k * 1000).toISOString().replace('.000', ''),
    eventName: 'GetObject',
    eventSource: 's3.amazonaws.com',
    awsRegion: 'us-east-1',
    userIdentity: { type: 'IAMUser', userName: 'alice' },
  }));
}

describe('archive import of a file found bad before', () => {
  it('reads it again on the next run: over the --max-decompressed cap once, imported once the cap is raised', async () => {
    const scratch = tempFolder('trailtop-archive-');
    cleanups.push(scratch.remove);
    const logs = join(scratch.dir, 'logs');
    mkdirSync(logs);
    writeFileSync(join(logs, 'small.json'), recordsJson([{ ...events(1)[0], eventID: 'small' }]));
    writeFileSync(join(logs, 'big.json.gz'), gzipSync(recordsJson(events(200))));
    writeFileSync(join(logs, 'cut.json'), '{"Records": [');
    const archive = await openArchive(join(scratch.dir, 'a.duckdb'));
    cleanups.push(() => archive.close());

    setReadLimits({ maxDecompressedBytes: 4096 });
    const capped = await importFolder(archive, logs, { workers: 0 });
    expect(capped.bad.map((b) => b.reason).sort()).toEqual([expect.stringContaining('--max-decompressed'), expect.stringContaining('invalid JSON')]);
    expect(capped.eventsTotal).toBe(1);

    // Under the same cap it would only inflate up to the cap again to fail the same way: left alone, still reported.
    const cappedAgain = await importFolder(archive, logs, { workers: 0 });
    // The broken file is read again (nothing costly), found bad again; the over-cap one is left alone.
    expect(cappedAgain.filesUnchanged).toBe(2);
    expect(cappedAgain.bad).toHaveLength(2);

    setReadLimits({ maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED });
    const raised = await importFolder(archive, logs, { workers: 0 });
    expect(raised.bad.map((b) => b.path)).toEqual([join(logs, 'cut.json')]);
    expect(raised.eventFiles).toEqual({ read: 1, unchanged: 1 });
    expect(raised.eventsTotal).toBe(201);

    // Good now, it is left alone as any other unchanged file.
    const again = await importFolder(archive, logs, { workers: 0 });
    expect(again.eventFiles).toEqual({ read: 0, unchanged: 2 });
    expect(again.filesUnchanged).toBe(2);
    expect(again.eventsTotal).toBe(201);
  });
});
