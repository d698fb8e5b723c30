import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openFolder } from '../../src/ingest/open.js';
import { makeEvent, tempFolder, waitFor, writeRecords } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('openFolder followOnly (tail --filter reads the folder without the store, then follows it)', () => {
  it('reads none of the files there at the start, then reads a new file and a file that changed', async () => {
    const temp = tempFolder('trailtop-follow-only-');
    cleanups.push(temp.remove);
    const first = join(temp.dir, 'a/first.json');
    writeRecords(first, [makeEvent('old-1', 1), makeEvent('old-2', 2)]);
    writeRecords(join(temp.dir, 'b/second.json.gz'), [makeEvent('old-3', 3)]);
    const opened = openFolder(temp.dir, { watch: true, pool: { inline: true }, settleMs: 40, followOnly: true });
    cleanups.push(() => opened.close());
    await opened.ready;
    const ids = () => opened.store.rows().map((row) => row.id).sort();
    expect(ids()).toEqual([]);
    expect(opened.store.progress.filesDone).toBe(2);
    expect(opened.store.progress.filesTotal).toBe(2);

    writeRecords(join(temp.dir, 'c/new.json'), [makeEvent('new-1', 5)]);
    await waitFor(() => ids().length === 1, 'the new file to be read');
    expect(ids()).toEqual(['new-1']);
    // Rewritten with one more event: the whole file is read now (the caller drops the events it saw before).
    writeRecords(first, [makeEvent('old-1', 1), makeEvent('old-2', 2), makeEvent('new-2', 4)]);
    await waitFor(() => ids().length === 4, 'the rewritten file to be read');
    expect(ids()).toEqual(['new-1', 'new-2', 'old-1', 'old-2']);
  });
});
