import { describe, expect, it } from 'vitest';
import { nestedRepetition } from '../../src/detect/regexNesting.js';
import { sigmaRegex } from '../../src/detect/sigmaRegex.js';

describe('nestedRepetition: a repeated group whose body is one repeated atom', () => {
  it.each([
    ['^(a+)+$', '(a+)+'],
    ['(\\w*)*x', '(\\w*)*'],
    ['x(a+){2,}', '(a+){2,}'],
    ['((a+))+', '((a+))+'],
    ['((a+)?)+', '((a+)?)+'],
    ['(a{1,3})+', '(a{1,3})+'],
    ['(\\p{L}+)+', '(\\p{L}+)+'],
    ['(?<n>a+)+?', '(?<n>a+)+?'],
    ['(?:[a-z]+)*$', '(?:[a-z]+)*'],
  ])('%s is found, as %s', (source, found) => {
    expect(nestedRepetition(source)).toBe(found);
  });

  it.each([
    '.+:assumed-role/aws:.+',
    '^(?:[a-z0-9-]+\\.)+amazonaws\\.com$',
    '(ab)+',
    '(a{2})+',
    '(a?)+',
    '(a+)?b',
    '(a+){1}',
    '[(a+)]+',
    '\\(a+\\)+',
    '(?:x+y)*',
  ])('%s is left alone (one way to match each run)', (source) => {
    expect(nestedRepetition(source)).toBeNull();
  });

  it('makes a rule regex Unsupported, so the rule is listed as not run', () => {
    expect(() => sigmaRegex('userAgent', '^(a+)+$', '')).toThrow(/userAgent\|re: \(a\+\)\+ repeats a repetition/);
    expect(sigmaRegex('userIdentity.arn', '.+:assumed-role/aws:.+', '').source).toBe('.+:assumed-role/aws:.+');
  });
});
