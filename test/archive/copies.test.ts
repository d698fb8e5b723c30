/**
 * Finding a batch's copies without reading every archived eventid (copies.ts): the candidates'
 * arrival numbers are grouped into ranges that must cover every one of them, and the import must
 * settle duplicates that lie far apart in the archive (several ranges, rows between left unread)
 * exactly as before.
 */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seqRanges } from '../../src/archive/copies.js';
import { openArchive } from '../../src/archive/db.js';
import { importFolder } from '../../src/archive/import.js';
import { recordsJson, tempFolder } from '../support/files.js';

function covers(ranges: readonly [number, number][], seqs: readonly number[]): boolean {
  return seqs.every((seq) => ranges.some(([lo, hi]) => lo <= seq && seq <= hi));
}

describe('seqRanges', () => {
  it('joins runs closer than `near` and keeps the others apart', () => {
    expect(seqRanges([1, 2, 3, 10, 11, 100], 5)).toEqual([
      [1, 3],
      [10, 11],
      [100, 100],
    ]);
    expect(seqRanges([5], 5)).toEqual([[5, 5]]);
    expect(seqRanges([], 5)).toEqual([]);
  });

  it('past maxRanges, closes the smallest gaps and keeps the largest open', () => {
    // Gaps: 10, 100, 20, 1000: three ranges keep the 1000 and 100 gaps open.
    expect(seqRanges([0, 10, 110, 130, 1130], 1, 3)).toEqual([
      [0, 10],
      [110, 130],
      [1130, 1130],
    ]);
  });

  it('always covers every arrival number with at most maxRanges ranges, in order and apart (seeded random sets)', () => {
    let state = 18;
    const random = (): number => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
    for (let round = 0; round < 200; round++) {
      const seqs = [...new Set(Array.from({ length: 1 + Math.floor(random() * 300) }, () => Math.floor(random() * 1_000_000)))].sort((a, b) => a - b);
      const near = Math.floor(random() * 5000);
      const max = 1 + Math.floor(random() * 70);
      const ranges = seqRanges(seqs, near, max);
      expect(covers(ranges, seqs)).toBe(true);
      expect(ranges.length).toBeLessThanOrEqual(max);
      for (let k = 1; k < ranges.length; k++) expect(ranges[k]![0]).toBeGreaterThan(ranges[k - 1]![1] + near);
    }
  });
});

const event = (id: string, k: number, name = 'GetObject'): object => ({
  eventVersion: '1.08',
  eventID: id,
  eventTime: new Date(Date.UTC(2024, 2, 5) + k * 1000).toISOString().replace('.000', ''),
  eventName: name,
  eventSource: 's3.amazonaws.com',
  awsRegion: 'us-east-1',
  userIdentity: { type: 'IAMUser', userName: `user${k % 7}` },
});

describe('duplicates far apart in the archive', () => {
  it('are settled by the duplicate rule: the rows between the ranges are never needed', async () => {
    const scratch = tempFolder('trailtop-copies-');
    const logs = join(scratch.dir, 'logs');
    mkdirSync(logs);
    const files = 6;
    const perFile = 2_500;
    const old = Date.now() - 3_600_000;
    for (let f = 0; f < files; f++) {
      const path = join(logs, `file-${f}.json`);
      writeFileSync(path, recordsJson(Array.from({ length: perFile }, (_, k) => event(`f${f}-${k}`, f * perFile + k))));
      // Oldest delivery first: file-0 is the oldest, so the archive numbers it last (newest first).
      utimesSync(path, new Date(old + f * 60_000), new Date(old + f * 60_000));
    }
    const archive = await openArchive(join(scratch.dir, 'a.duckdb'));
    try {
      await importFolder(archive, logs, { batchFiles: 1 });
      // A later file with copies from the first, middle and last files (thousands of rows apart), and new events.
      const copied = ['f0-1', 'f0-2400', 'f3-1200', 'f5-2499'];
      const later = join(logs, 'later.json');
      writeFileSync(later, recordsJson([...copied.map((id) => event(id, 0, 'Copy')), event('new-1', 1), event('new-2', 2)]));
      const summary = await importFolder(archive, logs);
      expect(summary.recordsRead).toBe(copied.length + 2);
      expect(summary.eventsAdded).toBe(2);
      const rows = async (sql: string): Promise<unknown[][]> => (await archive.connection.runAndReadAll(sql)).getRows() as unknown[][];
      expect(await rows('SELECT count(*), count(DISTINCT eventid) FROM events')).toEqual([[BigInt(files * perFile + 2), BigInt(files * perFile + 2)]]);
      // The older delivery's copy is kept (its name, its file), never the later file's.
      expect(await rows(`SELECT eventid, tt_name, tt_file FROM events WHERE eventid IN (${copied.map((id) => `'${id}'`).join(', ')}) ORDER BY eventid`)).toEqual(
        copied.sort().map((id) => [id, 'GetObject', join(logs, `file-${id.slice(1, 2)}.json`)]),
      );
      expect(await rows(`SELECT count(*) FROM events WHERE tt_file = '${later}'`)).toEqual([[2n]]);
    } finally {
      await archive.close();
      scratch.remove();
    }
  });
});
