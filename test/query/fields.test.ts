import { describe, expect, it } from 'vitest';
import { compileQuery, queryHelpLines, FIELDS } from '../../src/query/index.js';
import type { EventRow } from '../../src/model/types.js';
import { assumedRoleRow, makeRow, resource } from './rows.js';

function matches(query: string, row: EventRow, now?: number): boolean {
  const result = compileQuery(query, now === undefined ? {} : { now });
  if (!result.ok) throw new Error(`${query}: ${result.error.message}`);
  return result.query.test(row);
}

describe('field terms', () => {
  const row = makeRow({
    name: 'GetObject',
    source: 's3.amazonaws.com',
    region: 'eu-west-1',
    accessKey: 'AKIAEXAMPLEKEY',
    sourceIp: '203.0.113.9',
    errorCode: 'AccessDenied',
    account: '111122223333',
    recipientAccount: '444455556666',
    category: 'Data',
    eventType: 'AwsApiCall',
    readOnly: true,
    id: 'EVENT-1111',
    requestId: 'REQ-2222',
    sharedEventId: 'SHARED-3333',
    resources: [resource('AWS::S3::Object', 'my-bucket/report.csv', 'arn:aws:s3:::my-bucket/report.csv')],
  });

  it.each([
    ['name:GetObject', true],
    ['name:getobject', true],
    ['NAME:GETOBJECT', true],
    ['eventname:GetObject', true],
    ['name:GetObjectAcl', false],
    ['name:Get', false],
    ['source:s3', true],
    ['source:s3.amazonaws.com', true],
    ['source:S3.AmazonAWS.com', true],
    ['source:ec2', false],
    ['source:s', false],
    ['region:eu-west-1', true],
    ['region:us-east-1', false],
    ['key:akiaexamplekey', true],
    ['key:AKIAOTHER', false],
    ['ip:203.0.113.9', true],
    ['ip:203.0.113.90', false],
    ['error:accessdenied', true],
    ['error:NoSuchKey', false],
    ['account:111122223333', true],
    ['account:444455556666', true],
    ['account:999999999999', false],
    ['category:data', true],
    ['category:management', false],
    ['eventtype:awsapicall', true],
    ['eventtype:AwsConsoleSignIn', false],
    ['readonly:true', true],
    ['readonly:TRUE', true],
    ['readonly:false', false],
    ['id:event-1111', true],
    ['id:REQ-2222', false],
    ['requestid:req-2222', true],
    ['requestid:REQ-*', true],
    ['requestid:EVENT-1111', false],
    ['id:shared-3333', true],
    ['id:EVENT-111', false],
    ['resource:my-bucket/report.csv', true],
    ['resource:arn:aws:s3:::my-bucket/report.csv', true],
    ['resource:my-bucket', false],
    ['type:AWS::S3::Object', true],
    ['type:s3::object', true],
    ['type:S3::Bucket', false],
  ])('%s -> %s', (query, expected) => {
    expect(matches(query, row)).toBe(expected);
  });

  it('readonly:false matches false and never a row without readOnly', () => {
    expect(matches('readonly:false', makeRow({ readOnly: false }))).toBe(true);
    expect(matches('readonly:false', makeRow({ readOnly: null }))).toBe(false);
    expect(matches('readonly:true', makeRow({ readOnly: null }))).toBe(false);
    expect(matches('-readonly:true', makeRow({ readOnly: null }))).toBe(true);
    expect(matches('readonly:true readonly:false', makeRow({ readOnly: null }))).toBe(false);
    expect(matches('readonly:true readonly:false', makeRow({ readOnly: false }))).toBe(true);
  });

  it('resource: with a full ARN matches a row whose ARNPrefix covers it', () => {
    const prefixRow = makeRow({ resources: [resource('AWS::S3::Object', 'logs/', 'arn:aws:s3:::logs/')] });
    expect(matches('resource:arn:aws:s3:::logs/2024/03/file.json', prefixRow)).toBe(true);
    expect(matches('resource:arn:aws:s3:::other/2024/file.json', prefixRow)).toBe(false);
    // A prefix that does not end in '/' is not an ARNPrefix.
    const plain = makeRow({ resources: [resource('AWS::S3::Bucket', 'logs', 'arn:aws:s3:::logs')] });
    expect(matches('resource:arn:aws:s3:::logs/2024/file.json', plain)).toBe(false);
    expect(matches('resource:arn:aws:s3:::logs', plain)).toBe(true);
  });

  it('resource: looks at every resource of the row', () => {
    const two = makeRow({
      resources: [resource('AWS::IAM::Role', 'Admin', 'arn:aws:iam::1:role/Admin'), resource('AWS::IAM::Policy', 'ReadAll', '')],
    });
    expect(matches('resource:readall', two)).toBe(true);
    expect(matches('type:iam::policy', two)).toBe(true);
    expect(matches('resource:admin', two)).toBe(true);
    expect(matches('resource:nobody', two)).toBe(false);
  });
});

describe('user:', () => {
  const alice = makeRow({ actor: 'alice', userNames: ['alice'], principalArn: 'arn:aws:iam::111122223333:user/alice' });
  const assumed = assumedRoleRow('DeployRole', 'ci-run-7');
  const root = makeRow({ actor: 'root', identityType: 'Root', userNames: ['root'], principalArn: 'arn:aws:iam::111122223333:root' });

  it('matches the IAM user name and its principal ARN', () => {
    expect(matches('user:Alice', alice)).toBe(true);
    expect(matches('user:arn:aws:iam::111122223333:user/alice', alice)).toBe(true);
    expect(matches('user:ali', alice)).toBe(false);
  });

  it('matches the role name, the session name and Role/session of an assumed role', () => {
    expect(matches('user:deployrole', assumed)).toBe(true);
    expect(matches('user:ci-run-7', assumed)).toBe(true);
    expect(matches('user:DeployRole/ci-run-7', assumed)).toBe(true);
    expect(matches('user:arn:aws:sts::111122223333:assumed-role/DeployRole/ci-run-7', assumed)).toBe(true);
    expect(matches('user:DeployRole/other', assumed)).toBe(false);
    expect(matches('user:DeployRole/*', assumed)).toBe(true);
    expect(matches('user:alice', assumed)).toBe(false);
  });

  it('matches root', () => {
    expect(matches('user:root', root)).toBe(true);
    expect(matches('user:ROOT', alice)).toBe(false);
  });
});

describe('combining terms', () => {
  const get = makeRow({ name: 'GetObject', region: 'us-east-1' });
  const put = makeRow({ name: 'PutObject', region: 'eu-west-1' });
  const del = makeRow({ name: 'DeleteObject', region: 'us-east-1' });

  it('repeating a field means either value', () => {
    expect([get, put, del].map((r) => matches('name:GetObject name:PutObject', r))).toEqual([true, true, false]);
  });

  it('different fields must all match', () => {
    expect([get, put, del].map((r) => matches('name:GetObject region:us-east-1', r))).toEqual([true, false, false]);
    expect([get, put, del].map((r) => matches('name:GetObject name:PutObject region:eu-west-1', r))).toEqual([false, true, false]);
  });

  it('negation excludes, and repeated negations exclude each', () => {
    expect([get, put, del].map((r) => matches('-name:GetObject', r))).toEqual([false, true, true]);
    expect([get, put, del].map((r) => matches('-name:GetObject -name:PutObject', r))).toEqual([false, false, true]);
    expect([get, put, del].map((r) => matches('region:us-east-1 -name:DeleteObject', r))).toEqual([true, false, false]);
  });

  it('globs: prefix, suffix, infix and any', () => {
    expect([get, put, del].map((r) => matches('name:*Object', r))).toEqual([true, true, true]);
    expect([get, put, del].map((r) => matches('name:Get*', r))).toEqual([true, false, false]);
    expect([get, put, del].map((r) => matches('name:*ete*', r))).toEqual([false, false, true]);
    expect([get, put, del].map((r) => matches('name:P*t*ject', r))).toEqual([false, true, false]);
    expect([get, put, del].map((r) => matches('region:*-1', r))).toEqual([true, true, true]);
    expect([get, put, del].map((r) => matches('-region:us-*', r))).toEqual([false, true, false]);
    expect(matches('name:G*G', get)).toBe(false);
    expect(matches('name:GetObj*ect', get)).toBe(true);
    expect(matches('name:GetObje*ject', get)).toBe(false);
  });

  it('error:* is any error and -error:* is none', () => {
    const failed = makeRow({ errorCode: 'AccessDenied' });
    const fine = makeRow({ errorCode: '' });
    expect(matches('error:*', failed)).toBe(true);
    expect(matches('error:*', fine)).toBe(false);
    expect(matches('-error:*', failed)).toBe(false);
    expect(matches('-error:*', fine)).toBe(true);
  });

  // The Error code column shows a failed sign-in's errorMessage (model/failure.ts errorLabel), and error:VALUE found nothing there.
  it('error:VALUE matches what the Error code column shows: a failed console sign-in by its errorMessage', () => {
    const failedSignIn = makeRow({ name: 'ConsoleLogin', errorCode: '', errorMessage: 'Failed authentication' });
    // normalize gives a failed sign-in without an errorMessage the message 'Failure'.
    const bare = makeRow({ name: 'ConsoleLogin', errorCode: '', errorMessage: 'Failure' });
    const denied = makeRow({ name: 'GetObject', errorCode: 'AccessDenied', errorMessage: 'Failed authentication' });
    const message = makeRow({ name: 'GetObject', errorCode: '', errorMessage: 'Failed authentication' });
    const rows = [failedSignIn, bare, denied, message];
    const which = (query: string) => rows.map((row) => matches(query, row));
    expect(which('error:"Failed authentication"')).toEqual([true, false, false, false]);
    expect(which('error:"failed AUTHENTICATION"')).toEqual([true, false, false, false]);
    expect(which('error:Failed*')).toEqual([true, false, false, false]);
    expect(which('error:Fail*')).toEqual([true, true, false, false]);
    expect(which('error:Failure')).toEqual([false, true, false, false]);
    expect(which('error:AccessDenied')).toEqual([false, false, true, false]);
    expect(which('-error:"Failed authentication"')).toEqual([false, true, true, true]);
    expect(which('error:*')).toEqual([true, true, true, false]);
    // errorcode: is the field table's alias of error: (fields.ts), not the record path: the same answers.
    expect(which('errorCode:"Failed authentication"')).toEqual([true, false, false, false]);
    // Plain words search the Error code column's value too: a failed sign-in by its message, nothing else by its message.
    expect(which('authentication')).toEqual([true, false, false, false]);
    expect(which('"FAILED auth"')).toEqual([true, false, false, false]);
    expect(which('fail*ion')).toEqual([true, false, false, false]);
    expect(which('failure')).toEqual([false, true, false, false]);
    expect(which('-authentication')).toEqual([false, true, true, true]);
  });

  it('quoted values keep spaces, escaped quotes and literal stars', () => {
    const spaced = makeRow({ actor: 'Role/my session', userNames: ['Role', 'my session'], resources: [resource('', 'say "hi"', '')] });
    expect(matches('user:"my session"', spaced)).toBe(true);
    expect(matches('user:"Role/my session"', spaced)).toBe(true);
    expect(matches('user:my', spaced)).toBe(false);
    expect(matches('resource:"say \\"hi\\""', spaced)).toBe(true);
    const star = makeRow({ name: 'Get*' });
    expect(matches('name:"Get*"', star)).toBe(true);
    expect(matches('name:"Get*"', get)).toBe(false);
    expect(matches('name:Get"*"', star)).toBe(true);
  });
});

describe('help text', () => {
  it('has a line for every field, made from the field table', () => {
    const lines = queryHelpLines();
    for (const field of FIELDS) {
      const line = lines.find((l) => l.startsWith(`${field.name}:`));
      expect(line, field.name).toBeDefined();
      expect(line).toContain(field.example);
    }
    // `trailtop --help` and the ? overlay indent each line by two: 80 columns in all, never cut or wrapped.
    for (const line of lines) expect(line.length + 2, line).toBeLessThanOrEqual(80);
  });

  // from: takes an event at exactly its time, as since: does; the help said "after", which reads as strictly after.
  it('says a lower time bound includes the bound', () => {
    const at = Date.UTC(2024, 2, 5, 14, 0, 0);
    expect(matches('from:2024-03-05T14:00:00Z', makeRow({ time: at }))).toBe(true);
    for (const field of FIELDS.filter((f) => f.kind === 'time' && f.bound === 'lower')) expect(field.description, field.name).toMatch(/^at or after/);
  });

  // agent:"aws-cli/2*" reads the * as a character and matched nothing in silence: the help says so, and its example works.
  it('says that * in quotes is literal, with an example that globs', () => {
    const line = queryHelpLines().find((l) => l.includes('in quotes is literal'));
    expect(line).toBeDefined();
    const example = /(agent:\S+)$/.exec(line!)![1]!;
    const row = makeRow({ userAgent: 'aws-cli/2.13.5 Python/3.11.4' });
    expect(matches(example, row)).toBe(true);
    expect(matches('agent:"aws-cli/2*"', row)).toBe(false);
  });
});
