/**
 * The span scanner must number records exactly as the reader does and
 * accept exactly what JSON.parse accepts: a span it gives is copied into
 * exports as the record's text.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearRecordCache, readEventFile, readRecord } from '../../src/ingest/read.js';
import { FIELD_ABSENT, FIELD_NOT_STRING, readRecordSpans, scanRecordSpans, SPAN_LINE_BREAK, SPAN_NON_ASCII, SPAN_NOT_COMPACT, SPAN_PLAIN, SpanKeys, type RecordSpans } from '../../src/ingest/recordSpans.js';
import { recordRef } from '../../src/model/recordBatch.js';
import { int, pick, rng } from '../support/random.js';
import { record, tempDir } from './fixtures.js';

const DATASETS = resolve(__dirname, '../../../shared/datasets');
const SAMPLES = resolve(__dirname, '../../samples');
const present = existsSync(DATASETS);
if (!present && process.env.CI) throw new Error(`datasets folder missing: ${DATASETS} (required when CI is set)`);
if (!present) console.warn(`SKIPPED: ${DATASETS} is absent, so spans are not checked against the real files`);

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out.sort();
}

function spanText(spans: RecordSpans, k: number): string {
  return spans.bytes.subarray(spans.starts[k], spans.ends[k]).toString('utf8');
}

function scan(text: string | Buffer): RecordSpans | null {
  return scanRecordSpans(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
}

/** What RecordSpans.fields should say of a value: absent, not a string, or the string (read back from its span). */
function fieldOf(value: unknown): number | string {
  if (value === undefined) return FIELD_ABSENT;
  return typeof value === 'string' ? value : FIELD_NOT_STRING;
}

function spanField(spans: RecordSpans, k: number, slot: number): number | string {
  const start = spans.fields[k * 6 + slot]!;
  const end = spans.fields[k * 6 + slot + 1]!;
  if (start < 0) {
    expect(end).toBe(start);
    return start;
  }
  return JSON.parse(`"${spans.bytes.subarray(start, end).toString('utf8')}"`) as string;
}

/** The scanner's eventSource, eventName and userIdentity.type of item k agree with the parsed record. */
function expectFields(spans: RecordSpans, k: number, record: unknown, label: string): void {
  const r = record as Record<string, unknown>;
  const identity = r.userIdentity;
  const type =
    identity === undefined || identity === null ? FIELD_ABSENT : typeof identity === 'object' && !Array.isArray(identity) ? fieldOf((identity as Record<string, unknown>).type) : FIELD_NOT_STRING;
  expect([spanField(spans, k, 0), spanField(spans, k, 2), spanField(spans, k, 4)], label).toEqual([fieldOf(r.eventSource), fieldOf(r.eventName), type]);
}

const NOTED = ['eventName', 'userIdentity', 'extra', 'after', 'eventTime', 'x'];
const NOTED_KEYS = new SpanKeys(NOTED);

/** The values SpanKeys notes for item k parse to the record's own (the last of repeated keys), and only its keys are noted. */
function expectValues(spans: RecordSpans, k: number, record: unknown, label: string): void {
  const r = record as Record<string, unknown>;
  NOTED.forEach((key, slot) => {
    const at = (k * NOTED.length + slot) * 2;
    const start = spans.values![at]!;
    const end = spans.values![at + 1]!;
    if (start < 0) {
      expect([start, end], `${label} ${key}`).toEqual([-1, -1]);
      expect(Object.hasOwn(r, key), `${label} ${key}`).toBe(false);
    } else expect(JSON.parse(spans.bytes.subarray(start, end).toString('utf8')), `${label} ${key}`).toEqual(r[key]);
  });
}

/** The records JSON.parse finds where the scanner gives spans, or null when it does not parse. */
function parsedItems(text: string): unknown[] | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (Array.isArray(value)) return value;
  const records = (value as { Records?: unknown }).Records;
  return Array.isArray(records) ? records : [value];
}

/** Checks every record of every file against readRecord; returns how many files and records were compared. */
async function checkFiles(files: readonly string[]): Promise<{ files: number; records: number }> {
  let checkedFiles = 0;
  let records = 0;
  for (const file of files) {
    const spans = readRecordSpans(file);
    if (spans === null) continue;
    checkedFiles++;
    const read = await readEventFile(file);
    for (const row of read.rows) expect(recordRef(row).index, file).toBeLessThan(spans.flags.length);
    for (let k = 0; k < spans.flags.length; k++) {
      const original = await readRecord({ file, index: k });
      if (!(spans.flags[k]! & SPAN_PLAIN)) continue;
      expect(JSON.parse(spanText(spans, k)), `${file} record ${k}`).toEqual(original);
      if (spans.flags.length > 1 || spans.fields[0] !== FIELD_NOT_STRING) expectFields(spans, k, original, `${file} record ${k}`);
      records++;
    }
    expect(await readRecord({ file, index: spans.flags.length }), file).toBeNull();
  }
  return { files: checkedFiles, records };
}

let dir: string;
beforeEach(async () => {
  dir = await tempDir('trailtop-spans-');
  clearRecordCache();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!present)('record spans over the real datasets', () => {
  it('each span parses to the record readRecord gives, at the same index, in every file the scanner takes', async () => {
    const checked = await checkFiles(filesUnder(DATASETS));
    // Bare arrays, single objects and Records files are taken; lookup-events lines, digests and bad files are not.
    expect(checked.files).toBeGreaterThan(600);
    expect(checked.records).toBeGreaterThan(900);
  });

  it('leaves lookup-events lines, digests and broken files to the reader', () => {
    expect(readRecordSpans(join(DATASETS, 'lookup-events/aws_cloudtrail.jsonl'))).toBeNull();
    expect(readRecordSpans(join(DATASETS, 'robustness/malformed-records-array.json'))).toBeNull();
    expect(readRecordSpans(join(DATASETS, 'robustness/processing-library/SerializerTestFileBadJsonFormat.json'))).toBeNull();
  });
});

describe('record spans over the samples', () => {
  it('each span parses to the record readRecord gives, gzip included', async () => {
    const files = filesUnder(SAMPLES);
    const checked = await checkFiles(files);
    expect(checked.files).toBeGreaterThan(100);
    expect(checked.records).toBeGreaterThan(1000);
  });
});

describe('scanRecordSpans', () => {
  it('numbers the items of Records, bare arrays and a single event as the reader does', () => {
    const a = record(1);
    const b = record(2);
    for (const text of [JSON.stringify({ Records: [a, b] }), JSON.stringify([a, b]), JSON.stringify({ x: [1, { Records: 2 }], Records: [a, b], y: [3] })]) {
      const spans = scan(text)!;
      expect(spans.flags).toEqual([SPAN_PLAIN, SPAN_PLAIN]);
      expect(JSON.parse(spanText(spans, 0))).toEqual(a);
      expect(JSON.parse(spanText(spans, 1))).toEqual(b);
    }
    const single = scan(`\uFEFF  ${JSON.stringify(a)}\n`)!;
    expect(single.flags).toEqual([SPAN_PLAIN]);
    expect(JSON.parse(spanText(single, 0))).toEqual(a);
  });

  it('keeps non-object items and other shapes in place, so later ordinals still match', () => {
    const spans = scan(JSON.stringify({ Records: [null, 7, record(1), { CloudTrailEvent: '{}' }, { source: 'x', detail: record(2) }, record(3)] }))!;
    expect(spans.flags.map((f) => f & SPAN_PLAIN)).toEqual([0, 0, SPAN_PLAIN, 0, 0, SPAN_PLAIN]);
    expect(JSON.parse(spanText(spans, 5))).toEqual(record(3));
  });

  it('does not trust escaped keys: an item whose key may spell detail, or a root that may spell Records', () => {
    const escapedItem = scan('{"Records":[{"eventName":"a","\\u0064etail":{"eventName":"b"},"source":"x"}]}')!;
    expect(escapedItem.flags[0]! & SPAN_PLAIN).toBe(0);
    expect(scan('{"Recor\\u0064s":[{"eventName":"a"}]}')).toBeNull();
    expect(scan('{"Records":[{"eventName":"a"}],"Records":[{"eventName":"b"}]}')).toBeNull();
  });

  it('flags line breaks between tokens and text a terminal must not see raw', () => {
    const pretty = scan(JSON.stringify({ Records: [record(1), record(2, { extra: { note: 'caf\u00e9 \u202e' } })] }, null, 2))!;
    expect(pretty.flags[0]).toBe(SPAN_PLAIN | SPAN_LINE_BREAK | SPAN_NOT_COMPACT);
    expect(pretty.flags[1]).toBe(SPAN_PLAIN | SPAN_LINE_BREAK | SPAN_NON_ASCII | SPAN_NOT_COMPACT);
    const del = scan(JSON.stringify({ Records: [record(1), record(2, { extra: { note: 'a\u007fb' } })] }))!;
    expect(del.flags).toEqual([SPAN_PLAIN, SPAN_PLAIN | SPAN_NON_ASCII]);
  });

  it('flags records whose bytes are not what JSON.stringify writes (SPAN_NOT_COMPACT), and only those', () => {
    const spaced = (text: string) => scan(`{"Records":[${text},{"eventVersion":"1.09","eventName":"b"}]}`)!.flags;
    for (const odd of ['{"eventVersion": "1.09"}', '{ "eventVersion":"1.09"}', '{"eventVersion":"1.09" }', '{"eventVersion":"1.09",\t"n":1}', '{"eventVersion":"a\\/b"}',
      '{"eventVersion":"\\u0041"}', '{"eventVersion":"1.09","n":1.0}', '{"eventVersion":"1.09","n":1e3}', '{"eventVersion":"1.09","n":-0}', '{"eventVersion":"1.09","n":12345678901234567890}']) {
      const flags = spaced(odd);
      expect(flags[0]! & SPAN_NOT_COMPACT, odd).toBe(SPAN_NOT_COMPACT);
      // The next record, written compactly, is copied.
      expect(flags[1]! & SPAN_NOT_COMPACT, odd).toBe(0);
      expect(JSON.stringify(JSON.parse(odd))).not.toBe(odd);
    }
    for (const plain of ['{"eventVersion":"1.09","n":-12,"m":0,"q":"a \\"b\\" \\\\ \\n\\t","l":[1,true,null,{}]}']) {
      expect(spaced(plain)[0]! & SPAN_NOT_COMPACT, plain).toBe(0);
      expect(JSON.stringify(JSON.parse(plain))).toBe(plain);
    }
    // Space between records, outside them, does not count; a single event file is one record.
    expect(scan('{"Records":[\n{"eventVersion":"1.09"} ,\n {"eventVersion":"1.09"}\n]}\n')!.flags).toEqual([SPAN_PLAIN, SPAN_PLAIN]);
    expect(scan('{"eventVersion":"1.09","eventName":"a"}\n')!.flags).toEqual([SPAN_PLAIN]);
    expect(scan('{"eventVersion":"1.09", "eventName":"a"}\n')!.flags).toEqual([SPAN_PLAIN | SPAN_NOT_COMPACT]);
  });

  it.each([
    ['a raw control character in a string', '{"Records":[{"eventName":"a\u0001"}]}'],
    ['a raw tab in a string', '{"Records":[{"eventName":"a\tb"}]}'],
    ['a bad escape', '{"Records":[{"eventName":"a\\x41"}]}'],
    ['a short unicode escape', '{"Records":[{"eventName":"\\u12"}]}'],
    ['a leading zero', '{"Records":[{"eventName":"a","n":01}]}'],
    ['a bare dot', '{"Records":[{"eventName":"a","n":1.}]}'],
    ['a trailing comma', '{"Records":[{"eventName":"a"},]}'],
    ['a missing comma', '{"Records":[{"eventName":"a"} {"eventName":"b"}]}'],
    ['a truncated document', '{"Records":[{"eventName":"a"}'],
    ['documents back to back', '{"Records":[{"eventName":"a"}]}{"Records":[{"eventName":"b"}]}'],
    ['JSON lines', '{"eventName":"a"}\n{"eventName":"b"}\n'],
    ['a misspelt literal', '{"Records":[{"eventName":"a","b":tru}]}'],
    ['a single quote', "{'Records':[]}"],
    ['a digest', '{"digestStartTime":"x","logFiles":[]}'],
    ['a lookup-events document', '{"Events":[{"EventId":"1","EventName":"x","CloudTrailEvent":"{}"}]}'],
    ['an array of no events', '[{"a":1},{"b":2}]'],
    ['Records that is not an array', '{"Records":{"eventName":"a"}}'],
  ])('leaves %s to the reader', (_name, text) => {
    expect(scan(text)).toBeNull();
  });

  it('leaves UTF-16 and invalid UTF-8 to the reader', () => {
    const text = JSON.stringify({ Records: [record(1)] });
    expect(scan(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))).toBeNull();
    const bad = Buffer.from(text.replace('CreateRole', 'CreateRol\u00e9'), 'utf8');
    bad[bad.indexOf(0xc3)] = 0xff;
    expect(scan(bad)).toBeNull();
  });

  it('reads strings four bytes at a time: a quote, backslash or control byte at any place in a word, at any alignment, up to the last byte', () => {
    const specials = ['\\"', '\\\\', '\\u0041', '\\n', '\u0001', '\u001f', '\t', '\n', '"', '\\x', '\u00e9', '\u007f'];
    let accepted = 0;
    for (let shift = 0; shift < 4; shift++) {
      for (const special of specials) {
        for (let at = 0; at < 13; at++) {
          const value = `${'v'.repeat(at)}${special}${'w'.repeat(12 - at)}`;
          for (const text of [`{"Records":[{"eventID":"${value}","eventName":"x"}]}`, `{"Records":[{"eventName":"x","${value}":1}]}`, `[{"eventName":"x"},"${value}`]) {
            const bytes = Buffer.from(text, 'utf8');
            const room = new Uint8Array(bytes.length + shift);
            room.set(bytes, shift);
            const spans = scanRecordSpans(Buffer.from(room.buffer, shift, bytes.length));
            let parsed: unknown = null;
            try {
              parsed = JSON.parse(text);
            } catch {
              // Not JSON: the scanner must refuse it too.
            }
            if (parsed === null) {
              expect(spans, `${shift} ${text}`).toBeNull();
              continue;
            }
            expect(spans, `${shift} ${text}`).not.toBeNull();
            accepted++;
            const first = spans!.bytes.toString('utf8', spans!.starts[0], spans!.ends[0]);
            expect(JSON.parse(first)).toEqual(Array.isArray(parsed) ? parsed[0] : (parsed as { Records: unknown[] }).Records[0]);
          }
        }
      }
    }
    expect(accepted).toBeGreaterThan(500);
  });

  it('agrees with JSON.parse on thousands of mutated documents (seeded)', () => {
    const random = rng(7);
    const base = JSON.stringify({
      Records: [
        record(1),
        record(2, { extra: { s: 'x\\"y', n: -1.5e-3, t: true, f: false, z: null, u: '\u00e9' } }),
        { ...record(3), userIdentity: { type: 'Root', inner: { type: 'Deep' } }, after: { type: 'NotIdentity' } },
        { eventSource: 'a', eventName: 'b', userIdentity: {}, x: { type: 'c' } },
        { eventName: 'Lone', userIdentity: null },
        // Values nested below an item's keys, which the scanner reads without noting anything.
        { ...record(4), requestParameters: { ipPermissions: { items: [{ ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }, {}] }, ports: [[], [1, 2.5]] }] } } },
      ],
    });
    const alphabet = ['"', '\\', ',', ':', '{', '}', '[', ']', '0', '1', '-', '.', 'e', ' ', '\n', '\t', 'a', 'u', 'n', 't', '\u0001', '\u00e9'];
    let accepted = 0;
    for (let round = 0; round < 3000; round++) {
      let text = base;
      for (let m = int(random, 1, 3); m > 0; m--) {
        const at = int(random, 0, text.length - 1);
        const kind = int(random, 0, 2);
        const piece = pick(random, alphabet);
        text = kind === 0 ? text.slice(0, at) + text.slice(at + 1) : kind === 1 ? text.slice(0, at) + piece + text.slice(at) : text.slice(0, at) + piece + text.slice(at + 1);
      }
      const spans = scan(text);
      // Without fields, the scan says the same of every document, minus the fields (every third document: the test's time).
      if (round % 3 === 1) expect(scanRecordSpans(Buffer.from(text, 'utf8'), undefined, { fields: false }), text).toEqual(spans === null ? null : { ...spans, fields: [] });
      const items = parsedItems(text);
      if (items === null) {
        expect(spans, text).toBeNull();
        continue;
      }
      if (spans === null) continue;
      accepted++;
      expect(spans.flags.length, text).toBe(items.length);
      // Noting values changes nothing else the scanner says (checked on every third document: the test's time).
      const noted = round % 3 === 0 ? scanRecordSpans(Buffer.from(text, 'utf8'), NOTED_KEYS) : null;
      if (noted) expect({ ...noted, values: undefined }, text).toEqual({ ...spans, values: undefined });
      for (let k = 0; k < items.length; k++) {
        if (!(spans.flags[k]! & SPAN_PLAIN)) continue;
        expect(JSON.parse(spanText(spans, k)), text).toEqual(items[k]);
        if (items.length > 1) {
          expectFields(spans, k, items[k], text);
          if (noted) expectValues(noted, k, items[k], text);
        }
      }
    }
    expect(accepted).toBeGreaterThan(100);
  });

  it('gives up past 4096 nested containers, wherever the nesting lies (the reader may overflow its stack there)', () => {
    const arrays = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const objects = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    // The containers around the nested value: the root, Records, the item, and userIdentity where it lies in one.
    const places: [string, number, (value: string) => string][] = [
      ["an item's value", 3, (value) => `{"Records":[{"eventName":"a","requestParameters":${value}}]}`],
      ["an item's userIdentity", 4, (value) => `{"Records":[{"eventName":"a","userIdentity":{"type":"Root","x":${value}}}]}`],
      ['an item that is not an object', 1, (value) => `[{"eventName":"a"},${value}]`],
    ];
    for (const [where, around, wrap] of places) {
      for (const nest of [arrays, objects]) {
        const fits = wrap(nest(4096 - around));
        const spans = scan(fits);
        expect(spans, where).not.toBeNull();
        expect(spans!.starts.length, where).toBe(parsedItems(fits)!.length);
        expect(scan(wrap(nest(4097 - around))), where).toBeNull();
        // Broken deep inside: not JSON.
        expect(scan(wrap(nest(2000).replace('1}', '1,}').replace('[]', '[,]'))), where).toBeNull();
      }
    }
  });

  it('reads files as the reader does: gzip by its magic bytes, digests by their path', async () => {
    const text = JSON.stringify({ Records: [record(1)] });
    await writeFile(join(dir, 'a.json.gz'), gzipSync(text));
    await writeFile(join(dir, 'plain.json'), gzipSync(text));
    expect(readRecordSpans(join(dir, 'a.json.gz'))!.flags).toEqual([SPAN_PLAIN]);
    expect(readRecordSpans(join(dir, 'plain.json'))!.flags).toEqual([SPAN_PLAIN]);
    await writeFile(join(dir, 'x_CloudTrail-Digest_y.json'), text);
    expect(readRecordSpans(join(dir, 'x_CloudTrail-Digest_y.json'))).toBeNull();
    expect(readRecordSpans(join(dir, 'gone.json'))).toBeNull();
    // Above the stream threshold the streaming reader numbers the records.
    expect(readRecordSpans(join(dir, 'a.json.gz'), 10)).toBeNull();
  });
});
