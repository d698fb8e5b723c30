import { describe, expect, it } from 'vitest';
import { regexLiteral } from '../../src/query/regexLiteral.js';
import { prefilterOf, spanMayMatch } from '../../src/query/prefilter.js';
import { compileRecordMatcher } from '../../src/query/recordMatch.js';
import type { QueryNode } from '../../src/query/ast.js';
import { simplifyRegex } from '../../src/detect/sigmaValues.js';
import { int, pick, rng } from '../support/random.js';

describe('regexLiteral', () => {
  it('finds the run of plain characters every match holds', () => {
    const cases: [string, string | null][] = [
      ['.+:assumed-role/aws:.+', 'assumed-role/aws'],
      [simplifyRegex('.+:assumed-role/aws:.+'), 'assumed-role/aws'],
      ['abc|def', null],
      ['\\x41bcdef', null],
      ['foo\\d+barz', 'barz'],
      ['a+bcd', 'bcd'],
      ['ab+cd', 'ab'],
      ['[abcdef]xyz', 'xyz'],
      ['(abcdef)?defg', 'defg'],
      ['x{0,3}yy', 'yy'],
      ['abc?d', 'ab'],
      ['abc*de', 'ab'],
      ['a{2}bcd', 'bcd'],
      ['"Effect"\\s*:\\s*"Allow"', 'Effect'],
      ['^AKIA[A-Z0-9]{16}$', 'AKIA'],
      ['\\.amazonaws\\.com', 'amazonaws'],
      ['(?i)secret', 'secret'],
      ['\\1abc', null],
      ['...', null],
    ];
    for (const [source, expected] of cases) expect(regexLiteral(source), source).toBe(expected);
  });

  it('every string a random regex matches holds its literal (seeded)', () => {
    const random = rng(15);
    const pieces = ['a', 'b', 'ab', 'abc', 'xyz', '-', '/', '@', '_', '.', '.+', '.*', '\\d', '\\.', '\\-', 'a?', 'b*', 'c+', 'd{0,2}', 'e{2}', '[ab]', '(ab)?', '(xy)+', '^', '$', ':', ' ', '\\s*', '(?=a)', '(?<=b)', 'a+?', '[^a]'];
    const alphabet = ['a', 'b', 'c', 'd', 'e', 'x', 'y', 'z', '-', '/', '@', '_', '.', ':', ' ', '1', 'A', 'B'];
    let checked = 0;
    for (let round = 0; round < 4000; round++) {
      let source = '';
      for (let k = int(random, 1, 6); k > 0; k--) source += pick(random, pieces);
      const literal = regexLiteral(source);
      if (literal === null) continue;
      const regex = new RegExp(source, random() < 0.5 ? 'i' : '');
      for (let t = 0; t < 30; t++) {
        let text = '';
        for (let k = int(random, 0, 12); k > 0; k--) text += random() < 0.3 ? pick(random, pieces.filter((p) => /^[a-z\-/@_:. ]+$/.test(p))) : pick(random, alphabet);
        if (!regex.test(text)) continue;
        checked++;
        // Case-sensitive patterns hold the run exactly (query/valueMatch.ts tests it with includes()).
        if (regex.flags.includes('i')) expect(text.toLowerCase().includes(literal.toLowerCase()), `/${source}/i on '${text}'`).toBe(true);
        else expect(text.includes(literal), `/${source}/ on '${text}'`).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('the prefilter keeps every record a regex rule fires on, objects compared as their JSON text included', () => {
    const node = (path: string[], source: string): QueryNode => ({ kind: 'field', ref: { kind: 'path', path }, match: { kind: 'regex', source, flags: '' } });
    const rule = node(['userIdentity', 'arn'], simplifyRegex('.+:assumed-role/aws:.+'));
    expect(prefilterOf(rule)?.clauses).toEqual([['arn'], ['assumed-role/aws']]);
    const onObject = node(['requestParameters'], '"key"\\s*:\\s*"abc-def/ghi"');
    const records = [
      { userIdentity: { arn: 'arn:aws:sts::1:assumed-role/aws:ec2-instance/i-1' }, requestParameters: { key: 'abc-def/ghi' } },
      { userIdentity: { arn: 'arn:aws:sts::1:assumed-role\\/aws:x' } },
    ];
    for (const record of records) {
      const text = JSON.stringify(record, null, 1);
      const bytes = Buffer.from(text.replace('assumed-role/aws', 'assumed-role\\/aws'), 'utf8');
      for (const ast of [rule, onObject]) {
        const prefilter = prefilterOf(ast);
        if (!prefilter || !compileRecordMatcher(ast)(JSON.parse(bytes.toString('utf8')) as Record<string, unknown>)) continue;
        expect(spanMayMatch(prefilter, bytes, 0, bytes.length), JSON.stringify(ast)).toBe(true);
        expect(spanMayMatch(prefilter, Buffer.from(text, 'utf8'), 0, text.length)).toBe(true);
      }
    }
  });
});
