import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkBucketOption, formatHistogram, histogramEntries, histogramOf } from '../../src/commands/scanHistogram.js';
import type { EventRow } from '../../src/model/types.js';
import { event, tempDir, write } from '../ingest/helpers.js';

const ROOT = resolve(__dirname, '../..');

function trailtop(...args: string[]) {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test builds first)');
  const run = spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function row(iso: string, errorCode = ''): EventRow {
  return { time: Date.parse(iso), errorCode, seq: 0 } as EventRow;
}

describe('scan --histogram', () => {
  it('counts per bucket with the empty buckets between', () => {
    const rows = [row('2024-03-05T14:16:00Z', 'AccessDenied'), row('2024-03-05T14:11:00Z'), row('2024-03-05T14:01:00Z'), row('2024-03-05T14:00:10Z')];
    const h = histogramOf(rows, checkBucketOption(true, '5m'));
    expect(histogramEntries(h)).toEqual([
      { start: '2024-03-05T14:00:00Z', count: 2, errors: 0 },
      { start: '2024-03-05T14:05:00Z', count: 0, errors: 0 },
      { start: '2024-03-05T14:10:00Z', count: 1, errors: 0 },
      { start: '2024-03-05T14:15:00Z', count: 1, errors: 1 },
    ]);
    const text = formatHistogram(h, 10);
    expect(text.split('\n')[0]).toBe('Bucket 5m (UTC), 4 buckets, 4 events, 1 with an error');
    expect(text).toContain('2024-03-05T14:00:00Z      2       0  ##########');
    expect(text).toContain('2024-03-05T14:05:00Z      0       0\n');
    expect(text).toContain('2024-03-05T14:15:00Z      1       1  !!!!!');
  });

  it('says 1 bucket and 1 event in the singular', () => {
    const text = formatHistogram(histogramOf([row('2024-03-05T14:16:00Z')], checkBucketOption(true, '5m')), 10);
    expect(text.split('\n')[0]).toBe('Bucket 5m (UTC), 1 bucket, 1 event, 0 with an error');
  });

  it('chooses about 60 buckets without --bucket, and refuses sizes that make too many', () => {
    const rows = [row('2024-03-05T16:00:00Z'), row('2024-03-05T14:00:00Z')];
    expect(histogramOf(rows, null).size.label).toBe('5m');
    expect(() => histogramOf([row('2025-03-05T14:00:00Z'), row('2024-03-05T14:00:00Z')], checkBucketOption(true, '1s'))).toThrow(/more than 100,000 buckets/);
    expect(() => checkBucketOption(true, '7m')).toThrow(/not a bucket size/);
    expect(() => checkBucketOption(false, '5m')).toThrow(/--bucket goes with --histogram/);
    expect(formatHistogram(histogramOf([], null))).toBe('No events with a readable time.\n');
  });

  it('CLI: JSON per bucket, filtered, duplicates counted once, bad files on stderr', () => {
    const dir = tempDir();
    write(dir, 'a.json', JSON.stringify({ Records: [event('a'), event('b', { eventTime: '2024-03-05T14:35:10Z', errorCode: 'AccessDenied' })] }));
    write(dir, 'b.json', JSON.stringify([event('b', { eventTime: '2024-03-05T14:35:10Z', errorCode: 'AccessDenied' }), event('c', { eventName: 'StopInstances', eventTime: '2024-03-05T14:50:00Z' })]));
    write(dir, 'broken.json', '{"Records": [}');
    const run = trailtop('scan', dir, '--histogram', '--bucket', '15m', '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      { start: '2024-03-05T14:15:00Z', count: 1, errors: 0 },
      { start: '2024-03-05T14:30:00Z', count: 1, errors: 1 },
      { start: '2024-03-05T14:45:00Z', count: 1, errors: 0 },
    ]);
    expect(run.stderr).toContain('bad file');
    const filtered = trailtop('scan', dir, '--histogram', '--bucket', '15m', '--json', '--filter', '-name:StopInstances');
    expect(JSON.parse(filtered.stdout)).toHaveLength(2);
    // An event whose time does not parse matched but is in no bucket: the text says so.
    write(dir, 'c.json', JSON.stringify([event('d', { eventTime: 'ThisIsAWrongEventTime' })]));
    const text = trailtop('scan', dir, '--histogram', '--bucket', '15m');
    expect(text.stdout.split('\n')[0]).toBe('Bucket 15m (UTC), 3 buckets, 3 events (+1 without a readable time), 1 with an error');
    const bad = trailtop('scan', dir, '--bucket', '15m');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--bucket goes with --histogram');
  });
});
