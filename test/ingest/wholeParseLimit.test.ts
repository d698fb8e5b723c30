import { Worker } from 'node:worker_threads';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wholeParseLimit } from '../../src/ingest/limits.js';

describe('wholeParseLimit: the text one JSON.parse may take on a thread', () => {
  it('is the stream threshold on a big heap and an eighth of a small one', () => {
    const threshold = 256 * 1024 * 1024;
    expect(wholeParseLimit(threshold, 4096 * 1024 * 1024)).toBe(threshold);
    expect(wholeParseLimit(threshold, 96 * 1024 * 1024)).toBe(12 * 1024 * 1024);
    expect(wholeParseLimit(1024, 96 * 1024 * 1024)).toBe(1024);
  });

  it('on a worker with a 64 MB heap the limit falls below a 20 MB file, which then still reads whole (streamed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailtop-wholeparse-'));
    try {
      const file = join(dir, 'big.json');
      // 40,000 records of ~500 bytes: 20 MB of text, past an eighth of the worker's heap but easily held as rows.
      const pad = 'x'.repeat(400);
      const records = Array.from({ length: 40_000 }, (_, k) => ({ eventID: `e${k}`, eventName: 'GetObject', eventTime: '2024-03-05T14:21:00Z', eventSource: 's3.amazonaws.com', pad }));
      writeFileSync(file, JSON.stringify({ Records: records }));
      const readUrl = new URL('../../dist/ingest/read.js', import.meta.url).href;
      const limitsUrl = new URL('../../dist/ingest/limits.js', import.meta.url).href;
      const source = `
        const { parentPort, workerData } = await import('node:worker_threads');
        const { readEventFile } = await import(workerData.readUrl);
        const { wholeParseLimit } = await import(workerData.limitsUrl);
        const result = await readEventFile(workerData.file);
        parentPort.postMessage({ limit: wholeParseLimit(256 * 1024 * 1024), shape: result.shape, rows: result.rows?.length ?? null, reason: result.reason ?? null });`;
      const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`), {
        workerData: { file, readUrl, limitsUrl },
        resourceLimits: { maxOldGenerationSizeMb: 64 },
      });
      const answer = await new Promise<{ limit: number; shape: string; rows: number | null; reason: string | null }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      await worker.terminate();
      expect(answer.limit).toBeLessThan(statSync(file).size);
      expect(answer.shape).toBe('records');
      expect(answer.rows).toBe(40_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
