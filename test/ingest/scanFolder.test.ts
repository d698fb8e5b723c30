import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadFolder } from '../../src/ingest/scanFolder.js';
import { EventStore } from '../../src/store/eventStore.js';
import type { FileReadResult } from '../../src/model/types.js';
import { event, tempDir, write } from './helpers.js';

describe('loadFolder', () => {
  it('reads every file into the store and records progress by shape', async () => {
    const dir = tempDir();
    write(dir, 'AWSLogs/1/CloudTrail/us-east-1/2024/03/05/a.json.gz', gzipSync(JSON.stringify({ Records: [event('a'), event('b')] })));
    write(dir, 'AWSLogs/1/CloudTrail/us-east-1/2024/03/05/b.json', JSON.stringify([event('b'), event('c')]));
    write(dir, 'AWSLogs/1/CloudTrail-Digest/us-east-1/2024/03/05/d.json.gz', gzipSync('{"digestStartTime":"x"}'));
    write(dir, 'empty.json', '[]');
    write(dir, 'notes.txt', 'hello');
    write(dir, 'broken.json', '{"Records": [');
    write(dir, 'partial.jsonl', `${JSON.stringify(event('p'))}\nnot json at all {\n`);
    const store = new EventStore();
    const seen: FileReadResult[] = [];
    await loadFolder(dir, store, { onFile: (r) => seen.push(r), concurrency: 2 });
    const p = store.progress;
    expect(p.phase).toBe('done');
    expect(p.finishedAt).not.toBeNull();
    expect(p.filesTotal).toBe(7);
    expect(p.filesDone).toBe(7);
    expect(seen).toHaveLength(7);
    expect(p.shapes).toEqual({ records: 1, array: 1, digest: 1, empty: 1, 'not-cloudtrail': 1, bad: 1, jsonl: 1 });
    expect(p.digests).toBe(1);
    expect(p.eventsRead).toBe(5);
    expect(p.duplicates).toBe(1);
    expect(store.size).toBe(4);
    expect(p.skippedFiles.map((f) => f.path.slice(dir.length + 1))).toEqual(['notes.txt']);
    expect(p.badFiles.map((f) => [f.path.slice(dir.length + 1), f.reason.split(':')[0]])).toEqual([
      ['broken.json', 'invalid JSON'],
      ['partial.jsonl', 'partly read'],
    ]);
  });

  it('stops early when aborted', async () => {
    const dir = tempDir();
    for (let k = 0; k < 20; k++) write(dir, `f${String(k).padStart(2, '0')}.json`, JSON.stringify([event(`e${k}`)]));
    const store = new EventStore();
    const controller = new AbortController();
    let files = 0;
    await loadFolder(dir, store, {
      signal: controller.signal,
      concurrency: 1,
      onFile: () => {
        if (++files === 3) controller.abort();
      },
    });
    expect(store.progress.filesTotal).toBe(20);
    expect(store.progress.filesDone).toBe(3);
    expect(store.progress.phase).toBe('done');
  });
});
