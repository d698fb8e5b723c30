/**
 * A conflicting duplicate's file moved (archive/movedConflicts.ts) is listed once by `scan --db`, as a
 * scan of the folder lists it, whichever copy the duplicate rule keeps after the move.
 */
import { mkdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openArchive } from '../../src/archive/db.js';
import { importFolder } from '../../src/archive/import.js';
import { summarizeArchive } from '../../src/archive/query.js';
import { scanFolderHeadless } from '../../src/scan/run.js';
import { recordsJson, tempFolder } from '../support/files.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const event = (name: string) => ({
  eventVersion: '1.08',
  eventID: 'same-id',
  eventTime: '2024-03-05T10:00:00Z',
  eventName: name,
  eventSource: 's3.amazonaws.com',
  awsRegion: 'us-east-1',
  userIdentity: { type: 'IAMUser', userName: 'alice' },
});

/**
 * A folder of two files without a delivery time in their names, one mtime (the duplicate rule keeps
 * the copy of the first path): b.json's GetObject and c.json's forged DeleteBucket of one eventID, archived.
 */
async function archivedConflict() {
  const scratch = tempFolder('trailtop-archive-');
  cleanups.push(scratch.remove);
  const logs = join(scratch.dir, 'logs');
  mkdirSync(logs);
  const when = new Date('2024-03-05T10:05:00Z');
  const original = join(logs, 'b.json');
  const forged = join(logs, 'c.json');
  writeFileSync(original, recordsJson([event('GetObject')]));
  writeFileSync(forged, recordsJson([event('DeleteBucket')]));
  utimesSync(original, when, when);
  utimesSync(forged, when, when);
  const archive = await openArchive(join(scratch.dir, 'a.duckdb'));
  cleanups.push(() => archive.close());
  await importFolder(archive, logs, { workers: 0 });
  return { logs, when, original, forged, archive };
}

describe('archive: a moved file with a conflicting copy', () => {
  it('is listed once when the move makes its copy the one kept', async () => {
    const { logs, when, original, forged, archive } = await archivedConflict();
    expect((await summarizeArchive(archive, null)).conflictingDuplicates!.map((c) => [c.keptFile, c.file])).toEqual([[original, forged]]);

    // Renamed to a path before the original's (mv keeps the mtime): its copy is now the one kept.
    const moved = join(logs, 'a.json');
    renameSync(forged, moved);
    await importFolder(archive, logs, { workers: 0 });
    const folder = (await scanFolderHeadless(logs, { workers: 0 })).summary({ folder: logs, filter: null });
    const db = await summarizeArchive(archive, null, { folder: logs });
    expect(folder.events.conflicts).toBe(1);
    expect(db.events.conflicts).toBe(folder.events.conflicts);
    expect(db.conflictingDuplicates!.map((c) => c.file)).toEqual(folder.conflictingDuplicates!.map((c) => c.file));
    expect(db.conflictingDuplicates!.map((c) => [c.keptFile, c.file])).toEqual([[moved, original]]);
  });

  it('is listed once when the same forged copy comes in a file the rule keeps first, the first file still there', async () => {
    const { logs, when, original, forged, archive } = await archivedConflict();

    // A second copy of the forged record, named before the original: kept now, the same content as c.json's.
    const earlier = join(logs, 'a.json');
    writeFileSync(earlier, recordsJson([event('DeleteBucket')]));
    utimesSync(earlier, when, when);
    await importFolder(archive, logs, { workers: 0 });
    const folder = (await scanFolderHeadless(logs, { workers: 0 })).summary({ folder: logs, filter: null });
    const db = await summarizeArchive(archive, null, { folder: logs });
    expect(folder.events.conflicts).toBe(1);
    expect(db.events.conflicts).toBe(folder.events.conflicts);
    expect(db.conflictingDuplicates!.map((c) => [c.keptFile, c.file])).toEqual([[earlier, original]]);
  });
});
