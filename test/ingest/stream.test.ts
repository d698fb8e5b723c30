import { createWriteStream } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordSplitter, type SplitItem } from '../../src/ingest/stream.js';
import { clearRecordCache, readEventFile, readRecord } from '../../src/ingest/read.js';
import { event, tempDir, write } from './helpers.js';

/** Splits `text` fed in pieces of `size` characters. */
function split(text: string, size: number): { items: SplitItem[]; error: string } {
  const splitter = new RecordSplitter();
  const items: SplitItem[] = [];
  for (let at = 0; at < text.length; at += size) items.push(...splitter.push(text.slice(at, at + size)));
  return { items, error: splitter.end() };
}

const tricky = { eventID: 'a', s: 'braces } ] { [ and "quotes" and \\ backslash \\" and , commas', nested: { list: [1, [2, { x: '}' }]], empty: {} } };

describe('RecordSplitter', () => {
  const documents: Record<string, { text: string; expected: unknown[]; container: string }> = {
    records: {
      text: JSON.stringify({ before: { Records: 'not this' }, Records: [tricky, event('b'), null, 3, 'x'], after: [1, 2] }, null, 2),
      expected: [tricky, event('b'), null, 3, 'x'],
      container: 'records',
    },
    array: { text: ` [ ${JSON.stringify(tricky)} ,${JSON.stringify(event('c'))}, true ]\n`, expected: [tricky, event('c'), true], container: 'array' },
    lookupEvents: { text: JSON.stringify({ Events: [{ EventId: '1' }, { EventId: '2' }], NextToken: 't' }), expected: [{ EventId: '1' }, { EventId: '2' }], container: 'events' },
    lines: {
      text: `${JSON.stringify(tricky)}\nprefix text ${JSON.stringify(event('d'))}\n\n${JSON.stringify(event('e'))}`,
      expected: [tricky, event('d'), event('e')],
      container: 'top',
    },
    single: { text: JSON.stringify(event('f'), null, 4), expected: [event('f')], container: 'top' },
    emptyRecords: { text: '{"Records": [ ]}', expected: [], container: 'records' },
  };

  for (const [name, doc] of Object.entries(documents)) {
    it(`splits ${name} the same whatever the chunk size`, () => {
      for (const size of [1, 2, 3, 7, 64, doc.text.length]) {
        const { items, error } = split(doc.text, size);
        expect(error, `size ${size}`).toBe('');
        expect(
          items.map((i) => JSON.parse(i.text)),
          `size ${size}`,
        ).toEqual(doc.expected);
        for (const item of items) expect(item.container).toBe(doc.container);
      }
    });
  }

  it('reports text that ends inside a value', () => {
    const { items, error } = split('{"Records": [{"eventID": "a"}, {"eventID": "b"', 5);
    expect(items.map((i) => JSON.parse(i.text))).toEqual([{ eventID: 'a' }]);
    expect(error).toBe('unexpected end of JSON (file truncated?)');
  });
});

/** Writes a Records file of `count` events through a stream, without building it in memory. */
async function writeBigRecords(path: string, count: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('{"Records": [\n');
  for (let k = 0; k < count; k++) out.write(`${k > 0 ? ',\n' : ''}${JSON.stringify(event(`big-${k}`, { padding: 'x'.repeat(200) }))}`);
  out.write('\n]}\n');
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

describe('streamed reading of big files (threshold lowered)', () => {
  it('reads a big Records file record by record, with the same rows as the whole-file reader', async () => {
    const dir = tempDir();
    const path = join(dir, 'big.json');
    await writeBigRecords(path, 3000);
    const streamed = await readEventFile(path, { streamThreshold: 64 * 1024 });
    const whole = await readEventFile(path);
    expect(streamed.shape).toBe('records');
    expect(streamed.rows).toHaveLength(3000);
    expect(streamed.rows).toEqual(whole.rows);
    expect(streamed.bytes).toBe(whole.bytes);
    clearRecordCache();
    expect((await readRecord({ file: path, index: 2999 }, { streamThreshold: 64 * 1024 }))?.eventID).toBe('big-2999');
  });

  it('streams a gzip whose content is over the threshold, and other shapes', async () => {
    const dir = tempDir();
    const events = Array.from({ length: 500 }, (_, k) => event(`gz-${k}`));
    const gz = write(dir, 'big.json.gz', gzipSync(JSON.stringify({ Records: events })));
    const result = await readEventFile(gz, { streamThreshold: 16 * 1024 });
    expect(result.shape).toBe('records');
    expect(result.rows.map((r) => r.id)).toEqual(events.map((e) => e.eventID));

    const lines = write(dir, 'big.jsonl', events.map((e) => JSON.stringify(e)).join('\n'));
    const asLines = await readEventFile(lines, { streamThreshold: 1024 });
    expect(asLines.shape).toBe('jsonl');
    expect(asLines.rows).toHaveLength(500);

    const array = write(dir, 'big-array.json', JSON.stringify(events));
    expect((await readEventFile(array, { streamThreshold: 1024 })).shape).toBe('array');

    const digest = write(dir, 'digest.json', JSON.stringify({ digestStartTime: 'x', logFiles: events }));
    expect((await readEventFile(digest, { streamThreshold: 1024 })).shape).toBe('digest');
  });

  it('keeps what it read from a truncated big file and says so', async () => {
    const dir = tempDir();
    const events = Array.from({ length: 200 }, (_, k) => event(`tr-${k}`));
    const full = gzipSync(JSON.stringify({ Records: events }));
    const path = write(dir, 'cut.json.gz', full.subarray(0, Math.floor(full.length * 0.6)));
    const result = await readEventFile(path, { streamThreshold: 1024 });
    expect(result.shape).toBe('records');
    expect(result.rows.length).toBeGreaterThan(0);
    expect(result.rows.length).toBeLessThan(200);
    expect(result.reason).toMatch(/^truncated gzip \(unexpected end of file\) after \d+ records$/);
  });
});
