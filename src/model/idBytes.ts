/**
 * Ids as 16 bytes and a kind byte. At a million events a 36-character id
 * string costs 56 bytes and an object the garbage collector walks; CloudTrail's
 * ids are nearly all canonical UUIDs, which pack losslessly into 16 bytes, and
 * S3's request ids are 16 characters. Used for request ids (RecordBatch) and
 * event ids (store/eventIds.ts); anything else is ID_TEXT, kept as text by the caller.
 */

/** Bytes per id: its kind, then 16 bytes (a UUID's, or a short id's characters). */
export const ID_STRIDE = 17;
/** Kinds: no id (''), a UUID in lower or upper case, text the caller keeps, ID_SHORT + n Latin-1 characters. */
export const ID_NONE = 0;
const ID_LOWER = 1;
const ID_UPPER = 2;
export const ID_TEXT = 3;
/** ID_SHORT + n: n (1 to 16) Latin-1 characters kept as bytes. */
const ID_SHORT = 16;
const SHORT_MAX = 16;

const HEX_LOWER = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const HEX_UPPER = HEX_LOWER.map((pair) => pair.toUpperCase());

/** The id of kind `kind` whose 16 bytes start at `at` ('' for ID_NONE; never called for ID_TEXT). */
export function idText(kind: number, bytes: Uint8Array, at: number): string {
  if (kind >= ID_SHORT) return shortText(bytes, at, kind - ID_SHORT);
  if (kind === ID_NONE || kind === ID_TEXT) return '';
  return uuidText(bytes, at, kind === ID_UPPER ? HEX_UPPER : HEX_LOWER);
}

function uuidText(bytes: Uint8Array, at: number, hex: readonly string[]): string {
  const b = (k: number): string => hex[bytes[at + k]!]!;
  return `${b(0)}${b(1)}${b(2)}${b(3)}-${b(4)}${b(5)}-${b(6)}${b(7)}-${b(8)}${b(9)}-${b(10)}${b(11)}${b(12)}${b(13)}${b(14)}${b(15)}`;
}

function shortText(bytes: Uint8Array, at: number, length: number): string {
  // apply takes any array-like; a typed array's bytes become the char codes.
  return String.fromCharCode.apply(null, bytes.subarray(at, at + length) as unknown as number[]);
}

/** Writes `value` into the 16 bytes at `at` when it fits (see packUuid, ID_SHORT); returns its kind, ID_TEXT when it does not fit. */
export function packId(value: string, out: Uint8Array, at: number): number {
  if (value === '') return ID_NONE;
  if (value.length === 36) {
    const kind = packUuid(value, out, at);
    if (kind !== ID_TEXT) return kind;
  }
  if (value.length > SHORT_MAX) return ID_TEXT;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0xff) return ID_TEXT;
    out[at + i] = c;
  }
  return ID_SHORT + value.length;
}

/**
 * Writes a canonical UUID (8-4-4-4-12 hex digits, letters all lower or all
 * upper case) as 16 bytes at `at`; returns its kind, or ID_TEXT for anything
 * else, which must be kept as text to come back unchanged.
 */
function packUuid(value: string, out: Uint8Array, at: number): number {
  if (value.length !== 36) return ID_TEXT;
  let lower = false;
  let upper = false;
  let k = 0;
  for (let i = 0; i < 36; i++) {
    const c = value.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45 /* - */) return ID_TEXT;
      continue;
    }
    let digit: number;
    if (c >= 48 && c <= 57) digit = c - 48;
    else if (c >= 97 && c <= 102) {
      digit = c - 87;
      lower = true;
    } else if (c >= 65 && c <= 70) {
      digit = c - 55;
      upper = true;
    } else return ID_TEXT;
    if ((k & 1) === 0) out[at + (k >> 1)] = digit << 4;
    else out[at + (k >> 1)] |= digit;
    k++;
  }
  if (lower && upper) return ID_TEXT;
  return upper ? ID_UPPER : ID_LOWER;
}
