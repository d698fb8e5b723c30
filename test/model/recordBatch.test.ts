import { describe, expect, it } from 'vitest';
import { RecordBatch, type RowExtra } from '../../src/model/recordBatch.js';

const IDS = [
  '3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f', // lowercase UUID: 16 bytes
  'C4E3F9D1-7A5B-4C2E-9F00-1234567890AB', // uppercase UUID
  'c4e3f9d1-7A5B-4C2E-9F00-1234567890ab', // mixed case: kept as text so it comes back as written
  '3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6g', // not hex
  '3f2a9c1e7b4d-4e8a-9c0f-1a2b3c4d5e6f0', // dashes in the wrong places
  'E2C6F2A1B3D40F5A', // S3: 16 characters as themselves
  'x',
  'ABCDEFGHIJKLMNOPQ', // 17: text
  'caf\u00e9\u0000\u00ff', // Latin-1, with a NUL
  'id-\u2713', // above Latin-1: text
  '\u001b[31mred',
  '00000000-0000-0000-0000-000000000000',
];

describe('RecordBatch', () => {
  it('gives back every request ID exactly as set, whatever its form', () => {
    const batch = new RecordBatch('f.json');
    IDS.forEach((id, index) => batch.setRequestId(index, id));
    expect(IDS.map((_, index) => batch.requestId(index))).toEqual(IDS);
    batch.trim();
    expect(IDS.map((_, index) => batch.requestId(index))).toEqual(IDS);
  });

  it('has no request ID or extras for records it was not told about', () => {
    const batch = new RecordBatch('f.json');
    expect(batch.requestId(0)).toBe('');
    batch.setRequestId(5, IDS[0]!);
    expect(batch.requestId(4)).toBe('');
    expect(batch.requestId(6)).toBe('');
    expect(batch.requestId(-1)).toBe('');
    expect(batch.extra(5)).toBeNull();
  });

  it('replaces an ID: text by a UUID and back', () => {
    const batch = new RecordBatch('f.json');
    batch.setRequestId(0, IDS[7]!);
    batch.setRequestId(0, IDS[0]!);
    expect(batch.requestId(0)).toBe(IDS[0]);
    batch.setRequestId(0, IDS[7]!);
    expect(batch.requestId(0)).toBe(IDS[7]);
    batch.setRequestId(0, '');
    expect(batch.requestId(0)).toBe('');
  });

  it('keeps records that start past index 0, arrive with gaps, or out of order', () => {
    const batch = new RecordBatch('f.json');
    const extra: RowExtra = { timeRaw: 'yesterday', sharedEventId: 'pair', insight: null };
    batch.setRequestId(100, IDS[0]!);
    batch.setExtra(100, extra);
    batch.setRequestId(140, IDS[5]!);
    batch.setRequestId(90, IDS[7]!);
    batch.setExtra(95, { ...extra, timeRaw: 'older' });
    expect([batch.requestId(90), batch.requestId(100), batch.requestId(140)]).toEqual([IDS[7], IDS[0], IDS[5]]);
    expect(batch.extra(100)).toEqual(extra);
    expect(batch.extra(95)?.timeRaw).toBe('older');
    expect(batch.extra(90)).toBeNull();
    for (let index = 0; index < 200; index++) batch.setRequestId(200 + index, IDS[index % IDS.length]!);
    expect(batch.requestId(399)).toBe(IDS[199 % IDS.length]);
    expect(batch.requestId(100)).toBe(IDS[0]);
  });

  it('an empty extra clears the one set before', () => {
    const batch = new RecordBatch('f.json');
    batch.setExtra(0, { timeRaw: 'x', sharedEventId: '', insight: null });
    batch.setExtra(0, { timeRaw: '', sharedEventId: '', insight: null });
    expect(batch.extra(0)).toBeNull();
  });

  it('packs a range of records through a structured clone and gives back the same values', () => {
    const batch = new RecordBatch('/logs/a.json');
    IDS.forEach((id, index) => batch.setRequestId(index + 10, id));
    batch.setExtra(13, { timeRaw: '', sharedEventId: 'shared', insight: null });
    batch.setExtra(20, { timeRaw: 'bad time', sharedEventId: '', insight: null });
    const back = RecordBatch.unpack(structuredClone(batch.pack(12, 16)), 'interned');
    expect(back.file).toBe('interned');
    for (let index = 12; index < 16; index++) expect(back.requestId(index)).toBe(IDS[index - 10]);
    expect(back.requestId(11)).toBe('');
    expect(back.requestId(16)).toBe('');
    expect(back.extra(13)?.sharedEventId).toBe('shared');
    expect(back.extra(20)).toBeNull();
    const whole = RecordBatch.unpack(structuredClone(batch.pack(0, 100)), 'w');
    for (let index = 10; index < 10 + IDS.length; index++) expect(whole.requestId(index)).toBe(IDS[index - 10]);
    expect(whole.extra(20)?.timeRaw).toBe('bad time');
  });

  it('packs a batch without request IDs or extras', () => {
    const back = RecordBatch.unpack(structuredClone(new RecordBatch('f').pack(0, 5)), 'f');
    expect(back.requestId(0)).toBe('');
    expect(back.extra(0)).toBeNull();
  });
});
