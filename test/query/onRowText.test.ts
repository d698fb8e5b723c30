import { describe, expect, it } from 'vitest';
import type { EventRow } from '../../src/model/types.js';
import { OnRowText } from '../../src/query/onRowText.js';
import { includesFolded } from '../../src/query/wordColumns.js';
import { ON_ROW_ID } from '../../src/store/columns.js';
import { eventRow } from '../support/rows.js';

describe('includesFolded', () => {
  it('answers as toLowerCase().includes() for ASCII and other text', () => {
    const values = ['', 'AssumeRole', 'ASSUMEROLE', '10.0.0.1', 'arn:aws:s3:::Bucket/Key', 'K\u212Aelvin', 'İstanbul', 'ΑΣ', 'a\nb', 'x'];
    const words = ['', 'assumerole', 'role', '0.0.1', 's3:::bucket/k', 'kelvin', 'k', 'i̇stanbul', 'istanbul', 'ας', 'σ', 'b', 'xx', 'a'];
    for (const value of values) {
      for (const word of words) expect(includesFolded(value, word), `${value} / ${word}`).toBe(value.toLowerCase().includes(word));
    }
  });
});

describe('OnRowText', () => {
  it('finds every on-row value holding a word, one hit per row, across chunks and as rows arrive', () => {
    const ids: number[] = [];
    const log: EventRow[] = [];
    const add = (value: string, onRow: boolean) => {
      ids.push(onRow ? ON_ROW_ID : 2);
      log.push(eventRow({ sourceIp: value }));
    };
    const text = new OnRowText(() => ids, (row) => row.sourceIp.toLowerCase());
    for (let k = 0; k < 20_000; k++) add(k % 3 === 0 ? `Host-${k}-HOST` : `10.0.${k}`, k % 5 !== 0);
    const search = (word: string) => {
      const hits = new Uint8Array(log.length);
      text.search(log, log.length, word, hits);
      return hits;
    };
    const expectHits = (word: string) => {
      const hits = search(word);
      log.forEach((row, seq) => {
        expect(hits[seq], `${seq} ${word}`).toBe(ids[seq] === ON_ROW_ID && row.sourceIp.toLowerCase().includes(word) ? 1 : 0);
      });
    };
    expectHits('host');
    expectHits('-1');
    for (let k = 20_000; k < 20_100; k++) add(`late-HOST-${k}`, true);
    expectHits('host');
    expectHits('late');
    expect(search('\u0000').some((h) => h === 1)).toBe(false);
  });
});
