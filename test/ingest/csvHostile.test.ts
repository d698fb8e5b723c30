/** Hostile and odd CSV text: line endings, huge rows, and files that only look like CSV (every byte is the attacker's). */
import { describe, expect, it } from 'vitest';
import { extractText } from '../../src/ingest/read.js';
import { eachCsvRecord } from '../../src/ingest/csv/parse.js';
import { sanitize } from '../../src/term/sanitize.js';

const LAKE_HEADER = 'eventTime,eventName,eventSource,awsRegion';

function lakeRows(count: number, eol: string): string {
  const rows = Array.from({ length: count }, (_, k) => `2024-01-22 16:53:${String(k % 60).padStart(2, '0')}.000,Name${k},s3.amazonaws.com,us-east-1`);
  return [LAKE_HEADER, ...rows].join(eol) + eol;
}

describe('CSV line endings', () => {
  it('reads a CSV whose lines end in a lone CR (Excel for Mac) as its rows, not as an empty file', () => {
    const read = extractText(Buffer.from(lakeRows(3, '\r')));
    expect(read.shape).toBe('lake-csv');
    expect(read.reason).toBe('');
    expect(read.items.map((item) => (item as { eventName: string }).eventName)).toEqual(['Name0', 'Name1', 'Name2']);
  });

  it('reads LF, CRLF and CR mixed in one file, and keeps line breaks inside quotes', () => {
    const text = `${LAKE_HEADER}\r\n2024-01-22 16:53:00.000,A,s,us-east-1\n2024-01-22 16:53:01.000,"B\r\nC",s,us-east-1\r2024-01-22 16:53:02.000,D,s,us-east-1`;
    const read = extractText(Buffer.from(text));
    expect(read.shape).toBe('lake-csv');
    expect(read.items.map((item) => (item as { eventName: string }).eventName)).toEqual(['A', 'B\r\nC', 'D']);
  });
});

describe('CSV rows an attacker makes huge', () => {
  it('keeps at most one cell past the header of a line of 200,000 commas, and reports the row with its count', () => {
    const text = `${LAKE_HEADER}\n${','.repeat(200_000)}\n2024-01-22 16:53:00.000,Kept,s,us-east-1\n`;
    let kept = 0;
    eachCsvRecord(text, 1e9, (record) => void (kept = Math.max(kept, record.fields.length)), 5);
    expect(kept).toBe(5);
    const read = extractText(Buffer.from(text));
    expect(read.shape).toBe('lake-csv');
    expect(read.items).toHaveLength(2);
    expect(read.reason).toMatch(/1 row was skipped for a wrong number of cells \(first at line 2: 200001 cells, the header has 4\)/);
  });

  it('reads one field of 100,000 doubled quotes as 100,000 quotes', () => {
    const text = `${LAKE_HEADER}\n2024-01-22 16:53:00.000,"${'""'.repeat(100_000)}",s,us-east-1\n`;
    const read = extractText(Buffer.from(text));
    expect((read.items[0] as { eventName: string }).eventName).toBe('"'.repeat(100_000));
  });

  it('skips 200,000 blank lines and reads the row after them', () => {
    const text = `${LAKE_HEADER}\n${'\n'.repeat(200_000)}2024-01-22 16:53:00.000,After,s,us-east-1\n`;
    const read = extractText(Buffer.from(text));
    expect(read.items).toHaveLength(1);
    expect(read.reason).toBe('');
  });

  it('never throws and always gives a reason on seeded random CSV text', () => {
    let seed = 20261205;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const atoms = ['"', '""', ',', '\n', '\r', '\r\n', '\0', '\ud800', '\ufeff', '{', '}', '[', ']', '=', ', ', '{type=IAMUser, arn=x}, {arn=evil}', '__proto__', 'constructor', '2024-01-22 16:53:00.000', '+275760-09-13T00:00:00Z', '{"eventName":"x","__proto__":{"a":1}}'];
    const headers = [LAKE_HEADER, 'eventjson', 'eventtime,eventname,useridentity,requestparameters,resources,readonly', '__proto__,constructor,eventtime,eventname', 'Event name,Event time,User name,Read-only'];
    for (let k = 0; k < 2000; k++) {
      let text = `${headers[Math.floor(random() * headers.length)]}\n`;
      for (let n = Math.floor(random() * 40); n > 0; n--) text += atoms[Math.floor(random() * atoms.length)];
      const read = extractText(Buffer.from(text));
      expect(typeof read.reason).toBe('string');
      expect(sanitize(read.reason)).toBe(read.reason);
      expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    }
  });
});

describe('a Lake CSV of the eventjson column alone', () => {
  it('reads each row as its exact record (SELECT eventJson FROM ... saves only that column)', () => {
    const record = { eventVersion: '1.08', eventTime: '2024-01-22T16:53:00Z', eventName: 'StopLogging', eventID: 'only-json' };
    const cell = `"${JSON.stringify(record).replace(/"/g, '""')}"`;
    const read = extractText(Buffer.from(`eventJson\n${cell}\n${cell.replace('only-json', 'second')}\n`));
    expect(read.shape).toBe('lake-csv');
    expect(read.reason).toBe('');
    expect(read.items).toEqual([record, { ...record, eventID: 'second' }]);
    expect([...(read.lossy ?? [])]).toEqual([0, 0]);
  });
});

describe('CSV event times', () => {
  it('counts every row whose time the row cannot hold, not only those of the wrong shape', () => {
    const text = 'eventtime,eventname,eventid\n2024-01-22T16:53:00Z,Fine,a\n2024-13-45T99:99:99Z,Shape,b\nnot a time,Text,c\n+275760-09-13T00:00:00Z,Far,d\n';
    const read = extractText(Buffer.from(text));
    expect(read.items).toHaveLength(4);
    expect(read.reason).toBe('3 rows have an event time that is not a readable time (first at line 3)');
  });
});
