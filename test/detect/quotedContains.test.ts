/**
 * A quote in a Sigma `contains` (or any glob) on a record path finds the quote
 * as a policy document kept as a string holds it: JSON text writes it `\"`
 * (ast.ts). SigmaHQ's aws_iam_s3browser_templated_s3_bucket_policy_creation
 * (`requestParameters|contains|all: '"s3:GetObject"'`) could never fire on a
 * real PutUserPolicy before. Checked in memory, as the archive's SQL and as
 * AWS's table's SQL (run by DuckDB), and through a folder's detection.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetector } from '../../src/detect/recordDetector.js';
import { parseRuleFile } from '../../src/detect/sigmaRule.js';
import { parseQuery } from '../../src/query/parse.js';
import { compileWhere } from '../../src/query/sql/index.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { firedInFolder, selectionRule } from './bothEngines.js';

const RULE = resolve(import.meta.dirname, '../../../shared/datasets/sigma-cloudtrail/rules/aws_iam_s3browser_templated_s3_bucket_policy_creation.yml');
const rulePresent = existsSync(RULE);
if (!rulePresent && process.env.CI) throw new Error(`SigmaHQ rule missing at ${RULE}`);

/** S3 Browser's inline policy template, pretty-printed as the tool writes it, with the bucket placeholder or a real bucket. */
function policy(bucket: string): string {
  const document = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'], Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`] }],
  };
  return JSON.stringify(document, null, 2);
}

function putUserPolicy(id: string, requestParameters: Record<string, unknown>, userAgent = 'S3 Browser 10.9.9 https://s3browser.com'): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    eventID: id,
    eventTime: '2024-03-05T12:00:00Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'PutUserPolicy',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.9',
    userAgent,
    userIdentity: { type: 'IAMUser', userName: 'mallory', arn: 'arn:aws:iam::111122223333:user/mallory', accountId: '111122223333' },
    requestParameters,
    readOnly: false,
    eventType: 'AwsApiCall',
    eventCategory: 'Management',
    recipientAccountId: '111122223333',
  };
}

const EVENTS = [
  // The template, as CloudTrail logs it: the policy document is a string.
  putUserPolicy('template', { userName: 'mallory', policyName: 'p', policyDocument: policy('<YOUR-BUCKET-NAME>') }),
  // The same from another client: the rule's user agent test fails.
  putUserPolicy('other-client', { userName: 'mallory', policyName: 'p', policyDocument: policy('<YOUR-BUCKET-NAME>') }, 'aws-cli/2.15.0'),
  // A real bucket: the placeholder is missing.
  putUserPolicy('real-bucket', { userName: 'mallory', policyName: 'p', policyDocument: policy('prod-data') }),
  // A value holding a backslash before each quote: its JSON text has \\\" there, which reads as \" and not as ".
  putUserPolicy('backslashes', { userName: 'mallory', note: '\\"arn:aws:s3:::<YOUR-BUCKET-NAME>/*\\" \\"s3:GetObject\\" \\"Allow\\"' }),
];

const SELECTION = `eventName: PutUserPolicy
  userAgent|contains: 'S3 Browser'
  requestParameters|contains|all:
    - '"arn:aws:s3:::<YOUR-BUCKET-NAME>/*"'
    - '"s3:GetObject"'
    - '"Allow"'`;

describe('a quote in a contains on a record path', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await archiveOf(EVENTS);
  });
  afterAll(() => archive?.close());

  it('fires on the templated policy document in memory, on the archive and with AWS table logic', async () => {
    const parsed = parseRuleFile(selectionRule(SELECTION), 'r.yml', 'test');
    expect(parsed.skipped).toEqual([]);
    const ast = parsed.rules[0]!.ast;
    const detector = createDetector([{ ast }]);
    expect(EVENTS.filter((e) => detector.test(e) !== null).map((e) => e.eventID)).toEqual(['template']);
    expect(await archive.ids(compileWhere(ast, { dialect: 'duckdb', schema: 'archive' }))).toEqual(['template']);
    expect(await archive.ids(compileWhere(ast, { dialect: 'duckdb', schema: 'cloudtrail' }))).toEqual(['template']);
  });

  it('query bar terms agree on every engine, with and without quotes', async () => {
    // In the query bar a quote inside quotes is written \" (`"` alone quotes).
    const cases: [string, string[]][] = [
      ['requestParameters:*"\\"s3:GetObject\\""*', ['other-client', 'real-bucket', 'template']],
      ['requestParameters.policyDocument:*"\\"s3:GetObject\\""*', ['other-client', 'real-bucket', 'template']],
      ['params:"\\"Allow\\""', ['other-client', 'real-bucket', 'template']],
      ['-requestParameters:*"\\"Allow\\""* name:PutUserPolicy', ['backslashes']],
      // No quote in the glob: JSON text as it is (the escape is never read).
      ['requestParameters:*s3:GetObject*', ['backslashes', 'other-client', 'real-bucket', 'template']],
      // A regex reads the JSON text as it is.
      ['requestParameters:/"s3:GetObject"/', []],
    ];
    for (const [text, want] of cases) {
      const parsed = parseQuery(text, { deepTerms: true });
      if (!parsed.ok) throw new Error(`${text}: ${parsed.error.message}`);
      const detector = createDetector([{ ast: parsed.ast }]);
      expect(EVENTS.filter((e) => detector.test(e) !== null).map((e) => String(e.eventID)).sort(), text).toEqual(want);
      expect(await archive.ids(compileWhere(parsed.ast, { dialect: 'duckdb', schema: 'archive' })), text).toEqual(want);
      expect(await archive.ids(compileWhere(parsed.ast, { dialect: 'duckdb', schema: 'cloudtrail' })), text).toEqual(want);
    }
  });

  it('Athena SQL tries the quote both ways only where the glob holds one', () => {
    const withQuote = parseQuery('requestParameters:*"\\"Allow\\""*', { deepTerms: true });
    const without = parseQuery('requestParameters:*Allow*', { deepTerms: true });
    if (!withQuote.ok || !without.ok) throw new Error('parse');
    expect(compileWhere(withQuote.ast, { dialect: 'athena', schema: 'cloudtrail' })).toContain(`replace(requestparameters, '\\"', '"')`);
    expect(compileWhere(without.ast, { dialect: 'athena', schema: 'cloudtrail' })).not.toContain('replace(');
  });

  it.skipIf(!rulePresent)("SigmaHQ's S3 Browser rule fires on the template in a watched folder (the file screen and the detector)", async () => {
    expect(await firedInFolder(RULE, EVENTS)).toEqual(['template']);
  });
});

/** SendCommand-like events: a Windows path in an object, doubled backslashes in a plain string. */
const BACKSLASH_EVENTS = [
  putUserPolicy('object', { userName: 'mallory', parameters: { workingDirectory: 'C:\\Windows\\Temp', note: 'say "hi"' } }),
  putUserPolicy('list', { userName: 'mallory', paths: ['D:\\data', 'C:\\Windows\\Temp'] }),
  putUserPolicy('doubled', { userName: 'mallory', parameters: { workingDirectory: 'C:\\\\Windows\\\\Temp' } }),
  putUserPolicy('agent', { userName: 'mallory' }, 'C:\\\\Windows\\\\Temp'),
  putUserPolicy('none', { userName: 'mallory', parameters: { workingDirectory: 'C:/Windows/Temp' } }),
];

describe('a backslash in a contains on a record path', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await archiveOf(BACKSLASH_EVENTS);
  });
  afterAll(() => archive?.close());

  it('finds the path in an object or list, whose JSON text writes each backslash twice, on every engine', async () => {
    const cases: [string, string[]][] = [
      // JSON text holds C:\\Windows\\Temp: read as one backslash each, the whole object holds the path.
      ["requestParameters|contains: 'C:\\Windows\\Temp'", ['list', 'object']],
      ["requestParameters.paths|contains: 'C:\\Windows'", ['list']],
      // With a quote too: both escapes read.
      ["requestParameters|contains|all:\n    - '\"C:\\Windows\\Temp\"'\n    - 'say \"hi\"'", ['object']],
      // A plain string is not JSON text: its two backslashes stay two.
      ["userAgent|contains: 'C:\\Windows'", []],
      ["requestParameters.parameters.workingDirectory|contains: 'C:\\Windows'", ['object']],
    ];
    for (const [selection, want] of cases) {
      const parsed = parseRuleFile(selectionRule(selection), 'r.yml', 'test');
      expect(parsed.skipped, selection).toEqual([]);
      const ast = parsed.rules[0]!.ast;
      const detector = createDetector([{ ast }]);
      expect(BACKSLASH_EVENTS.filter((e) => detector.test(e) !== null).map((e) => String(e.eventID)).sort(), selection).toEqual(want);
      expect(await archive.ids(compileWhere(ast, { dialect: 'duckdb', schema: 'archive' })), selection).toEqual(want);
      expect(await archive.ids(compileWhere(ast, { dialect: 'duckdb', schema: 'cloudtrail' })), selection).toEqual(want);
    }
  });

  it('Athena SQL reads the backslashes only where the glob holds one, and only in JSON text', () => {
    const rule = (selection: string) => parseRuleFile(selectionRule(selection), 'r.yml', 'test').rules[0]!.ast;
    const sql = compileWhere(rule("requestParameters|contains: 'C:\\Windows'"), { dialect: 'athena', schema: 'cloudtrail' });
    expect(sql).toContain(`CASE WHEN substr(requestparameters, 1, 1) IN ('{', '[') THEN replace(requestparameters, '\\\\', '\\') ELSE requestparameters END`);
    expect(compileWhere(rule("requestParameters|contains: 'Windows'"), { dialect: 'athena', schema: 'cloudtrail' })).not.toContain('replace(');
  });
});
