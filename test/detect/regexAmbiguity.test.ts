import { describe, expect, it } from 'vitest';
import { exponentialAmbiguity } from '../../src/detect/regexAmbiguity.js';
import { sigmaRegex } from '../../src/detect/sigmaRegex.js';

describe('exponentialAmbiguity: a repetition that can match one text in many ways', () => {
  it.each([
    ['^(a|aa)+$', '(a|aa)+'],
    ['^(a|a?)+$', '(a|a?)+'],
    ['^(\\w|\\d)+$', '(\\w|\\d)+'],
    ['^(a+b?)+$', '(a+b?)+'],
    ['^(\\w+\\s?)*$', '(\\w+\\s?)*'],
    ['(.*,){20}x', '(.*,){20}'],
    ['^(a+)+$', '(a+)+'],
    ['(a*)*b', '(a*)*'],
    ['^(?:a|b|ab)*c', '(?:a|b|ab)*'],
    ['^(a|aa){1,60}$', '(a|aa){1,60}'],
    ['^(?:(?:a|)+)*b', '(?:(?:a|)+)*'],
    ['^(?:[a-z]+\\s?)+$', '(?:[a-z]+\\s?)+'],
    ['^(?:a|ab|b){2,5}c', '(?:a|ab|b){2,5}'],
  ])('%s is found, at %s', (source, part) => {
    expect(exponentialAmbiguity(source, 'u')).toEqual({ kind: 'exponential', part });
  });

  it('reads the i flag as V8 does: the Kelvin sign is a k', () => {
    expect(exponentialAmbiguity('^(?:k|\\u212A)+!', 'u')).toBeNull();
    expect(exponentialAmbiguity('^(?:k|\\u212A)+!', 'iu')).toEqual({ kind: 'exponential', part: '(?:k|\\u212A)+' });
    expect(exponentialAmbiguity('^(?:[a-z]|B)+!', 'iu')).toEqual({ kind: 'exponential', part: '(?:[a-z]|B)+' });
  });

  it('looks inside lookarounds', () => {
    expect(exponentialAmbiguity('x(?=(a|aa)+$)', 'u')).toEqual({ kind: 'exponential', part: '(a|aa)+' });
    expect(exponentialAmbiguity('(?<!(\\w|\\d)+)x', 'u')).toEqual({ kind: 'exponential', part: '(\\w|\\d)+' });
  });

  it.each([
    '^(?:[a-z0-9-]+\\.)+amazonaws\\.com$',
    '(?:[a-z0-9-]+\\.)+amazonaws\\.com',
    '.+:assumed-role/aws:.+',
    '(foo|bar)+',
    '^(foo|bar)+$',
    '^(ab)+$',
    '(a{2})+',
    '(a?)+',
    '(a+)?b',
    '(?:x+y)*',
    '^(\\d{12}|arn:aws[a-z-]*:iam::\\d{12}:.+)$',
    '"Action"\\s*:\\s*(\\[[^\\]]*)?"\\*(:\\*)?"',
    '^(?:[0-9]{1,3}\\.){3}[0-9]{1,3}$',
    '[0-9]{12}',
    '^[\\s\\S]*a[\\s\\S]*b[\\s\\S]*$',
    '(?:\\w+,)*\\w+',
    '^(?:[^,]*,)*x$',
    '(?:"[^"]*"|[^,"]*)(?:,(?:"[^"]*"|[^,"]*))*',
    '(a)\\1',
    '\\p{L}+-\\d+',
    '^arn:aws:iam::\\d{12}:(?:user|role)/.+$',
    '^(?:aws-cli|boto3|botocore)/[\\d.]+',
    '\\b(?:\\d{1,3}\\.){3}\\d{1,3}\\b',
    '^[A-Za-z0-9+/]{20,}={0,2}$',
    '(?:%[0-9a-f]{2})+',
    '^(?:[^:]*:){5}[^:]*$',
    '^(\\S+\\s+){2,}\\S+$',
    '^(?:\\w+-)*\\w+$',
    '(?:[0-9a-f]{2}:){5}[0-9a-f]{2}',
  ])('%s is left alone', (source) => {
    expect(exponentialAmbiguity(source, 'u')).toBeNull();
    expect(exponentialAmbiguity(source, '')).toBeNull();
  });
});

describe('sigmaRegex refuses such a rule regex with the reason, as it loads', () => {
  it.each([
    ['^(a|aa)+$', '', '(a|aa)+'],
    ['(?i)^(\\w+\\s?)*$', '', '(\\w+\\s?)*'],
    ['(.*,){20}x', 's', '(.*,){20}'],
  ])('%s (flags %s)', (text, flags, part) => {
    expect(() => sigmaRegex('userAgent', text, flags)).toThrow(`userAgent|re: ${part} can match the same text in many ways`);
  });

  it('passes the shapes rules write', () => {
    expect(sigmaRegex('eventSource', '^(?:[a-z0-9-]+\\.)+amazonaws\\.com$', '').flags).toBe('u');
    expect(sigmaRegex('eventName', '(Get|List)+', 'i').flags).toBe('iu');
  });
});
