/**
 * Churn: while openFolder({watch:true}) runs, a writer creates 1,000 files in
 * nested folders as fast as it can, then rewrites some (same content and
 * changed content), deletes some (their events stay) and adds more, with
 * eventIDs repeated across files. Once the folder is quiet the store must
 * hold exactly the expected unique event ids.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { openFolder, type OpenFolder } from '../../src/ingest/open.js';
import { hostileEvent, recordsText } from './corpus.js';
import { int, rng, seedFor, withSeedAsync } from './random.js';

const SEED = seedFor(0xc412);
const FILES = 1_000;

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

interface FileSpec {
  path: string;
  ids: string[];
}

function content(path: string, ids: readonly string[], minuteBase: number): Buffer | string {
  const text = recordsText(ids.map((id, k) => hostileEvent(id, minuteBase + k)));
  return path.endsWith('.gz') ? gzipSync(text) : text;
}

async function writeSpec(spec: FileSpec, minuteBase: number, viaRename: boolean): Promise<void> {
  mkdirSync(dirname(spec.path), { recursive: true });
  const data = content(spec.path, spec.ids, minuteBase);
  if (!viaRename) {
    await writeFile(spec.path, data);
    return;
  }
  // What `aws s3 sync` does: a temporary name beside the file, then a rename.
  const temp = join(dirname(spec.path), `.${spec.path.split('/').pop()}.tmp`);
  await writeFile(temp, data);
  await rename(temp, spec.path);
}

/** Waits until `size()` reaches `target` and then stays put for `quietMs`. */
async function settle(opened: OpenFolder, target: number, quietMs: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last = -1;
  let since = Date.now();
  for (;;) {
    const size = opened.store.size;
    if (size !== last) {
      last = size;
      since = Date.now();
    }
    if (size >= target && Date.now() - since >= quietMs) return;
    if (performance.now() > deadline) throw new Error(`store holds ${size} events after ${timeoutMs} ms, expected ${target}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe(`churn (seed ${SEED})`, () => {
  it(`ends with exactly the expected events after ${FILES} files are created, rewritten and deleted under the watch`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailtop-robust-churn-'));
    const opened = openFolder(dir, { watch: true, settleMs: 60 });
    cleanup = async () => {
      await opened.close();
      rmSync(dir, { recursive: true, force: true });
    };
    await withSeedAsync(SEED, 'churn', async () => {
      const started = Date.now();
      await opened.ready;
      const random = rng(SEED);
      const expected = new Set<string>();
      const specs: FileSpec[] = [];
      let renamed = 0;

      // Phase 1: 1,000 files at full speed, nested, gzip or not, some through a temp-file rename.
      for (let f = 0; f < FILES; f++) {
        const region = ['us-east-1', 'eu-west-1', 'ap-northeast-1'][f % 3]!;
        const day = String(1 + (f % 28)).padStart(2, '0');
        const gz = f % 2 === 0;
        const path =
          f % 5 === 4
            ? join(dir, 'shipper', `batch-${f % 13}`, `deep/er/f${f}.json${gz ? '.gz' : ''}`)
            : join(dir, `AWSLogs/111122223333/CloudTrail/${region}/2024/03/${day}/111122223333_CloudTrail_${region}_202403${day}T${String(f % 24).padStart(2, '0')}00Z_f${f}.json${gz ? '.gz' : ''}`);
        const ids = Array.from({ length: int(random, 1, 4) }, (_, k) => `churn-${f}-${k}`);
        // Every seventh file repeats an id of an earlier file (redelivery, double-writing shippers).
        if (f % 7 === 6) ids.push(specs[int(random, 0, specs.length - 1)]!.ids[0]!);
        const spec = { path, ids };
        specs.push(spec);
        ids.forEach((id) => expected.add(id));
        if (f % 3 === 1) renamed++;
        await writeSpec(spec, f, f % 3 === 1);
      }
      await settle(opened, expected.size, 300, 30_000);
      const afterCreate = Date.now() - started;

      // Phase 2, again at full speed: rewrite some unchanged, rewrite some with new events,
      // delete some (their events stay), and add 200 more files, some repeating deleted ids.
      let deleted = 0;
      const changes: Promise<void>[] = [];
      for (let f = 0; f < FILES; f++) {
        const spec = specs[f]!;
        if (f % 10 === 1) changes.push(writeSpec(spec, f, false));
        else if (f % 10 === 2) {
          const changed = { path: spec.path, ids: [...spec.ids.slice(1), `changed-${f}`] };
          expected.add(`changed-${f}`);
          if (f % 4 === 2) renamed++;
          changes.push(writeSpec(changed, f + 10_000, f % 4 === 2));
        } else if (f % 10 === 3) {
          deleted++;
          changes.push(unlink(spec.path));
        }
      }
      for (let f = FILES; f < FILES + 200; f++) {
        const ids = [`late-${f}`, specs[(f * 7) % FILES]!.ids[0]!];
        ids.forEach((id) => expected.add(id));
        changes.push(writeSpec({ path: join(dir, 'late', `n${f % 9}`, `f${f}.json`), ids }, f, false));
      }
      await Promise.all(changes);
      await settle(opened, expected.size, 500, 30_000);

      const ids = opened.store.log().map((row) => row.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(expected.size);
      expect([...ids].sort()).toEqual([...expected].sort());
      expect(opened.store.progress.badFiles).toEqual([]);
      // A temp file of a rename-write that was read before the rename also counts as deleted once gone.
      expect(opened.store.progress.deletedFiles).toBeGreaterThanOrEqual(deleted);
      expect(opened.store.progress.deletedFiles).toBeLessThanOrEqual(deleted + renamed);
      const total = Date.now() - started;
      // A few seconds on an idle machine; the bound only catches a loader that stalls.
      expect(total).toBeLessThan(45_000);
      console.log(`churn: ${FILES} files created and loaded in ${afterCreate} ms; ${ids.length} events after rewrites and deletes in ${total} ms`);
    });
  });
});
