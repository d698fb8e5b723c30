/**
 * A regex term means what JavaScript means by it (ast.ts), on the archive too: RE2's `.` also
 * matches \r, U+2028 and U+2029, its `\s` misses the Unicode spaces (a no-break space) and it
 * cannot read `[]` or `[^]`, so the SQL spells those as JavaScript reads them (query/sql/compile.ts
 * re2FromJavaScript). Found by fuzzDifferential.test.ts (`\s` on a value with a no-break space).
 * And with i, the Kelvin sign is a k, as Unicode pairs letters (RE2 and JavaScript's u flag, which
 * the in-memory engine now adds where the source takes it: query/valueMatch.ts compileRegex); `.`
 * is a whole 🔥. Found by a probe after the fuzzer (its regexes rarely change such a letter's case).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryNode } from '../../src/query/ast.js';
import { compileRecordMatcher } from '../../src/query/recordMatch.js';
import { compileWhere } from '../../src/query/sql/index.js';
import { archiveOf, type TestArchive } from './helpers.js';

const VALUES = ['cr\rlf', 'crxlf', 'nbsp\u00a0x', 'a b', 'line\u2028sep', 'x\ny', 'v\u000bx', '\ufeffbom', 'ideographic\u3000space', 'plain', '\u212a-kelvin', 'long-\u017f', '\u1e9e-sharp', 'fire-🔥', '\b-backspace'];

const RECORDS: readonly Record<string, unknown>[] = VALUES.map((value, k) => ({
  eventID: `e${k}`,
  eventTime: `2024-03-05T08:${String(k).padStart(2, '0')}:00Z`,
  eventName: 'GetObject',
  userAgent: value,
  requestParameters: { value },
}));

const REGEXES: readonly [string, string][] = [
  ['cr.lf', ''],
  ['cr.lf', 's'],
  ['^line.sep$', ''],
  ['\\s', ''],
  ['\\S\\s\\S', 'i'],
  ['^\\S+$', ''],
  ['[^\\s]+\\s', ''],
  ['[\\s]x', ''],
  ['x.y', ''],
  ['a[^]b', ''],
  ['[]', ''],
  ['[.]', ''],
  // Unicode's case pairs and code points, as with JavaScript's u flag (ast.ts) and RE2.
  ['^k-', 'i'],
  ['-S$', 'i'],
  ['^\u00df', 'i'],
  ['^\\w-', 'i'],
  ['-.$', ''],
  ['^fire-.$', ''],
  ['[🔥]$', ''],
  // Escapes RE2 spells otherwise: it refused the query.
  ['^\\u00df', 'i'],
  ['-\\u{1F525}$', ''],
  ['x\\cJy', ''],
  ['^[\\b\\u0020]', ''],
  ['\\bplain\\b', ''],
];

const nodes = (source: string, flags: string): QueryNode[] => [
  { kind: 'field', ref: { kind: 'summary', name: 'agent' }, match: { kind: 'regex', source, flags } },
  { kind: 'field', ref: { kind: 'path', path: ['requestParameters', 'value'] }, match: { kind: 'regex', source, flags } },
  { kind: 'not', child: { kind: 'field', ref: { kind: 'params' }, match: { kind: 'regex', source, flags } } },
];

describe('JavaScript regexes on the archive (RE2) = in memory', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await archiveOf(RECORDS);
  });
  afterAll(() => archive?.close());

  it.each(REGEXES)('/%s/%s', async (source, flags) => {
    for (const node of nodes(source, flags)) {
      const matcher = compileRecordMatcher(node);
      const memory = RECORDS.filter((record) => matcher(record)).map((record) => String(record.eventID)).sort();
      expect(await archive.ids(compileWhere(node, { dialect: 'duckdb', schema: 'archive' })), JSON.stringify(node)).toEqual(memory);
      expect(await archive.ids(compileWhere(node, { dialect: 'duckdb', schema: 'cloudtrail' })), JSON.stringify(node)).toEqual(memory);
    }
  });

  it('finds a no-break space as whitespace, and no carriage return as any character', async () => {
    const [agent] = nodes('p\\sx', '');
    expect(await archive.ids(compileWhere(agent!, { dialect: 'duckdb', schema: 'archive' }))).toEqual(['e2']);
    const [dot] = nodes('^cr.lf$', '');
    expect(await archive.ids(compileWhere(dot!, { dialect: 'duckdb', schema: 'archive' }))).toEqual(['e1']);
  });
});
