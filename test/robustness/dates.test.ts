/** Issue 20, item 7: years 0000-0099 are those years, not 1900-1999 (Date.UTC's two-digit rule). */
import { describe, expect, it } from 'vitest';
import { formatEventTime } from '../../src/export/columns.js';
import { RecordBatch } from '../../src/model/recordBatch.js';
import { normalize, parseEventTime } from '../../src/model/normalize.js';
import { localTime, utcTime } from '../../src/model/utc.js';
import { parseIsoTime } from '../../src/query/time.js';
import { formatTime } from '../../src/ui/format.js';

describe('years 0000-0099', () => {
  it('event times keep all four digits, in the fast and the general parser', () => {
    expect(new Date(parseEventTime('0099-12-31T23:00:00Z')).toISOString()).toBe('0099-12-31T23:00:00.000Z');
    expect(new Date(parseEventTime('0000-02-29T00:00:00Z')).toISOString()).toBe('0000-02-29T00:00:00.000Z');
    expect(new Date(parseEventTime('0042-06-01 10:00:00+02:00')).toISOString()).toBe('0042-06-01T08:00:00.000Z');
    expect(new Date(parseEventTime('0099-12-31T23:00:00.5Z')).toISOString()).toBe('0099-12-31T23:00:00.500Z');
    // 1900 is not a leap year, year 0 is: the rule must not borrow 1900's calendar.
    expect(parseEventTime('0100-02-29T00:00:00Z')).toBeNaN();
    expect(parseEventTime('2024-03-05T14:21:00Z')).toBe(Date.UTC(2024, 2, 5, 14, 21));
  });

  it('is shown and exported as year 0099, and from:1999-12-31 does not match it', () => {
    const row = normalize({ eventID: 'old', eventTime: '0099-12-31T23:00:00Z', eventName: 'X' }, new RecordBatch('f'), 0);
    expect(formatEventTime(row)).toBe('0099-12-31T23:00:00Z');
    expect(formatTime(row, 'utc')).toBe('0099-12-31 23:00:00');
    const day1999 = parseIsoTime('1999-12-31')!;
    expect(row.time >= day1999.at && row.time < day1999.at + day1999.span).toBe(false);
    const day0099 = parseIsoTime('0099-12-31')!;
    expect(row.time >= day0099.at && row.time < day0099.at + day0099.span).toBe(true);
  });

  it('utcTime and localTime agree with Date.UTC and new Date from year 100 on, and overflow the same way', () => {
    expect(utcTime(2024, 0, 32)).toBe(Date.UTC(2024, 0, 32));
    expect(localTime(2024, 1, 30)).toBe(new Date(2024, 1, 30).getTime());
    expect(new Date(utcTime(99, 0, 0)).toISOString()).toBe('0098-12-31T00:00:00.000Z');
    expect(new Date(localTime(5, 0, 1)).getFullYear()).toBe(5);
  });
});
