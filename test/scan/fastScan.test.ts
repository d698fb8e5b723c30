import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PassThrough } from 'node:stream';
import { exportRows } from '../../src/export/index.js';
import type { EventRow } from '../../src/model/types.js';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { headlessFilteredRows } from '../../src/export/headlessFilter.js';
import { openFolder } from '../../src/ingest/open.js';
import { readEventFile } from '../../src/ingest/read.js';
import { scanRecordSpans } from '../../src/ingest/recordSpans.js';
import { compileQuery, filterStore, Vocabulary } from '../../src/query/index.js';
import { prefilterOf } from '../../src/query/prefilter.js';
import { digestRows } from '../../src/scan/digest.js';
import { fastScanFile } from '../../src/scan/fastJob.js';
import { runScanJob, type ScanJob, type ScanReply } from '../../src/scan/job.js';
import { FileWorkers, WarmWorkers } from '../../src/scan/workerPool.js';
import { scanFolderHeadless } from '../../src/scan/run.js';
import { int, pick } from '../support/random.js';
import { randomRecord } from '../query/records.js';
import { seededRandom } from '../query/rows.js';
import { deliveryName, makeEvent, tempFolder } from '../watch/helpers.js';

const temp = tempFolder('trailtop-fastscan-');
afterAll(() => temp.remove());

const day = join(temp.dir, 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05');
mkdirSync(day, { recursive: true });
let stamp = 0;
/** A delivery file of record texts (already JSON), gzipped; later calls are later deliveries. */
function deliver(texts: readonly string[], wrap = (items: string) => `{"Records":[\n${items}\n]}`, folder = day): string {
  const minute = stamp++;
  const file = join(folder, deliveryName('111122223333', 'us-east-1', `20240305T${String(10 + Math.floor(minute / 60)).padStart(2, '0')}${String(minute % 60).padStart(2, '0')}Z`));
  writeFileSync(file, gzipSync(wrap(texts.join(',\n'))));
  return file;
}

const random = seededRandom(1401);
/** JSON text of a record, sometimes with escapes that spell the same text. */
function textOf(record: unknown): string {
  let text = JSON.stringify(record);
  // In values only: an escaped key makes the item one the span scanner leaves to the reader.
  if (random() < 0.1) text = text.replace(/AccessDenied/g, '\\u0041ccessDenied');
  if (random() < 0.05) text = text.replace(/\//g, '\\/');
  return text;
}

// Plain files of random records; ids repeat across files (duplicates, some with other content).
const files: string[] = [];
for (let f = 0; f < 12; f++) {
  files.push(deliver(Array.from({ length: 60 }, (_, k) => textOf(randomRecord(random, f * 100 + k)))));
}
// A byte-identical copy of a file under a later delivery (CloudTrail's own duplicates).
const copy = join(day, deliveryName('111122223333', 'us-east-1', '20240305T2359Z'));
copyFileSync(files[3]!, copy);
// eventIDs the bytes cannot give cheaply, or give only at the top level.
const odd = [
  { ...makeEvent('esc-\\u0041-1', 1, 'AuthorizeSecurityGroupIngress'), requestParameters: { cidrIp: '0.0.0.0/0' } },
  { ...makeEvent('', 2, 'AuthorizeSecurityGroupIngress') },
  { ...makeEvent('x', 3), eventID: 12345 },
  { ...makeEvent('x', 4), eventID: null },
  { ...makeEvent('top-level-id', 5), requestParameters: { eventID: 'nested-id', cidrIp: '0.0.0.0/0' } },
];
const oddTexts = odd.map((record) => JSON.stringify(record).replace('esc-\\\\u0041-1', 'esc-\\u0041-1'));
// No eventID at all (a content hash), and two eventID keys (JSON.parse keeps the last).
oddTexts.push(JSON.stringify({ ...makeEvent('gone', 6, 'AuthorizeSecurityGroupIngress') }).replace('"eventID":"gone",', ''));
oddTexts.push(JSON.stringify(makeEvent('first-key', 7)).replace('{', '{"eventID":"shadowed",'));
files.push(deliver(oddTexts));
// Conflicting copies of ids above (other bytes), in another day: scanning the whole folder must fall back to reading rows and still agree.
const day2 = join(temp.dir, 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/06');
mkdirSync(day2, { recursive: true });
const conflicting = deliver([
  JSON.stringify({ ...randomRecord(random, 55), eventName: 'AuthorizeSecurityGroupIngress', requestParameters: { cidrIp: '0.0.0.0/0' } }),
  // Same row as an earlier copy, other bytes (key order): not a conflict by row.
  textOf(makeEvent('top-level-id', 5)),
], undefined, day2);
// Other shapes: a root array, one event, lookup-events (not plain: the ordinary reader), and malformed files.
deliver([textOf(randomRecord(random, 5000)), textOf(randomRecord(random, 5001))], (items) => `[${items}]`);
deliver([textOf(randomRecord(random, 5002))], (items) => items);
deliver([JSON.stringify({ EventId: 'lk-1', EventName: 'ConsoleLogin', CloudTrailEvent: JSON.stringify(makeEvent('lk-1', 8, 'ConsoleLogin')) })], (items) => `{"Events":[${items}]}`);
const malformed = deliver([textOf(randomRecord(random, 5003)), '{"eventID":"broken", "eventName": "AuthorizeSecurityGroupIngress"'], (items) => `{"Records":[${items}]}`);
const truncated = join(day, deliveryName('111122223333', 'us-east-1', '20240305T2358Z'));
writeFileSync(truncated, gzipSync(`{"Records":[${textOf(randomRecord(random, 5004))}]}`).subarray(0, 40));

const QUERIES = [
  'name:AuthorizeSecurityGroupIngress params:0.0.0.0/0',
  'error:AccessDenied',
  'requestParameters.bucketName:logs-*',
  'ip:10.0.0.0/8',
  'name:DescribeInstances',
  'name:AuthorizeSecurityGroupIngress',
  'params:0.0.0.0/0',
  'additionalEventData.MFAUsed:No',
  'responseElements.ConsoleLogin:failure',
  'error:client.unauthorizedoperation -name:GetObject',
  'name:AuthorizeSecurityGroupIngress OR error:AccessDenied',
  'region:us-east-1 name:Get*',
];
const NAMES = ['AuthorizeSecurityGroupIngress', 'GetSecretValue', 'ConsoleLogin', 'DescribeInstances', 'GetObject', 'AssumeRole'];
const VALUES = ['AccessDenied', '0.0.0.0/0', '10.0.0.0/8', 'logs-prod', 'TLSv1', 'No', 'Failure', 'us-east-1', 'alice', 'aws-cli/2.13.5', 'Ünï'];
const PATHS = ['requestParameters.bucketName', 'requestParameters.ipPermissions.items.ipRanges.items.cidrIp', 'additionalEventData.MFAUsed', 'tlsDetails.tlsVersion', 'responseElements.ConsoleLogin'];
function randomQuery(): string {
  const terms: string[] = [];
  for (let k = int(random, 1, 3); k > 0; k--) {
    const r = random();
    const negate = random() < 0.15 ? '-' : '';
    if (r < 0.3) terms.push(`${negate}name:${pick(random, NAMES)}`);
    else if (r < 0.5) terms.push(`${negate}params:${pick(random, VALUES)}`);
    else if (r < 0.75) terms.push(`${negate}${pick(random, PATHS)}:${pick(random, VALUES)}${random() < 0.2 ? '*' : ''}`);
    else terms.push(`${negate}${pick(random, ['error', 'ip', 'agent', 'region'])}:${pick(random, VALUES)}`);
  }
  return terms.join(' ');
}

async function summaryOf(source: string, fast: boolean, root = temp.dir): Promise<string> {
  const tally = await scanFolderHeadless(root, { workerFilter: { source, now: Date.UTC(2024, 2, 6) }, fast, workers: 0 });
  // Without conflicting copies the fast read stands; with them the folder is read again in full.
  if (fast && prefilterOf(parsedAst(source)) !== null) expect(tally.partialRead, source).toBe(root === day);
  return JSON.stringify(tally.summary({ folder: root, filter: source }));
}

function parsedAst(source: string) {
  const compiled = compileQuery(source, { now: 0, deepTerms: true });
  if (!compiled.ok) throw new Error(compiled.error.message);
  return compiled.query.ast;
}

/** What exportRows writes for `rows`, with the record texts given or read back from the files. */
async function exported_(rows: readonly EventRow[], format: 'json' | 'jsonl', recordText: ((row: EventRow) => string | undefined) | undefined): Promise<string> {
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  await exportRows({ rows, format, target: sink, ...(recordText ? { recordText } : {}) });
  return Buffer.concat(chunks).toString('utf8');
}

describe('scan --filter parses only the records whose bytes may match (scan/fastJob.ts)', () => {
  it('gives the same summary as the full read: fixed and 60 random queries, duplicates, conflicts, odd ids, malformed files', { timeout: 120_000 }, async () => {
    const queries = [...QUERIES, ...Array.from({ length: 60 }, randomQuery)];
    let matched = 0;
    for (const root of [day, temp.dir]) {
      for (const source of queries) {
        const full = await summaryOf(source, false, root);
        expect(await summaryOf(source, true, root), source).toBe(full);
        matched += (JSON.parse(full) as { events: { read: number } }).events.read;
      }
    }
    // The queries do select records (the comparison is not between empty answers).
    expect(matched).toBeGreaterThan(100);
  });

  it('reports the malformed files with and without the fast path', async () => {
    for (const fast of [true, false]) {
      const summary = JSON.parse(await summaryOf('name:AuthorizeSecurityGroupIngress params:0.0.0.0/0', fast, day)) as { files: { bad: { path: string }[] } };
      expect(summary.files.bad.map((b) => b.path).sort()).toEqual([malformed, truncated].sort());
    }
  });

  it('reads each plain file without parsing every record, with the ids, matches and file outcome of the full read', async () => {
    const source = 'name:AuthorizeSecurityGroupIngress params:0.0.0.0/0';
    const query = compileQuery(source, { now: 0, deepTerms: true });
    if (!query.ok) throw new Error(query.error.message);
    const prefilter = prefilterOf(query.query.ast)!;
    let matches = 0;
    for (const file of [...files, copy, conflicting]) {
      const fast = fastScanFile(file, query.query, prefilter);
      expect(fast, file).not.toBeNull();
      const { rows, ...result } = await readEventFile(file);
      expect(fast!.result).toEqual(result);
      expect(Array.from(fast!.digest.ids)).toEqual(Array.from(digestRows(rows).ids));
      const full = await runScanJob({ id: 0, path: file, withRows: false, filter: { source, now: 0 } });
      expect(Array.from(fast!.matches), file).toEqual(Array.from(full.matches!));
      matches += full.matches!.reduce((a, b) => a + b, 0);
    }
    expect(matches).toBeGreaterThan(2);
    // The odd-ids file: the escaped, empty, non-string and missing ids were parsed; the nested one was not taken.
    const spans = scanRecordSpans((await import('node:zlib')).gunzipSync((await import('node:fs')).readFileSync(files[12]!)))!;
    const ids = spans.idStarts.map((start, k) => (start < 0 ? null : spans.bytes.toString('utf8', start, spans.idEnds[k])));
    expect(ids).toEqual(['esc-\\u0041-1', '', null, null, 'top-level-id', null, 'first-key']);
    // The malformed file is not read here: the ordinary reader reports it.
    expect(fastScanFile(malformed, query.query, prefilter)).toBeNull();
  });

  it('export --filter without the store: the rows, kept copies and order of the store path', { timeout: 120_000 }, async () => {
    const now = Date.UTC(2024, 2, 6);
    // Summary-field queries (the store path tests them by column); record paths go through the deep engine there.
    const queries = ['error:AccessDenied', 'name:AuthorizeSecurityGroupIngress', 'ip:10.0.0.0/8', 'region:us-east-1 name:Get*', 'name:DescribeInstances OR error:AccessDenied', 'agent:aws-cli*', 'id:top-level-id'];
    let exported = 0;
    let withTexts = 0;
    for (const root of [day, temp.dir]) {
      const folder = openFolder(root, { watch: false });
      await folder.ready;
      await folder.close();
      for (const source of queries) {
        const compiled = compileQuery(source, { now, vocabulary: new Vocabulary() });
        if (!compiled.ok) throw new Error(compiled.error.message);
        // The store's order exactly: newest first, equal times by arrival (a duplicated event arrives with the copy
        // the newest-first read meets first, in the newest file, not with the copy kept, in the oldest).
        const line = (row: EventRow) => `${row.id} ${row.name} ${row.batch.file}`;
        const expected = filterStore(folder.store, compiled.query);
        const { rows, badFiles, recordText } = (await headlessFilteredRows(root, source, now))!;
        expect(rows.map(line), source).toEqual(expected.map(line));
        expect(badFiles.map((b) => b.path).sort()).toEqual(folder.store.progress.badFiles.map((b) => b.path).sort());
        exported += rows.length;
        if (recordText) {
          // The texts the read kept are what the export reads back from the files, byte for byte.
          withTexts++;
          for (const format of ['jsonl', 'json'] as const) {
            expect(await exported_(rows, format, recordText), `${source} ${format}`).toBe(await exported_(rows, format, undefined));
          }
        }
      }
    }
    expect(exported).toBeGreaterThan(50);
    expect(withTexts).toBeGreaterThan(3);
  });

  it('stops when its signal fires: no file is applied after it, the progress said where it was, and the caller hears an abort', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const scan = scanFolderHeadless(temp.dir, {
      workers: 0,
      workerFilter: { source: 'error:AccessDenied', now: 0 },
      keepMatches: true,
      signal: controller.signal,
      onProgress: (progress) => {
        seen.push(progress.filesDone);
        controller.abort();
      },
    });
    await expect(scan).rejects.toThrow(/abort/i);
    expect(seen).toEqual([1]);
    // Export's form: null, not a partial answer.
    expect(await headlessFilteredRows(temp.dir, 'error:AccessDenied', 0, { signal: controller.signal })).toBeNull();
  });

  it('the worker pool terminates its workers and applies nothing more once aborted', { timeout: 60_000 }, async () => {
    const url = new URL('../../dist/scan/worker.js', import.meta.url);
    if (!existsSync(fileURLToPath(url))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
    const controller = new AbortController();
    const applied: number[] = [];
    const all = [...files, ...files, ...files];
    await new FileWorkers<ScanJob, ScanReply>({
      url,
      count: 2,
      files: all,
      job: (id, path) => ({ id, path, withRows: false, filter: { source: 'error:AccessDenied', now: 0 }, fast: true }),
      apply: (reply) => {
        applied.push(reply.id);
        controller.abort();
      },
      failed: (id, path, reason) => ({ id, result: { path, shape: 'bad', reason, skippedRecords: 0, bytes: 0 }, digest: null, insights: null, rows: null, matches: null }),
      workerData: {},
      heapMb: 256,
      signal: controller.signal,
    }).run();
    expect(applied).toEqual([0]);
    expect(all.length).toBeGreaterThan(30);
  });

  it('workers started ahead (WarmWorkers) or sent several files a message read the same as fresh ones; a warm one that died meanwhile is not used', { timeout: 90_000 }, async () => {
    const url = new URL('../../dist/scan/worker.js', import.meta.url);
    if (!existsSync(fileURLToPath(url))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
    const runWith = async (warm: WarmWorkers | undefined, filesPerJob?: number): Promise<string[]> => {
      const out: string[] = [];
      await new FileWorkers<ScanJob, ScanReply>({
        url,
        count: 2,
        files,
        job: (id, path) => ({ id, path, withRows: false, filter: { source: 'error:AccessDenied', now: 0 }, fast: true }),
        apply: (reply) => out.push(`${reply.id} ${reply.result.shape} ${reply.digest?.count ?? 0} ${Array.from(reply.matches ?? []).join('')}`),
        failed: (id, path, reason) => ({ id, result: { path, shape: 'bad', reason, skippedRecords: 0, bytes: 0 }, digest: null, insights: null, rows: null, matches: null }),
        workerData: {},
        heapMb: 256,
        warm,
        filesPerJob,
      }).run();
      return out;
    };
    const fresh = await runWith(undefined);
    expect(fresh).toHaveLength(files.length);
    expect(await runWith(new WarmWorkers(url, 2, {}, 256))).toEqual(fresh);
    // Several files a message (the worker answers with an array of replies): the same replies, in file order.
    expect(await runWith(undefined, 4)).toEqual(fresh);
    // A worker whose entry throws at once: never handed out.
    const broken = join(temp.dir, 'broken-worker.mjs');
    writeFileSync(broken, 'throw new Error("broken on purpose");\n');
    const dying = new WarmWorkers(pathToFileURL(broken), 1, {}, 64);
    // Its failure arrives as an event: wait for it (however loaded the machine), then ask for a worker.
    for (let waited = 0; dying.alive > 0 && waited < 50_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(dying.alive).toBe(0);
    expect(dying.take()).toBeNull();
  });
});
