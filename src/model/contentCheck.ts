/**
 * Whether two rows stand for the same record content: the rule behind
 * "conflicting duplicates" (same eventID, different content: real CloudTrail
 * duplicates are identical copies, so a difference is tampering or a broken
 * shipper) and behind the export's check that a record read back is the one
 * its row was made from.
 *
 * It compares everything a row holds from its record (name, time, who, from
 * where, what, the request ID), not the record's full JSON: that costs no
 * memory per event and nothing until a duplicate arrives. Fields rows do not
 * keep (requestParameters, responseElements) are not compared.
 */
import { recordRef, requestIdOf } from './recordBatch.js';
import { ROW_TEXT_FIELDS, type EventRow, type RecordRef, type ResourceRef } from './types.js';

const STRING_FIELDS = ['id', ...ROW_TEXT_FIELDS] as const;

function sameTime(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

function sameResources(a: readonly ResourceRef[], b: readonly ResourceRef[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) {
    const x = a[k]!;
    const y = b[k]!;
    if (x.type !== y.type || x.name !== y.name || x.arn !== y.arn || x.accountId !== y.accountId) return false;
  }
  return true;
}

/** The first field in which two rows differ, or null when their content is the same. */
export function contentDifference(a: EventRow, b: EventRow): string | null {
  for (const field of STRING_FIELDS) if (a[field] !== b[field]) return field;
  if (!sameTime(a.time, b.time)) return 'time';
  if (a.readOnly !== b.readOnly) return 'readOnly';
  if (!sameList(a.userNames, b.userNames)) return 'userNames';
  if (!sameResources(a.resources, b.resources)) return 'resources';
  if (requestIdOf(a) !== requestIdOf(b)) return 'requestId';
  return null;
}

export function sameContent(a: EventRow, b: EventRow): boolean {
  return contentDifference(a, b) === null;
}

/** FNV-1a over a string, continuing from `h`. */
function mix(h: number, text: string): number {
  for (let k = 0; k < text.length; k++) {
    h ^= text.charCodeAt(k);
    h = Math.imul(h, 0x01000193);
  }
  // A separator, so ('ab','c') and ('a','bc') differ.
  return Math.imul(h ^ 0xff, 0x01000193);
}

/**
 * A 32-bit fingerprint of what contentDifference compares: carried with a
 * record reference so a reader that has no row (the export's worker) can
 * still tell whether a record it found by eventID is the row's.
 */
export function rowFingerprint(row: EventRow): number {
  let h = 0x811c9dc5;
  for (const field of STRING_FIELDS) h = mix(h, row[field]);
  h = mix(h, Number.isNaN(row.time) ? 'NaN' : String(row.time));
  h = mix(h, String(row.readOnly));
  for (const name of row.userNames) h = mix(h, name);
  h = mix(h, '');
  for (const r of row.resources) h = mix(mix(mix(mix(h, r.type), r.name), r.arn), r.accountId);
  h = mix(h, requestIdOf(row));
  return h >>> 0;
}

/** recordRef(row) with the row's fingerprint: what export and tail read back with. */
export function verifiedRef(row: EventRow): RecordRef {
  return { ...recordRef(row), fingerprint: rowFingerprint(row) };
}
