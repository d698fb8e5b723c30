/**
 * Differential: random records, with random values written with random white space and escapes, in
 * every file shape the reader takes, exported as JSON and JSON lines (plain and .gz, read whole and
 * streamed) read back as the very records the reader gives, one terminal-safe line each: numbers as
 * the log wrote them (1e400 reads back as Infinity, where JSON.stringify's null would not).
 */
import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportRows } from '../../src/export/index.js';
import { RecordBytesReader } from '../../src/export/recordBytes.js';
import { clearRecordCache, readRecord } from '../../src/ingest/read.js';
import { loadFolder } from '../../src/ingest/scanFolder.js';
import { recordRef } from '../../src/model/recordBatch.js';
import type { EventRow } from '../../src/model/types.js';
import { EventStore } from '../../src/store/eventStore.js';
import { tempDir } from './fixtures.js';
import { rng } from '../support/random.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDir('trailtop-roundtrip-');
  clearRecordCache();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});


const RAW = ['a', ' ', '{', '}', '[', ']', ',', ':', '/', '\u007f', '\u009b', '\u2028', '\u202e', 'é', '漢', '😀'];
const ESCAPES = ['\\"', '\\\\', '\\/', '\\n', '\\t', '\\u0041', '\\u001b', '\\u009b', '\\u2028', '\\ud800', '\\ud83d\\ude00', '\\u0022'];
const NUMBERS = ['0', '-0', '1.0', '1.50', '1E+3', '2e-7', '12345678901234567890123', '1e400', '9007199254740993'];
const SPACE = ['', '', ' ', '\n', '\r\n', '\t'];

const pick = <T>(r: () => number, from: readonly T[]): T => from[Math.floor(r() * from.length)]!;

function str(r: () => number): string {
  let out = '"';
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) out += r() < 0.4 ? pick(r, ESCAPES) : pick(r, RAW);
  return out + '"';
}

function value(r: () => number, depth: number): string {
  const k = r();
  if (depth > 2 || k < 0.4) return r() < 0.5 ? str(r) : r() < 0.8 ? pick(r, NUMBERS) : pick(r, ['true', 'false', 'null']);
  const n = Math.floor(r() * 3);
  const parts: string[] = [];
  if (k < 0.7) {
    for (let i = 0; i < n; i++) parts.push(`${pick(r, SPACE)}"k${i}"${pick(r, SPACE)}:${pick(r, SPACE)}${value(r, depth + 1)}`);
    return `{${parts.join(',')}${pick(r, SPACE)}}`;
  }
  for (let i = 0; i < n; i++) parts.push(pick(r, SPACE) + value(r, depth + 1));
  return `[${parts.join(',')}${pick(r, SPACE)}]`;
}

/** A record's text: fixed fields, then random ones; `ws` is the white space between tokens. */
function recordText(r: () => number, id: string, second: number, ws: () => string): string {
  const time = new Date(Date.UTC(2025, 2, 5, 12, 0, second)).toISOString().replace('.000Z', 'Z');
  const fields = [
    `"eventVersion":${ws()}"1.09"`,
    `"eventID":${ws()}"${id}"`,
    `"eventTime":${ws()}"${time}"`,
    `"eventSource":"iam.amazonaws.com"`,
    `"eventName":${ws()}"CreateRole"`,
    `"awsRegion":"us-east-1"`,
    `"userIdentity":${ws()}{"type":"IAMUser",${ws()}"userName":"alice"}`,
    `"requestParameters":${ws()}${value(r, 1)}`,
    `"extra":${ws()}${value(r, 0)}`,
  ];
  return `{${ws()}${fields.join(`,${ws()}`)}${ws()}}`;
}

type Shape = 'records' | 'records.gz' | 'bare' | 'single' | 'jsonl' | 'lookup' | 'eventbridge' | 'lookup-document' | 'eventbridge-array' | 'eventbridge-single' | 'jsonl-bom-crlf';
const SHAPES: readonly Shape[] = ['records', 'records.gz', 'bare', 'single', 'jsonl', 'lookup', 'eventbridge', 'lookup-document', 'eventbridge-array', 'eventbridge-single', 'jsonl-bom-crlf'];
const SEEDS = Number(process.env['TRAILTOP_FUZZ_SEEDS'] ?? 40);

async function writeShape(folder: string, shape: Shape, seed: number, count: number): Promise<void> {
  const r = rng(seed);
  const pretty = r() < 0.5;
  const ws = (): string => (pretty ? pick(r, SPACE) : '');
  const n = shape === 'single' || shape === 'eventbridge-single' ? 1 : count;
  const lines = shape === 'jsonl' || shape === 'lookup' || shape === 'eventbridge' || shape === 'jsonl-bom-crlf';
  // One record a line: no line break between its tokens (strings hold none raw).
  const texts = Array.from({ length: n }, (_, i) => recordText(r, `${shape}-${seed}-${i}`, i, ws)).map((t) => (lines ? t.replace(/\r?\n/g, ' ') : t));
  let file: string;
  let name = `${shape}-${seed}.json`;
  if (shape === 'records' || shape === 'records.gz') file = `{${ws()}"Records":${ws()}[${ws()}${texts.join(`,${ws()}`)}${ws()}]${ws()}}`;
  else if (shape === 'bare') file = `[${ws()}${texts.join(`,${ws()}`)}${ws()}]`;
  else if (shape === 'single') file = texts[0]!;
  else if (shape === 'jsonl') {
    file = `${texts.join('\n')}\n`;
    name = `${shape}-${seed}.jsonl`;
  } else if (shape === 'lookup') {
    file = `${texts.map((t, i) => JSON.stringify({ EventId: `${shape}-${seed}-${i}`, EventName: 'CreateRole', CloudTrailEvent: t })).join('\n')}\n`;
    name = `${shape}-${seed}.jsonl`;
  } else if (shape === 'lookup-document') {
    // What `aws cloudtrail lookup-events` writes: one document, each record a string inside it.
    file = `{${ws()}"Events":${ws()}[${texts.map((t, i) => `${ws()}{"EventId":${ws()}"${shape}-${seed}-${i}",${ws()}"EventName":"CreateRole",${ws()}"CloudTrailEvent":${ws()}${JSON.stringify(t)}}`).join(',')}]}`;
  } else if (shape === 'eventbridge-array') {
    file = `[${texts.map((t) => `${ws()}{"version":"0",${ws()}"detail-type":"AWS API Call via CloudTrail",${ws()}"source":"aws.iam",${ws()}"detail":${ws()}${t}${ws()}}`).join(',')}]`;
  } else if (shape === 'eventbridge-single') {
    file = `${ws()}{"version":"0",${ws()}"detail-type":"AWS API Call via CloudTrail",${ws()}"detail":${ws()}${texts[0]!}${ws()}}${ws()}`;
  } else if (shape === 'jsonl-bom-crlf') {
    file = `\ufeff${texts.join('\r\n')}\r\n`;
    name = `${shape}-${seed}.jsonl`;
  } else {
    file = `${texts.map((t) => `{"version":"0","detail-type":"AWS API Call via CloudTrail","source":"aws.iam","detail":${t}}`).join('\n')}\n`;
    name = `${shape}-${seed}.jsonl`;
  }
  if (shape === 'records.gz') await writeFile(join(folder, `${name}.gz`), gzipSync(file));
  else await writeFile(join(folder, name), file);
}

async function loadRows(folder: string): Promise<EventRow[]> {
  const store = new EventStore();
  await loadFolder(folder, store);
  return [...store.rows()];
}

const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('export round trip on random records in every file shape', () => {
  it('JSON and JSON lines, plain and gzipped, read back as the reader\'s records', async () => {
    const folder = join(dir, 'trails');
    await mkdir(folder);
    let files = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      for (const shape of SHAPES) {
        await writeShape(folder, shape, seed * 10 + SHAPES.indexOf(shape), 3);
        files++;
      }
    }
    const rows = await loadRows(folder);
    expect(rows.length).toBe(files * 3 - SEEDS * 2 * 2);
    const expected = new Map<string, unknown>();
    for (const row of rows) expected.set(row.id, await readRecord(recordRef(row)));

    for (const target of ['out.json', 'out.jsonl', 'out.json.gz', 'out.jsonl.gz']) {
      const result = await exportRows({ rows, format: target.includes('jsonl') ? 'jsonl' : 'json', target: join(dir, target) });
      const raw = await readFile(result.path);
      const text = (target.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
      expect(UNSAFE.test(text), target).toBe(false);
      const records = target.includes('jsonl') ? text.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown) : (JSON.parse(text) as { Records: unknown[] }).Records;
      expect(records.length, target).toBe(rows.length);
      records.forEach((got, k) => expect(got, `${target} ${rows[k]!.id}`).toEqual(expected.get(rows[k]!.id)));
    }

    // Streamed (every file above a 64-byte threshold), in chunks, in list order and reversed.
    for (const order of ['list', 'reversed']) {
      const refs = rows.map((row) => recordRef(row));
      if (order === 'reversed') refs.reverse();
      const reader = new RecordBytesReader(readRecord, 64);
      const lines: string[] = [];
      for (let start = 0; start < refs.length; start += 17) {
        const { bytes } = await reader.read(refs.slice(start, start + 17), 'jsonl');
        lines.push(...Buffer.from(bytes).toString('utf8').trimEnd().split('\n'));
      }
      await reader.close();
      expect(lines.some((line) => UNSAFE.test(line)), order).toBe(false);
      lines.forEach((line, k) => expect(JSON.parse(line), `${order} ${refs[k]!.id}`).toEqual(expected.get(refs[k]!.id!)));
    }
  });
});
