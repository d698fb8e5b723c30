import { appendFileSync, mkdirSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openFolder, type OpenFolder, type OpenFolderOptions } from '../../src/ingest/open.js';
import { readEventFile, readRecord } from '../../src/ingest/read.js';
import { deliveryName, makeEvent, recordsJson, tempFolder, waitFor, writeRecords } from './helpers.js';
import { recordRef } from '../../src/model/recordBatch.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function folder(): string {
  const temp = tempFolder();
  cleanups.push(temp.remove);
  return temp.dir;
}

// vitest runs the TypeScript sources, where no compiled worker exists: the pool reads inline (pool.test.ts covers the worker).
const readerOption = { inline: true };

function open(dir: string, options: Partial<OpenFolderOptions> = {}): OpenFolder {
  const opened = openFolder(dir, { watch: true, pool: readerOption, settleMs: 60, badAfterMs: 400, ...options });
  cleanups.push(() => opened.close());
  return opened;
}

const ids = (opened: OpenFolder) => opened.store.log().map((row) => row.id).sort();

describe('initial load', () => {
  it('loads plain and gzip files in nested folders, skips and counts digests, and ends in phase done', async () => {
    const dir = folder();
    writeRecords(join(dir, 'a.json'), [makeEvent('a1', 1), makeEvent('a2', 2)]);
    writeRecords(join(dir, 'x/y/b.json.gz'), [makeEvent('b1', 3)]);
    writeRecords(join(dir, 'AWSLogs/1/CloudTrail-Digest/us-east-1/2024/03/05/d.json.gz'), [makeEvent('digest-not-read')]);
    const opened = open(dir, { watch: false });
    await opened.ready;
    expect(ids(opened)).toEqual(['a1', 'a2', 'b1']);
    const p = opened.store.progress;
    expect(p.phase).toBe('done');
    expect(p.filesTotal).toBe(3);
    expect(p.filesDone).toBe(3);
    expect(p.digests).toBe(1);
    expect(p.finishedAt).not.toBeNull();
    expect(opened.store.rows()[0]!.id).toBe('b1'); // newest event first
  });

  it('reads the newest deliveries first, by the time in the file name or the date folders', async () => {
    const dir = folder();
    const order: string[] = [];
    const base = join(dir, 'AWSLogs/111122223333/CloudTrail/us-east-1');
    writeRecords(join(base, '2023/01/01', deliveryName('111122223333', 'us-east-1', '20230101T0005Z')), [makeEvent('old')]);
    writeRecords(join(base, '2024/03/05', deliveryName('111122223333', 'us-east-1', '20240305T1200Z')), [makeEvent('newest')]);
    writeRecords(join(base, '2024/03/05', deliveryName('111122223333', 'us-east-1', '20240305T0900Z')), [makeEvent('middle')]);
    writeRecords(join(dir, 'exports/2022/06/30/plain.json'), [makeEvent('folder-dated')]);
    const recording = async (path: string) => {
      order.push(path);
      return readEventFile(path);
    };
    const opened = open(dir, { watch: false, pool: { reader: recording, workers: 1 } });
    await opened.ready;
    const firstIds = order.map((path) => path.split('/').slice(-4).join('/'));
    expect(firstIds[0]).toContain('20240305T1200Z');
    expect(firstIds[1]).toContain('20240305T0900Z');
    expect(firstIds[2]).toContain('20230101T0005Z');
    expect(firstIds[3]).toContain('plain.json');
  });

  it.each([false, true])('reports a symlink loop and a broken file without stopping the load (watch %s)', async (watch) => {
    const dir = folder();
    writeRecords(join(dir, 'sub/good.json'), [makeEvent('good')]);
    symlinkSync(join(dir, 'sub'), join(dir, 'sub/loop'));
    writeFileSync(join(dir, 'broken.json'), '{"Records": [ {"eventID": ');
    const opened = open(dir, { watch });
    await opened.ready;
    expect(ids(opened)).toEqual(['good']);
    await waitFor(() => opened.store.progress.badFiles.length === 1, 'the broken file');
    expect(opened.store.progress.badFiles[0]!.path).toBe(join(dir, 'broken.json'));
    expect(opened.store.progress.skippedFiles.some((s) => s.path === join(dir, 'sub/loop') && /loop/.test(s.reason))).toBe(true);
    expect(opened.store.progress.filesTotal).toBe(2);
  });

  it('follows a symlink to a file outside the folder, not one to a folder outside', async () => {
    const dir = folder();
    const outside = folder();
    writeRecords(join(outside, 'far.json'), [makeEvent('far')]);
    writeRecords(join(outside, 'deep/farther.json'), [makeEvent('farther')]);
    symlinkSync(join(outside, 'far.json'), join(dir, 'far.json'));
    symlinkSync(join(outside, 'deep'), join(dir, 'linked'));
    const opened = open(dir);
    await opened.ready;
    expect(ids(opened)).toEqual(['far']);
    expect(opened.store.progress.skippedFiles.map((s) => s.path)).toContain(join(dir, 'linked'));
  });
});

describe('watch', () => {
  it('loads a file written in several steps once complete, without reporting it bad', async () => {
    const dir = folder();
    const opened = open(dir);
    await opened.ready;
    const text = recordsJson([makeEvent('s1'), makeEvent('s2')]);
    const path = join(dir, 'slow.json');
    const third = Math.floor(text.length / 3);
    writeFileSync(path, text.slice(0, third));
    await new Promise((resolve) => setTimeout(resolve, 150)); // longer than settleMs: the half file is read
    appendFileSync(path, text.slice(third, 2 * third));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(opened.store.progress.badFiles).toEqual([]);
    appendFileSync(path, text.slice(2 * third));
    await waitFor(() => opened.store.size === 2, 'both events of the slow file');
    await new Promise((resolve) => setTimeout(resolve, 500)); // past badAfterMs
    expect(opened.store.progress.badFiles).toEqual([]);
    expect(ids(opened)).toEqual(['s1', 's2']);
  });

  it('reports a file that stays unparseable, only after it stayed unchanged', async () => {
    const dir = folder();
    const opened = open(dir);
    await opened.ready;
    const path = join(dir, 'junk.json');
    writeFileSync(path, '{"Records": [ oops');
    await waitFor(() => opened.store.progress.filesDone === 1, 'the junk file to be read');
    expect(opened.store.progress.badFiles).toEqual([]);
    await waitFor(() => opened.store.progress.badFiles.length === 1, 'the junk file to be reported');
    expect(opened.store.progress.badFiles[0]!.path).toBe(path);
    // Fixed later: loads, and is no longer listed as bad.
    writeRecords(path, [makeEvent('fixed')]);
    await waitFor(() => opened.store.size === 1 && opened.store.progress.badFiles.length === 0, 'the fixed file to load and be cleared');
    expect(opened.store.has('fixed')).toBe(true);
  });

  it('reports at once a bad file that was already old at start-up, without waiting for it to stay unchanged', async () => {
    const dir = folder();
    writeRecords(join(dir, 'good.json'), [makeEvent('g1')]);
    const oldBad = join(dir, 'old-bad.json');
    const freshBad = join(dir, 'fresh-bad.json');
    writeFileSync(oldBad, '{"Records": [ oops');
    writeFileSync(freshBad, '{"Records": [ oops');
    const anHourAgo = (Date.now() - 3_600_000) / 1000;
    utimesSync(oldBad, anHourAgo, anHourAgo);
    // A wait far longer than the test's timeout: only a file already quiet that long can be reported.
    const opened = open(dir, { badAfterMs: 600_000 });
    await opened.ready;
    await waitFor(() => opened.store.progress.badFiles.length === 1, 'the old bad file to be reported');
    expect(opened.store.progress.badFiles.map((bad) => bad.path)).toEqual([oldBad]);
    // The one just written may still be being written: it waits.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(opened.store.progress.badFiles.map((bad) => bad.path)).toEqual([oldBad]);
  });

  it('follows gzip files in a new folder five levels deep, within 500 ms', async () => {
    const dir = folder();
    const opened = open(dir, { settleMs: 150 });
    await opened.ready;
    const deep = join(dir, 'a/b/c/d/e');
    mkdirSync(deep, { recursive: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const written = Date.now();
    writeRecords(join(deep, 'deep.json.gz'), [makeEvent('deep1'), makeEvent('deep2')]);
    await waitFor(() => opened.store.size === 2, 'the deep file');
    expect(Date.now() - written).toBeLessThan(500);
  });

  it('reads only the new complete lines of a growing JSON-lines file', async () => {
    const dir = folder();
    const path = join(dir, 'stream.jsonl');
    writeFileSync(path, `${JSON.stringify(makeEvent('l1'))}\n${JSON.stringify(makeEvent('l2'))}\n`);
    const added: string[] = [];
    const opened = open(dir);
    const originalAdd = opened.store.add.bind(opened.store);
    opened.store.add = (rows) => {
      for (const row of rows) added.push(row.id);
      return originalAdd(rows);
    };
    await opened.ready;
    expect(ids(opened)).toEqual(['l1', 'l2']);
    const fourth = JSON.stringify(makeEvent('l4'));
    appendFileSync(path, `${JSON.stringify(makeEvent('l3'))}\n${fourth.slice(0, 20)}`); // a complete line and a partial one
    await waitFor(() => opened.store.has('l3'), 'the appended line');
    await new Promise((resolve) => setTimeout(resolve, 500)); // the writer pauses longer than badAfterMs
    expect(opened.store.progress.badFiles).toEqual([]);
    appendFileSync(path, `${fourth.slice(20)}\n`);
    await waitFor(() => opened.store.has('l4'), 'the completed line');
    expect(opened.store.size).toBe(4);
    expect(await readRecord(recordRef(opened.store.get('l4')!))).toMatchObject({ eventID: 'l4' });
    expect(opened.store.progress.badFiles).toEqual([]);
    // Rows already loaded were not sent again.
    expect(added.filter((id) => id === 'l1')).toHaveLength(1);
    expect(added.filter((id) => id === 'l3')).toHaveLength(1);
  });

  it('reads a rewritten file again and collapses its duplicates; keeps a deleted file’s events', async () => {
    const dir = folder();
    const path = join(dir, 'r.json');
    writeRecords(path, [makeEvent('r1'), makeEvent('r2')]);
    const opened = open(dir);
    await opened.ready;
    writeRecords(path, [makeEvent('r1'), makeEvent('r2'), makeEvent('r3')]);
    await waitFor(() => opened.store.size === 3, 'the rewritten file');
    expect(ids(opened)).toEqual(['r1', 'r2', 'r3']);
    rmSync(path);
    await waitFor(() => opened.store.progress.deletedFiles === 1, 'the deletion');
    expect(opened.store.size).toBe(3);
    expect(opened.store.progress.badFiles).toEqual([]);
  });

  it('counts a file read again (it grew) once: its duplicates and conflicting copies are not counted or listed twice', async () => {
    const dir = folder();
    const kept = join(dir, deliveryName('111122223333', 'us-east-1', '20240305T1200Z'));
    const copies = join(dir, deliveryName('111122223333', 'us-east-1', '20240305T1300Z'));
    writeRecords(kept, [makeEvent('same', 1), makeEvent('forged', 2)]);
    // A second delivery: one identical copy (a duplicate) and one that differs (a conflict).
    writeRecords(copies, [makeEvent('same', 1), makeEvent('forged', 2, 'DeleteTrail'), makeEvent('c1', 3)]);
    const opened = open(dir);
    await opened.ready;
    const p = () => opened.store.progress;
    expect([p().duplicates, p().conflictCount, p().conflicts.length, p().eventsRead]).toEqual([2, 1, 1, 5]);
    // The second file grows and is read again whole: only its new record counts.
    writeRecords(copies, [makeEvent('same', 1), makeEvent('forged', 2, 'DeleteTrail'), makeEvent('c1', 3), makeEvent('c2', 4)]);
    await waitFor(() => opened.store.size === 4, 'the grown file');
    expect([p().duplicates, p().conflictCount, p().conflicts.length, p().eventsRead]).toEqual([2, 1, 1, 6]);
    // A copy new in the grown file still counts.
    writeRecords(copies, [makeEvent('same', 1), makeEvent('forged', 2, 'DeleteTrail'), makeEvent('c1', 3), makeEvent('c2', 4), makeEvent('forged', 5, 'StopLogging')]);
    await waitFor(() => p().eventsRead === 7, 'the file grown again');
    expect([p().duplicates, p().conflictCount, p().conflicts.length]).toEqual([3, 2, 2]);
  });

  it('counts the copies of a file moved, or deleted and written again, once', async () => {
    const dir = folder();
    const kept = join(dir, deliveryName('111122223333', 'us-east-1', '20240305T1200Z'));
    const copies = join(dir, deliveryName('111122223333', 'us-east-1', '20240305T1300Z'));
    const records = [makeEvent('same', 1), makeEvent('forged', 2, 'DeleteTrail'), makeEvent('c1', 3)];
    writeRecords(kept, [makeEvent('same', 1), makeEvent('forged', 2)]);
    writeRecords(copies, records);
    const opened = open(dir);
    await opened.ready;
    const p = () => opened.store.progress;
    const counts = () => [p().duplicates, p().conflictCount, p().conflicts.length, p().eventsRead];
    expect(counts()).toEqual([2, 1, 1, 5]);
    // Deleted, then written again at the same path.
    rmSync(copies);
    await waitFor(() => opened.store.progress.deletedFiles === 1, 'the deletion');
    const bytes = p().bytesDone;
    writeRecords(copies, records);
    await waitFor(() => p().bytesDone > bytes, 'the file written again');
    expect(counts()).toEqual([2, 1, 1, 5]);
    // Moved: its copies come back under the new name, not as new duplicates.
    mkdirSync(join(dir, 'sub'));
    const moved = join(dir, 'sub', deliveryName('111122223333', 'us-east-1', '20240305T1300Z'));
    renameSync(copies, moved);
    await waitFor(() => opened.store.progress.deletedFiles === 2 && opened.store.get('c1')?.batch.file === moved, 'the moved file');
    expect(counts()).toEqual([2, 1, 1, 5]);
  });

  it('points the rows of a renamed file at its new name, so the records can still be read', async () => {
    const dir = folder();
    const before = join(dir, 'incoming.json');
    writeRecords(before, [makeEvent('m1'), makeEvent('m2')]);
    const opened = open(dir);
    await opened.ready;
    const after = join(dir, 'archive/moved.json');
    mkdirSync(join(dir, 'archive'));
    renameSync(before, after);
    await waitFor(() => opened.store.get('m2')?.batch.file === after, 'the rows to follow the file');
    expect(opened.store.size).toBe(2);
    expect(opened.store.progress.deletedFiles).toBe(1);
    expect(await readRecord(recordRef(opened.store.get('m1')!))).toMatchObject({ eventID: 'm1' });
  });

  it('moves from loading to watching, and close() stops it', async () => {
    const dir = folder();
    writeRecords(join(dir, 'one.json'), [makeEvent('one')]);
    const opened = open(dir);
    expect(opened.store.progress.phase).toBe('loading');
    await opened.ready;
    expect(opened.store.progress.phase).toBe('watching');
    await opened.close();
    writeRecords(join(dir, 'two.json'), [makeEvent('two')]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ids(opened)).toEqual(['one']);
  });
});
