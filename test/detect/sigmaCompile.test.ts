import { describe, expect, test } from 'vitest';
import type { QueryNode } from '../../src/query/ast.js';
import { compileDetection, parseRuleFile } from '../../src/detect/sigmaRule.js';
import { compileFieldEntry, piecesMatch, sigmaPieces, simplifyRegex, Unsupported } from '../../src/detect/sigmaValues.js';

const path = (dotted: string) => ({ kind: 'path' as const, path: dotted.split('.') });
const glob = (field: string, segments: string[], isGlob = segments.length > 1): QueryNode => ({
  kind: 'field',
  ref: path(field),
  match: { kind: 'glob', pattern: { segments, glob: isGlob } },
});

function rule(detection: string, extra = ''): string {
  return `title: T
id: 11111111-2222-3333-4444-555555555555
logsource:
  product: aws
  service: cloudtrail
${extra}detection:
${detection
  .split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}
`;
}

function reasonOf(text: string): string {
  const parsed = parseRuleFile(text, 'r.yml', 'test');
  expect(parsed.rules).toHaveLength(0);
  return parsed.skipped[0]!.reason;
}

describe('values', () => {
  test('a plain string is a whole-value glob, lowercased', () => {
    expect(compileFieldEntry('eventName', 'ConsoleLogin')).toEqual(glob('eventName', ['consolelogin']));
  });

  test('contains, startswith, endswith put * around the value; its own wildcards stay wildcards', () => {
    expect(compileFieldEntry('userAgent|contains', 'S3 Browser')).toEqual(glob('userAgent', ['', 's3 browser', '']));
    expect(compileFieldEntry('eventName|startswith', 'Update')).toEqual(glob('eventName', ['update', '']));
    expect(compileFieldEntry('eventName|endswith', 'Policy')).toEqual(glob('eventName', ['', 'policy']));
    expect(compileFieldEntry('userAgent|contains', 'a*b')).toEqual(glob('userAgent', ['', 'a', 'b', '']));
  });

  test("|contains: '*' is any value (one star)", () => {
    expect(compileFieldEntry('errorCode|contains', '*')).toEqual(glob('errorCode', ['', '']));
  });

  test('backslash escapes * ? and itself; before anything else it is a backslash', () => {
    expect(sigmaPieces('a\\*b')).toEqual([{ kind: 'text', text: 'a*b' }]);
    expect(sigmaPieces('a\\?b')).toEqual([{ kind: 'text', text: 'a?b' }]);
    expect(sigmaPieces('a\\\\*')).toEqual([{ kind: 'text', text: 'a\\' }, { kind: 'star' }]);
    expect(sigmaPieces('C:\\Windows')).toEqual([{ kind: 'text', text: 'C:\\Windows' }]);
    expect(compileFieldEntry('f', '"Principal":"\\*"')).toEqual(glob('f', ['"principal":"*"'], false));
  });

  test('? is one character: an anchored, case-insensitive regex with the rest escaped', () => {
    const node = compileFieldEntry('eventName', 'Get?ser.*');
    expect(node).toEqual({ kind: 'field', ref: path('eventName'), match: { kind: 'regex', source: '^Get[\\s\\S]ser\\.[\\s\\S]*$', flags: 'iu' } });
    const match = piecesMatch(sigmaPieces('a?(b)'), false);
    expect(match.kind === 'regex' && new RegExp(match.source, match.flags).test('AX(B)')).toBe(true);
  });

  test('cased keeps case: a regex without i', () => {
    expect(compileFieldEntry('eventName|cased', 'Get')).toEqual({ kind: 'field', ref: path('eventName'), match: { kind: 'regex', source: '^Get$', flags: 'u' } });
  });

  test('numbers and booleans compare as their text', () => {
    expect(compileFieldEntry('requestParameters.enable', false)).toEqual(glob('requestParameters.enable', ['false']));
    expect(compileFieldEntry('requestParameters.port', 22)).toEqual(glob('requestParameters.port', ['22']));
  });

  test('null is "missing or null": not(exists)', () => {
    expect(compileFieldEntry('errorCode', null)).toEqual({ kind: 'not', child: { kind: 'field', ref: path('errorCode'), match: { kind: 'exists' } } });
  });

  test('a list is any value; |all every value', () => {
    expect(compileFieldEntry('eventName', ['A', 'B'])).toEqual({ kind: 'or', children: [glob('eventName', ['a']), glob('eventName', ['b'])] });
    expect(compileFieldEntry('requestParameters|contains|all', ['x', 'y'])).toEqual({
      kind: 'and',
      children: [glob('requestParameters', ['', 'x', '']), glob('requestParameters', ['', 'y', ''])],
    });
  });

  test('exists, re (with flags), cidr', () => {
    expect(compileFieldEntry('a|exists', true)).toEqual({ kind: 'field', ref: path('a'), match: { kind: 'exists' } });
    expect(compileFieldEntry('a|exists', false)).toEqual({ kind: 'not', child: { kind: 'field', ref: path('a'), match: { kind: 'exists' } } });
    expect(compileFieldEntry('a|re', '^x[0-9]')).toEqual({ kind: 'field', ref: path('a'), match: { kind: 'regex', source: '^x[0-9]', flags: 'u' } });
    expect(compileFieldEntry('a|re|i|s', 'x')).toEqual({ kind: 'field', ref: path('a'), match: { kind: 'regex', source: 'x', flags: 'isu' } });
    expect(compileFieldEntry('sourceIPAddress|cidr', ['10.0.0.0/8', '2001:db8::/32'])).toEqual({
      kind: 'or',
      children: [
        { kind: 'field', ref: path('sourceIPAddress'), match: { kind: 'cidr', cidr: '10.0.0.0/8' } },
        { kind: 'field', ref: path('sourceIPAddress'), match: { kind: 'cidr', cidr: '2001:db8::/32' } },
      ],
    });
  });

  test('a leading or trailing .+ / .* of a regex is rewritten without changing what it finds', () => {
    expect(simplifyRegex('.+:assumed-role/aws:.+')).toBe('(?<=.):assumed-role/aws:(?=.)');
    expect(simplifyRegex('.*abc.*?')).toBe('abc');
    expect(simplifyRegex('a\\.+')).toBe('a\\.+'); // an escaped dot is a dot
    expect(simplifyRegex('.+a|b')).toBe('.+a|b'); // alternation: left alone
    // Random patterns from pieces, random texts with line breaks: the same answer every time.
    const pieces = ['.+', '.*', '.+?', '.*?', 'a', 'b', '\\.', '[ab]', '(a|b)', 'x?', '^', '$', '\\d', '(?:ab)+', '.'];
    const chars = ['a', 'b', 'x', '.', '1', '\n', ' '];
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let k = 0; k < 3000; k++) {
      const source = Array.from({ length: 1 + next(4) }, () => pieces[next(pieces.length)]).join('');
      let original: RegExp;
      try {
        original = new RegExp(source, ['', 's', 'm', 'i'][next(4)]);
      } catch {
        continue;
      }
      const simplified = new RegExp(simplifyRegex(source), original.flags);
      for (let t = 0; t < 8; t++) {
        const text = Array.from({ length: next(7) }, () => chars[next(chars.length)]).join('');
        expect(simplified.test(text), `${source} on ${JSON.stringify(text)}`).toBe(original.test(text));
      }
    }
  });

  test('what cannot run throws Unsupported with the field and reason', () => {
    const cases: [string, unknown, RegExp][] = [
      ['a|fieldref', '', /a\|fieldref: the value must name a field/],
      ['a|fieldref', 5, /a\|fieldref: the value must name a field/],
      ['a|fieldref|re', 'b', /a: modifiers \|fieldref\|re do not combine/],
      ['a|fieldref|cased', 'b', /do not combine/],
      ['a|fieldref|exists', 'b', /do not combine/],
      ['a|expand', '%x%', /placeholders/],
      ['a|base64offset|contains', 'x', /base64offset/],
      ['a|gt', 5, /numeric/],
      // Sigma 2.1 modifiers: named as such, not as unknown ones.
      ['a|neq', 'x', /a: the \|neq modifier \(not equal\) is not supported/],
      ['a|hour', 3, /a: time parts \(\|hour\) are not supported/],
      ['eventTime|minute', 0, /time parts \(\|minute\)/],
      ['a|bogus', 'x', /unknown modifier \|bogus/],
      ['a|re', '(', /bad regular expression/],
      ['a|cidr', '10.0.0.0', /not a CIDR/],
      ['a|exists', 'maybe', /true or false/],
      ['a|contains', null, /null with a modifier/],
      ['a', { b: 1 }, /map/],
      ['|contains', 'x', /keyword/],
      // An empty list: |all of none was true (the rule fired on every event), a plain list of none false.
      ['a|contains|all', [], /a: an empty list of values/],
      ['a', [], /a: an empty list of values/],
      ['a|exists', [], /a: an empty list of values/],
    ];
    for (const [key, value, reason] of cases) {
      expect(() => compileFieldEntry(key, value), key).toThrow(Unsupported);
      expect(() => compileFieldEntry(key, value), key).toThrow(reason);
    }
  });
});

describe('conditions', () => {
  const a = glob('a', ['1']);
  const b = glob('b', ['1']);
  const c = glob('c', ['1']);
  const detection = (condition: unknown) => ({ sel_a: { a: '1' }, sel_b: { b: '1' }, _c: { c: '1' }, condition });

  test('not binds tighter than and, and tighter than or; parentheses', () => {
    expect(compileDetection(detection('sel_a or sel_b and not _c'))).toEqual({
      kind: 'or',
      children: [a, { kind: 'and', children: [b, { kind: 'not', child: c }] }],
    });
    expect(compileDetection(detection('(sel_a or sel_b) and _c'))).toEqual({ kind: 'and', children: [{ kind: 'or', children: [a, b] }, c] });
  });

  test('1 of / any of / all of a pattern; them leaves out names starting with _', () => {
    expect(compileDetection(detection('1 of sel_*'))).toEqual({ kind: 'or', children: [a, b] });
    expect(compileDetection(detection('any of sel_*'))).toEqual({ kind: 'or', children: [a, b] });
    expect(compileDetection(detection('all of sel_*'))).toEqual({ kind: 'and', children: [a, b] });
    expect(compileDetection(detection('1 of them'))).toEqual({ kind: 'or', children: [a, b] });
    expect(compileDetection(detection('all of them and not _c'))).toEqual({ kind: 'and', children: [{ kind: 'and', children: [a, b] }, { kind: 'not', child: c }] });
    expect(compileDetection(detection('not 1 of sel_*'))).toEqual({ kind: 'not', child: { kind: 'or', children: [a, b] } });
  });

  test('a list of conditions matches when any does', () => {
    expect(compileDetection(detection(['sel_a', '_c']))).toEqual({ kind: 'or', children: [a, c] });
  });

  test('a list of maps is any map; a map is every entry', () => {
    expect(compileDetection({ s: [{ a: '1', b: '1' }, { c: '1' }], condition: 's' })).toEqual({
      kind: 'or',
      children: [{ kind: 'and', children: [a, b] }, c],
    });
  });

  test('aggregations, timeframe, unknown names, bad syntax and N of are unsupported', () => {
    expect(() => compileDetection(detection('sel_a | count() > 5'))).toThrow(/aggregations/);
    expect(() => compileDetection({ ...detection('sel_a'), timeframe: '5m' })).toThrow(/timeframe/);
    expect(() => compileDetection(detection('sel_x'))).toThrow(/'sel_x' is not a search identifier/);
    expect(() => compileDetection(detection('1 of nothing*'))).toThrow(/no search identifier matches/);
    expect(() => compileDetection(detection('(sel_a'))).toThrow(/not closed/);
    expect(() => compileDetection(detection('sel_a sel_b'))).toThrow(/unexpected 'sel_b'/);
    expect(() => compileDetection(detection('2 of sel_*'))).toThrow(/only 1 of and all of/);
    expect(() => compileDetection({ k: ['just', 'words'], condition: 'k' })).toThrow(/keyword searches/);
    expect(() => compileDetection({ s: { a: '1' } })).toThrow(/no condition/);
  });
});

describe('rule files', () => {
  test('a rule loads with its metadata and default level', () => {
    const parsed = parseRuleFile(rule('sel:\n  eventName: X\ncondition: sel', 'description: d\ntags:\n  - attack.t1078\nreferences:\n  - https://x\n'), 'r.yml', 'test');
    expect(parsed.skipped).toEqual([]);
    const [r] = parsed.rules;
    expect(r).toMatchObject({ id: '11111111-2222-3333-4444-555555555555', title: 'T', level: 'medium', description: 'd', tags: ['attack.t1078'], references: ['https://x'], path: 'r.yml' });
    expect(r!.ast).toEqual(glob('eventName', ['x']));
  });

  test('invalid YAML is reported with its line and column', () => {
    const reason = reasonOf('title: T\ndetection:\n  sel: [a\n  condition: sel\n');
    expect(reason).toMatch(/^not valid YAML: line \d+, column \d+: /);
    expect(reasonOf('title: T\ntitle: U\n')).toMatch(/line 2, column 1: .*[Uu]nique/);
  });

  test('other log sources, collections, correlations and missing parts are listed with a reason', () => {
    expect(reasonOf(rule('sel:\n  a: 1\ncondition: sel').replace('cloudtrail', 'cloudwatch'))).toMatch(/only aws\/cloudtrail/);
    expect(reasonOf('action: global\ntitle: T\n')).toMatch(/collections/);
    expect(reasonOf('title: T\ncorrelation:\n  type: event_count\n')).toMatch(/correlation rules/);
    expect(reasonOf('title: T\nlogsource:\n  product: aws\n  service: cloudtrail\n')).toMatch(/no detection/);
    expect(reasonOf(rule('sel:\n  a: 1\ncondition: sel').replace('title: T\n', ''))).toMatch(/no title/);
    expect(reasonOf(rule('sel:\n  a: 1\ncondition: sel', 'level: severe\n'))).toMatch(/unknown level/);
    expect(reasonOf('')).toBe('empty file');
  });

  test('a file of several documents gives one rule each, named by document', () => {
    const one = rule('sel:\n  a: 1\ncondition: sel');
    const parsed = parseRuleFile(`${one}---\n${one.replace('1111', '9999').replace('product: aws', 'product: gcp')}`, 'r.yml', 'test');
    expect(parsed.rules.map((r) => r.path)).toEqual(['r.yml (document 1)']);
    expect(parsed.skipped.map((s) => s.path)).toEqual(['r.yml (document 2)']);
  });

  test('rules without an id are named by their file, and in a file of several by their document too', () => {
    const noId = (name: string) => rule(`sel:\n  eventName: ${name}\ncondition: sel`).replace(/^id: .*\n/m, '');
    expect(parseRuleFile(noId('A'), 'dir/mine.yml', 'test').rules.map((r) => r.id)).toEqual(['mine']);
    const parsed = parseRuleFile(`${noId('A')}---\n${noId('B')}`, 'dir/mine.yml', 'test');
    expect(parsed.rules.map((r) => r.id)).toEqual(['mine#1', 'mine#2']);
  });
});
