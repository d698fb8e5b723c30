/** Archives for tests: records written as a log folder, imported with the real importer into a scratch DuckDB file. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openArchive, type Archive } from '../../src/archive/db.js';
import { importFolder, type ImportSummary } from '../../src/archive/import.js';
import { recordsJson, tempFolder } from '../support/files.js';

export interface TestArchive {
  archive: Archive;
  folder: string;
  summary: ImportSummary;
  /** Event ids matching a WHERE condition, sorted. */
  ids(where: string): Promise<string[]>;
  close(): Promise<void>;
}

/** One file per chunk of `perFile` records, then `archive` of that folder. */
export async function archiveOf(records: readonly object[], perFile = 50): Promise<TestArchive> {
  const scratch = tempFolder('trailtop-archive-');
  const folder = join(scratch.dir, 'logs');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(folder);
  for (let k = 0; k * perFile < records.length || k === 0; k++) {
    writeFileSync(join(folder, `part-${String(k).padStart(4, '0')}.json`), recordsJson(records.slice(k * perFile, (k + 1) * perFile)));
  }
  return archiveOfFolder(folder, join(scratch.dir, 'archive.duckdb'), scratch.remove);
}

export async function archiveOfFolder(folder: string, dbPath: string, cleanup: () => void = () => undefined): Promise<TestArchive> {
  const archive = await openArchive(dbPath);
  const summary = await importFolder(archive, folder);
  return {
    archive,
    folder,
    summary,
    async ids(where) {
      const result = await archive.connection.runAndReadAll(`SELECT eventid FROM events WHERE ${where} ORDER BY eventid`);
      return result.getRows().map((r) => String(r[0]));
    },
    async close() {
      await archive.close();
      cleanup();
    },
  };
}

/** The archive with its connection counting the statements whose SQL contains `marker` (a filter's text): how many passes a step makes. */
export function countingStatements(archive: Archive, marker: string): { archive: Archive; runs: () => number } {
  let runs = 0;
  const connection = new Proxy(archive.connection, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function') return value;
      if (key !== 'runAndReadAll') return value.bind(target);
      return (sql: string) => {
        if (sql.includes(marker)) runs++;
        return (value as (sql: string) => unknown).call(target, sql);
      };
    },
  });
  return { archive: { ...archive, connection }, runs: () => runs };
}

/** An IAM user's ListUsers record (the archive tests' user: fixtures); `extra` adds or overrides fields. */
export function iamUserRecord(id: string, userName: string, extra: object = {}): object {
  return {
    eventVersion: '1.08',
    eventID: id,
    eventTime: '2024-03-05T08:00:00Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'ListUsers',
    awsRegion: 'us-east-1',
    userIdentity: { type: 'IAMUser', principalId: 'AIDA', arn: `arn:aws:iam::111122223333:user/${userName}`, accountId: '111122223333', userName },
    ...extra,
  };
}

/** `count` calls Call00, Call01, ... by alice, one a minute from 2024-03-05 10:00 UTC, ids ev-0000 on. */
export function callsEachMinute(count = 40): object[] {
  return Array.from({ length: count }, (_, k) => ({
    eventID: `ev-${String(k).padStart(4, '0')}`,
    eventTime: new Date(Date.UTC(2024, 2, 5, 10, 0, 0) + k * 60_000).toISOString().replace('.000Z', 'Z'),
    eventName: `Call${String(k).padStart(2, '0')}`,
    eventSource: 's3.amazonaws.com',
    awsRegion: 'us-east-1',
    userIdentity: { type: 'IAMUser', userName: 'alice' },
  }));
}

/** The archive with every statement it runs recorded, on its connection and on those connect() makes (the chain's index has its own). */
export function recordingStatements(archive: Archive): { archive: Archive; statements: string[] } {
  const statements: string[] = [];
  const recorded = (connection: DuckDBConnection): DuckDBConnection =>
    new Proxy(connection, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as unknown;
        if (typeof value !== 'function') return value;
        if (key !== 'runAndReadAll' && key !== 'run') return value.bind(target);
        return (sql: string) => {
          statements.push(sql);
          return (value as (sql: string) => unknown).call(target, sql);
        };
      },
    });
  return { archive: { ...archive, connection: recorded(archive.connection), connect: async () => recorded(await archive.connect()) }, statements };
}

/** An STS GetCallerIdentity call by an IAM user with an access key, every text column's path a plain string: tests override fields. */
export function callerIdentityCall(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    eventID: id,
    eventTime: '2024-03-05T12:00:00Z',
    eventSource: 'sts.amazonaws.com',
    eventName: 'GetCallerIdentity',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.9',
    userAgent: 'aws-cli/2.15.0',
    userIdentity: { type: 'IAMUser', userName: 'dev', arn: 'arn:aws:iam::111122223333:user/dev', accountId: '111122223333', accessKeyId: 'AKIAEXAMPLE' },
    eventType: 'AwsApiCall',
    readOnly: true,
    recipientAccountId: '111122223333',
    ...overrides,
  };
}

/**
 * Says the archive is of schema `version`, with its tables outside `events` as that schema had them
 * (the caller drops the `events` columns added since): before 10, conflicts had no fingerprint.
 */
export async function markSchema(connection: DuckDBConnection, version: number): Promise<void> {
  if (version < 10) await connection.run('ALTER TABLE conflicts DROP COLUMN fingerprint');
  await connection.run(`UPDATE archive_meta SET value = '${version}' WHERE key = 'schema'`);
}
