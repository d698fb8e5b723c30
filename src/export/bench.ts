import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { RecordBatch, requestIdOf } from '../model/recordBatch.js';
import type { EventRow } from '../model/types.js';
import { CSV_HEADERS } from './columns.js';
import { exportRows } from './index.js';
import type { RawRecord, RecordsReader } from './records.js';

/** Benchmark helpers for `npm run bench`: figures as ratios against csv-stringify alone, measured in the same run. */

const NAMES = ['GetObject', 'PutObject', 'AssumeRole', 'DescribeInstances', 'ConsoleLogin', 'CreateUser', 'ListBuckets'];
const SOURCES = ['s3.amazonaws.com', 'sts.amazonaws.com', 'ec2.amazonaws.com', 'signin.amazonaws.com', 'iam.amazonaws.com'];
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2'];
const ACTORS = ['alice', 'bob', 'Admin/alice', 'root', 'deploy-bot', 'ci/session-1234'];

/** Deterministic synthetic rows, newest first, shaped like what the store holds. */
export function syntheticRows(count: number, start = Date.UTC(2026, 0, 1)): EventRow[] {
  const rows = new Array<EventRow>(count);
  let batch = new RecordBatch('');
  for (let i = 0; i < count; i++) {
    if (i % 100 === 0) batch = new RecordBatch(`file-${Math.floor(i / 100)}.json`);
    batch.setRequestId(i % 100, `req-${i}`);
    const name = NAMES[i % NAMES.length]!;
    const resources =
      i % 3 === 0
        ? []
        : [
            { type: 'AWS::S3::Bucket', name: `bucket-${i % 97}`, arn: `arn:aws:s3:::bucket-${i % 97}`, accountId: '123456789012' },
            ...(i % 3 === 2 ? [{ type: 'AWS::S3::Object', name: `key/${i}.txt`, arn: '', accountId: '' }] : []),
          ];
    rows[i] = {
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      time: start - i * 1000,
      name,
      source: SOURCES[i % SOURCES.length]!,
      region: REGIONS[i % REGIONS.length]!,
      actor: ACTORS[i % ACTORS.length]!,
      identityType: 'IAMUser',
      principalArn: 'arn:aws:iam::123456789012:user/alice',
      userNames: ['alice'],
      account: '123456789012',
      recipientAccount: '123456789012',
      accessKey: `AKIA${String(i % 1000).padStart(16, '0')}`,
      sourceIp: `203.0.113.${i % 250}`,
      userAgent: 'aws-cli/2.15.0',
      errorCode: i % 10 === 0 ? 'AccessDenied' : '',
      errorMessage: '',
      readOnly: i % 2 === 0,
      eventType: 'AwsApiCall',
      category: 'Management',
      resources,
      batch,
      recordIndex: i % 100,
      seq: i,
    };
  }
  return rows;
}

/** A CloudTrail-like record for a synthetic row (about 1 KB of JSON, like real management events). */
export function syntheticRecord(row: EventRow): RawRecord {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: row.identityType,
      principalId: 'AIDAEXAMPLEPRINCIPAL',
      arn: row.principalArn,
      accountId: row.account,
      accessKeyId: row.accessKey,
      userName: 'alice',
    },
    eventTime: new Date(row.time).toISOString().replace('.000Z', 'Z'),
    eventSource: row.source,
    eventName: row.name,
    awsRegion: row.region,
    sourceIPAddress: row.sourceIp,
    userAgent: row.userAgent,
    requestParameters: { bucketName: 'bucket-1', key: `key/${row.seq}.txt`, Host: 'bucket-1.s3.amazonaws.com' },
    responseElements: null,
    additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: 0 },
    requestID: requestIdOf(row),
    eventID: row.id,
    readOnly: row.readOnly,
    resources: row.resources.map((resource) => ({ type: resource.type, ARN: resource.arn, accountId: resource.accountId })),
    eventType: row.eventType,
    managementEvent: true,
    recipientAccountId: row.recipientAccount,
    eventCategory: row.category,
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 's3.amazonaws.com' },
  };
}

/** A records reader over records already in memory (bench: measures the export, not re-reading files). */
export function inMemoryRecords(records: readonly RawRecord[]): RecordsReader {
  return async (_rows, start, end) => records.slice(start, end);
}

export interface ExportBenchFigures {
  rows: number;
  /** csv-stringify alone on the same rows' plain cells (no guard), rows a second: the baseline. */
  csvStringifyRowsPerSecond: number;
  /** exportRows to a file, end to end (cells, guard, csv-stringify, temp file, fsync, rename). */
  csvExportRowsPerSecond: number;
  csvBytes: number;
  /** exportRows JSON to a file, end to end. */
  jsonExportRowsPerSecond: number;
  jsonBytes: number;
  /** Where the JSON records came from: read back from their files, or synthetic records in memory. */
  jsonSource: 'files' | 'memory';
}

export interface BenchExportOptions {
  /**
   * Rows loaded from a real folder (store.rows()): JSON then reads every
   * record back from its file, as a user's export does. Without them,
   * `count` synthetic rows and in-memory records are used.
   */
  rows?: readonly EventRow[];
  count?: number;
}

function rowsPerSecond(count: number, startedAt: bigint): number {
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  return count / seconds;
}

function plainCells(row: EventRow): string[] {
  return [
    row.id,
    new Date(row.time).toISOString(),
    row.actor,
    row.name,
    row.source,
    row.resources.map((r) => r.type).join(', '),
    row.resources.map((r) => r.name).join(', '),
    row.accessKey,
    row.region,
    row.errorCode,
    row.sourceIp,
    String(row.readOnly),
  ];
}

/**
 * Measures CSV and JSON export in a temp folder. The baseline turns the same
 * rows into plain cells and stringifies them with csv-stringify, in batches,
 * into a sink that discards them, in the same run.
 */
export async function benchExport(options: BenchExportOptions = {}): Promise<ExportBenchFigures> {
  const rows = options.rows ?? syntheticRows(options.count ?? 1_000_000);
  const dir = await mkdtemp(join(tmpdir(), 'trailtop-bench-export-'));
  try {
    let started = process.hrtime.bigint();
    const discard = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    const stringifyOptions = { quoted: true } as const;
    discard.write(stringify([CSV_HEADERS as string[]], stringifyOptions));
    for (let i = 0; i < rows.length; i += 250) {
      const batch = rows.slice(i, i + 250).map(plainCells);
      discard.write(stringify(batch, stringifyOptions));
    }
    const csvStringifyRowsPerSecond = rowsPerSecond(rows.length, started);

    started = process.hrtime.bigint();
    const csv = await exportRows({ rows, format: 'csv', target: join(dir, 'out.csv') });
    const csvExportRowsPerSecond = rowsPerSecond(rows.length, started);
    const csvBytes = (await stat(csv.path)).size;
    await rm(csv.path);

    const fromFiles = options.rows !== undefined;
    const readRecords = fromFiles ? undefined : inMemoryRecords(rows.map(syntheticRecord));
    started = process.hrtime.bigint();
    const json = await exportRows({ rows, format: 'json', target: join(dir, 'out.json'), ...(readRecords ? { readRecords } : {}) });
    const jsonExportRowsPerSecond = rowsPerSecond(rows.length, started);
    const jsonBytes = (await stat(json.path)).size;
    return {
      rows: rows.length,
      csvStringifyRowsPerSecond,
      csvExportRowsPerSecond,
      csvBytes,
      jsonExportRowsPerSecond,
      jsonBytes,
      jsonSource: fromFiles ? 'files' : 'memory',
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
