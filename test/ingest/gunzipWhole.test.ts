/**
 * gunzipWhole sizes zlib's output buffer from the gzip trailer (gunzipChunk).
 * The trailer is the file's word, not a fact: a size that lies either way, a
 * cut file and trailing garbage must give the same answers as before.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gunzipChunk, gunzipWhole } from '../../src/ingest/gunzip.js';

const text = Buffer.from(JSON.stringify({ Records: Array.from({ length: 2000 }, (_, k) => ({ eventID: `e${k}`, eventName: 'GetObject', n: k })) }));
const gz = gzipSync(text);

/** gz with its trailer's size field (the last 4 bytes) set to `size`. */
function withSize(size: number): Buffer {
  const copy = Buffer.from(gz);
  copy.writeUInt32LE(size >>> 0, copy.length - 4);
  return copy;
}

describe('gunzipWhole with an output buffer sized from the trailer', () => {
  it('sizes one buffer for the whole file, capped by the limit and 16 MiB, never below 64 bytes', () => {
    expect(gunzipChunk(gz, 1 << 30)).toBe(text.length + 1);
    expect(gunzipChunk(withSize(0xffffffff), 1 << 30)).toBe(16 * 1024 * 1024);
    expect(gunzipChunk(withSize(0xffffffff), 1000)).toBe(1001);
    expect(gunzipChunk(gz, 0)).toBe(64);
  });

  it('gives the same bytes whatever size the trailer claims (its check fails a wrong one as before)', () => {
    const ok = gunzipWhole(gz, 1 << 30);
    expect(ok.kind === 'ok' && ok.bytes.equals(text)).toBe(true);
    for (const size of [0, 1, text.length - 1, text.length + 1, 0xffffffff]) {
      const result = gunzipWhole(withSize(size), 1 << 30);
      // zlib checks ISIZE: a lying trailer is a bad file, exactly as with 16 KiB chunks.
      expect(result.kind, String(size)).toBe('error');
    }
  });

  it('a cut file: an error within the limit, too large past it (the streaming reader then keeps its records)', () => {
    const cut = gz.subarray(0, Math.floor(gz.length * 0.6));
    expect(gunzipWhole(cut, 1 << 30)).toMatchObject({ kind: 'error', reason: expect.stringContaining('unexpected end of file') });
    expect(gunzipWhole(cut, 1024).kind).toBe('too-large');
  });

  it('keeps the members before trailing garbage', () => {
    const result = gunzipWhole(Buffer.concat([gz, Buffer.from('garbage after the member')]), 1 << 30);
    expect(result.kind === 'ok' && result.bytes.equals(text) && result.note.startsWith('trailing data after the gzip stream')).toBe(true);
  });
});
