/**
 * Sigma `|re` values written as PCRE writes them: the same rule must load and
 * fire alike in memory (the record matcher, through the Detector) and as SQL
 * on a DuckDB archive (RE2).
 */
import { describe, expect, test } from 'vitest';
import { createDetector } from '../../src/detect/recordDetector.js';
import { parseRuleFile } from '../../src/detect/sigmaRule.js';
import { compileWhere } from '../../src/query/sql/index.js';
import { pcreDots, pcreLines, pcreSpaces, sigmaRegex } from '../../src/detect/sigmaRegex.js';
import { regexLiteral } from '../../src/query/regexLiteral.js';
import { firedOnBothForThisBlock, selectionRule } from './bothEngines.js';

function event(id: string, overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    eventID: id,
    eventTime: '2024-03-05T12:00:00Z',
    eventName: 'GetCallerIdentity',
    eventSource: 'sts.amazonaws.com',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice' },
    ...overrides,
  };
}

const EVENTS = [
  event('trufflehog', { userAgent: 'TruffleHog v3.63.2' }),
  event('cli', { userAgent: 'aws-cli/2.15.0' }),
  event('lines', { userAgent: 'first\nTRUFFLEHOG second' }),
  event('emoji', { userAgent: 'x😀y' }),
  event('cr', { userAgent: 'aws\rcli', userIdentity: { type: 'AssumedRole', arn: '\r:assumed-role/aws:\u2028' } }),
  event('ls', { userAgent: 'aws\u2028cli' }),
  event('nbsp', { userAgent: 'aws\u00a0cli' }),
  event('vt', { userAgent: 'aws\vcli' }),
  event('imds', { userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/aws:ec2-instance/i-0abc' } }),
];

describe('Sigma regexes as PCRE writes them, in memory and on DuckDB', () => {
  /** The events the rule fires on, in memory and on the archive (asserted equal). */
  const { fired } = firedOnBothForThisBlock(EVENTS);

  test('a leading (?i) is the i flag (JavaScript has no inline flags): the rule loads and fires', async () => {
    expect(await fired("userAgent|re: '(?i)^trufflehog'")).toEqual(['trufflehog']);
    expect(await fired("userAgent|re: '(?i)trufflehog'")).toEqual(['lines', 'trufflehog']);
    expect(await fired("userAgent|re: '(?im)^trufflehog'")).toEqual(['lines', 'trufflehog']);
    // Without it the match is case-sensitive.
    expect(await fired("userAgent|re: '^trufflehog'")).toEqual([]);
  });

  test('flags from the group join those of the modifiers', () => {
    expect(sigmaRegex('f', '(?is)a.b', '')).toEqual({ source: 'a.b', flags: 'isu' });
    expect(sigmaRegex('f', '(?i)x', 'mi')).toEqual({ source: 'x', flags: 'miu' });
    expect(sigmaRegex('f', '(?:a|b)', '')).toEqual({ source: '(?:a|b)', flags: 'u' });
  });

  test('Unicode classes and astral characters read as RE2 reads them (the u flag); escapes only PCRE allows still load', async () => {
    expect(await fired("userAgent|re: '^\\p{Lu}'")).toEqual(['trufflehog']);
    expect(await fired("userAgent|re: '^x.y$'")).toEqual(['emoji']);
    expect(await fired("userAgent|re: '^aws\\-cli\\/'")).toEqual(['cli']);
    expect(sigmaRegex('f', 'aws\\-cli', '')).toEqual({ source: 'aws\\-cli', flags: '' });
  });

  test("a dot is PCRE's and RE2's (anything but \\n), not JavaScript's (which also leaves out \\r, U+2028, U+2029)", async () => {
    expect(await fired("userAgent|re: '^aws.cli$'")).toEqual(['cr', 'ls', 'nbsp', 'vt']);
    expect(await fired("userAgent|re: '^aws[.]cli$'")).toEqual([]);
    expect(await fired("userAgent|re: '^aws\\.cli$'")).toEqual([]);
    expect(await fired("userAgent|re: 'first.TRUFFLEHOG'")).toEqual([]);
    expect(await fired("userAgent|re|s: 'first.TRUFFLEHOG'")).toEqual(['lines']);
    // SigmaHQ's IMDS rule: its edge dots keep their rewrite (no lookaround for RE2) and its literal (the span prefilter).
    expect(await fired("userIdentity.arn|re: '.+:assumed-role/aws:.+'")).toEqual(['cr', 'imds']);
    const ast = parseRuleFile(selectionRule("userIdentity.arn|re: '.+:assumed-role/aws:.+'"), 'r.yml', 'test').rules[0]!.ast;
    expect(ast).toMatchObject({ match: { source: '(?<=[^\\n]):assumed-role/aws:(?=[^\\n])' } });
    expect(regexLiteral((ast as { match: { source: string } }).match.source)).toBe('assumed-role/aws');
    expect(pcreDots('a.[.]\\.(?:.)[^.]', '')).toBe('a[^\\n][.]\\.(?:[^\\n])[^.]');
    expect(pcreDots('a.b', 'is')).toBe('a.b');
  });

  test("\\s is PCRE's ASCII white space (\\v too), not JavaScript's Unicode spaces nor RE2's (without \\v)", async () => {
    expect(await fired("userAgent|re: '^aws\\scli$'")).toEqual(['cr', 'vt']);
    expect(await fired("userAgent|re: '^aws\\Scli$'")).toEqual(['ls', 'nbsp']);
    expect(await fired("userAgent|re: '^aws[\\s_]cli$'")).toEqual(['cr', 'vt']);
    expect(await fired("userAgent|re: '^aws[\\s\\S]cli$'")).toEqual(['cr', 'ls', 'nbsp', 'vt']);
    expect(pcreSpaces('a\\s[\\s_][\\s\\S]\\\\s\\S')).toBe('a[\\t\\n\\v\\f\\r ][\\t\\n\\v\\f\\r _][\\s\\S]\\\\s[^\\t\\n\\v\\f\\r ]');
    // Beside a -, the spelt-out space would start a range: such a class keeps JavaScript's \s.
    expect(pcreSpaces('[\\s-a][a-\\s]')).toBe('[\\s-a][a-\\s]');
  });

  test("under m, ^ and $ break lines at \\n only (PCRE, RE2), not also at \\r and U+2028 (JavaScript)", async () => {
    expect(await fired("userAgent|re|m: '^cli$'")).toEqual([]);
    expect(await fired("userAgent|re|m: '^TRUFFLEHOG'")).toEqual(['lines']);
    expect(await fired("userAgent|re|m: 'first$'")).toEqual(['lines']);
    expect(await fired("userAgent|re|m: '[$^]'")).toEqual([]);
    expect(pcreLines('^a[$^]\\$b$', 'im')).toEqual({ source: '(?<![^\\n])a[$^]\\$b(?![^\\n])', flags: 'i' });
    expect(pcreLines('^a$', 'i')).toEqual({ source: '^a$', flags: 'i' });
  });

  test('inline flags JavaScript cannot spell are refused with that reason, not as a bad regex', () => {
    const reason = (value: string) => parseRuleFile(selectionRule(`userAgent|re: '${value}'`), 'r.yml', 'test').skipped[0]?.reason;
    expect(reason('(?x)a b')).toMatch(/userAgent\|re: the inline flag x of \(\?x\) has no JavaScript equivalent/);
    expect(reason('a(?i)b')).toMatch(/inline flags are supported only as a group at the start/);
    expect(reason('(?i:a)b')).toMatch(/inline flags are supported only as a group at the start/);
    expect(reason('(')).toMatch(/bad regular expression/);
  });

  test('PCRE escapes and classes JavaScript reads otherwise (\\A as A, [[:alpha:]] as [[:alph] then ]) mean what PCRE means', async () => {
    expect(await fired("userAgent|re: '\\Aaws'")).toEqual(['cli', 'cr', 'ls', 'nbsp', 'vt']);
    expect(await fired("userAgent|re: 'cli\\z'")).toEqual(['cr', 'ls', 'nbsp', 'vt']);
    expect(await fired("userAgent|re: '^[[:alpha:]]+-[[:alpha:]]+/'")).toEqual(['cli']);
    expect(await fired("userAgent|re: '[[:digit:]]\\x{2e}[[:digit:]]+$'")).toEqual(['cli', 'trufflehog']);
    // PCRE reads a ] first in a class as itself, JavaScript as an empty class that matches nothing.
    expect(await fired("userAgent|re: '[]x]'")).toEqual(['emoji']);
    expect(await fired("userAgent|re: '^[^]a-z]'")).toEqual(['trufflehog']);
    // \v is PCRE's vertical white space (JavaScript and RE2: the one character \x0b), \h horizontal, \R a line break.
    expect(await fired("userAgent|re: 'aws\\vcli'")).toEqual(['cr', 'ls', 'vt']);
    expect(await fired("userAgent|re: 'aws[\\v]cli'")).toEqual(['cr', 'ls', 'vt']);
    expect(await fired("userAgent|re: 'aws\\Rcli'")).toEqual(['cr', 'ls', 'vt']);
    expect(await fired("userAgent|re: '^\\S+\\h'")).toEqual(['nbsp', 'trufflehog']);
    expect(await fired("userAgent|re: '^aws\\Hcli'")).toEqual(['cli', 'cr', 'ls', 'vt']);
  });

  test('escaped letters PCRE gives a meaning JavaScript has not are refused with that reason', () => {
    const reason = (value: string) => parseRuleFile(selectionRule(`userAgent|re: '${value}'`), 'r.yml', 'test').skipped[0]?.reason;
    expect(reason('a\\Kb')).toMatch(/userAgent\|re: \\K means something else to JavaScript than to PCRE/);
    expect(reason('[\\V]')).toMatch(/\\V means something else/);
    // PCRE's \x4 is the character 4, JavaScript's the letters x4; \x{...} past U+FFFF has no spelling without u.
    expect(reason('a\\x4')).toMatch(/userAgent\|re: \\x means something else/);
    expect(reason('a\\x{1F600}')).toMatch(/userAgent\|re: \\x\{\.\.\.\} means something else/);
    expect(reason('\\Qa.b\\E')).toMatch(/\\Q means something else/);
    expect(reason('(?m)\\Aaws')).toMatch(/\\A under the m flag/);
    expect(reason('[[:^alpha:]]')).toMatch(/\[:\^alpha:\] means something else/);
    expect(reason('\\p{L}\\-')).toMatch(/Unicode class/);
  });
});

describe("PCRE's $ (without m) is also just before a final line break, in memory and on DuckDB", () => {
  const { fired } = firedOnBothForThisBlock([
    event('plain', { userAgent: 'aws-cli/2.15.0' }),
    event('final-newline', { userAgent: 'aws-cli/2.15.0\n' }),
    event('two-newlines', { userAgent: 'aws-cli/2.15.0\n\n' }),
    event('crlf', { userAgent: 'aws-cli/2.15.0\r\n' }),
    event('more', { userAgent: 'aws-cli/2.15.0\nx' }),
  ]);

  test('a value with a trailing \\n does not slip past ^...$ (nor \\Z); \\z is the end alone; under m, $ is any line end', async () => {
    expect(await fired("userAgent|re: '^aws-cli/[0-9.]+$'")).toEqual(['final-newline', 'plain']);
    expect(await fired("userAgent|re: '^(aws-cli|boto3)/[0-9.]+$'")).toEqual(['final-newline', 'plain']);
    expect(await fired("userAgent|re: '^(x|aws-cli/[0-9.]+$)$'")).toEqual(['final-newline', 'plain']);
    expect(await fired("userAgent|re: '0$|^boto'")).toEqual(['final-newline', 'plain']);
    expect(await fired("userAgent|re: '^aws-cli/[0-9.]+\\z'")).toEqual(['plain']);
    expect(await fired("userAgent|re: '^aws-cli/[0-9.]+\\Z'")).toEqual(['final-newline', 'plain']);
    expect(await fired("userAgent|re|m: '^aws-cli/[0-9.]+$'")).toEqual(['final-newline', 'more', 'plain', 'two-newlines']);
  });

  test('where something could match after it, RE2 cannot spell it: the rule runs in memory and is refused on the archive', () => {
    const ast = parseRuleFile(selectionRule("userAgent|re: '0$\\n'"), 'r.yml', 'test').rules[0]!.ast;
    expect(createDetector([{ ast }]).test(event('x', { userAgent: 'aws-cli/2.15.0\n' }))).not.toBeNull();
    expect(() => compileWhere(ast, { dialect: 'duckdb', schema: 'archive' })).toThrow(/lookaround/);
  });
});

describe('random PCRE-style patterns: memory and DuckDB (RE2) fire on the same events', () => {
  const TEXTS = ['a', 'x a', 'a\tb', 'a\rb', 'a\nb', 'a\u00a0b', 'a\u2028b', 'a\vb', '_1', 'x😀y', 'A B', '', 'b\r\na', 'a\u2029'];
  const events = TEXTS.map((text, k) => event(`t${String(k).padStart(2, '0')}`, { userAgent: text }));
  const { fired } = firedOnBothForThisBlock(events);

  test('300 seeded patterns of dots, \\s, \\S, classes and anchors, with and without s or m', async () => {
    const atoms = ['a', 'b', '.', '\\s', '\\S', '[\\s_]', '[^a]', 'x*', '.+', '(a|\\s)', '\\d', '^', '$', ' ', '[\\s\\S]'];
    let seed = 11;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let fires = 0;
    for (let k = 0; k < 300; k++) {
      const pattern = Array.from({ length: 1 + next(4) }, () => atoms[next(atoms.length)]).join('');
      const key = ['userAgent|re', 'userAgent|re', 'userAgent|re|s', 'userAgent|re|m'][next(4)]!;
      const memory = await fired(`${key}: '${pattern}'`, `${key}: ${pattern}`);
      if (memory.length > 0 && memory.length < events.length) fires++;
    }
    // Not vacuous: most patterns tell events apart.
    expect(fires).toBeGreaterThan(150);
  });
});
