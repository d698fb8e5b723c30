import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openFolder } from '../../src/ingest/open.js';
import { ReadPool } from '../../src/ingest/pool.js';
import { ROWS_PER_BATCH } from '../../src/ingest/readJob.js';
import type { EventRow } from '../../src/model/types.js';
import type { QueryNode } from '../../src/query/ast.js';
import { makeEvent, tempFolder, waitFor, writeRecords } from './helpers.js';

// The real worker is the compiled one: `npm test` builds dist/ before vitest runs.
const workerUrl = new URL('../../dist/ingest/worker.js', import.meta.url);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('ReadPool on worker threads', () => {
  it('has a compiled worker to test (run `npm run build` first)', () => {
    expect(existsSync(fileURLToPath(workerUrl))).toBe(true);
  });

  it('parses files on workers and sends rows back in batches', async () => {
    const temp = tempFolder('trailtop-pool-');
    cleanups.push(temp.remove);
    const big = join(temp.dir, 'big.json.gz');
    writeRecords(big, Array.from({ length: ROWS_PER_BATCH * 2 + 10 }, (_, k) => makeEvent(`big-${k}`, k)));
    const small = join(temp.dir, 'small.json');
    writeRecords(small, [makeEvent('s1'), makeEvent('s2')]);
    const broken = join(temp.dir, 'broken.json');
    writeRecords(broken, []);
    const pool = new ReadPool({ workerUrl, workers: 2 });
    cleanups.push(() => pool.close());
    expect(pool.inline).toBe(false);
    const batches: number[] = [];
    const rows: EventRow[] = [];
    const [bigSummary, smallSummary, emptySummary] = await Promise.all([
      pool.read({ path: big, firstIndex: 0 }, (batch) => {
        batches.push(batch.length);
        rows.push(...batch);
      }),
      pool.read({ path: small, firstIndex: 1 }, (batch) => rows.push(...batch)),
      pool.read({ path: broken, firstIndex: 0 }, (batch) => rows.push(...batch)),
    ]);
    expect(batches).toEqual([ROWS_PER_BATCH, ROWS_PER_BATCH, 10]);
    expect(bigSummary).toMatchObject({ shape: 'records', rowCount: ROWS_PER_BATCH * 2 + 10, endIndex: ROWS_PER_BATCH * 2 + 10 });
    // firstIndex 1: only the second record comes back.
    expect(smallSummary).toMatchObject({ shape: 'records', rowCount: 2 });
    expect(rows.filter((r) => r.batch.file === small).map((r) => r.id)).toEqual(['s2']);
    expect(emptySummary.shape).toBe('empty');
    expect(new Set(rows.filter((r) => r.batch.file === big).map((r) => r.id)).size).toBe(ROWS_PER_BATCH * 2 + 10);
  });

  it('counts a job as parsed once its worker is done, while its rows still wait for this thread', async () => {
    const temp = tempFolder('trailtop-pool-');
    cleanups.push(temp.remove);
    const files = [0, 1, 2].map((k) => {
      const path = join(temp.dir, `f${k}.json`);
      writeRecords(path, [makeEvent(`f${k}-a`, k), makeEvent(`f${k}-b`, k)]);
      return path;
    });
    const pool = new ReadPool({ workerUrl, workers: 1 });
    cleanups.push(() => pool.close());
    const events: string[] = [];
    const parsed: { queued: number; undelivered: number }[] = [];
    pool.onJobParsed = () => {
      events.push('parsed');
      parsed.push({ queued: pool.queued, undelivered: pool.undeliveredRows });
    };
    const reads = files.map((path) => pool.read({ path, firstIndex: 0 }, (rows) => events.push(`rows ${rows.length}`)));
    expect(pool.queued).toBe(3);
    await Promise.all(reads);
    expect(parsed).toHaveLength(3);
    // Each file's last rows come with its summary: parsed, they wait here, and the worker is free for the next.
    for (const at of parsed) expect(at.undelivered).toBeGreaterThanOrEqual(2);
    expect(parsed.map((at) => at.queued)).toEqual([2, 1, 0]);
    expect(events.indexOf('parsed')).toBeLessThan(events.indexOf('rows 2'));
    expect(pool.queued).toBe(0);
    expect(pool.undeliveredRows).toBe(0);
  });

  it('reads on the calling thread when the worker cannot start', async () => {
    const temp = tempFolder('trailtop-pool-');
    cleanups.push(temp.remove);
    const brokenWorker = join(temp.dir, 'broken-worker.mjs');
    writeFileSync(brokenWorker, "throw new Error('cannot start');\n");
    const file = join(temp.dir, 'f.json');
    writeRecords(file, [makeEvent('x1'), makeEvent('x2')]);
    const pool = new ReadPool({ workerUrl: pathToFileURL(brokenWorker) });
    cleanups.push(() => pool.close());
    expect(pool.inline).toBe(false);
    const rows: EventRow[] = [];
    const summary = await pool.read({ path: file, firstIndex: 0 }, (batch) => rows.push(...batch));
    expect(summary.shape).toBe('records');
    expect(rows.map((r) => r.id)).toEqual(['x1', 'x2']);
    expect(pool.inline).toBe(true);
  });

  it('loads a folder of more than a few files through openFolder on workers, and watches it', async () => {
    const temp = tempFolder('trailtop-pool-');
    cleanups.push(temp.remove);
    const files = 80; // above the small-folder limit, so the initial load uses the workers
    for (let f = 0; f < files; f++) writeRecords(join(temp.dir, `d${f % 9}/f${f}.json.gz`), [makeEvent(`w${f}a`, f), makeEvent(`w${f}b`, f)]);
    const opened = openFolder(temp.dir, { watch: true, pool: { workerUrl } });
    cleanups.push(() => opened.close());
    await opened.ready;
    expect(opened.store.size).toBe(files * 2);
    writeRecords(join(temp.dir, 'new/late.json'), [makeEvent('late')]);
    await waitFor(() => opened.store.has('late') && opened.store.progress.filesDone === files + 1, 'the late file');
    expect(opened.store.size).toBe(files * 2 + 1);
  });

  it('ends the workers once the initial load is done when not watching, and keeps them while watching', async () => {
    const temp = tempFolder('trailtop-pool-');
    cleanups.push(temp.remove);
    for (let f = 0; f < 80; f++) writeRecords(join(temp.dir, `d${f % 9}/f${f}.json.gz`), [makeEvent(`e${f}`, f)]);
    const once = openFolder(temp.dir, { watch: false, pool: { workerUrl } });
    cleanups.push(() => once.close());
    await once.ready;
    expect(once.store.size).toBe(80);
    // Well before the 2 s idle timeout that would end them anyway.
    await waitFor(() => once.liveWorkers() === 0, 'the workers to end after a load without a watch', 1_000);

    const watched = openFolder(temp.dir, { watch: true, pool: { workerUrl } });
    cleanups.push(() => watched.close());
    await watched.ready;
    expect(watched.liveWorkers()).toBeGreaterThan(0);
  });

  it('keeps a rule on after files whose records made its test throw, however long the worker then idles', async () => {
    const temp = tempFolder('trailtop-pool-');
    cleanups.push(temp.remove);
    const call = (id: string, policy: string) =>
      `{"eventVersion":"1.08","eventID":"${id}","eventTime":"2024-03-05T12:00:00Z","eventSource":"iam.amazonaws.com","eventName":"PutRolePolicy",` +
      `"awsRegion":"us-east-1","userIdentity":{"type":"IAMUser","userName":"a"},"requestParameters":{"roleName":"r","policyDocument":${policy}}}`;
    // Nested past the stack: the rule's test throws and the file is bad (read.ts).
    const deep = '['.repeat(200_000) + '"x"' + ']'.repeat(200_000);
    const rule: QueryNode = {
      kind: 'field',
      ref: { kind: 'path', path: ['requestParameters', 'policyDocument'] },
      match: { kind: 'glob', pattern: { segments: ['', 'iam:passrole', ''], glob: true } },
    };
    const pool = new ReadPool({ workerUrl, workers: 1, rules: [{ ast: rule }] });
    cleanups.push(() => pool.close());
    // Three slow tests turn a rule off (ruleWatch.ts SLOW_TESTS): each file leaves the worker idle past SLOW_TEST_MS.
    for (let k = 0; k < 3; k++) {
      const path = join(temp.dir, `deep${k}.json`);
      writeFileSync(path, `{"Records":[${call(`deep-${k}`, deep)}]}`);
      expect((await pool.read({ path, firstIndex: 0 }, () => undefined)).shape).toBe('bad');
      await new Promise((resolve) => setTimeout(resolve, 1_400));
    }
    const plain = join(temp.dir, 'plain.json');
    writeFileSync(plain, `{"Records":[${call('plain', JSON.stringify('{"Action":"iam:PassRole"}'))}]}`);
    let hits = 0;
    const summary = await pool.read({ path: plain, firstIndex: 0 }, (_rows, fired) => void (hits += fired ? 1 : 0));
    expect([summary.shape, hits, summary.ruleStops ?? []]).toEqual(['records', 1, []]);
  }, 15_000);
});
