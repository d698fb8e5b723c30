import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvCells, csvLines, terminalSafeCell } from '../../src/export/csv.js';
import { GUARD_PREFIX, isDangerous, neutralise } from '../../src/export/guard.js';
import { syntheticRows } from '../../src/export/bench.js';
import { RecordBatch } from '../../src/model/recordBatch.js';
import type { EventRow } from '../../src/model/types.js';

/** OWASP CSV-injection payloads (cloudtrail.md section 5). */
const PAYLOADS = [
  '=1+2',
  '+1',
  '-1+1',
  '@SUM(1+1)',
  "=cmd|' /C calc'!A0",
  '\t=1+2',
  '\r=1+2',
  '\n=1+2',
  '\0=1+2',
  '\tplain',
  '   =1',
  ' \u00a0=1',
  '=1+2";=1+2',
  '=HYPERLINK("http://evil.example","x")',
  '\uFF1D1+2',
];

/** A row whose every text cell holds `value`, so each column's path through the guard is exercised. */
function rowWith(value: string): EventRow {
  const row = syntheticRows(1)[0]!;
  return {
    ...row,
    id: value,
    actor: value,
    name: value,
    source: value,
    region: value,
    accessKey: value,
    errorCode: value,
    sourceIp: value,
    time: Number.NaN,
    resources: [{ type: value, name: value, arn: '', accountId: '' }],
    batch: batchWithTimeRaw(row.recordIndex, value),
  };
}

/** A batch whose record at `index` has the unparsed time `timeRaw`. */
function batchWithTimeRaw(index: number, timeRaw: string): RecordBatch {
  const batch = new RecordBatch('synthetic.json');
  batch.setExtra(index, { timeRaw, sharedEventId: '', insight: null });
  return batch;
}

function parseCsv(text: string): string[][] {
  return parse(text, { relax_quotes: false, bom: false }) as string[][];
}

/** The formula rule a spreadsheet applies: first non-blank character is a trigger. */
function startsWithTrigger(cell: string): boolean {
  return /^[^\S\t\r\n]*[=+\-@\t\r\n\0]/.test(cell);
}

describe('formula-injection guard', () => {
  it.each(PAYLOADS)('neutralises %j in every column and keeps the value', (payload) => {
    const row = rowWith(payload);
    const parsed = parseCsv(csvLines([row], 0, 1, false));
    expect(parsed).toHaveLength(1);
    const cells = parsed[0]!;
    expect(cells).toHaveLength(12);
    // Read-only is ours (true/false/''), every other cell came from the payload.
    // A control character (CR, LF, NUL) is replaced by its visible escape first (issue 20): then it is text.
    const expected = terminalSafeCell(payload) === payload ? GUARD_PREFIX + payload : neutralise(terminalSafeCell(payload));
    for (const cell of cells.slice(0, 11)) {
      expect(cell).toBe(expected);
      expect(startsWithTrigger(cell)).toBe(false);
    }
  });

  it('keeps a value with quotes and separators followed by = in one cell, unchanged', () => {
    for (const payload of ['a"b,c;=1+2', 'x,=1+2', 'x;=1+2', 'x",=1+2', 'x\n=1+2']) {
      const cells = parseCsv(csvLines([rowWith(payload)], 0, 1, false))[0]!;
      expect(cells).toHaveLength(12);
      expect(cells[3]).toBe(terminalSafeCell(payload));
    }
  });

  it('quotes every cell and doubles embedded quotes', () => {
    const text = csvLines([rowWith('=1+2";=1+2')], 0, 1, false);
    expect(text.startsWith(`"'=1+2"";=1+2","`)).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(csvLines([{ ...rowWith('x'), errorCode: '', readOnly: null }], 0, 1, false)).toContain(',"",');
  });

  it('leaves ordinary values alone', () => {
    for (const value of ['alice', 'AccessDenied', '203.0.113.7', 'arn:aws:iam::1:role/x', "'quoted", 'a=b', 'x-1', '', ' 1']) {
      expect(neutralise(value)).toBe(value);
    }
  });

  it('is off with raw', () => {
    const cells = parseCsv(csvLines([rowWith('=1+2')], 0, 1, true))[0]!;
    expect(cells[0]).toBe('=1+2');
    expect(csvCells(rowWith('@x'), true)[3]).toBe('@x');
    expect(csvCells(rowWith('\x1b]0;t\x07'), true)[3]).toBe('\x1b]0;t\x07');
  });

  it('holds for random strings: no parsed cell starts with a trigger unless guarded, and the value survives', () => {
    // Deterministic PRNG so a failure can be replayed.
    let seed = 0x2545f491;
    const next = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    const alphabet = ['=', '+', '-', '@', '\t', '\r', '\n', '\0', ' ', '\u00a0', '\u3000', '"', ',', ';', "'", 'a', '1', 'é', '\uFF1D', '\u2028'];
    const values: string[] = [];
    for (let n = 0; n < 3000; n++) {
      const length = Math.floor(next() * 8);
      let value = '';
      for (let k = 0; k < length; k++) value += alphabet[Math.floor(next() * alphabet.length)]!;
      values.push(value);
    }
    const rows = values.map((value) => ({ ...rowWith('x'), name: value }));
    const parsed = parseCsv(csvLines(rows, 0, rows.length, false));
    expect(parsed).toHaveLength(values.length);
    for (let n = 0; n < values.length; n++) {
      const cell = parsed[n]![3]!;
      const value = values[n]!;
      if (startsWithTrigger(cell)) expect.fail(`cell ${JSON.stringify(cell)} starts with a trigger`);
      const safe = terminalSafeCell(value);
      const guarded = isDangerous(safe);
      expect(guarded || !startsWithTrigger(safe)).toBe(true);
      expect(cell).toBe(guarded ? GUARD_PREFIX + safe : safe);
    }
  });
});
