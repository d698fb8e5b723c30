/**
 * The Sigma engine end to end on records: YAML -> rule -> AST -> the query
 * layer's record matcher, through the Detector and its prefilter. Each case
 * states the expected answer and also checks the brute-force reference (which
 * reads the YAML directly) agrees, so a mistake in either shows.
 */
import { describe, expect, test } from 'vitest';
import { createDetector } from '../../src/detect/recordDetector.js';
import { parseRuleFile } from '../../src/detect/sigmaRule.js';
import { ruleText } from './ruleText.js';
import { referenceMatches, referenceRules } from './sigmaReference.js';

/** Whether the rule fires on each record, per the engine; asserts the reference agrees on every one. */
function fires(detection: string, records: unknown[]): boolean[] {
  const text = ruleText(detection);
  const parsed = parseRuleFile(text, 'r.yml', 'test');
  expect(parsed.skipped).toEqual([]);
  const detector = createDetector(parsed.rules.map((r) => ({ ast: r.ast })));
  const reference = referenceRules(text)[0]!;
  return records.map((record) => {
    const engine = detector.test(record) !== null;
    expect(engine, `reference disagrees on ${JSON.stringify(record)}`).toBe(referenceMatches(reference, record));
    return engine;
  });
}

const ev = (fields: Record<string, unknown>) => ({ eventSource: 'iam.amazonaws.com', eventName: 'CreateUser', ...fields });

describe('strings', () => {
  test('whole value, any case', () => {
    expect(fires('sel:\n  eventName: createuser\ncondition: sel', [ev({}), ev({ eventName: 'CreateUserX' }), ev({ eventName: 'CREATEUSER' })])).toEqual([true, false, true]);
  });

  test('Unicode case folds too', () => {
    expect(fires('sel:\n  userAgent: ÄRGER\ncondition: sel', [ev({ userAgent: 'ärger' }), ev({ userAgent: 'arger' })])).toEqual([true, false]);
  });

  test('* and ? wildcards; backslash escapes them', () => {
    expect(fires("sel:\n  eventName: 'Create*'\ncondition: sel", [ev({}), ev({ eventName: 'DeleteUser' })])).toEqual([true, false]);
    expect(fires("sel:\n  eventName: 'Create?ser'\ncondition: sel", [ev({}), ev({ eventName: 'CreateUUser' }), ev({ eventName: 'Createuser' })])).toEqual([true, false, true]);
    expect(fires("sel:\n  userAgent: 'a\\*b'\ncondition: sel", [ev({ userAgent: 'a*b' }), ev({ userAgent: 'axb' })])).toEqual([true, false]);
    expect(fires("sel:\n  userAgent: 'a\\?b'\ncondition: sel", [ev({ userAgent: 'a?b' }), ev({ userAgent: 'axb' })])).toEqual([true, false]);
    expect(fires("sel:\n  userAgent: 'C:\\\\*'\ncondition: sel", [ev({ userAgent: 'C:\\x' }), ev({ userAgent: 'C:x' })])).toEqual([true, false]);
    expect(fires("sel:\n  userAgent: 'C:\\Windows'\ncondition: sel", [ev({ userAgent: 'c:\\windows' })])).toEqual([true]);
  });

  test('regex special characters in a plain value are literal', () => {
    expect(fires("sel:\n  userAgent: 'a.b(c)?'\ncondition: sel", [ev({ userAgent: 'a.b(c)x' }), ev({ userAgent: 'axb(c)x' })])).toEqual([true, false]);
  });
});

describe('modifiers', () => {
  test('contains, startswith, endswith', () => {
    const records = [ev({ userAgent: 'S3 Browser 9.1' }), ev({ userAgent: 'aws-cli' }), ev({})];
    expect(fires("sel:\n  userAgent|contains: 's3 browser'\ncondition: sel", records)).toEqual([true, false, false]);
    expect(fires("sel:\n  userAgent|startswith: 'AWS-'\ncondition: sel", records)).toEqual([false, true, false]);
    expect(fires("sel:\n  userAgent|endswith: '9.1'\ncondition: sel", records)).toEqual([true, false, false]);
  });

  test("|contains: '*' means present (the SigmaHQ idiom)", () => {
    expect(fires("sel:\n  errorCode|contains: '*'\ncondition: sel", [ev({ errorCode: 'AccessDenied' }), ev({}), ev({ errorCode: null })])).toEqual([true, false, false]);
  });

  test('a list is any value; |all every value', () => {
    const records = [ev({ requestParameters: { a: 'x y' } }), ev({ requestParameters: { a: 'x' } })];
    expect(fires("sel:\n  requestParameters|contains:\n    - 'x'\n    - 'y'\ncondition: sel", records)).toEqual([true, true]);
    expect(fires("sel:\n  requestParameters|contains|all:\n    - 'x'\n    - 'y'\ncondition: sel", records)).toEqual([true, false]);
  });

  test('re is unanchored and case-sensitive unless |i', () => {
    const records = [ev({ userIdentity: { arn: 'arn:aws:sts::1:assumed-role/aws:ec2-instance/i-1' } }), ev({ userIdentity: { arn: 'ARN:AWS:STS::1:ASSUMED-ROLE/AWS:X' } })];
    expect(fires("sel:\n  userIdentity.arn|re: ':assumed-role/aws:'\ncondition: sel", records)).toEqual([true, false]);
    expect(fires("sel:\n  userIdentity.arn|re|i: ':assumed-role/aws:'\ncondition: sel", records)).toEqual([true, true]);
  });

  test('exists true and false', () => {
    const records = [ev({ errorCode: 'x' }), ev({}), ev({ errorCode: null })];
    expect(fires('sel:\n  errorCode|exists: true\ncondition: sel', records)).toEqual([true, false, false]);
    expect(fires('sel:\n  errorCode|exists: false\ncondition: sel', records)).toEqual([false, true, true]);
  });

  test('cidr', () => {
    const records = [ev({ sourceIPAddress: '10.1.2.3' }), ev({ sourceIPAddress: '11.0.0.1' }), ev({ sourceIPAddress: 'AWS Internal' })];
    expect(fires("sel:\n  sourceIPAddress|cidr: '10.0.0.0/8'\ncondition: sel", records)).toEqual([true, false, false]);
  });

  test('numbers and booleans in records compare as their text', () => {
    const records = [ev({ requestParameters: { enable: false, port: 22 } }), ev({ requestParameters: { enable: 'FALSE', port: '22' } }), ev({ requestParameters: { enable: true } })];
    expect(fires("sel:\n  requestParameters.enable: 'false'\ncondition: sel", records)).toEqual([true, true, false]);
    expect(fires('sel:\n  requestParameters.port: 22\ncondition: sel', records)).toEqual([true, true, false]);
  });
});

describe('null, paths and whole objects', () => {
  test('errorCode: null is success: missing or null, not the empty string', () => {
    const records = [ev({}), ev({ errorCode: null }), ev({ errorCode: 'AccessDenied' }), ev({ errorCode: '' })];
    expect(fires('sel:\n  errorCode: null\ncondition: sel', records)).toEqual([true, true, false, false]);
  });

  test('dotted names walk nested objects; a list on the way matches if any element does', () => {
    const record = ev({ requestParameters: { ipPermissions: { items: [{ ipRanges: { items: [{ cidrIp: '10.0.0.0/8' }, { cidrIp: '0.0.0.0/0' }] } }] } } });
    expect(fires("sel:\n  requestParameters.ipPermissions.items.ipRanges.items.cidrIp: '0.0.0.0/0'\ncondition: sel", [record, ev({})])).toEqual([true, false]);
  });

  test('an object or list value is compared as its JSON text', () => {
    const records = [ev({ requestParameters: { VersioningConfiguration: { Status: 'Suspended' } } }), ev({ requestParameters: { layers: ['arn:1'] } }), ev({})];
    expect(fires("sel:\n  requestParameters|contains: 'Suspended'\ncondition: sel", records)).toEqual([true, false, false]);
    expect(fires("sel:\n  requestParameters|contains: '\"Status\":\"Suspended\"'\ncondition: sel", records)).toEqual([true, false, false]);
    expect(fires("sel:\n  requestParameters.layers|contains: '*'\ncondition: sel", records)).toEqual([false, true, false]);
  });

  test('field names are case-sensitive, as CloudTrail keys are', () => {
    expect(fires("sel:\n  EventName: 'CreateUser'\ncondition: sel", [ev({})])).toEqual([false]);
  });
});

describe('conditions', () => {
  const detection = `
sel_create:
  eventName: CreateUser
sel_delete:
  eventName: DeleteUser
filter_root:
  userIdentity.type: Root
_helper:
  eventSource: iam.amazonaws.com
`;
  const records = [ev({}), ev({ eventName: 'DeleteUser' }), ev({ userIdentity: { type: 'Root' } }), ev({ eventName: 'Other' })];

  test('and, or, not, parentheses', () => {
    expect(fires(`${detection}condition: sel_create and not filter_root`, records)).toEqual([true, false, false, false]);
    expect(fires(`${detection}condition: (sel_create or sel_delete) and not filter_root`, records)).toEqual([true, true, false, false]);
    expect(fires(`${detection}condition: sel_delete or sel_create and filter_root`, records)).toEqual([false, true, true, false]);
  });

  test('1 of X*, all of X*, 1 of them, all of them (them skips _names)', () => {
    expect(fires(`${detection}condition: 1 of sel_*`, records)).toEqual([true, true, true, false]);
    expect(fires(`${detection}condition: all of sel_*`, records)).toEqual([false, false, false, false]);
    expect(fires(`${detection}condition: 1 of them`, records)).toEqual([true, true, true, false]);
    expect(fires(`${detection}condition: all of them`, records)).toEqual([false, false, false, false]);
    expect(fires(`${detection}condition: _helper and not 1 of sel_*`, records)).toEqual([false, false, false, true]);
  });

  test('a list of conditions matches when any does', () => {
    expect(fires(`${detection}condition:\n  - sel_delete\n  - filter_root`, records)).toEqual([false, true, true, false]);
  });

  test('a rule with only negative eventName tests still runs on other events (the prefilter keeps it)', () => {
    expect(fires("sel:\n  eventName: 'CreateUser'\ncondition: not sel", records)).toEqual([false, true, false, true]);
  });

  test('the prefilter\'s memo keeps missing, null and look-alike values apart (one detector over all records, in order)', () => {
    // A missing eventSource decided first must not decide for a source spelt like the old memo's "missing" marker, nor for null.
    const records = [{ eventName: 'X' }, { eventSource: '\u0001', eventName: 'X' }, { eventSource: null, eventName: 'X' }, { eventName: 'X', userIdentity: { type: null } }, { eventName: 'X', userIdentity: { type: 'Root' } }];
    expect(fires("sel:\n  eventSource: '\\u0001'\ncondition: sel".replace("'\\u0001'", '"\\u0001"'), records)).toEqual([false, true, false, false, false]);
    expect(fires('sel:\n  eventSource: null\ncondition: sel', records)).toEqual([true, false, true, true, true]);
    expect(fires('sel:\n  userIdentity.type: null\ncondition: sel', records)).toEqual([true, true, true, true, false]);
  });

  test('several rules: the detector reports each that fired, by index', () => {
    const text = `${ruleText('sel:\n  eventName: CreateUser\ncondition: sel')}---\n${ruleText('sel:\n  userIdentity.type: Root\ncondition: sel').replace('id: r1', 'id: r2')}`;
    const parsed = parseRuleFile(text, 'r.yml', 'test');
    const detector = createDetector(parsed.rules.map((r) => ({ ast: r.ast })));
    expect(records.map((r) => detector.test(r))).toEqual([[0], null, [0, 1], null]);
    expect(detector.test(null)).toBeNull();
    expect(detector.test([1, 2])).toBeNull();
  });
});
