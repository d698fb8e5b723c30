import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Test helpers: small CloudTrail trails written to a temp folder. */

export async function tempDir(prefix = 'trailtop-export-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export interface RecordOptions {
  eventName?: string;
  userName?: string;
  resources?: { type: string; ARN: string }[];
  errorCode?: string;
  eventTime?: string;
  extra?: Record<string, unknown>;
}

/** A plausible management event; `i` makes the id and time unique (one second apart, newest has the highest i). */
export function record(i: number, options: RecordOptions = {}): Record<string, unknown> {
  const time = options.eventTime ?? new Date(Date.UTC(2025, 2, 5, 12, 0, 0) + i * 1000).toISOString().replace('.000Z', 'Z');
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLE',
      arn: `arn:aws:iam::123456789012:user/${options.userName ?? 'alice'}`,
      accountId: '123456789012',
      accessKeyId: 'AKIAEXAMPLEKEY000001',
      userName: options.userName ?? 'alice',
    },
    eventTime: time,
    eventSource: 'iam.amazonaws.com',
    eventName: options.eventName ?? 'CreateRole',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.7',
    userAgent: 'aws-cli/2.15.0',
    ...(options.errorCode ? { errorCode: options.errorCode, errorMessage: 'denied' } : {}),
    requestParameters: { roleName: `role-${i}`, nested: { list: [1, 2, { deep: 'x' }] } },
    responseElements: null,
    requestID: `req-${i}`,
    eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    readOnly: i % 2 === 0,
    ...(options.resources ? { resources: options.resources } : {}),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '123456789012',
    eventCategory: 'Management',
    ...options.extra,
  };
}

/** Writes `{"Records":[...]}` (gzipped when the name ends in .gz) and returns its path. */
export async function writeTrail(dir: string, name: string, records: unknown[]): Promise<string> {
  const path = join(dir, name);
  await mkdir(join(path, '..'), { recursive: true });
  const text = JSON.stringify({ Records: records });
  await writeFile(path, name.endsWith('.gz') ? gzipSync(text) : text);
  return path;
}

/** Writes `files` trail files of `perFile` records each (ids 0 .. files*perFile-1). */
export async function writeTrails(dir: string, files: number, perFile: number): Promise<void> {
  for (let f = 0; f < files; f++) {
    const records = [];
    for (let k = 0; k < perFile; k++) records.push(record(f * perFile + k));
    await writeTrail(dir, `123456789012_CloudTrail_us-east-1_${String(f).padStart(5, '0')}.json${f % 2 ? '.gz' : ''}`, records);
  }
}

const DIST = resolve(__dirname, '../../dist');

/**
 * A module compiled into dist/, for tests of the worker-thread paths (a
 * worker cannot load TypeScript, so these run the built code; `npm test`
 * builds first).
 */
export async function importBuilt<T>(relative: string): Promise<T> {
  if (!existsSync(join(DIST, 'export/recordWorker.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
  return (await import(join(DIST, relative))) as T;
}
