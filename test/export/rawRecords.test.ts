/**
 * JSON export copies each record's original bytes where the span scanner
 * finds them, and parses and stringifies the rest; either way the output
 * reads back as the records readRecord gives, one per line, terminal-safe.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRecordsReader, ExportFailed, exportRows } from '../../src/export/index.js';
import { placedRuns, type JsonFlavour, type RecordPlacement } from '../../src/export/json.js';
import { RecordBytesReader, type RecordBytes } from '../../src/export/recordBytes.js';
import { sameValueText } from '../../src/export/sourceText.js';
import { clearRecordCache, readRecord, StreamedRecords } from '../../src/ingest/read.js';
import { loadFolder } from '../../src/ingest/scanFolder.js';
import { recordRef } from '../../src/model/recordBatch.js';
import type { EventRow } from '../../src/model/types.js';
import { EventStore } from '../../src/store/eventStore.js';
import { terminalSafeJson } from '../../src/term/jsonText.js';
import { record, tempDir, writeTrail } from './fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDir('trailtop-raw-export-');
  clearRecordCache();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Characters terminalSafeJson escapes: DEL, C1 controls (U+009B is CSI), bidi overrides, line separators. */
const UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

async function loadRows(folder: string): Promise<EventRow[]> {
  const store = new EventStore();
  await loadFolder(folder, store);
  return [...store.rows()];
}

async function originals(rows: readonly EventRow[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const row of rows) out.push(await readRecord(recordRef(row)));
  return out;
}

/** A folder mixing what is copied (compact, pretty-printed with CRLF, gzip, bare array) and what is not (lookup-events, EventBridge). */
async function mixedTrails(): Promise<string> {
  const trails = join(dir, 'trails');
  await writeTrail(trails, 'compact.json', [record(1), record(2, { extra: { note: 'caf\u00e9 \u202egnp.exe \u009b31m \u007f' } })]);
  await writeTrail(trails, 'zipped.json.gz', [record(3), record(4)]);
  const pretty = JSON.stringify({ Records: [record(5, { extra: { big: 1, nested: { deep: [1, { x: '\u2028' }] } } }), record(6)] }, null, 2);
  // A number past double precision: written as the file spells it (JSON.stringify rounded it to 12345678901234567000).
  await writeFile(join(trails, 'pretty.json'), pretty.replace('"big": 1', '"big": 12345678901234567890').replace(/\n/g, '\r\n'));
  await writeFile(join(trails, 'bare.json'), JSON.stringify([record(7), record(8)]));
  const lookup = [record(9), record(10)].map((r) => JSON.stringify({ EventId: r.eventID, EventName: r.eventName, CloudTrailEvent: JSON.stringify(r) }));
  await writeFile(join(trails, 'lookup.jsonl'), `${lookup.join('\n')}\n`);
  const envelopes = [record(11), record(12)].map((r) => ({ version: '0', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.iam', detail: r }));
  await writeFile(join(trails, 'eventbridge.json'), JSON.stringify(envelopes));
  return trails;
}

describe('JSON export from original bytes', () => {
  it('reads back as the records readRecord gives, in the list order, for copied and re-stringified records alike', async () => {
    const rows = await loadRows(await mixedTrails());
    expect(rows.length).toBe(12);
    const expected = await originals(rows);
    const result = await exportRows({ rows, format: 'json', target: join(dir, 'out.json') });
    const text = await readFile(result.path, 'utf8');
    expect((JSON.parse(text) as { Records: unknown[] }).Records).toEqual(expected);
    expect(text).not.toMatch(UNSAFE);
    expect(text).toContain('"big":12345678901234567890');
    // The parse-and-stringify path gives the same bytes (the pretty-printed file's records included), but for that number.
    const old = await exportRows({ rows, format: 'json', target: join(dir, 'old.json'), readRecords: createRecordsReader() });
    const exact = (json: string): string => json.replace('"big":12345678901234567000', '"big":12345678901234567890');
    expect(text).toBe(exact(await readFile(old.path, 'utf8')));
    // JSON lines: each record one compact line, JSON.stringify's text made terminal-safe (what `export --db` writes), but for that number.
    const lines = await exportRows({ rows, format: 'jsonl', target: join(dir, 'out.jsonl') });
    expect(await readFile(lines.path, 'utf8')).toBe(exact(expected.map((r) => `${terminalSafeJson(JSON.stringify(r))}\n`).join('')));
  });

  // JSON.parse + JSON.stringify rounded a 23-digit integer, wrote 1e400 as null and 1.0 as 1: the export is evidence.
  it('writes every number exactly as the log wrote it, escapes as JSON.stringify writes them, one terminal-safe line', async () => {
    const trails = join(dir, 'trails');
    const numbers = '{"id":12345678901234567890123,"huge":1e400,"one":1.0,"neg":-0,"exp":1E3,"frac":0.10,"tiny":5e-324,"list":[ 1.50 , -2.0E+2 ]}';
    const odd = JSON.stringify(record(1), null, 2).replace('"requestParameters": {', `"requestParameters": {\n    "numbers": ${numbers},\n    "escapes": "a\\/b \\u0041 \\u202e \\ud83d\\ude00 \\u0007 \\"q\\"",`);
    await writeTrail(trails, 'plain.json', [record(2)]);
    await writeFile(join(trails, 'odd.json'), `{"Records": [\n${odd}\n]}\n`);
    const rows = await loadRows(trails);
    expect(rows.length).toBe(2);
    for (const format of ['json', 'jsonl'] as const) {
      const result = await exportRows({ rows, format, target: join(dir, `out.${format}`) });
      const text = await readFile(result.path, 'utf8');
      expect(text).toContain(`"numbers":${numbers.replace(/ /g, '')}`);
      expect(text).toContain('"escapes":"a/b A \\u202e \u{1F600} \\u0007 \\"q\\""');
      expect(text).not.toMatch(UNSAFE);
      const line = text.split('\n').find((l) => l.includes('"numbers"'))!;
      // The rest is JSON.stringify's text of the record, one line.
      expect(JSON.parse(line.replace(/,$/, ''))).toEqual(await readRecord(recordRef(rows.find((row) => row.id === record(1)['eventID'])!)));
    }
  });

  // Files the span scanner does not place were parsed and stringified: numbers in a JSON-lines file (an export
  // read again) or in a lookup-events CloudTrailEvent came out rounded, null, or without their fraction.
  it('writes numbers as logged from JSON lines, lookup-events elements and EventBridge lines too; a line that is not the record falls back', async () => {
    const trails = join(dir, 'trails');
    const numbers = '{"id":12345678901234567890123,"huge":1e400,"one":1.0}';
    const withNumbers = (i: number): string => JSON.stringify(record(i)).replace('"requestParameters":{', `"requestParameters":{"n":${numbers},`);
    await writeTrail(trails, 'plain.json', [record(1)]);
    // The second line as Python's json.dumps writes it: a space after each , and :, and \/ escaped.
    const spaced = withNumbers(3).replace(/([,:])(?=["{\[\d])/g, '$1 ').replace('aws-cli/2.15.0', 'aws-cli\\/2.15.0');
    await writeFile(join(trails, 'lines.jsonl'), `${withNumbers(2)}\r\n\n${spaced}\n`);
    const lookup = [4, 5].map((i) => JSON.stringify({ EventId: record(i)['eventID'], EventName: 'CreateRole', CloudTrailEvent: withNumbers(i) }));
    await writeFile(join(trails, 'lookup.jsonl'), `${lookup.join('\n')}\n`);
    // A whole trail file on one line among lines: its records are numbered one by one, so its lines are no candidates.
    await writeFile(join(trails, 'mixed.jsonl'), `${JSON.stringify({ Records: [record(6), record(7)] })}\n${withNumbers(8)}\n`);
    // What `aws cloudtrail lookup-events` writes (pretty-printed), and a bare array of its elements (which the span scanner reads).
    const element = (i: number): unknown => ({ EventId: record(i)['eventID'], EventName: 'CreateRole', CloudTrailEvent: withNumbers(i) });
    await writeFile(join(trails, 'events.json'), JSON.stringify({ Events: [element(9), element(10)] }, null, 4));
    await writeFile(join(trails, 'elements.json'), JSON.stringify([element(11)]));
    // EventBridge envelopes as Firehose writes them to S3, one a line: the record is the "detail" object.
    const envelope = (i: number): string => `{"version":"0","id":"e-${i}","detail-type":"AWS API Call via CloudTrail","source":"aws.iam","detail": ${withNumbers(i)} ,"resources":[]}`;
    await writeFile(join(trails, 'firehose.jsonl'), `${envelope(12)}\n${envelope(13)}\n`);
    const rows = await loadRows(trails);
    expect(rows.length).toBe(13);
    const expected = await originals(rows);
    const result = await exportRows({ rows, format: 'jsonl', target: join(dir, 'out.jsonl') });
    const lines = (await readFile(result.path, 'utf8')).trimEnd().split('\n');
    // The same values (1e400 is Infinity read back, null where JSON.stringify wrote it).
    expect(lines.map((line) => JSON.stringify(JSON.parse(line)))).toEqual(expected.map((r) => JSON.stringify(r)));
    const exact = lines.filter((line) => line.includes(`"n":${numbers}`)).map((line) => Number((JSON.parse(line) as { eventID: string }).eventID.split('-').pop()));
    expect(exact.sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 9, 10, 11, 12, 13]);
    expect(lines.find((line) => line.includes(String(record(3)['eventID'])))).toContain('"userAgent":"aws-cli/2.15.0"');
    // mixed.jsonl: written as before, JSON.stringify's text of the record (numbers as JavaScript spells them).
    expect(lines.find((line) => line.includes(String(record(8)['eventID'])))).toBe(terminalSafeJson(JSON.stringify(expected[rows.findIndex((row) => row.id === record(8)['eventID'])])));
  });

  it('sameValueText: the same value whatever the numbers\' spelling, and nothing else', () => {
    const same = (text: string, value: unknown): boolean => sameValueText(text, JSON.stringify(value));
    expect(same('{"a":1.0,"b":-0,"c":1E3,"d":[1e400,12345678901234567890123]}', { a: 1, b: 0, c: 1000, d: [Infinity, 12345678901234567890123] })).toBe(true);
    expect(same('{"a":1.5}', { a: 1 })).toBe(false);
    // A number inside a string is text.
    expect(same('{"a":"1.0"}', { a: '1' })).toBe(false);
    expect(same('{"a":"x\\"1.0"}', { a: 'x"1.0' })).toBe(true);
    expect(same('{"a":1}', { a: 1, b: 2 })).toBe(false);
    expect(same('{"a":1,"b":2}', { a: 1 })).toBe(false);
    expect(same('{"a":null}', { a: 1 })).toBe(false);
    expect(same('{"a":1e400}', { a: 'x' })).toBe(false);
  });

  it('writes one record per line in jsonl, a pretty-printed record included', async () => {
    const rows = await loadRows(await mixedTrails());
    const result = await exportRows({ rows, format: 'jsonl', target: join(dir, 'out.jsonl') });
    const text = await readFile(result.path, 'utf8');
    expect(text).not.toContain('\r');
    expect(text).not.toMatch(UNSAFE);
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(await originals(rows));
  });

  it('fails as source, leaving nothing, when a file now holds fewer records than the row points at', async () => {
    const trails = join(dir, 'trails');
    await writeTrail(trails, 'a.json', [record(1), record(2), record(3)]);
    const rows = await loadRows(trails);
    await writeTrail(trails, 'a.json', [record(1)]);
    clearRecordCache();
    const failure = await exportRows({ rows, format: 'json', target: join(dir, 'out.json') }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ExportFailed);
    expect((failure as ExportFailed).reason).toBe('source');
    expect((failure as ExportFailed).message).toContain(join(trails, 'a.json'));
    await expect(readFile(join(dir, 'out.json'))).rejects.toThrow(/ENOENT/);
  });
});

describe('RecordBytesReader on a file too big to read whole', () => {
  // readRecord streamed such a file from its start for every record: 200,000 rows of a 300 MB file never ended.
  it('reads it in one pass for rows in file order, numbers as logged, without reading each record back', async () => {
    const trails = join(dir, 'trails');
    const numbers = '{"id":12345678901234567890123,"one":1.0}';
    const lines = Array.from({ length: 300 }, (_, i) => JSON.stringify(record(i)).replace('"requestParameters":{', `"requestParameters":{"n":${numbers},`));
    await writeTrail(trails, 'small.json', [record(1000)]);
    await writeFile(join(trails, 'big.jsonl'), `${lines.join('\n')}\n`);
    const rows = await loadRows(trails);
    expect(rows.length).toBe(301);
    let readBack = 0;
    const counting = (ref: Parameters<typeof readRecord>[0]): ReturnType<typeof readRecord> => {
      readBack++;
      return readRecord(ref);
    };
    // 4 KB: the 300-line file is streamed, the one-record file read whole.
    const reader = new RecordBytesReader(counting, 4096);
    const refs = rows.map((row) => recordRef(row));
    const texts: string[] = [];
    // In chunks, as the export asks: each read resumes the pass where the last one stopped.
    for (let start = 0; start < refs.length; start += 64) {
      const { bytes } = await reader.read(refs.slice(start, start + 64), 'jsonl');
      texts.push(...Buffer.from(bytes).toString('utf8').trimEnd().split('\n'));
    }
    await reader.close();
    expect(readBack).toBe(0);
    expect(texts.map((text) => JSON.stringify(JSON.parse(text)))).toEqual((await originals(rows)).map((r) => JSON.stringify(r)));
    expect(texts.filter((text) => text.includes(`"n":${numbers}`))).toHaveLength(300);
    // Out of file order (each read starts the pass again) it still gives each row its record.
    const shuffled = [...refs.keys()].sort((a, b) => ((a * 7919) % 301) - ((b * 7919) % 301));
    const again = new RecordBytesReader(counting, 4096);
    for (let start = 0; start < shuffled.length; start += 50) {
      const part = shuffled.slice(start, start + 50);
      const { bytes } = await again.read(part.map((k) => refs[k]!), 'jsonl');
      const got = Buffer.from(bytes).toString('utf8').trimEnd().split('\n');
      part.forEach((k, i) => expect((JSON.parse(got[i]!) as { eventID: string }).eventID).toBe(rows[k]!.id));
    }
    await again.close();
    expect(readBack).toBe(0);
  });
});

describe('StreamedRecords', () => {
  // Rows newest first from a file written oldest first come in blocks that go backwards: each started the pass again.
  it('reads blocks that go backwards without starting the pass again each time', async () => {
    const trails = join(dir, 'trails');
    await writeTrail(trails, 'small.json', [record(99_999)]);
    await writeFile(join(trails, 'big.jsonl'), `${Array.from({ length: 3000 }, (_, i) => JSON.stringify(record(i))).join('\n')}\n`);
    const rows = (await loadRows(trails)).filter((row) => row.batch.file.endsWith('big.jsonl'));
    const refs = rows.map((row) => recordRef(row)).sort((a, b) => a.index - b.index);
    const stream = new StreamedRecords(join(trails, 'big.jsonl'), { streamThreshold: 4096 });
    const ids: string[] = [];
    for (let end = refs.length; end > 0; end -= 500) {
      const got = await stream.read(refs.slice(Math.max(0, end - 500), end));
      ids.unshift(...got!.map((r) => String(r!.record['eventID'])));
    }
    await stream.close();
    expect(ids).toEqual(refs.map((ref) => ref.id));
    expect(stream.passes).toBe(1);
  });
});

describe('RecordBytesReader', () => {
  it('answers in the order asked, with ends that cut the buffer into records', async () => {
    const trails = join(dir, 'trails');
    await writeTrail(trails, 'a.json', [record(1), record(2)]);
    await writeTrail(trails, 'b.json', [record(3), record(4, { extra: { s: '\u00e9' } })]);
    const a = join(trails, 'a.json');
    const b = join(trails, 'b.json');
    const reader = new RecordBytesReader();
    const refs = [
      { file: b, index: 0 },
      { file: a, index: 1 },
      { file: b, index: 0 },
      { file: a, index: 0 },
    ];
    const answer = await reader.read(refs);
    expect(answer.ends.length).toBe(4);
    const texts = [...answer.ends].map((end, k) => Buffer.from(answer.bytes).subarray(k === 0 ? 0 : answer.ends[k - 1], end).toString('utf8'));
    expect(texts.map((t) => JSON.parse(t) as unknown)).toEqual([record(3), record(2), record(3), record(1)]);
    const accented = await reader.read([{ file: b, index: 1 }]);
    expect(JSON.parse(Buffer.from(accented.bytes).toString('utf8'))).toEqual(record(4, { extra: { s: '\u00e9' } }));
  });

  it('sees a file replaced once its cached scan is older than a second', async () => {
    const trails = join(dir, 'trails');
    const a = await writeTrail(trails, 'a.json', [record(1)]);
    const reader = new RecordBytesReader();
    const first = await reader.read([{ file: a, index: 0 }]);
    await writeTrail(trails, 'a.json', [record(2, { extra: { longer: 'x'.repeat(50) } })]);
    const stale = Date.now;
    Date.now = () => stale() + 5000;
    try {
      const second = await reader.read([{ file: a, index: 0 }]);
      expect(JSON.parse(Buffer.from(first.bytes).toString('utf8'))).toEqual(record(1));
      expect(JSON.parse(Buffer.from(second.bytes).toString('utf8'))).toEqual(record(2, { extra: { longer: 'x'.repeat(50) } }));
    } finally {
      Date.now = stale;
    }
  });
});

/** Records framed as the reader frames them, from strings. */
function framed(texts: string[], before: string, after: string): RecordBytes {
  const pieces = texts.map((t) => Buffer.from(before + t + after));
  let at = 0;
  return { bytes: Buffer.concat(pieces), ends: Uint32Array.from(pieces, (p) => (at += p.length)) };
}

/** The chunk's text as the export writes it: its runs back to back. */
function runsText(flavour: JsonFlavour, placement: RecordPlacement, alreadyWritten: number): string {
  return Buffer.concat([...placedRuns(flavour, placement, alreadyWritten)].map((run) => run.bytes)).toString('utf8');
}

describe('placedRuns', () => {
  it('interleaves the parts in row order, runs and single records alike, and drops the first comma of the export', () => {
    const a = framed(['"a0"', '"a1"', '"a2"'], ',\n', '');
    const b = framed(['"b0"', '"\u00e9"'], ',\n', '');
    const placement = { parts: [a, b], part: Uint8Array.from([0, 0, 1, 0, 1]), slot: Uint32Array.from([0, 1, 0, 2, 1]) };
    expect(runsText('json', placement, 0)).toBe('"a0",\n"a1",\n"b0",\n"a2",\n"\u00e9"');
    expect(runsText('json', placement, 10)).toBe(',\n"a0",\n"a1",\n"b0",\n"a2",\n"\u00e9"');
    const single = { parts: [a], part: Uint8Array.from([0, 0]), slot: Uint32Array.from([1, 2]) };
    expect(runsText('json', single, 0)).toBe('"a1",\n"a2"');
    // Rows that follow each other in one part are one view of its bytes, not a copy.
    const views = [...placedRuns('json', single, 0)];
    expect(views).toHaveLength(1);
    expect(views[0]!.bytes.buffer).toBe(a.bytes.buffer);
    expect(views[0]!.records).toBe(2);
    const lines = framed(['{}', '[]'], '', '\n');
    expect(runsText('jsonl', { parts: [lines], part: Uint8Array.from([0, 0]), slot: Uint32Array.from([1, 0]) }, 0)).toBe('[]\n{}\n');
    expect(runsText('json', { parts: [], part: new Uint8Array(0), slot: new Uint32Array(0) }, 0)).toBe('');
  });

  it('frames what RecordBytesReader reads: a comma before each record for json, a newline after each for jsonl', async () => {
    const a = await writeTrail(join(dir, 'trails'), 'a.json', [record(1), record(2)]);
    const reader = new RecordBytesReader();
    const refs = [
      { file: a, index: 1 },
      { file: a, index: 0 },
    ];
    const json = await reader.read(refs, 'json');
    expect(Buffer.from(json.bytes).toString()).toBe(`,\n${JSON.stringify(record(2))},\n${JSON.stringify(record(1))}`);
    const jsonl = await reader.read(refs, 'jsonl');
    expect(Buffer.from(jsonl.bytes).toString()).toBe(`${JSON.stringify(record(2))}\n${JSON.stringify(record(1))}\n`);
  });
});

describe('gzip round trip', () => {
  it('copies gzipped records as they were written', async () => {
    const trails = join(dir, 'trails');
    const text = JSON.stringify({ Records: [record(1)] });
    await writeFile(join(trails, '..', 'z.json.gz'), gzipSync(text));
    const rows = await loadRows(join(dir));
    const result = await exportRows({ rows, format: 'jsonl', target: join(dir, 'z.jsonl') });
    expect(await readFile(result.path, 'utf8')).toBe(`${JSON.stringify(record(1))}\n`);
  });
});

describe('JSON export of a JSON-lines file with a whole trail file on one line', () => {
  // `cat a.json b.jsonl`: the first line's two records are two items, so each later line is the item after its number.
  it('never writes another line\'s text for a record (one that differs only in a rounded number passed for it)', async () => {
    const trails = join(dir, 'trails');
    const noId = (n: string): string => {
      const r = record(3);
      delete r['eventID'];
      return JSON.stringify(r).replace(/\}$/, `,"n":${n}}`);
    };
    const lines = [JSON.stringify({ Records: [record(1), record(2)] }), noId('12345678901234567891'), noId('12345678901234567892')];
    await writeTrail(trails, 'other.json', [record(9)]);
    await writeFile(join(trails, 'cat.jsonl'), `${lines.join('\n')}\n`);
    const rows = await loadRows(trails);
    const text = await readFile((await exportRows({ rows, format: 'jsonl', target: join(dir, 'out.jsonl') })).path, 'utf8');
    const numbers = text.match(/"n":\d+/g) ?? [];
    expect(numbers.length).toBeGreaterThan(0);
    // The log's own spelling of the row's line, or JavaScript's: never the next line's.
    const kept = rows.filter((row) => row.batch.file.endsWith('cat.jsonl')).map((row) => recordRef(row).index);
    for (const n of numbers) {
      if (n === '"n":12345678901234567000') continue;
      // Items 2 and 3 are the lines of ...891 and ...892 (items 0 and 1 the first line's records).
      expect(kept.filter((index) => index >= 2).map((index) => `"n":${index === 2 ? '12345678901234567891' : '12345678901234567892'}`)).toContain(n);
    }
  });
});

describe('JSON export of EventBridge envelopes in one JSON array', () => {
  it('keeps each number as the log wrote it, as for envelopes written as JSON lines', async () => {
    const trails = join(dir, 'trails');
    const detail = (i: number): string => JSON.stringify(record(i)).replace('"requestParameters":{', '"requestParameters":{"big":12345678901234567890123,"huge":1e400,"one":1.0,');
    const envelopes = [1, 2].map((i) => `{"version": "0", "detail-type": "AWS API Call via CloudTrail", "source": "aws.iam", "detail": ${detail(i)}}`);
    await writeTrail(trails, 'other.json', [record(9)]);
    await writeFile(join(trails, 'events.json'), `[\n  ${envelopes.join(',\n  ')}\n]\n`);
    const rows = await loadRows(trails);
    expect(rows.length).toBe(3);
    const text = await readFile((await exportRows({ rows, format: 'jsonl', target: join(dir, 'out.jsonl') })).path, 'utf8');
    expect(text.match(/"big":12345678901234567890123,"huge":1e400,"one":1\.0,/g)).toHaveLength(2);
  });
});
