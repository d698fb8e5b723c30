/**
 * The one rule for "this event failed". Most failed calls carry an
 * errorCode; a failed console sign-in does not: CloudTrail writes
 * `responseElements.ConsoleLogin: "Failure"` and an errorMessage such as
 * `Failed authentication` (cloudtrail.md; AWS "CloudTrail log file examples
 * for sign-in events"). The list's `!`, `error:*`, the Error code column, the
 * CSV and the details all ask here, so they agree.
 */
import type { ConsoleSignIn } from './recordBatch.js';
import type { EventRow } from './types.js';

type FailureFields = Pick<EventRow, 'name' | 'errorCode' | 'errorMessage'>;

/** The errorMessage normalize gives a failed ConsoleLogin that has none (only `responseElements.ConsoleLogin: Failure`). */
export const CONSOLE_LOGIN_FAILURE = 'Failure';

/** A console sign-in (ConsoleLogin) that failed: no errorCode, but an errorMessage. */
export function isFailedConsoleLogin(row: FailureFields): boolean {
  return row.name === 'ConsoleLogin' && row.errorCode === '' && row.errorMessage !== '';
}

/** Whether the event failed: an errorCode, or a failed console sign-in. */
export function isFailedEvent(row: FailureFields): boolean {
  return row.errorCode !== '' || isFailedConsoleLogin(row);
}

/** What the Error code column and the CSV show: the errorCode, or a failed sign-in's errorMessage. */
export function errorLabel(row: FailureFields): string {
  if (row.errorCode !== '') return row.errorCode;
  return isFailedConsoleLogin(row) ? row.errorMessage : '';
}

/**
 * For normalize: the errorMessage a record stands for. A ConsoleLogin whose
 * `responseElements.ConsoleLogin` is `Failure` but that carries no
 * errorMessage gets `Failure`, so isFailedConsoleLogin sees it.
 */
export function errorMessageOf(record: Record<string, unknown>, errorMessage: string): string {
  if (errorMessage !== '' || record.eventName !== 'ConsoleLogin') return errorMessage;
  return field(record.responseElements, 'ConsoleLogin') === 'Failure' ? CONSOLE_LOGIN_FAILURE : errorMessage;
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'boolean' || typeof value === 'number' ? String(value) : '';
}

/** A ConsoleLogin record's result and MFA use; null for other records or when it has neither. */
export function consoleSignIn(record: Record<string, unknown>): ConsoleSignIn | null {
  if (record.eventName !== 'ConsoleLogin') return null;
  const result = textOf(field(record.responseElements, 'ConsoleLogin'));
  const mfaUsed = textOf(field(record.additionalEventData, 'MFAUsed'));
  return result === '' && mfaUsed === '' ? null : { result, mfaUsed };
}

/** errorLabel over a raw parsed record, without normalizing it: what its row shows (the query's error: on records). */
export function recordErrorLabel(record: Record<string, unknown>): string {
  const errorCode = textOf(record.errorCode);
  if (errorCode !== '') return errorCode;
  return errorLabel({ name: textOf(record.eventName), errorCode, errorMessage: errorMessageOf(record, textOf(record.errorMessage)) });
}

/** The event name of failures without an errorCode, so a column test can skip every other row. */
export const FAILED_WITHOUT_CODE_NAME = 'ConsoleLogin';
