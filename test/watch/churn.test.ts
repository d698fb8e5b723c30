import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { openFolder } from '../../src/ingest/open.js';
import { makeEvent, recordsJson, sleep, tempFolder, waitFor, writeRecords } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('churn', () => {
  it('ends with exactly the unique events of 120 files written quickly while the watch runs', async () => {
    const temp = tempFolder('trailtop-churn-');
    cleanups.push(temp.remove);
    const dir = temp.dir;
    const expected = new Set<string>();
    for (let f = 0; f < 5; f++) {
      const events = [0, 1, 2, 3].map((k) => makeEvent(`pre-${f}-${k}`, f * 4 + k));
      events.forEach((e) => expected.add(e.eventID));
      writeRecords(join(dir, `pre/${f}.json`), events);
    }
    const opened = openFolder(dir, { watch: true, pool: { inline: true }, settleMs: 60, badAfterMs: 2_000 });
    cleanups.push(() => opened.close());
    await opened.ready;

    const written: string[] = [];
    for (let f = 0; f < 120; f++) {
      const events = [0, 1, 2, 3, 4].map((k) => makeEvent(`churn-${f}-${k}`, f * 5 + k));
      // Every fourth file repeats two eventIDs of an earlier file (CloudTrail redelivers, shippers double-write).
      if (f % 4 === 3) events.push(makeEvent(`churn-${f - 3}-0`), makeEvent(`pre-${f % 5}-1`));
      events.forEach((e) => expected.add(e.eventID));
      const folder = join(dir, 'live', `d${f % 7}`, f % 2 === 0 ? 'x/y' : '');
      mkdirSync(folder, { recursive: true });
      const path = join(folder, `f${f}.json${f % 3 === 0 ? '.gz' : ''}`);
      const text = recordsJson(events);
      if (f % 3 === 0) {
        writeFileSync(path, gzipSync(text)); // one write
      } else if (f % 3 === 1) {
        const tmp = join(folder, `.f${f}.tmp`); // hidden temp name, renamed into place
        writeFileSync(tmp, text);
        renameSync(tmp, path);
      } else {
        writeFileSync(path, text.slice(0, 40)); // two writes, the first one unparseable
        if (f % 10 === 2) await sleep(80);
        appendFileSync(path, text.slice(40));
      }
      written.push(path);
      if (f % 10 === 9) await sleep(5);
    }

    await waitFor(() => opened.store.size >= expected.size, `all ${expected.size} unique events`, 20_000);
    await sleep(300); // anything late would land now
    const ids = opened.store.log().map((row) => row.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice().sort()).toEqual([...expected].sort());
    expect(opened.store.progress.badFiles).toEqual([]);
    expect(opened.store.progress.filesDone).toBe(5 + written.length);
  });
});
