/**
 * scan's errorsByCode counts failed console sign-ins, which have no errorCode, under their
 * errorMessage (model/failure.ts errorLabel), so its counts add up to the events error:* selects.
 * It left them out: 318 against error:*'s 320 on ../shared/datasets. Every way scan reads is
 * checked: unfiltered (the byte reader, scan/extract.ts), a filter read in the workers
 * (scan/fastJob.ts), a fuzzy word (the store) and --db (SQL).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../src/archive/db.js';
import { ArchiveSession } from '../../src/archive/session.js';
import { openFolder } from '../../src/ingest/open.js';
import { topValues } from '../../src/investigate/topValues.js';
import { event, write } from '../ingest/helpers.js';
import { tempFolder } from '../support/files.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DATASETS = resolve(ROOT, '../shared/datasets');
const present = existsSync(DATASETS);
if (!present && process.env.CI) throw new Error(`datasets missing at ${DATASETS}`);

interface Summary {
  events: { unique: number };
  errorsByCode: { code: string; count: number }[];
  insights: { eventsOnDisk: number }[];
}

function scanJson(...args: string[]): Summary {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test builds first)');
  const run = spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), 'scan', ...args, '--json'], { encoding: 'utf8', timeout: 60_000 });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Summary;
}

function archive(dir: string, db: string): void {
  const run = spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), 'archive', dir, '--db', db, '--quiet'], { encoding: 'utf8', timeout: 120_000 });
  expect(run.status, run.stderr).toBe(0);
}

const total = (summary: Summary): number => summary.errorsByCode.reduce((sum, e) => sum + e.count, 0);

const signIn = (id: string, extra: Record<string, unknown>) =>
  event(id, { eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', eventType: 'AwsConsoleSignIn', ...extra });

const insight = (state: 'Start' | 'End', time: string) => ({
  eventVersion: '1.07',
  eventTime: time,
  awsRegion: 'us-east-1',
  eventID: `insight-${state}`,
  eventType: 'AwsCloudTrailInsight',
  recipientAccountId: '111122223333',
  sharedEventID: 'insight-on-sign-ins',
  insightDetails: {
    state,
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    insightType: 'ApiErrorRateInsight',
    insightContext: { statistics: { baseline: { average: 0.01 }, insight: { average: 1 }, insightDuration: 5, baselineDuration: 10_000 } },
  },
});

describe('errorsByCode and failed console sign-ins', () => {
  const scratch = tempFolder('trailtop-failedsignin-');
  const logs = join(scratch.dir, 'logs');
  const db = join(scratch.dir, 'logs.duckdb');
  beforeAll(() => {
    write(logs, 'a.json', JSON.stringify({
      Records: [
        event('denied', { errorCode: 'AccessDenied', errorMessage: 'no' }),
        signIn('failed-1', { responseElements: { ConsoleLogin: 'Failure' }, errorMessage: 'Failed authentication' }),
        // No errorMessage: the reader gives it 'Failure' (failure.ts), which error:* and the list show too.
        signIn('failed-bare', { responseElements: { ConsoleLogin: 'Failure' } }),
        signIn('ok', { responseElements: { ConsoleLogin: 'Success' } }),
        event('fine'),
      ],
    }));
    // An error-rate Insight on the sign-ins: it counts calls with an errorCode (model/rate.ts), which a failed sign-in has not.
    write(logs, 'insights.json', JSON.stringify({ Records: [insight('Start', '2024-03-05T14:20:00Z'), insight('End', '2024-03-05T14:25:00Z')] }));
    write(logs, 'b.json.gz', gzipSync(JSON.stringify([signIn('failed-2', { responseElements: { ConsoleLogin: 'Failure' }, errorMessage: 'Failed authentication' })])));
    archive(logs, db);
  }, 120_000);
  afterAll(() => scratch.remove());

  const expected = [
    { code: 'Failed authentication', count: 2 },
    { code: 'AccessDenied', count: 1 },
    { code: 'Failure', count: 1 },
  ];
  it.each([
    ['unfiltered (read from the bytes)', [], 8],
    ['a filter read in the workers', ['--filter', '-name:NoSuchCall'], 8],
    ['a fuzzy word (the store)', ['--filter', 'alice'], 6],
  ])('scan DIR, %s, and scan --db: by code or errorMessage, adding up to error:*', (_path, filter, events) => {
    for (const source of [[logs], ['--db', db]]) {
      const summary = scanJson(...source, ...filter);
      expect(summary.events.unique, source.join(' ')).toBe(events);
      expect(summary.errorsByCode, source.join(' ')).toEqual(expected);
      expect(total(summary)).toBe(scanJson(...source, '--filter', 'error:*').events.unique);
    }
  }, 60_000);

  // error:VALUE read errorCode alone: the errorMessage a failed sign-in is counted (and shown) under found nothing.
  it('each code filters to its count with error:"CODE" (and error:Fail* to both messages), on the folder (literals searched by key) and --db', () => {
    for (const source of [[logs], ['--db', db]]) {
      for (const { code, count } of expected) expect(scanJson(...source, '--filter', `error:"${code}"`).events.unique, `${source.join(' ')} ${code}`).toBe(count);
      expect(scanJson(...source, '--filter', 'error:Fail*').events.unique, source.join(' ')).toBe(3);
    }
  }, 60_000);

  // T counted errorCode alone: the dashboard's Error codes left out what scan's errorsByCode counts.
  it("T's Error code counts (the folder dashboard's and the --db dashboard's) are scan's errorsByCode", async () => {
    const byCode = scanJson(logs).errorsByCode.map(({ code, count }) => [code, count]);
    const opened = openFolder(logs, { watch: false, pool: { inline: true } });
    await opened.ready;
    await opened.close();
    const store = opened.store;
    expect(topValues(store, store.rows(), 'error').values.map((v) => [v.value, v.count])).toEqual(byCode);
    const archived = await openArchive(db, { readOnly: true });
    try {
      const sql = await new ArchiveSession(archived).topValues('error', null);
      expect(sql.values.map((v) => [v.value, v.count])).toEqual(byCode);
    } finally {
      await archived.close();
    }
  }, 60_000);

  it('an error-rate Insight still counts only calls with an errorCode behind it (none here), on every path', () => {
    for (const args of [[logs], [logs, '--filter', 'eventtype:AwsCloudTrailInsight'], ['--db', db]]) {
      expect(scanJson(...args).insights.map((i) => i.eventsOnDisk), args.join(' ')).toEqual([0]);
    }
  }, 60_000);
});

describe.skipIf(!present)('errorsByCode over ../shared/datasets', () => {
  const scratch = tempFolder('trailtop-failedsignin-ds-');
  const db = join(scratch.dir, 'datasets.duckdb');
  beforeAll(() => archive(DATASETS, db), 120_000);
  afterAll(() => scratch.remove());

  it('adds up to the events error:* selects, on the folder and on its archive', () => {
    for (const source of [[DATASETS], ['--db', db]]) {
      const failed = scanJson(...source, '--filter', 'error:*').events.unique;
      expect(failed).toBe(320);
      expect(total(scanJson(...source))).toBe(failed);
      expect(scanJson(...source).errorsByCode).toContainEqual({ code: 'Failed authentication', count: 2 });
    }
  }, 60_000);
});
