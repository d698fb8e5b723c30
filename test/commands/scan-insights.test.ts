import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');

function scanJson(dir: string) {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test builds first)');
  const run = spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), 'scan', dir, '--json'], { encoding: 'utf8', timeout: 30_000 });
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as { insights: Record<string, unknown>[] };
}

describe('trailtop scan --json insights section', () => {
  it('lists each Insight of the samples with its span, statistics and the events on disk behind it', () => {
    const { insights } = scanJson(join(ROOT, 'samples'));
    const byId = new Map(insights.map((i) => [i.sharedEventID as string, i]));
    expect(insights).toHaveLength(4);
    // Call-rate pair whose burst is in the logs.
    expect(byId.get('3f0c9a52-7d1e-4b6a-9c28-5e4d1a7b0c01')).toMatchObject({
      eventSource: 'ec2.amazonaws.com',
      eventName: 'RunInstances',
      insightType: 'ApiCallRateInsight',
      errorCode: null,
      start: '2026-11-24T14:10:00Z',
      end: '2026-11-24T14:27:00Z',
      insightDuration: 17,
      baselineDuration: 10080,
    });
    expect(byId.get('3f0c9a52-7d1e-4b6a-9c28-5e4d1a7b0c01')!.eventsOnDisk).toBeGreaterThan(100);
    // Error-rate pair keeps its error code.
    expect(byId.get('3f0c9a52-7d1e-4b6a-9c28-5e4d1a7b0c02')).toMatchObject({ insightType: 'ApiErrorRateInsight', errorCode: 'AccessDenied', eventName: 'ListBuckets' });
    // Start only: ongoing.
    expect(byId.get('3f0c9a52-7d1e-4b6a-9c28-5e4d1a7b0c03')!.end).toBeNull();
    // Its events are absent from disk.
    expect(byId.get('3f0c9a52-7d1e-4b6a-9c28-5e4d1a7b0c04')!.eventsOnDisk).toBe(0);
    for (const insight of insights) {
      expect(Object.keys(insight).sort()).toEqual(
        ['baselineAverage', 'baselineDuration', 'end', 'errorCode', 'eventName', 'eventSource', 'eventsOnDisk', 'insightAverage', 'insightDuration', 'insightType', 'sharedEventID', 'start'].sort(),
      );
    }
  });

  it('pairs the AWS documentation Insights records', () => {
    const dir = resolve(ROOT, '../shared/datasets/aws-docs-examples');
    if (!existsSync(dir)) {
      if (process.env.CI) throw new Error(`datasets missing at ${dir}`);
      console.warn(`skipping: ${dir} is absent`);
      return;
    }
    const { insights } = scanJson(dir);
    // Three records: one lone Start and one Start/End pair.
    expect(insights).toHaveLength(2);
    expect(insights.filter((i) => i.end !== null)).toHaveLength(1);
  });
});

describe('trailtop scan output failures', () => {
  it('exits 1 with a message when stdout cannot be written (full disk), without a crash', async () => {
    const { openSync, closeSync } = await import('node:fs');
    if (!existsSync('/dev/full')) return expect.fail('/dev/full is missing on this machine');
    const fd = openSync('/dev/full', 'w');
    try {
      const run = spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), 'scan', join(ROOT, 'samples')], {
        stdio: ['ignore', fd, 'pipe'],
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/cannot write the summary: ENOSPC/);
      expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
    } finally {
      closeSync(fd);
    }
  });
});
