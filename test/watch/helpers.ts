import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { recordsJson, tempFolder as scratchFolder } from '../support/files.js';

export { recordsJson };

export interface FakeEvent {
  eventVersion: string;
  eventID: string;
  eventTime: string;
  eventName: string;
  eventSource: string;
  awsRegion: string;
  userIdentity: { type: string; userName: string; accountId: string };
  sourceIPAddress: string;
}

/** A small but real-looking CloudTrail record; `minute` spreads the times. */
export function makeEvent(id: string, minute = 0, name = 'DescribeInstances'): FakeEvent {
  return {
    eventVersion: '1.08',
    eventID: id,
    eventTime: new Date(Date.UTC(2024, 2, 5, 12, 0, 0) + minute * 60_000).toISOString().replace('.000Z', 'Z'),
    eventName: name,
    eventSource: 'ec2.amazonaws.com',
    awsRegion: 'us-east-1',
    userIdentity: { type: 'IAMUser', userName: 'alice', accountId: '111122223333' },
    sourceIPAddress: '203.0.113.7',
  };
}

/** Writes a {"Records":[...]} file, gzipped when the name ends in .gz; creates folders as needed. */
export function writeRecords(path: string, events: readonly object[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const text = recordsJson(events);
  writeFileSync(path, path.endsWith('.gz') ? gzipSync(text) : text);
}

export function tempFolder(prefix = 'trailtop-watch-'): { dir: string; remove: () => void } {
  return scratchFolder(prefix);
}

/** Polls until `condition` holds; fails with `what` after timeoutMs. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The delivery file name CloudTrail uses, so the loader can order by it. */
export function deliveryName(account: string, region: string, stamp: string, suffix = 'Mu0KsOhtH1ar15ZZ'): string {
  return `${account}_CloudTrail_${region}_${stamp}_${suffix}.json.gz`;
}
