import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { readEventFile, readRecord } from '../../src/ingest/read.js';
import { recordRef } from '../../src/model/recordBatch.js';
import type { EventRow } from '../../src/model/types.js';
import { int, pick } from '../support/random.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type RawRecord = { [key: string]: Json };

export const DATASETS = path.resolve(__dirname, '../../../shared/datasets');
const FOLDERS = ['traildiscover', 'stratus-red-team', 'aws-docs-examples'];

/** Every event of the shared datasets as [row, raw record] (the rows as the reader makes them). */
export async function datasetRecords(): Promise<{ row: EventRow; record: RawRecord }[]> {
  const out: { row: EventRow; record: RawRecord }[] = [];
  if (!existsSync(DATASETS)) return out;
  for (const folder of FOLDERS) {
    const dir = path.join(DATASETS, folder);
    for (const name of readdirSync(dir).sort()) {
      if (!name.includes('.json')) continue;
      const result = await readEventFile(path.join(dir, name));
      for (const row of result.rows) {
        const record = await readRecord(recordRef(row));
        if (record) out.push({ row, record: record as RawRecord });
      }
    }
  }
  return out;
}

const NAMES = ['AuthorizeSecurityGroupIngress', 'GetSecretValue', 'ConsoleLogin', 'ModifySnapshotAttribute', 'PutObject', 'CreateBucket'];
const CIDRS = ['0.0.0.0/0', '10.0.0.0/8', '::/0', '192.168.1.0/24'];
const IPS = ['10.1.2.3', '192.168.1.77', '203.0.113.9', '2001:db8::1', '2001:db9::5', '::ffff:10.9.8.7', 'ec2.amazonaws.com', 'AWS Internal'];
const WORDS = ['logs-prod', 'Logs-Dev', 'snap-0abc123', 'snap-0ABD999', 'secret/db', 'Ünïcödé', '日本語', 'naïve café', '\u212A', 'x"y', 'a\\b', 'İSTANBUL', 'ΟΔΟΣ'];

function scalar(random: () => number): Json {
  switch (int(random, 0, 6)) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return int(random, -5, 500);
    case 3:
      return random() < 0.5 ? 1.5 : 0;
    case 4:
      return pick(random, IPS);
    case 5:
      return pick(random, CIDRS);
    default:
      return pick(random, WORDS);
  }
}

function value(random: () => number, depth: number): Json {
  const r = random();
  if (depth > 3 || r < 0.45) return scalar(random);
  if (r < 0.7) return Array.from({ length: int(random, 0, 3) }, () => value(random, depth + 1));
  const out: { [key: string]: Json } = {};
  for (const key of ['items', 'cidrIp', 'bucketName', 'name', 'value']) if (random() < 0.4) out[key] = value(random, depth + 1);
  return out;
}

/**
 * A random record shaped like CloudTrail with the awkward parts on purpose:
 * nested lists (ipPermissions.items[].ipRanges.items[].cidrIp), numbers,
 * booleans, nulls, missing paths, Unicode, quotes and backslashes in values.
 */
export function randomRecord(random: () => number, k: number): RawRecord {
  const record: RawRecord = {
    eventVersion: '1.08',
    eventTime: `2024-03-05T0${int(random, 0, 9)}:00:00Z`,
    eventSource: pick(random, ['ec2.amazonaws.com', 'signin.amazonaws.com', 's3.amazonaws.com']),
    eventName: pick(random, NAMES),
    awsRegion: pick(random, ['us-east-1', 'eu-west-1']),
    sourceIPAddress: pick(random, IPS),
    eventID: `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`,
    eventType: 'AwsApiCall',
    userIdentity: { type: 'IAMUser', userName: pick(random, ['alice', 'bob', 'Ünï']), accountId: '111122223333' },
  };
  if (random() < 0.5) record.userAgent = pick(random, ['aws-cli/2.13.5', 'console.amazonaws.com', '']);
  if (random() < 0.3) record.errorCode = pick(random, ['AccessDenied', 'Client.UnauthorizedOperation']);
  if (random() < 0.15) record.errorMessage = pick(random, ['Failed authentication', 'denied']);
  if (random() < 0.2) record.responseElements = { ConsoleLogin: pick(random, ['Success', 'Failure', 'failure']) };
  else if (random() < 0.3) record.responseElements = random() < 0.3 ? null : { value: value(random, 1) };
  if (random() < 0.4) record.additionalEventData = { MFAUsed: pick(random, ['Yes', 'No']), LoginTo: random() < 0.2 ? null : 'https://console.aws.amazon.com/' };
  if (random() < 0.15) record.tlsDetails = { tlsVersion: pick(random, ['TLSv1', 'TLSv1.2', 'TLSv1.3']), clientProvidedHostHeader: 'ec2.us-east-1.amazonaws.com' };
  if (random() < 0.1) record.readOnly = random() < 0.5;
  const r = random();
  if (r < 0.6) {
    const ranges = Array.from({ length: int(random, 0, 3) }, () => (random() < 0.85 ? { cidrIp: pick(random, [...CIDRS, ...IPS]) } : { cidrIp: null }));
    const request: { [key: string]: Json } = {
      groupId: `sg-${int(random, 0, 9)}`,
      ipPermissions: { items: Array.from({ length: int(random, 0, 2) }, () => ({ ipProtocol: 'tcp', fromPort: int(random, 20, 25), ipRanges: { items: ranges } })) },
    };
    if (random() < 0.5) request.bucketName = pick(random, WORDS);
    if (random() < 0.3) request.nested = value(random, 0);
    record.requestParameters = request;
  } else if (r < 0.8) {
    record.requestParameters = null;
  }
  if (random() < 0.1) record.serviceEventDetails = { snapshotId: pick(random, WORDS), tags: [1, true, null, 'x'] };
  return record;
}
