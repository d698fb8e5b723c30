import { execFileSync } from 'node:child_process';
import { appendFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openFolder, type OpenFolder, type OpenFolderOptions } from '../../src/ingest/open.js';
import { readEventFile } from '../../src/ingest/read.js';
import { makeEvent, recordsJson, sleep, tempFolder, waitFor, writeRecords } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function folder(): string {
  const temp = tempFolder('trailtop-fileroot-');
  cleanups.push(temp.remove);
  return temp.dir;
}

/** Files the loader asked to read, in order: proves siblings of the root are never opened. */
function recordingReader(): { reads: string[]; options: Partial<OpenFolderOptions> } {
  const reads: string[] = [];
  const reader = async (path: string, options?: Parameters<typeof readEventFile>[1]) => {
    reads.push(path);
    return readEventFile(path, options);
  };
  return { reads, options: { pool: { reader } } };
}

function open(root: string, options: Partial<OpenFolderOptions> = {}): OpenFolder {
  const opened = openFolder(root, { watch: true, pool: { inline: true }, settleMs: 60, badAfterMs: 400, ...options });
  cleanups.push(() => opened.close());
  return opened;
}

const ids = (opened: OpenFolder) => opened.store.log().map((row) => row.id).sort();
const line = (id: string, minute = 0) => `${JSON.stringify(makeEvent(id, minute))}\n`;

describe('a single file as the root', () => {
  it('without a watch reads only that file, not its siblings', async () => {
    const dir = folder();
    const path = join(dir, 'one.json.gz');
    writeRecords(path, [makeEvent('a1'), makeEvent('a2')]);
    writeRecords(join(dir, 'sibling.json'), [makeEvent('sibling')]);
    const { reads, options } = recordingReader();
    const opened = open(path, { watch: false, ...options });
    await opened.ready;
    expect(ids(opened)).toEqual(['a1', 'a2']);
    expect(reads).toEqual([path]);
    expect(opened.store.progress).toMatchObject({ phase: 'done', filesTotal: 1, filesDone: 1, badFiles: [], skippedFiles: [] });
  });

  it('follows JSON lines appended to it, and ignores files written beside it', async () => {
    const dir = folder();
    const path = join(dir, 'stream.jsonl');
    writeFileSync(path, line('l1', 1) + line('l2', 2));
    const { reads, options } = recordingReader();
    const opened = open(path, options);
    await opened.ready;
    expect(opened.store.progress.phase).toBe('watching');
    expect(ids(opened)).toEqual(['l1', 'l2']);
    writeRecords(join(dir, 'beside.json'), [makeEvent('beside')]);
    appendFileSync(path, line('l3', 3));
    await waitFor(() => opened.store.has('l3'), 'the appended line');
    appendFileSync(join(dir, 'beside.json'), ' ');
    appendFileSync(path, line('l4', 4));
    await waitFor(() => opened.store.has('l4'), 'the second appended line');
    expect(ids(opened)).toEqual(['l1', 'l2', 'l3', 'l4']);
    expect(reads.every((read) => read === path)).toBe(true);
    expect(opened.store.progress.filesTotal).toBe(1);
    expect(opened.store.progress.badFiles).toEqual([]);
  });

  it('reads the file again when it is rewritten in place or replaced by a rename', async () => {
    const dir = folder();
    const path = join(dir, 'r.json');
    writeRecords(path, [makeEvent('r1')]);
    const opened = open(path);
    await opened.ready;
    writeRecords(path, [makeEvent('r1'), makeEvent('r2')]);
    await waitFor(() => opened.store.has('r2'), 'the file rewritten in place');
    // An editor or a shipper writes a new file and renames it over the old one: a new inode.
    writeFileSync(join(dir, 'r.json.tmp'), recordsJson([makeEvent('r2'), makeEvent('r3')]));
    renameSync(join(dir, 'r.json.tmp'), path);
    await waitFor(() => opened.store.has('r3'), 'the file replaced by a rename');
    expect(ids(opened)).toEqual(['r1', 'r2', 'r3']);
    expect(opened.store.progress.filesTotal).toBe(1);
  });

  it('keeps the events of a deleted file and reads it again when it comes back', async () => {
    const dir = folder();
    const path = join(dir, 'gone.json');
    writeRecords(path, [makeEvent('g1')]);
    const opened = open(path);
    await opened.ready;
    rmSync(path);
    await waitFor(() => opened.store.progress.deletedFiles === 1, 'the deletion');
    expect(ids(opened)).toEqual(['g1']);
    writeRecords(path, [makeEvent('g2')]);
    await waitFor(() => opened.store.has('g2'), 'the file written again');
    expect(ids(opened)).toEqual(['g1', 'g2']);
    expect(opened.store.progress.badFiles).toEqual([]);
  });

  it('follows a symlink to a file in another folder', async () => {
    const target = join(folder(), 'real.jsonl');
    writeFileSync(target, line('s1'));
    const link = join(folder(), 'link.jsonl');
    symlinkSync(target, link);
    const opened = open(link);
    await opened.ready;
    expect(ids(opened)).toEqual(['s1']);
    expect(opened.store.rows()[0]!.batch.file).toBe(link);
    appendFileSync(target, line('s2', 1));
    await waitFor(() => opened.store.has('s2'), 'the line appended to the target');
    expect(opened.store.progress.filesTotal).toBe(1);
  });

  it('counts a digest file given as the root as a digest, without reading it', async () => {
    const dir = folder();
    const digest = join(dir, '111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20240305T120000Z.json.gz');
    writeRecords(digest, [makeEvent('not-read')]);
    const opened = open(digest, { watch: false });
    await opened.ready;
    expect(opened.store.size).toBe(0);
    expect(opened.store.progress).toMatchObject({ digests: 1, filesTotal: 1, filesDone: 1, badFiles: [] });
  });

  it.each([false, true])('skips a FIFO given as the root without opening it (watch %s)', async (watch) => {
    const fifo = join(folder(), 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    const opened = open(fifo, { watch });
    // Opening the FIFO would block the read until a writer comes: ready would never resolve.
    await Promise.race([opened.ready, sleep(3_000).then(() => Promise.reject(new Error('ready did not resolve')))]);
    expect(opened.store.progress.skippedFiles).toEqual([{ path: fifo, reason: 'not a regular file (FIFO)' }]);
    expect(opened.store.progress.filesTotal).toBe(0);
  });
});
