import Fuse from 'fuse.js';
import { describe, expect, it } from 'vitest';
import { compileQuery, filterRows, filterStore, FUZZY_THRESHOLD, Vocabulary } from '../../src/query/index.js';
import { EventStore } from '../../src/store/eventStore.js';
import type { EventRow } from '../../src/model/types.js';
import { compareNewestFirst } from '../../src/model/order.js';
import { randomRow, searchText, seededRandom } from './rows.js';

/**
 * A deliberately naive restatement of the query semantics, row by row, to
 * compare the compiled predicates against.
 */
const NOW = Date.UTC(2024, 2, 5, 8, 0, 0);
const H = 3_600_000;

// ast.ts: Unicode lowercase letter by letter, İ as i and every sigma as σ (as SQL's lower() folds).
const lower = (s: string) => s.replaceAll('\u0130', 'i').toLowerCase().replaceAll('\u03c2', '\u03c3');
const eq = (value: string, wanted: string) => value !== '' && lower(value) === lower(wanted);
const users = (r: EventRow) => [r.actor, r.principalArn, ...r.userNames];
const stripSource = (s: string) => lower(s).replace(/\.amazonaws\.com$/, '');
const inRange = (r: EventRow, lo: number, hi: number) => r.time >= lo && r.time <= hi;

function fuzzyMeans(word: string, value: string): boolean {
  if (value === '' || value.length > 160) return false;
  return new Fuse([value], { threshold: FUZZY_THRESHOLD, ignoreLocation: true }).search(word).length > 0;
}

function fuzzy(r: EventRow, word: string): boolean {
  if (searchText(r).includes(word)) return true;
  const values = [r.name, r.source, r.actor, ...r.userNames, ...r.resources.map((x) => x.name), r.errorCode];
  return values.some((v) => fuzzyMeans(word, v));
}

type Reference = (row: EventRow) => boolean;

function cases(sample: EventRow): [string, Reference][] {
  return [
    ['name:GetObject', (r) => eq(r.name, 'getobject')],
    ['name:getobject name:PutObject', (r) => eq(r.name, 'GetObject') || eq(r.name, 'PutObject')],
    ['name:*Object -name:Get*', (r) => lower(r.name).endsWith('object') && !lower(r.name).startsWith('get')],
    ['user:alice', (r) => users(r).some((u) => eq(u, 'alice'))],
    ['user:Admin/ci-job', (r) => users(r).some((u) => eq(u, 'admin/ci-job'))],
    ['user:deploy-role -name:AssumeRole', (r) => users(r).some((u) => eq(u, 'deploy-role')) && !eq(r.name, 'AssumeRole')],
    ['user:root user:carol', (r) => users(r).some((u) => eq(u, 'root') || eq(u, 'carol'))],
    ['user:*:assumed-role/readonly/*', (r) => /:assumed-role\/readonly\//.test(lower(r.principalArn))],
    ['source:s3 region:us-*', (r) => stripSource(r.source) === 's3' && lower(r.region).startsWith('us-')],
    ['-source:sts.amazonaws.com', (r) => lower(r.source) !== 'sts.amazonaws.com'],
    ['resource:my-bucket', (r) => r.resources.some((x) => eq(x.name, 'my-bucket') || eq(x.arn, 'my-bucket'))],
    [
      'resource:arn:aws:s3:::logs/key1',
      (r) =>
        r.resources.some(
          (x) => eq(x.name, 'arn:aws:s3:::logs/key1') || eq(x.arn, 'arn:aws:s3:::logs/key1') || (x.arn.endsWith('/') && 'arn:aws:s3:::logs/key1'.startsWith(lower(x.arn))),
        ),
    ],
    ['resource:*/key*', (r) => r.resources.some((x) => /\/key/.test(lower(x.name)) || /\/key/.test(lower(x.arn)))],
    ['-resource:LOGS* resource:arn:aws:s3:::*', (r) => !r.resources.some((x) => lower(x.name).startsWith('logs') || lower(x.arn).startsWith('logs')) && r.resources.some((x) => lower(x.arn).startsWith('arn:aws:s3:::'))],
    ['resource:backups/key2 resource:arn:aws:s3:::my-bucket/key0', (r) => r.resources.some((x) => eq(x.name, 'backups/key2') || eq(x.arn, 'backups/key2') || eq(x.name, 'arn:aws:s3:::my-bucket/key0') || eq(x.arn, 'arn:aws:s3:::my-bucket/key0') || (x.arn.endsWith('/') && 'arn:aws:s3:::my-bucket/key0'.startsWith(lower(x.arn))))],
    ['type:s3::object', (r) => r.resources.some((x) => eq(x.type, 'aws::s3::object'))],
    ['-type:AWS::EC2::*', (r) => !r.resources.some((x) => lower(x.type).startsWith('aws::ec2::'))],
    ['error:*', (r) => r.errorCode !== ''],
    ['-error:*', (r) => r.errorCode === ''],
    ['error:accessdenied error:NoSuchBucket', (r) => eq(r.errorCode, 'AccessDenied') || eq(r.errorCode, 'NoSuchBucket')],
    ['readonly:false', (r) => r.readOnly === false],
    ['-readonly:true', (r) => r.readOnly !== true],
    ['ip:10.0.1.*', (r) => r.sourceIp.startsWith('10.0.1.')],
    ['account:777788889999', (r) => r.account === '777788889999' || r.recipientAccount === '777788889999'],
    ['category:data eventtype:awsapicall', (r) => r.category === 'Data' && r.eventType === 'AwsApiCall'],
    ['key:ASIA*', (r) => r.accessKey.startsWith('ASIA')],
    ['-key:*', (r) => r.accessKey === ''],
    [`id:${sample.id.toUpperCase()}`, (r) => r.id === sample.id],
    ['since:5h', (r) => r.time >= NOW - 5 * H],
    ['until:2h name:ListBuckets', (r) => r.time <= NOW - 2 * H && r.name === 'ListBuckets'],
    ['from:2024-03-05T03:00Z to:2024-03-05T06:59Z', (r) => inRange(r, Date.UTC(2024, 2, 5, 3), Date.UTC(2024, 2, 5, 7) - 1)],
    ['from:2024-03-05T10:00+08:00', (r) => r.time >= Date.UTC(2024, 2, 5, 2)],
    ['bucket', (r) => searchText(r).includes('bucket')],
    ['-logs', (r) => !searchText(r).includes('logs')],
    ['"10.0.2.1"', (r) => searchText(r).includes('10.0.2.1')],
    ['assumrole', (r) => fuzzy(r, 'assumrole')],
    ['getobjct', (r) => fuzzy(r, 'getobjct')],
    ['acessdenied region:eu-west-1', (r) => fuzzy(r, 'acessdenied') && r.region === 'eu-west-1'],
    ['consolelgin -readonly:false', (r) => fuzzy(r, 'consolelgin') && r.readOnly !== false],
    ['xyzzy', (r) => fuzzy(r, 'xyzzy')],
    // OR, AND, NOT and groups: OR binds tighter than AND (as in Splunk).
    ['name:GetObject OR user:alice', (r) => eq(r.name, 'GetObject') || users(r).some((u) => eq(u, 'alice'))],
    ['region:eu-west-1 name:GetObject OR error:*', (r) => r.region === 'eu-west-1' && (eq(r.name, 'GetObject') || r.errorCode !== '')],
    ['name:ListBuckets OR name:GetObject AND -error:*', (r) => (r.name === 'ListBuckets' || r.name === 'GetObject') && r.errorCode === ''],
    // An explicit AND is strict, between terms of one field too (side by side they are either).
    ['name:*Object AND name:Get*', (r) => lower(r.name).endsWith('object') && lower(r.name).startsWith('get')],
    ['user:Admin AND user:alice', (r) => users(r).some((u) => eq(u, 'Admin')) && users(r).some((u) => eq(u, 'alice'))],
    ['user:Admin user:alice', (r) => users(r).some((u) => eq(u, 'Admin') || eq(u, 'alice'))],
    ['name:ListBuckets name:GetObject AND name:GetObject', (r) => r.name === 'GetObject'],
    ['readonly:true readonly:false AND readonly:true', (r) => r.readOnly === true],
    ['-(name:GetObject OR readonly:true)', (r) => !(eq(r.name, 'GetObject') || r.readOnly === true)],
    ['NOT name:GetObject NOT key:ASIA*', (r) => !eq(r.name, 'GetObject') && !r.accessKey.startsWith('ASIA')],
    ['(source:s3 region:us-*) OR (source:iam -error:*)', (r) => (stripSource(r.source) === 's3' && lower(r.region).startsWith('us-')) || (stripSource(r.source) === 'iam' && r.errorCode === '')],
    ['name:(ListBuckets OR getobject) ip:10.0.1.*', (r) => (r.name === 'ListBuckets' || r.name === 'GetObject') && r.sourceIp.startsWith('10.0.1.')],
    ['-name:(ListBuckets GetObject)', (r) => r.name !== 'ListBuckets' && r.name !== 'GetObject'],
    ['since:2h OR error:AccessDenied', (r) => r.time >= NOW - 2 * H || eq(r.errorCode, 'AccessDenied')],
    ['(since:5h until:2h) name:ListBuckets', (r) => r.time >= NOW - 5 * H && r.time <= NOW - 2 * H && r.name === 'ListBuckets'],
    ['-(since:2h) readonly:false', (r) => !(r.time >= NOW - 2 * H) && r.readOnly === false],
    ['bucket OR logs', (r) => searchText(r).includes('bucket') || searchText(r).includes('logs')],
    ['assumrole OR region:eu-west-1', (r) => fuzzy(r, 'assumrole') || r.region === 'eu-west-1'],
    // Under a negation a word is not fuzzy, as -word is not.
    ['NOT (consolelgin) region:eu-west-1', (r) => !searchText(r).includes('consolelgin') && r.region === 'eu-west-1'],
  ];
}

describe('compiled queries agree with a brute-force reference', () => {
  const random = seededRandom(20240305);
  const rows = Array.from({ length: 3000 }, () => randomRow(random));
  const vocabulary = new Vocabulary();
  vocabulary.addRows(rows);

  it.each(cases(rows[17]!))('%s', (query, reference) => {
    const result = compileQuery(query, { now: NOW, vocabulary });
    if (!result.ok) throw new Error(result.error.message);
    const expected = rows.filter(reference);
    const actual = filterRows(rows, result.query);
    expect(actual.map((r) => r.id)).toEqual(expected.map((r) => r.id));
  });

  // The same rows in stores, tested by column: one with full dictionaries, one whose
  // dictionaries hold 5 values so most values and lists are read from the rows.
  const stores = [new EventStore(0), new EventStore(0, { columnDictionaryLimit: 5 })];
  for (const store of stores) store.add(rows.map((r) => ({ ...r, seq: -1 })));

  it.each(cases(rows[17]!))('by column: %s', (query, reference) => {
    const result = compileQuery(query, { now: NOW, vocabulary });
    if (!result.ok) throw new Error(result.error.message);
    for (const store of stores) {
      const expected = store.rows().filter(reference);
      const actual = filterStore(store, result.query);
      expect(actual.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    }
  });

  it('the reference cases are not trivial: most keep some rows and drop others', () => {
    const informative = cases(rows[17]!).filter(([, reference]) => {
      const kept = rows.filter(reference).length;
      return kept > 0 && kept < rows.length;
    });
    expect(informative.length).toBeGreaterThanOrEqual(cases(rows[17]!).length - 1);
  });
});

describe('time slices of newest-first rows', () => {
  it('scanning only the time slice keeps exactly the rows a full scan keeps', () => {
    const random = seededRandom(7);
    const rows = Array.from({ length: 2000 }, (_, i) => ({ ...randomRow(random), seq: i }));
    const sorted = rows.slice().sort(compareNewestFirst);
    for (const query of ['since:5h', 'until:3h', 'from:2024-03-05T02:00Z to:2024-03-05T04:30Z', 'since:1h until:2h', 'name:GetObject', 'since:30d']) {
      const result = compileQuery(query, { now: NOW });
      if (!result.ok) throw new Error(result.error.message);
      const full = filterRows(sorted, result.query);
      const sliced = filterRows(sorted, result.query, undefined, { newestFirst: true });
      expect(sliced.map((r) => r.id), query).toEqual(full.map((r) => r.id));
    }
  });
});
