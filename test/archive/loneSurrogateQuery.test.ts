/**
 * A lone surrogate typed in a query (`\u{d801}`, half of 𐐀: a pivot writes a value's odd code points
 * so) is U+FFFD, as SQL text holds it (ast.ts, fold.ts foldPattern): in memory it matched the first
 * half of 𐐀 in a record, where the archive matched nothing (found by fuzzDifferential.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/query/parse.js';
import { deepQuery, eachQueryAnswersAsInMemory, idsInMemory, idsOnArchive } from './sameAnswers.js';

const RECORDS: readonly Record<string, unknown>[] = [
  { eventID: 'pair', eventTime: '2024-03-05T08:00:00Z', eventName: 'Put𐐀Object', requestParameters: { name: 'x𐐀y' } },
  { eventID: 'plain', eventTime: '2024-03-05T08:01:00Z', eventName: 'PutObject', requestParameters: { name: 'xy' } },
  { eventID: 'replaced', eventTime: '2024-03-05T08:02:00Z', eventName: 'Put\ufffdObject', requestParameters: { name: 'x\ufffdy' } },
];

const QUERIES = [
  'params:"\\u{d801}"',
  'params:"x\\u{d801}"',
  'requestParameters.name:"x\\u{d801}"*',
  'requestParameters.name:*"\\u{dc00}y"',
  'name:"put\\u{d801}"*',
  '"\\u{d801}"',
  'params:"\\u{d801}\\u{dc00}"',
  'name:*"\\u{d801}\\u{dc00}"*',
];

describe('a lone surrogate in a query: archive = in memory', () => {
  const archive = eachQueryAnswersAsInMemory(RECORDS, QUERIES);

  it('is U+FFFD in the pattern: it finds no half of a character, and the replacement character', async () => {
    const parsed = parseQuery('name:"put\\u{d801}"*');
    expect(parsed.ok && parsed.ast.kind === 'field' && parsed.ast.match.kind === 'glob' ? parsed.ast.match.pattern.segments : null).toEqual(['put\ufffd', '']);
    expect(idsInMemory(RECORDS, 'params:"x\\u{d801}"')).toEqual(['replaced']);
    expect(await idsOnArchive(archive(), 'params:"x\\u{d801}"')).toEqual(['replaced']);
    // A whole pair typed is the character.
    expect(idsInMemory(RECORDS, 'params:"\\u{d801}\\u{dc00}"')).toEqual(['pair']);
    expect(deepQuery('params:"\\u{d801}\\u{dc00}"')).toEqual(deepQuery('params:"𐐀"'));
  });
});
