/**
 * Gunzipping a whole file in memory, with a cap on the output and a second
 * chance for trailing garbage.
 *
 * zlib rejects a gzip file whole when bytes follow its last member that are
 * not another member (a partial upload, padding from a copy tool), although
 * every event before them decoded fine; `gzip -dc` prints them and warns.
 * We do the same: decode member by member, keep what decoded, and say
 * "trailing data after the gzip stream".
 */
import { crc32, gunzipSync, inflateRawSync } from 'node:zlib';
import { streamErrorReason } from './stream.js';

export type Gunzipped =
  | { kind: 'ok'; bytes: Buffer; note: string }
  | { kind: 'too-large' }
  | { kind: 'error'; reason: string };

export const TRAILING_NOTE = 'trailing data after the gzip stream';

const MIN_CHUNK = 64 * 1024;
const MAX_CHUNK = 16 * 1024 * 1024;
/** zlib's smallest chunkSize. */
const ZLIB_MIN_CHUNK = 64;

/**
 * An output buffer that holds the whole file: gzip ends with the (last
 * member's) size mod 2^32, and one buffer of that size saves zlib a third of
 * its time against growing 16 KiB chunks and joining them. A wrong size only
 * costs speed; `limit` and MAX_CHUNK cap what a lying trailer can make us
 * allocate.
 */
export function gunzipChunk(raw: Buffer, limit: number): number {
  const size = raw.length >= 18 ? raw.readUInt32LE(raw.length - 4) : 0;
  // At most limit + 1: output past the limit then stops zlib before a truncated stream's end can fail it,
  // so a cut file over the limit is 'too-large' (read by the streaming reader, which keeps its records).
  return Math.max(ZLIB_MIN_CHUNK, Math.min(Math.max(size + 1, MIN_CHUNK), MAX_CHUNK, limit + 1));
}

/** Gunzips `raw` (at most `limit` bytes out); the members before trailing garbage when there is some. */
export function gunzipWhole(raw: Buffer, limit: number): Gunzipped {
  try {
    return { kind: 'ok', bytes: gunzipSync(raw, { maxOutputLength: Math.max(limit, 1), chunkSize: gunzipChunk(raw, limit) }), note: '' };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') return { kind: 'too-large' };
    const salvaged = code === 'Z_DATA_ERROR' ? gunzipMembers(raw, limit) : null;
    if (salvaged === 'too-large') return { kind: 'too-large' };
    if (salvaged && salvaged.members > 0 && salvaged.trailing > 0) {
      return { kind: 'ok', bytes: salvaged.bytes, note: `${TRAILING_NOTE} (${salvaged.trailing} bytes ignored)` };
    }
    return { kind: 'error', reason: streamErrorReason(error, true) };
  }
}

/**
 * A one-member gzip file's data without the CRC-32 check of its output (a
 * fifth of gunzip's time), for bytes whose version the reader has already
 * decoded and checked (same fileIdentity). Null when `raw` is not exactly
 * one good member (or inflates past `limit`): the caller gunzips as usual.
 */
export function inflateChecked(raw: Buffer, limit: number, chunkSize: number): Buffer | null {
  const body = memberBody(raw, 0);
  if (body < 0) return null;
  try {
    const inflated = inflateRawSync(raw.subarray(body), { info: true, maxOutputLength: Math.max(limit, 1), chunkSize }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    // The trailer ends the file, and its size mod 2^32 is the output's: one whole member.
    const end = body + inflated.engine.bytesWritten;
    if (end + 8 !== raw.length || raw.readUInt32LE(end + 4) !== inflated.buffer.length % 2 ** 32) return null;
    return inflated.buffer;
  } catch {
    return null;
  }
}

interface Members {
  bytes: Buffer;
  members: number;
  /** Bytes after the last good member. */
  trailing: number;
}

/** Decodes gzip members one after the other until bytes that are not a good member; null when the first is not. */
export function gunzipMembers(raw: Buffer, limit: number): Members | 'too-large' | null {
  const parts: Buffer[] = [];
  let total = 0;
  let offset = 0;
  let members = 0;
  while (offset < raw.length) {
    const body = memberBody(raw, offset);
    if (body < 0) break;
    let inflated: { buffer: Buffer; engine: { bytesWritten: number } };
    try {
      inflated = inflateRawSync(raw.subarray(body), { info: true, maxOutputLength: Math.max(limit - total, 1) }) as unknown as typeof inflated;
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return 'too-large';
      break;
    }
    const end = body + inflated.engine.bytesWritten;
    if (end + 8 > raw.length) break;
    // The trailer: CRC-32 and size mod 2^32 of this member's output.
    if (raw.readUInt32LE(end) !== crc32(inflated.buffer) >>> 0 || raw.readUInt32LE(end + 4) !== inflated.buffer.length % 2 ** 32) break;
    parts.push(inflated.buffer);
    total += inflated.buffer.length;
    members++;
    offset = end + 8;
  }
  if (members === 0) return null;
  return { bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts), members, trailing: raw.length - offset };
}

/** Where the deflate data of a gzip member starting at `offset` begins (RFC 1952 header), or -1. */
function memberBody(raw: Buffer, offset: number): number {
  if (offset + 10 > raw.length || raw[offset] !== 0x1f || raw[offset + 1] !== 0x8b || raw[offset + 2] !== 8) return -1;
  const flags = raw[offset + 3]!;
  let p = offset + 10;
  if (flags & 4) {
    if (p + 2 > raw.length) return -1;
    p += 2 + raw.readUInt16LE(p);
  }
  for (const bit of [8, 16]) {
    if (flags & bit) {
      const zero = raw.indexOf(0, p);
      if (zero < 0) return -1;
      p = zero + 1;
    }
  }
  if (flags & 2) p += 2;
  return p <= raw.length ? p : -1;
}
