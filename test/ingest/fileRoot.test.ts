import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadFolder } from '../../src/ingest/scanFolder.js';
import { listFolder } from '../../src/ingest/walk.js';
import type { FileReadResult } from '../../src/model/types.js';
import { EventStore } from '../../src/store/eventStore.js';
import { event, tempDir, write } from './helpers.js';

describe('listFolder on a file', () => {
  it('lists just that file, not its siblings', async () => {
    const dir = tempDir();
    const file = write(dir, 'one.json', '[]');
    write(dir, 'two.json', '[]');
    expect(await listFolder(file)).toEqual({ files: [file], skipped: [], bad: [] });
  });

  it('lists a symlink to a file under the name it was given', async () => {
    const target = write(tempDir(), 'real.json.gz', 'x');
    const link = join(tempDir(), 'link.json.gz');
    symlinkSync(target, link);
    expect(await listFolder(link)).toEqual({ files: [link], skipped: [], bad: [] });
  });

  it('skips a FIFO root without opening it', async () => {
    const fifo = join(tempDir(), 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    expect(await listFolder(fifo)).toEqual({ files: [], skipped: [{ path: fifo, reason: 'not a regular file (FIFO)' }], bad: [] });
  });

  it('reports a missing root as bad, as before', async () => {
    const missing = join(tempDir(), 'nope.json');
    const listing = await listFolder(missing);
    expect(listing.files).toEqual([]);
    expect(listing.bad.map((b) => b.path)).toEqual([missing]);
  });
});

describe('loadFolder on a file', () => {
  const shapes: [string, string | Uint8Array, string][] = [
    ['a.json.gz', gzipSync(JSON.stringify({ Records: [event('a'), event('b')] })), 'records'],
    ['a.json', JSON.stringify([event('a'), event('b')]), 'array'],
    ['a.jsonl', `${JSON.stringify(event('a'))}\n${JSON.stringify(event('b'))}\n`, 'jsonl'],
    ['lookup.json', JSON.stringify({ Events: ['a', 'b'].map((id) => ({ EventId: id, CloudTrailEvent: JSON.stringify(event(id)) })) }), 'lookup-events'],
  ];

  it.each(shapes)('reads %s alone, with its shape', async (name, content, shape) => {
    const dir = tempDir();
    const file = write(dir, name, content);
    write(dir, 'sibling.json', JSON.stringify([event('sibling')]));
    const store = new EventStore();
    const seen: FileReadResult[] = [];
    await loadFolder(file, store, { onFile: (result) => seen.push(result) });
    expect(seen.map((result) => [result.path, result.shape])).toEqual([[file, shape]]);
    expect(store.log().map((row) => row.id).sort()).toEqual(['a', 'b']);
    expect(store.progress).toMatchObject({ phase: 'done', filesTotal: 1, filesDone: 1, badFiles: [] });
  });

  it('reports a broken file as bad and skips a digest file with the usual reason', async () => {
    const dir = tempDir();
    const broken = write(dir, 'broken.json', '{"Records": [');
    const store = new EventStore();
    await loadFolder(broken, store);
    expect(store.progress.badFiles.map((bad) => [bad.path, bad.reason.split(':')[0]])).toEqual([[broken, 'invalid JSON']]);

    const digest = write(dir, 'AWSLogs/1/CloudTrail-Digest/us-east-1/2024/03/05/d.json.gz', gzipSync('{"digestStartTime":"x"}'));
    const digestStore = new EventStore();
    await loadFolder(digest, digestStore);
    expect(digestStore.progress).toMatchObject({ digests: 1, filesDone: 1, badFiles: [], skippedFiles: [] });
    expect(digestStore.size).toBe(0);
  });
});
