import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openFolder } from '../../src/ingest/open.js';
import { readEventFile } from '../../src/ingest/read.js';
import { scanFolderHeadless } from '../../src/scan/run.js';
import { ChildReaper, spawnCollected } from '../support/processes.js';
import { deliveryName, makeEvent, tempFolder, waitFor, writeRecords } from '../watch/helpers.js';

// The CLI parts spawn the built CLI (`npm test` compiles dist/ first), which reads on worker threads.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(root, 'bin/trailtop.js');
const reaper = new ChildReaper();
const cleanups: (() => void)[] = [];
afterEach(() => {
  reaper.killAll();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const ID = 'd0d0d0d0-1111-4222-8333-444455556666';

/**
 * One eventID in two files with different content. The newer delivery is first in file order
 * (ingest/order.ts), so its copy (eventName 'KeptCopy') must be the one kept everywhere. The
 * newer file is made big, so a pool that applied files as they finish would apply it last.
 */
function conflictingFolder(): { dir: string; newer: string; older: string } {
  const temp = tempFolder('trailtop-dup-');
  cleanups.push(temp.remove);
  const folder = join(temp.dir, 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05');
  const newer = join(folder, deliveryName('111122223333', 'us-east-1', '20240305T1300Z'));
  const older = join(folder, deliveryName('111122223333', 'us-east-1', '20240305T1200Z'));
  const filler = Array.from({ length: 3000 }, (_, k) => makeEvent(`fill-${k}`, k % 50));
  writeRecords(newer, [...filler, makeEvent(ID, 7, 'KeptCopy')]);
  writeRecords(older, [makeEvent(ID, 9, 'DroppedCopy'), makeEvent('other-1', 1)]);
  return { dir: temp.dir, newer, older };
}

describe('a duplicated eventID with two contents keeps the copy first in file order', () => {
  it('in the dashboard store, however the reads finish', async () => {
    const { dir, newer } = conflictingFolder();
    // The newer file's read finishes well after the older one's.
    const reader = async (path: string) => {
      if (path === newer) await new Promise((r) => setTimeout(r, 300));
      return readEventFile(path);
    };
    const folder = openFolder(dir, { watch: false, pool: { reader } });
    await folder.ready;
    await folder.close();
    expect(folder.store.get(ID)?.name).toBe('KeptCopy');
    expect(folder.store.progress.duplicates).toBe(1);
  });

  it('in the headless scan', async () => {
    const { dir } = conflictingFolder();
    const tally = await scanFolderHeadless(dir);
    const names = tally.summary({ folder: dir, filter: null }).topEventNames.map((c) => c.name);
    expect(names).toContain('KeptCopy');
    expect(names).not.toContain('DroppedCopy');
  });

  it('in scan, tail and export of the CLI (workers) alike', async () => {
    const { dir } = conflictingFolder();
    const scan = reaper.track(spawnCollected('node', [bin, 'scan', dir, '--json', '--filter', `id:${ID}`], { cwd: root }));
    expect(await scan.exit).toBe(0);
    const summary = JSON.parse(scan.stdout()) as { topEventNames: { name: string }[]; events: { unique: number; duplicates: number } };
    expect(summary.topEventNames.map((c) => c.name)).toEqual(['KeptCopy']);
    expect(summary.events.unique).toBe(1);

    const exported = reaper.track(spawnCollected('node', [bin, 'export', dir, '--filter', `id:${ID}`, '--format', 'jsonl', '-o', '-'], { cwd: root }));
    expect(await exported.exit).toBe(0);
    expect(exported.lines().map((l) => (JSON.parse(l) as { eventName: string }).eventName)).toEqual(['KeptCopy']);

    const tail = reaper.track(spawnCollected('node', [bin, 'tail', dir, '--filter', `id:${ID}`], { cwd: root }));
    await waitFor(() => tail.lines().length >= 1, 'tail to print the event', 10_000);
    // Give a wrongly kept second copy time to show up too.
    await new Promise((r) => setTimeout(r, 300));
    expect(tail.lines().map((l) => (JSON.parse(l) as { eventName: string }).eventName)).toEqual(['KeptCopy']);
  });
});
