/** One wording for sizes everywhere (export, archive, athena, the clipboard, the gzip caps said KB, KiB or "bytes"). */
import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/term/bytes.js';
import { formatBytes as fromExport } from '../../src/export/progress.js';

describe('formatBytes', () => {
  it('says bytes under 1 KiB, one decimal under 10 of a unit, none where it is whole or over 10', () => {
    expect([0, 812, 1023].map(formatBytes)).toEqual(['0 B', '812 B', '1023 B']);
    expect([1024, 1536, 10 * 1024 - 1, 10 * 1024, 300 * 1024 * 1024].map(formatBytes)).toEqual(['1 KiB', '1.5 KiB', '10 KiB', '10 KiB', '300 MiB']);
    expect([2 ** 30, 2 * 2 ** 30, 1.25 * 2 ** 30, 5 * 2 ** 40, 2 ** 52].map(formatBytes)).toEqual(['1 GiB', '2 GiB', '1.3 GiB', '5 TiB', '4096 TiB']);
  });

  it('is the one the export module hands on', () => {
    expect(fromExport).toBe(formatBytes);
  });
});
