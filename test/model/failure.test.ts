/**
 * A failed console sign-in (no errorCode, `responseElements.ConsoleLogin:
 * Failure`, an errorMessage) is an error everywhere: the list's `!`, the
 * Error code column and CSV (its errorMessage), and the details say the
 * sign-in result and whether MFA was used.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../src/export/columns.js';
import { errorLabel, isFailedConsoleLogin, isFailedEvent } from '../../src/model/failure.js';
import { normalize } from '../../src/model/normalize.js';
import { RecordBatch } from '../../src/model/recordBatch.js';
import { COLUMNS } from '../../src/ui/columns.js';
import { buildDetail } from '../../src/ui/detailModel.js';
import { rowMarker } from '../../src/ui/format.js';

const datasets = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/datasets');
const failed = JSON.parse(readFileSync(path.join(datasets, 'aws-docs-examples/cloudtrail-event-reference-aws-console-sign-in-events__2.json'), 'utf8')) as Record<string, unknown>;

function rowOf(record: Record<string, unknown>) {
  return normalize(record, new RecordBatch('/logs/a.json'), 0);
}

const csvError = (row: ReturnType<typeof rowOf>) => CSV_COLUMNS.find((c) => c.header === 'Error code')!.value(row);
const listError = (row: ReturnType<typeof rowOf>) => COLUMNS.find((c) => c.id === 'error')!.value(row, { zone: 'utc', shortTime: false });

describe('a failed console sign-in is an error', () => {
  it('gets the ! marker, its errorMessage in the Error code column and the CSV', () => {
    const row = rowOf(failed);
    expect(row.errorCode).toBe('');
    expect(isFailedConsoleLogin(row)).toBe(true);
    expect(isFailedEvent(row)).toBe(true);
    expect(rowMarker(row)).toBe('!');
    expect(listError(row)).toBe('Failed authentication');
    expect(csvError(row)).toBe('Failed authentication');
  });

  it('counts a Failure without an errorMessage too, and not a successful sign-in', () => {
    const bare = rowOf({ ...failed, errorMessage: undefined });
    expect(isFailedEvent(bare)).toBe(true);
    expect(errorLabel(bare)).toBe('Failure');
    const ok = rowOf({ ...failed, errorMessage: undefined, responseElements: { ConsoleLogin: 'Success' } });
    expect(isFailedEvent(ok)).toBe(false);
    expect(rowMarker(ok)).toBe(' ');
    expect(csvError(ok)).toBe('');
    // Another event with an errorMessage and no code is not a failed sign-in.
    expect(isFailedEvent(rowOf({ eventName: 'GetObject', errorMessage: 'x' }))).toBe(false);
  });

  it('shows the sign-in result and MFA use in the details', () => {
    const lines = buildDetail(rowOf(failed), 'utc').lines;
    expect(lines.find((l) => l.label === 'Sign-in result')).toMatchObject({ value: 'Failure', tone: 'error' });
    expect(lines.find((l) => l.label === 'MFA used')).toMatchObject({ value: 'Yes' });
    const noMfa = buildDetail(rowOf({ ...failed, responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'No' } }), 'utc').lines;
    expect(noMfa.find((l) => l.label === 'Sign-in result')?.value).toBe('Success');
    expect(noMfa.find((l) => l.label === 'MFA used')?.value).toBe('No');
    expect(buildDetail(rowOf({ eventName: 'GetObject' }), 'utc').lines.some((l) => l.label === 'MFA used')).toBe(false);
  });
});
