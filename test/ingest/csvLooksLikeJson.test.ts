/** JSON files (JSON lines, CloudWatch exports, concatenated trail files) whose first line looks like a CSV header stay JSON. */
import { describe, expect, it } from 'vitest';
import { extractText, readEventFile } from '../../src/ingest/read.js';
import { extractLines } from '../../src/ingest/detect.js';
import { event, tempDir, write } from './helpers.js';

describe('JSON files whose first line looks like a CSV header', () => {
  const lines = [JSON.stringify(event('a')), JSON.stringify(event('b'))];

  it.each([
    ['a title line of CloudTrail column names', `eventTime,eventName\n${lines.join('\n')}\n`],
    ['three column names', `eventTime,eventName,eventSource\n${lines.join('\n')}\n`],
    ['CloudWatch lines with commas before the {', lines.map((line) => `2024-01-22T16:53:00.000Z,eventTime,eventName ${line}`).join('\n')],
    ['CloudWatch lines with quoted names before the {', lines.map((line) => `"eventTime","eventName",${line}`).join('\n')],
    ['an eventjson name before the {', lines.map((line) => `eventjson,x ${line}`).join('\n')],
  ])('stay JSON lines: %s', async (_name, text) => {
    const read = extractText(Buffer.from(text));
    expect(read).toEqual(extractLines(text));
    expect(read.shape).toBe('jsonl');
    const file = await readEventFile(write(tempDir(), 'x.log', text));
    expect(file.rows.map((row) => row.id)).toEqual(['a', 'b']);
  });

  it('a JSON lines file, a Records document and concatenated documents read as before', () => {
    const records = JSON.stringify({ Records: [event('a'), event('b')] });
    expect(extractText(Buffer.from(`${lines.join('\n')}\n`)).shape).toBe('jsonl');
    expect(extractText(Buffer.from(records)).shape).toBe('records');
    const concatenated = extractText(Buffer.from(records + records));
    expect(concatenated.shape).toBe('records');
    expect(concatenated.items).toHaveLength(4);
  });
});
