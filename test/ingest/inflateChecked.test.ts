/**
 * inflateChecked decodes a one-member gzip file without the CRC check, for
 * a file version the reader already decoded: it must give gunzip's bytes
 * exactly, and null (gunzip decides) for anything but one whole member.
 */
import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inflateChecked } from '../../src/ingest/gunzip.js';

const text = Buffer.from(JSON.stringify({ Records: Array.from({ length: 300 }, (_, k) => ({ eventID: `e${k}`, eventName: 'GetObject', n: k })) }));
const one = gzipSync(text);

describe('inflateChecked', () => {
  it("gives gunzip's bytes for one member, with a named header too, whatever the output chunk size", () => {
    expect(inflateChecked(one, 1 << 30, 64 * 1024)).toEqual(gunzipSync(one));
    expect(inflateChecked(one, 1 << 30, text.length + 1)).toEqual(text);
    // FNAME set: a file name, zero-terminated, after the 10-byte header.
    const named = Buffer.concat([one.subarray(0, 3), Buffer.from([one[3]! | 8]), one.subarray(4, 10), Buffer.from('a.json\0'), one.subarray(10)]);
    expect(gunzipSync(named)).toEqual(text);
    expect(inflateChecked(named, 1 << 30, 64 * 1024)).toEqual(text);
    const empty = gzipSync(Buffer.alloc(0));
    expect(inflateChecked(empty, 1 << 30, 64 * 1024)?.length).toBe(0);
  });

  it('null for two members, trailing bytes, a cut file, a wrong size, a bomb past the limit or no gzip at all', () => {
    expect(inflateChecked(Buffer.concat([one, gzipSync('more')]), 1 << 30, 64 * 1024)).toBeNull();
    expect(inflateChecked(Buffer.concat([one, Buffer.from('\n')]), 1 << 30, 64 * 1024)).toBeNull();
    expect(inflateChecked(one.subarray(0, one.length - 1), 1 << 30, 64 * 1024)).toBeNull();
    expect(inflateChecked(one.subarray(0, one.length >> 1), 1 << 30, 64 * 1024)).toBeNull();
    const wrongSize = Buffer.from(one);
    wrongSize.writeUInt32LE(text.length + 1, wrongSize.length - 4);
    expect(inflateChecked(wrongSize, 1 << 30, 64 * 1024)).toBeNull();
    expect(inflateChecked(one, text.length - 1, 64 * 1024)).toBeNull();
    expect(inflateChecked(text, 1 << 30, 64 * 1024)).toBeNull();
    expect(inflateChecked(randomBytes(64), 1 << 30, 64 * 1024)).toBeNull();
  });

  it('does not check the CRC: that is why it is only for a version the reader has decoded', () => {
    const badCrc = Buffer.from(one);
    badCrc.writeUInt32LE((badCrc.readUInt32LE(badCrc.length - 8) ^ 1) >>> 0, badCrc.length - 8);
    expect(() => gunzipSync(badCrc)).toThrow();
    expect(inflateChecked(badCrc, 1 << 30, 64 * 1024)).toEqual(text);
  });
});
