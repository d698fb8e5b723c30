/**
 * The --db download's event count moves with its bytes, as the folder's does
 * (test/export/progressWithBytes.test.ts): a page of events was written as one
 * string, so nothing moved until the whole page was on disk, however big.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Sink } from '../../src/export/atomic.js';
import { writeArchiveEvents } from '../../src/archive/export.js';
import type { ExportFormat, ExportProgress } from '../../src/export/index.js';
import { jsonTexts, RUN_BYTES, textRuns, type JsonFlavour } from '../../src/export/json.js';
import { WRITE_BYTES } from '../../src/export/output.js';
import { archiveOf, callsEachMinute, type TestArchive } from './helpers.js';

const COUNT = 3000;

/** A sink that keeps nothing and makes each write take "a second", so every write is reported (the reports are throttled by the clock). */
function slowSink(): Sink {
  return {
    path: '/nowhere',
    write: async (data) => {
      vi.setSystemTime(Date.now() + 1000);
      return typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    },
    commit: async () => {},
    discard: async () => {},
  };
}

describe('--db download progress', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await archiveOf(
      callsEachMinute(COUNT).map((record) => ({ ...record, requestParameters: { padding: 'p'.repeat(1500) } })),
      1000,
    );
  }, 120_000);
  afterAll(async () => {
    await archive?.close();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each<[ExportFormat]>([['json'], ['jsonl']])('%s: counts the events written with each write of one big page, from the first one on', async (format) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const reports: ExportProgress[] = [];
    const result = await writeArchiveEvents(archive.archive, slowSink(), {
      where: null,
      order: 'newest',
      format,
      total: COUNT,
      pageSize: COUNT,
      onProgress: (progress) => reports.push(progress),
    });
    expect(result.written).toBe(COUNT);
    expect(result.bytes).toBeGreaterThan(3 * WRITE_BYTES);
    const perEvent = result.bytes / COUNT;
    const during = reports.filter((progress) => progress.bytes > 0 && progress.bytes < result.bytes);
    expect(during.length).toBeGreaterThanOrEqual(3);
    for (const progress of during) {
      // The events whose text the bytes written hold, give or take a run of records not yet counted.
      const held = progress.bytes / perEvent;
      expect(progress.written, `at ${progress.bytes} bytes`).toBeGreaterThanOrEqual(Math.floor(held - RUN_BYTES / perEvent - 1));
      expect(progress.written, `at ${progress.bytes} bytes`).toBeLessThanOrEqual(Math.ceil(held));
    }
    expect(reports.at(-1)).toMatchObject({ written: COUNT, bytes: result.bytes });
  });
});

describe('textRuns', () => {
  it.each<[JsonFlavour, number]>([
    ['json', 0],
    ['json', 5],
    ['jsonl', 0],
  ])('%s after %i records: the runs together are jsonTexts, each run about RUN_BYTES at most', (flavour, before) => {
    const texts = Array.from({ length: 200 }, (_, k) => `{"n":${k},"pad":"${'x'.repeat((k * 997) % 3000)}"}`);
    const runs = [...textRuns(flavour, texts, before)];
    expect(runs.map((run) => run.text).join('')).toBe(jsonTexts(flavour, texts, before));
    expect(runs.reduce((n, run) => n + run.records, 0)).toBe(texts.length);
    expect(runs.length).toBeGreaterThan(1);
    for (const run of runs) expect(run.text.length).toBeLessThan(RUN_BYTES + 3000 + 2 * run.records);
  });
});
