import { describe, expect, it } from 'vitest';
import { compileQuery, Vocabulary } from '../../src/query/index.js';
import type { EventRow } from '../../src/model/types.js';
import { assumedRoleRow, makeRow, resource } from './rows.js';
import { buildSearchText } from '../../src/model/searchText.js';

const EVENT_NAMES = [
  'AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'GetObject', 'GetObjectAcl', 'PutObject',
  'ListBuckets', 'GetBucketPolicy', 'PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketAcl', 'DeleteTrail',
  'UpdateTrail', 'StopLogging', 'ConsoleLogin', 'RunInstances', 'StartInstances', 'CreateUser', 'CreateAccessKey',
  'DescribeInstances', 'GetCallerIdentity', 'ListRoles', 'DeleteObject', 'HeadObject', 'Decrypt', 'GenerateDataKey',
];
const ERROR_CODES = ['AccessDenied', 'Client.UnauthorizedOperation', 'NoSuchKey', 'ThrottlingException', 'VpceAccessDenied'];
const SOURCES = ['s3.amazonaws.com', 'sts.amazonaws.com', 'iam.amazonaws.com', 'ec2.amazonaws.com', 'kms.amazonaws.com', 'signin.amazonaws.com', 'cloudtrail.amazonaws.com'];

function corpus(): EventRow[] {
  const rows: EventRow[] = [];
  EVENT_NAMES.forEach((name, i) => {
    rows.push(
      makeRow({
        name,
        source: SOURCES[i % SOURCES.length]!,
        errorCode: i % 4 === 0 ? ERROR_CODES[(i / 4) % ERROR_CODES.length]! : '',
        resources: i % 3 === 0 ? [resource('AWS::S3::Bucket', `bucket-${i}`, `arn:aws:s3:::bucket-${i}`)] : [],
      }),
    );
  });
  rows.push(assumedRoleRow('OrganizationAccountAccessRole', 'incident-response'));
  rows.push(makeRow({ actor: 'maintenance-bot', userNames: ['maintenance-bot'] }));
  return rows;
}

function setup() {
  const rows = corpus();
  const vocabulary = new Vocabulary();
  vocabulary.addRows(rows);
  const run = (query: string) => {
    const result = compileQuery(query, { vocabulary });
    if (!result.ok) throw new Error(result.error.message);
    return { query: result.query, names: rows.filter((r) => result.query.test(r)).map((r) => r.name) };
  };
  return { rows, vocabulary, run };
}

describe('fuzzy words', () => {
  it('assumrole finds the AssumeRole events and says which values it meant', () => {
    const { run } = setup();
    const { names, query } = run('assumrole');
    expect(names).toEqual(expect.arrayContaining(['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity']));
    expect(names).not.toContain('ListRoles');
    const [explained] = query.explain();
    expect(explained!.word).toBe('assumrole');
    expect(explained!.values).toContain('AssumeRole');
    expect(explained!.values).toContain('AssumeRoleWithSAML');
  });

  it('getobjct finds GetObject', () => {
    const { run } = setup();
    const { names } = run('getobjct');
    expect(names).toContain('GetObject');
    expect(names).toContain('GetObjectAcl');
    expect(names).not.toContain('PutObject');
    expect(names).not.toContain('ListBuckets');
  });

  it('acessdenied finds AccessDenied errors', () => {
    const { rows, run } = setup();
    const { names } = run('acessdenied');
    const denied = rows.filter((r) => r.errorCode.endsWith('AccessDenied')).map((r) => r.name);
    expect(denied.length).toBeGreaterThan(0);
    expect(names.sort()).toEqual(denied.sort());
  });

  it('misspelt users and sources are found too', () => {
    const { run } = setup();
    expect(run('maintenence-bot').names).toHaveLength(1);
    expect(run('organizationacountaccessrole').names).toHaveLength(1);
    expect(run('cloudtrial').names).toEqual(run('source:cloudtrail').names);
  });

  it('xyzzy matches nothing', () => {
    const { run } = setup();
    const result = run('xyzzy');
    expect(result.names).toEqual([]);
    expect(result.query.explain()[0]!.values).toEqual([]);
  });

  it('s3 does not match everything: short words are plain substrings', () => {
    const { rows, run } = setup();
    const { names } = run('s3');
    const expected = rows.filter((r) => buildSearchText(r).includes('s3')).map((r) => r.name);
    expect(names).toEqual(expected);
    expect(names.length).toBeLessThan(rows.length / 2);
    expect(run('s3').query.explain()).toEqual([]);
  });

  it('a correctly spelt word matches by substring', () => {
    const { run } = setup();
    expect(run('getbucket').names).toEqual(['GetBucketPolicy']);
    expect(run('bucketpolicy').names.sort()).toEqual(['DeleteBucketPolicy', 'GetBucketPolicy', 'PutBucketPolicy']);
  });

  it('does not drift to unrelated names', () => {
    const { run } = setup();
    expect(run('deletetrail').names).toEqual(['DeleteTrail']);
    expect(run('putbucketpolcy').names).not.toContain('PutBucketAcl');
    expect(run('putbucketpolcy').names).not.toContain('DeleteBucketPolicy');
  });

  it('quoted and negated words are exact text only', () => {
    const { rows, run } = setup();
    expect(run('"assumrole"').names).toEqual([]);
    expect(run('-assumrole').names).toHaveLength(rows.length);
    expect(run('-assumerole').names).not.toContain('AssumeRoleWithSAML');
  });

  it('without a vocabulary, words are substring-only', () => {
    const rows = corpus();
    const result = compileQuery('assumrole');
    expect(result.ok && rows.filter((r) => result.query.test(r))).toEqual([]);
    const exact = compileQuery('assumerole');
    expect(exact.ok && rows.filter((r) => exact.query.test(r)).length).toBe(3);
  });

  it('several words must all match', () => {
    const { run } = setup();
    expect(run('assumrole saml').names).toEqual(['AssumeRoleWithSAML']);
  });

  it('a word with * matches its pieces in order inside the text', () => {
    const { run } = setup();
    expect(run('assume*saml').names).toEqual(['AssumeRoleWithSAML']);
    expect(run('saml*assume').names).toEqual([]);
  });

  it('values added to the vocabulary after compiling are matched too', () => {
    const { vocabulary } = setup();
    const result = compileQuery('getsecretvlue', { vocabulary });
    if (!result.ok) throw new Error(result.error.message);
    const late = makeRow({ name: 'GetSecretValue' });
    expect(result.query.test(late)).toBe(false);
    vocabulary.addRows([late]);
    expect(result.query.test(late)).toBe(true);
    expect(result.query.explain()[0]!.values).toEqual(['GetSecretValue']);
  });
});
