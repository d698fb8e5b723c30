import { BlockList, isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { compileNode, compileQuery, compileRecordMatcher, filterRows, filterStore, parseQuery, type QueryNode } from '../../src/query/index.js';
import type { TagRule } from '../../src/query/ast.js';
import { normalize } from '../../src/model/normalize.js';
import { RecordBatch } from '../../src/model/recordBatch.js';
import { EventStore } from '../../src/store/eventStore.js';
import { datasetRecords, randomRecord, type RawRecord } from './records.js';
import { seededRandom } from './rows.js';

/**
 * A naive restatement of the deep terms' meaning (ast.ts), record by record,
 * written apart from recordMatch.ts: collect every value, then compare.
 */
// ast.ts: Unicode lowercase letter by letter, İ as i and every sigma as σ (as SQL's lower() folds).
const lower = (s: string) => s.replaceAll('\u0130', 'i').toLowerCase().replaceAll('\u03c2', '\u03c3');

function valuesAt(value: unknown, path: readonly string[]): string[] {
  if (path.length === 0) {
    if (value === null || value === undefined) return [];
    if (typeof value === 'string') return [value];
    if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
    if (Array.isArray(value)) {
      // An empty array is no value (ast.ts).
      if (value.length === 0) return [];
      const scalars = value.filter((v) => ['string', 'number', 'boolean'].includes(typeof v)).map((v) => String(v));
      return [...scalars, JSON.stringify(value)];
    }
    return [JSON.stringify(value)];
  }
  if (Array.isArray(value)) return value.flatMap((v) => valuesAt(v, path));
  if (typeof value !== 'object' || value === null) return [];
  if (!Object.prototype.hasOwnProperty.call(value, path[0]!)) return [];
  return valuesAt((value as Record<string, unknown>)[path[0]!], path.slice(1));
}

const at = (r: RawRecord, dotted: string) => valuesAt(r, dotted.split('.'));

function paramsOf(r: RawRecord): string | null {
  const parts = ['requestParameters', 'responseElements', 'additionalEventData', 'serviceEventDetails']
    .filter((k) => r[k] !== undefined && r[k] !== null)
    .map((k) => JSON.stringify(r[k]));
  return parts.length === 0 ? null : parts.join('\n');
}

function inBlock(value: string, network: string, bits: number): boolean {
  let address = value;
  // ::ffff:a.b.c.d is the IPv4 address a.b.c.d.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) address = mapped[1]!;
  const family = isIP(address);
  const netFamily = isIP(network);
  if (family === 0 || family !== netFamily) return false;
  const list = new BlockList();
  list.addSubnet(network, bits, netFamily === 4 ? 'ipv4' : 'ipv6');
  return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');
const failed = (r: RawRecord) => {
  const response = r.responseElements as Record<string, unknown> | null | undefined;
  const login = response && typeof response === 'object' ? response.ConsoleLogin === 'Failure' : false;
  return str(r.errorCode) !== '' || (str(r.eventName) === 'ConsoleLogin' && (str(r.errorMessage) !== '' || login));
};

/** What the Error code column shows (model/failure.ts errorLabel): a failed sign-in's errorMessage, 'Failure' when it has none. */
const errorLabelOf = (r: RawRecord): string => (str(r.errorCode) !== '' ? str(r.errorCode) : failed(r) ? str(r.errorMessage) || 'Failure' : '');

type Reference = (r: RawRecord) => boolean;

const CASES: [string, Reference][] = [
  ['requestParameters.bucketName:logs-*', (r) => at(r, 'requestParameters.bucketName').some((v) => lower(v).startsWith('logs-'))],
  ['requestParameters.bucketName:ÜNÏCÖDÉ', (r) => at(r, 'requestParameters.bucketName').some((v) => lower(v) === 'ünïcödé')],
  // Letters toLowerCase and SQL's lower() fold apart (ast.ts): İ is i, and a glob's own final Σ still meets ΟΔΟΣ.
  ['requestParameters.bucketName:istanbul', (r) => at(r, 'requestParameters.bucketName').some((v) => lower(v) === 'istanbul')],
  ['requestParameters.bucketName:ΟΔΟ*Σ', (r) => at(r, 'requestParameters.bucketName').some((v) => lower(v).startsWith('οδο') && lower(v).endsWith('σ'))],
  ['requestParameters.bucketName:*日本*', (r) => at(r, 'requestParameters.bucketName').some((v) => v.includes('日本'))],
  ['requestParameters.bucketName:"x\\"y"', (r) => at(r, 'requestParameters.bucketName').includes('x"y')],
  ['additionalEventData.MFAUsed:No', (r) => at(r, 'additionalEventData.MFAUsed').some((v) => lower(v) === 'no')],
  ['responseElements.ConsoleLogin:Failure', (r) => at(r, 'responseElements.ConsoleLogin').some((v) => lower(v) === 'failure')],
  ['tlsDetails.tlsVersion:TLSv1', (r) => at(r, 'tlsDetails.tlsVersion').some((v) => lower(v) === 'tlsv1')],
  [
    'requestParameters.ipPermissions.items.ipRanges.items.cidrIp:0.0.0.0/0',
    (r) => at(r, 'requestParameters.ipPermissions.items.ipRanges.items.cidrIp').some((v) => v === '0.0.0.0/0' || inBlock(v, '0.0.0.0', 0)),
  ],
  [
    'requestParameters.ipPermissions.items.ipRanges.items.cidrIp:10.0.0.0/8',
    (r) => at(r, 'requestParameters.ipPermissions.items.ipRanges.items.cidrIp').some((v) => v === '10.0.0.0/8' || inBlock(v, '10.0.0.0', 8)),
  ],
  ['requestParameters.ipPermissions.items.fromPort:22', (r) => at(r, 'requestParameters.ipPermissions.items.fromPort').includes('22')],
  ['requestParameters.ipPermissions.items.ipRanges.items:*', (r) => at(r, 'requestParameters.ipPermissions.items.ipRanges.items').length > 0],
  ['-requestParameters.ipPermissions.items.ipRanges.items.cidrIp:*', (r) => at(r, 'requestParameters.ipPermissions.items.ipRanges.items.cidrIp').length === 0],
  ['requestParameters.nested:*', (r) => at(r, 'requestParameters.nested').length > 0],
  ['requestParameters.nested.items.value:true', (r) => at(r, 'requestParameters.nested.items.value').some((v) => lower(v) === 'true')],
  ['requestParameters.nested:1.5', (r) => at(r, 'requestParameters.nested').includes('1.5')],
  ['-requestParameters.bucketName:*', (r) => at(r, 'requestParameters.bucketName').length === 0],
  ['requestParameters:*', (r) => at(r, 'requestParameters').length > 0],
  ['serviceEventDetails.tags:true', (r) => at(r, 'serviceEventDetails.tags').some((v) => lower(v) === 'true')],
  ['userIdentity.userName:alice userIdentity.userName:bob', (r) => at(r, 'userIdentity.userName').some((v) => ['alice', 'bob'].includes(lower(v)))],
  ['errorMessage:*', (r) => at(r, 'errorMessage').length > 0],
  ['tlsDetails:*', (r) => at(r, 'tlsDetails').length > 0],
  ['-tlsDetails.clientProvidedHostHeader:*', (r) => at(r, 'tlsDetails.clientProvidedHostHeader').length === 0],
  ['sourceIPAddress:2001:db8::/32', (r) => at(r, 'sourceIPAddress').some((v) => inBlock(v, '2001:db8::', 32))],
  ['ip:10.0.0.0/8', (r) => inBlock(str(r.sourceIPAddress), '10.0.0.0', 8)],
  ['ip:2001:db8::/32', (r) => inBlock(str(r.sourceIPAddress), '2001:db8::', 32)],
  ['-ip:192.168.0.0/16 ip:*', (r) => str(r.sourceIPAddress) !== '' && !inBlock(str(r.sourceIPAddress), '192.168.0.0', 16)],
  ['params:0.0.0.0/0', (r) => lower(paramsOf(r) ?? '').includes('0.0.0.0/0')],
  ['params:snap-0ab*', (r) => lower(paramsOf(r) ?? '').includes('snap-0ab')],
  ['params:snap-0*9', (r) => /snap-0[\s\S]*9/.test(lower(paramsOf(r) ?? ''))],
  ['params:*', (r) => paramsOf(r) !== null],
  ['-params:café', (r) => !lower(paramsOf(r) ?? '').includes('café')],
  ['error:*', failed],
  ['-error:* name:ConsoleLogin', (r) => !failed(r) && str(r.eventName) === 'ConsoleLogin'],
  ['error:accessdenied', (r) => lower(str(r.errorCode)) === 'accessdenied'],
  // error:VALUE tests what the Error code column shows: a failed sign-in's errorMessage too.
  ['error:"Failed authentication"', (r) => lower(errorLabelOf(r)) === 'failed authentication'],
  ['error:Fail*', (r) => lower(errorLabelOf(r)).startsWith('fail')],
  ['-error:denied name:ConsoleLogin', (r) => lower(errorLabelOf(r)) !== 'denied' && str(r.eventName) === 'ConsoleLogin'],
  [
    'name:AuthorizeSecurityGroupIngress params:0.0.0.0/0',
    (r) => str(r.eventName) === 'AuthorizeSecurityGroupIngress' && lower(paramsOf(r) ?? '').includes('0.0.0.0/0'),
  ],
  [
    'requestParameters.bucketName:logs-* requestParameters.bucketName:snap* -error:*',
    (r) => at(r, 'requestParameters.bucketName').some((v) => lower(v).startsWith('logs-') || lower(v).startsWith('snap')) && !failed(r),
  ],
  ['name:ConsoleLogin additionalEventData.MFAUsed:No', (r) => str(r.eventName) === 'ConsoleLogin' && at(r, 'additionalEventData.MFAUsed').some((v) => lower(v) === 'no')],
];

function matcherOf(query: string): (record: unknown) => boolean {
  const parsed = parseQuery(query, { deepTerms: true });
  if (!parsed.ok) throw new Error(`${query}: ${parsed.error.message}`);
  return compileRecordMatcher(parsed.ast);
}

describe('deep terms agree with a brute-force reference over parsed records', () => {
  const random = seededRandom(14);
  const generated = Array.from({ length: 3000 }, (_, k) => randomRecord(random, k));

  it.each(CASES)('generated records: %s', (query, reference) => {
    const matches = matcherOf(query);
    const expected = generated.filter(reference).map((r) => r.eventID);
    expect(generated.filter(matches).map((r) => r.eventID)).toEqual(expected);
  });

  it('the generated cases are not trivial: each keeps some records and drops others', () => {
    for (const [query, reference] of CASES) {
      const kept = generated.filter(reference).length;
      expect(kept, query).toBeGreaterThan(0);
      expect(kept, query).toBeLessThan(generated.length);
    }
  });

  it('on the shared datasets, and the row test of a deep query keeps every row the record keeps', async () => {
    const records = await datasetRecords();
    if (records.length === 0) return;
    expect(records.length).toBeGreaterThan(500);
    for (const [query, reference] of CASES) {
      const matches = matcherOf(query);
      const expected = records.filter(({ record }) => reference(record));
      expect(records.filter(({ record }) => matches(record)), query).toEqual(expected);
      const compiled = compileQuery(query, { deepTerms: true });
      if (!compiled.ok) throw new Error(compiled.error.message);
      const widened = new Set(filterRows(records.map((r) => r.row), compiled.query));
      for (const { row } of expected) expect(widened.has(row), query).toBe(true);
    }
    // Real data holds the questions of the issue.
    expect(records.filter(({ record }) => matcherOf('name:AuthorizeSecurityGroupIngress requestParameters.cidrIp:*/0')(record)).length).toBeGreaterThan(0);
    expect(records.filter(({ record }) => matcherOf('responseElements.ConsoleLogin:Failure')(record)).length).toBeGreaterThan(0);
  });
});

/** Summary queries: the record matcher must say what the event list says of the record's row. */
const SUMMARY = [
  'name:GetObject',
  'name:Get* name:List*',
  '-source:sts.amazonaws.com',
  'source:s3 region:us-*',
  'user:root',
  'user:*admin*',
  'resource:*bucket*',
  'type:s3::bucket',
  'error:*',
  '-error:*',
  'error:AccessDenied error:*Unauthorized*',
  'error:"Failed authentication"',
  'error:Failed*',
  'readonly:false',
  '-readonly:true',
  'ip:*.*.*.*',
  'ip:10.0.0.0/8',
  'account:*1234*',
  'category:data',
  'eventtype:AwsConsoleSignIn',
  'key:ASIA*',
  '-key:*',
  'agent:*console*',
  'identity:AssumedRole',
  'id:*a*',
  'requestid:*1*',
  'since:3000d',
  'to:2021-01-01',
  'bucket',
  '-role',
  '"ec2.amazonaws.com"',
  'assume*role',
];

describe('summary terms over records agree with the row test', () => {
  it('on the shared datasets: each query, record by record', async () => {
    const records = await datasetRecords();
    if (records.length === 0) return;
    const now = Date.UTC(2026, 0, 1);
    for (const query of SUMMARY) {
      const parsed = parseQuery(query, { now });
      if (!parsed.ok) throw new Error(parsed.error.message);
      const matches = compileRecordMatcher(parsed.ast);
      const rowTest = compileNode(parsed.ast).test;
      const byRecord = records.filter(({ record }) => matches(record)).map(({ row }) => row);
      const byRow = records.filter(({ row }) => rowTest(row)).map(({ row }) => row);
      expect(byRecord, query).toEqual(byRow);
    }
  });

  it('on generated records, including ones without plain fields', () => {
    const random = seededRandom(99);
    const records: RawRecord[] = Array.from({ length: 800 }, (_, k) => randomRecord(random, k));
    // An Insight without eventName takes it from insightDetails: only normalizing knows.
    records.push({ eventType: 'AwsCloudTrailInsight', eventID: 'insight-1', insightDetails: { eventName: 'GetObject', eventSource: 's3.amazonaws.com', state: 'Start' } });
    records.push({ eventName: 42, eventSource: true, sourceIPAddress: 10, readOnly: 'TRUE', eventID: 'odd-types' });
    // Its row is a ConsoleLogin (the name from insightDetails) that failed without an errorCode: error: reads its errorMessage.
    records.push({ eventType: 'AwsCloudTrailInsight', eventID: 'insight-2', errorMessage: 'Failed authentication', insightDetails: { eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', state: 'Start' } });
    for (const query of ['name:GetObject', 'source:s3', 'name:42', 'source:true', 'ip:10', 'readonly:true', 'error:*', '-error:*', 'ip:10.0.0.0/8', 'error:"Failed authentication"', 'error:Fail*', '-error:denied']) {
      const parsed = parseQuery(query);
      if (!parsed.ok) throw new Error(parsed.error.message);
      const matches = compileRecordMatcher(parsed.ast);
      const rowTest = compileNode(parsed.ast).test;
      const rows = records.map((record) => ({ record, row: normalizeForTest(record) }));
      for (const { record, row } of rows) expect(matches(record), `${query} ${JSON.stringify(record).slice(0, 80)}`).toBe(rowTest(row));
    }
  });
});

function normalizeForTest(record: RawRecord) {
  return normalize(record, new RecordBatch('t.json'), 0);
}

/** A rule's events as a plain set of eventIDs (Findings keeps bitsets; the terms only see TagRule). */
function tagRuleOf(id: string, title: string, events: ReadonlySet<string>): TagRule {
  return { id, title, has: (eventId) => events.has(eventId), hasRow: (row) => events.has(row.id), eventIds: () => events };
}

describe('rule: and mark: read the session\'s sets by eventID', () => {
  const random = seededRandom(5);
  const records = Array.from({ length: 400 }, (_, k) => randomRecord(random, k));
  const rows = records.map((record) => ({ ...normalizeForTest(record), seq: -1 }));
  const ids = rows.map((r) => r.id);
  const marks = new Set(ids.filter((_, k) => k % 7 === 0));
  const rootHits = new Set(ids.filter((_, k) => k % 5 === 0));
  const sgHits = new Set(ids.filter((_, k) => k % 3 === 0));
  const tags = {
    marks,
    rules: [
      tagRuleOf('aws_root_login', 'Root account console login', rootHits),
      tagRuleOf('sg_open_world', 'Security group opened to the world', sgHits),
    ],
  };
  const cases: [string, (id: string) => boolean][] = [
    ['mark:*', (id) => marks.has(id)],
    ['-mark:*', (id) => !marks.has(id)],
    ['rule:*', (id) => rootHits.has(id) || sgHits.has(id)],
    ['rule:aws_root_login', (id) => rootHits.has(id)],
    ['rule:*WORLD*', (id) => sgHits.has(id)],
    ['rule:*root* -mark:*', (id) => rootHits.has(id) && !marks.has(id)],
    ['rule:nothing', () => false],
  ];
  const store = new EventStore(0);
  store.add(rows);

  it.each(cases)('%s: rows, columns and records agree with the sets', (query, reference) => {
    const compiled = compileQuery(query, { tags });
    if (!compiled.ok) throw new Error(compiled.error.message);
    const expected = rows.filter((r) => reference(r.id)).map((r) => r.id);
    expect(filterRows(rows, compiled.query).map((r) => r.id)).toEqual(expected);
    expect(new Set(filterStore(store, compiled.query).map((r) => r.id))).toEqual(new Set(expected));
    const matches = compileRecordMatcher(compiled.query.ast, { tags });
    expect(records.filter((r) => matches(r)).map((r) => r.eventID)).toEqual(expected);
  });

  it('without sets the terms match nothing; sets are read at test time, so they may grow', () => {
    const compiled = compileQuery('mark:*');
    if (!compiled.ok) throw new Error(compiled.error.message);
    expect(filterRows(rows, compiled.query)).toEqual([]);
    const growing = new Set<string>();
    const live = compileQuery('mark:*', { tags: { marks: growing } });
    if (!live.ok) throw new Error(live.error.message);
    expect(filterRows(rows, live.query)).toEqual([]);
    growing.add(rows[3]!.id);
    expect(filterRows(rows, live.query).map((r) => r.id)).toEqual([rows[3]!.id]);
  });

  it('mark: takes only *', () => {
    const result = compileQuery('mark:x');
    expect(result.ok).toBe(false);
  });
});

describe('parseQuery builds the documented tree', () => {
  const astOf = (query: string): QueryNode => {
    const parsed = parseQuery(query, { now: 0, deepTerms: true });
    if (!parsed.ok) throw new Error(parsed.error.message);
    return parsed.ast;
  };

  it('same field repeated is or, different fields and, -term not, * exists, time one range', () => {
    expect(astOf('name:A name:b* -error:* since:1h')).toEqual({
      kind: 'and',
      children: [
        { kind: 'not', child: { kind: 'field', ref: { kind: 'summary', name: 'error' }, match: { kind: 'exists' } } },
        {
          kind: 'or',
          children: [
            { kind: 'field', ref: { kind: 'summary', name: 'name' }, match: { kind: 'glob', pattern: { segments: ['a'], glob: false } } },
            { kind: 'field', ref: { kind: 'summary', name: 'name' }, match: { kind: 'glob', pattern: { segments: ['b', ''], glob: true } } },
          ],
        },
        { kind: 'time', min: -3_600_000, max: Infinity, relative: true },
      ],
    });
  });

  it('paths, params and tags', () => {
    expect(astOf('requestParameters.bucketName:Logs')).toEqual({
      kind: 'field',
      ref: { kind: 'path', path: ['requestParameters', 'bucketName'] },
      match: { kind: 'glob', pattern: { segments: ['logs'], glob: false } },
    });
    expect(astOf('params:0.0.0.0/0')).toEqual({
      kind: 'field',
      ref: { kind: 'params' },
      match: { kind: 'glob', pattern: { segments: ['', '0.0.0.0/0', ''], glob: true } },
    });
    expect(astOf('rule:Root*')).toEqual({ kind: 'tag', tag: 'rule', match: { kind: 'glob', pattern: { segments: ['root', ''], glob: true } } });
    expect(astOf('-mark:*')).toEqual({ kind: 'not', child: { kind: 'tag', tag: 'mark', match: { kind: 'exists' } } });
    expect(astOf('ip:10.0.0.0/8')).toEqual({
      kind: 'or',
      children: [
        { kind: 'field', ref: { kind: 'summary', name: 'ip' }, match: { kind: 'glob', pattern: { segments: ['10.0.0.0/8'], glob: false } } },
        { kind: 'field', ref: { kind: 'summary', name: 'ip' }, match: { kind: 'cidr', cidr: '10.0.0.0/8' } },
      ],
    });
  });

  it('deep terms are an error where records cannot be read back', () => {
    const result = compileQuery('name:x requestParameters.bucketName:logs');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.position).toBe(7);
    expect(compileQuery('params:x').ok).toBe(false);
  });

  it('words stay words: s3:GetObject, arn:..., and unknown single names are still errors', () => {
    expect(astOf('s3:GetObject')).toMatchObject({ kind: 'word', text: 's3:GetObject' });
    expect(astOf('arn:aws:iam::1:root')).toMatchObject({ kind: 'word' });
    // A path with a key missing is no word either: it searched text and found nothing (parse.test.ts).
    expect(parseQuery('bucketname.:x', { now: 0, deepTerms: true }).ok).toBe(false);
    // A field of the table wins over a record key of the same (case-insensitive) name; other record keys are paths, exactly as spelt.
    expect(astOf('userAgent:aws-cli*')).toMatchObject({ kind: 'field', ref: { kind: 'summary', name: 'agent' } });
    expect(astOf('errorMessage:*')).toMatchObject({ kind: 'field', ref: { kind: 'path', path: ['errorMessage'] } });
    expect(parseQuery('errormessage:x', { deepTerms: true }).ok).toBe(false);
  });
});
