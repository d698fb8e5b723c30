/**
 * tt_inexact (archive schema 8): the text columns a path test reads instead of the record that do
 * not hold what the path yields from the record. An import writes it from JavaScript, an upgrade
 * from SQL (query/sql/schema.ts archiveInexactLeavesSql): the two must agree on every row. A
 * condition on text columns reads the columns alone where they are exact and the records of the
 * other rows only, so a rule on eventName reads no record at all when no row's eventName is odd,
 * and the answers stay the in-memory ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleCondition } from '../../src/archive/filter.js';
import { createDetector } from '../../src/detect/recordDetector.js';
import { parseRuleFile } from '../../src/detect/sigmaRule.js';
import { parseQuery } from '../../src/query/parse.js';
import { compileRecordMatcher } from '../../src/query/recordMatch.js';
import type { FieldRef, QueryNode, ValueMatch } from '../../src/query/ast.js';
import { compileWhere } from '../../src/query/sql/index.js';
import { archiveInexactLeavesSql } from '../../src/query/sql/schema.js';
import { selectionRule } from '../detect/bothEngines.js';
import { archiveOf, callerIdentityCall, type TestArchive } from './helpers.js';

const event = callerIdentityCall;

/** A whole-value glob, lowercase (as the parser makes one). */
function glob(text: string): ValueMatch {
  const segments = text.split('*');
  return { kind: 'glob', pattern: { segments, glob: segments.length > 1 } };
}

const path = (dotted: string, match: ValueMatch): QueryNode => ({ kind: 'field', ref: { kind: 'path', path: dotted.split('.') } as FieldRef, match });

/** Each event and the tt_inexact it must get. */
const CASES: [Record<string, unknown>, string | null][] = [
  [event('plain', {}), null],
  [event('digits', { userAgent: '2fast' }), null],
  [event('absent', { userAgent: undefined, errorCode: null }), null],
  [event('console', { userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root', accessKeyId: '' } }), '|useridentity.accesskeyid=|'],
  // A number's column text is its JSON text: exact.
  [event('number', { userAgent: 12, errorCode: { code: 'x' } }), '|errorcode|'],
  [event('list', { eventName: ['AssumeRole', 'x'] }), '|eventname|'],
  [event('arrayed', { userIdentity: [{ type: 'IAMUser', userName: 'a' }] }), '|useridentity.type|useridentity.username|'],
  [
    event('failed', { eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', responseElements: { ConsoleLogin: 'Failure' } }),
    '|errormessage|',
  ],
];
const EVENTS = CASES.map(([record]) => record);

async function rows(archive: TestArchive, sql: string): Promise<unknown[][]> {
  return (await archive.archive.connection.runAndReadAll(sql)).getRows() as unknown[][];
}

interface PlanNode {
  operator_name?: string;
  operator_cardinality?: number;
  extra_info?: { Projections?: string | string[]; Filters?: string | string[] };
  children?: PlanNode[];
}

/**
 * Rows each table scan that reads tt_record let through, from EXPLAIN ANALYZE; 'every row' for a scan
 * that tests tt_record in its own filter (it reads the record of each row it scans).
 */
async function recordScanRows(archive: TestArchive, where: string): Promise<(number | 'every row')[]> {
  const connection = archive.archive.connection;
  await connection.run("PRAGMA enable_profiling = 'json'");
  const plan = (await connection.runAndReadAll(`EXPLAIN (ANALYZE, FORMAT json) SELECT eventid FROM events WHERE ${where}`)).getRows()[0]![1];
  await connection.run('PRAGMA disable_profiling');
  const found: (number | 'every row')[] = [];
  const walk = (node: PlanNode): void => {
    const projections = node.extra_info?.Projections ?? [];
    const filters = [node.extra_info?.Filters ?? []].flat();
    if (/SCAN/.test(node.operator_name ?? '') && filters.some((filter) => filter.includes('tt_record'))) found.push('every row');
    else if (/SCAN/.test(node.operator_name ?? '') && [projections].flat().includes('tt_record')) found.push(node.operator_cardinality ?? -1);
    node.children?.forEach(walk);
  };
  walk(JSON.parse(String(plan)) as PlanNode);
  return found;
}

describe('tt_inexact', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await archiveOf(EVENTS);
  });
  afterAll(() => archive?.close());

  it('names the columns that do not hold their path exactly, and nothing for the rest', async () => {
    const stored = await rows(archive, 'SELECT eventid, tt_inexact FROM events ORDER BY eventid');
    expect(stored).toEqual(CASES.map(([record, inexact]) => [record.eventID, inexact]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
  });

  it('is what the upgrade computes in SQL', async () => {
    const differing = await rows(archive, `SELECT eventid, tt_inexact, ${archiveInexactLeavesSql()} FROM events WHERE tt_inexact IS DISTINCT FROM ${archiveInexactLeavesSql()}`);
    expect(differing).toEqual([]);
  });

  const queries: [string, QueryNode, string[]][] = [
    // '' is a value in memory; the column holds NULL for it.
    ['userIdentity.accessKeyId:*', path('userIdentity.accessKeyId', { kind: 'exists' }), ['absent', 'console', 'digits', 'failed', 'list', 'number', 'plain']],
    ["userIdentity.accessKeyId:''", path('userIdentity.accessKeyId', glob('')), ['console']],
    ['userAgent:12', path('userAgent', glob('12')), ['number']],
    ['errorCode:*code*', path('errorCode', glob('*code*')), ['number']],
    ['eventName:AssumeRole', path('eventName', glob('assumerole')), ['list']],
    ['userIdentity.userName:a', path('userIdentity.userName', glob('a')), ['arrayed']],
    // normalize() gives the failed ConsoleLogin the errorMessage 'Failure'; its record has none.
    ['errorMessage:Failure', path('errorMessage', glob('failure')), []],
    ['errorMessage:*', path('errorMessage', { kind: 'exists' }), []],
    [
      'eventName:GetCallerIdentity userIdentity.type:IAMUser',
      { kind: 'and', children: [path('eventName', glob('getcalleridentity')), path('userIdentity.type', glob('iamuser'))] },
      ['absent', 'arrayed', 'digits', 'number', 'plain'],
    ],
  ];

  it.each(queries)('%s: the in-memory answer', async (_text, ast, want) => {
    const matcher = compileRecordMatcher(ast);
    expect(EVENTS.filter((record) => matcher(record)).map((record) => String(record.eventID)).sort()).toEqual(want);
    expect(await archive.ids(compileWhere(ast, { dialect: 'duckdb', schema: 'archive' }))).toEqual(want);
  });

  it('a rule reads the records of only the rows where a column it tests is odd', async () => {
    const rule = (selection: string) => {
      const parsed = parseRuleFile(selectionRule(selection), 'r.yml', 'test');
      expect(parsed.skipped).toEqual([]);
      return parsed.rules[0]!.ast;
    };
    const fired = (ast: QueryNode): string[] => {
      const detector = createDetector([{ ast }]);
      return EVENTS.filter((e) => detector.test(e) !== null).map((e) => String(e.eventID)).sort();
    };
    // No row has sourceIPAddress or awsRegion odd: the scans that fetch records let no row through.
    const onAddress = rule("sourceIPAddress|startswith: '203.0.113.'\n  awsRegion: 'us-east-1'");
    expect(await archive.ids(ruleCondition(onAddress))).toEqual(fired(onAddress));
    expect(fired(onAddress)).toHaveLength(EVENTS.length);
    const scans = await recordScanRows(archive, ruleCondition(onAddress));
    expect(scans.length).toBeGreaterThan(0);
    expect(scans.every((n) => n === 0)).toBe(true);

    // One row has eventName odd (a list): its record alone is read.
    const onEventName = rule("eventName: 'GetCallerIdentity'\n  userAgent|startswith: 'aws-cli/'");
    expect(fired(onEventName)).toEqual(['arrayed', 'console', 'plain']);
    expect(await archive.ids(ruleCondition(onEventName))).toEqual(fired(onEventName));
    expect(await recordScanRows(archive, ruleCondition(onEventName))).toEqual([1]);

    // The console sign-in's '' access key is marked as such (`=`), read as '' from the columns: no record either.
    const onKey = rule("userIdentity.accessKeyId|startswith: 'AKIA'");
    expect(fired(onKey)).toEqual(['absent', 'digits', 'failed', 'list', 'number', 'plain']);
    expect(await archive.ids(ruleCondition(onKey))).toEqual(fired(onKey));
    expect(await recordScanRows(archive, ruleCondition(onKey))).toEqual([0]);
    const onEmptyKey = rule("userIdentity.accessKeyId: ''");
    expect(fired(onEmptyKey)).toEqual(['console']);
    expect(await archive.ids(ruleCondition(onEmptyKey))).toEqual(['console']);
    expect(await recordScanRows(archive, ruleCondition(onEmptyKey))).toEqual([0]);
  });
});

/**
 * The columns archive schema 9 added (archive/laterColumns.ts) are text leaves too: a query on
 * tlsDetails.tlsVersion, sessionCredentialFromConsole ... reads the column where it holds the
 * record's value exactly, and the record only where tt_inexact says it does not (on a 1M-event
 * archive, `tlsDetails.tlsVersion:TLSv1.0 OR tlsDetails.tlsVersion:TLSv1.1` read every record: ~4.7 s).
 */
describe('tt_inexact of the columns schema 9 added', () => {
  const webIdentity = (webIdFederationData: unknown): Record<string, unknown> => ({ type: 'WebIdentityUser', userName: 'w', sessionContext: { webIdFederationData } });
  const LATER_CASES: [Record<string, unknown>, string | null][] = [
    [event('tls-plain', { tlsDetails: { tlsVersion: 'TLSv1.2', cipherSuite: 'ECDHE-RSA-AES128-GCM-SHA256', clientProvidedHostHeader: 'sts.amazonaws.com' } }), null],
    [event('tls-list', { tlsDetails: { tlsVersion: ['TLSv1.2', 'TLSv1.0'], cipherSuite: 'AES128-SHA' } }), '|tlsdetails.tlsversion|'],
    // '' is held as NULL and marked as such; a number's column text is its JSON text.
    [event('tls-empty', { tlsDetails: { tlsVersion: '', cipherSuite: 7 } }), '|tlsdetails.tlsversion=|'],
    // An array on the way: the struct is NULL, the path yields the element's value.
    [event('tls-array', { tlsDetails: [{ tlsVersion: 'TLSv1.1' }] }), '|tlsdetails.tlsversion|'],
    [event('console-true', { sessionCredentialFromConsole: true, vpcEndpointAccountId: 444455556666 }), null],
    [event('console-object', { sessionCredentialFromConsole: { x: 1 }, vpcEndpointAccountId: '' }), '|vpcendpointaccountid=|sessioncredentialfromconsole|'],
    [event('vpce', { vpcEndpointAccountId: '444455556666', sessionCredentialFromConsole: 'true' }), null],
    [event('addendum', { addendum: { reason: 'DELIVERY_DELAY', updatedFields: { a: 1 } } }), '|addendum.updatedfields|'],
    [event('webid', { userIdentity: webIdentity({ federatedProvider: ['accounts.google.com'] }) }), '|useridentity.sessioncontext.webidfederationdata.federatedprovider|'],
    [event('webid-plain', { userIdentity: webIdentity({ federatedProvider: 'accounts.google.com', attributes: { aud: 'x' } }) }), null],
    [event('plain', {}), null],
  ];
  const LATER_EVENTS = LATER_CASES.map(([record]) => record);
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await archiveOf(LATER_EVENTS);
  });
  afterAll(() => archive?.close());

  it('names their leaves that do not hold their path exactly, and nothing for the rest', async () => {
    const stored = await rows(archive, 'SELECT eventid, tt_inexact FROM events ORDER BY eventid');
    expect(stored).toEqual(LATER_CASES.map(([record, inexact]) => [record.eventID, inexact]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
  });

  it('is what the upgrade computes in SQL', async () => {
    const differing = await rows(archive, `SELECT eventid, tt_inexact, ${archiveInexactLeavesSql()} FROM events WHERE tt_inexact IS DISTINCT FROM ${archiveInexactLeavesSql()}`);
    expect(differing).toEqual([]);
  });

  const parsed = (text: string): QueryNode => {
    const result = parseQuery(text, { deepTerms: true });
    if (!result.ok) throw new Error(`${text}: ${result.error.message}`);
    return result.ast;
  };
  const laterQueries: [string, string[]][] = [
    ['tlsDetails.tlsVersion:TLSv1.2', ['tls-list', 'tls-plain']],
    ['tlsDetails.tlsVersion:TLSv1.*', ['tls-array', 'tls-list', 'tls-plain']],
    // '' is a value in memory.
    ['-tlsDetails.tlsVersion:*', ['addendum', 'console-object', 'console-true', 'plain', 'vpce', 'webid', 'webid-plain']],
    ['tlsDetails.cipherSuite:*', ['tls-empty', 'tls-list', 'tls-plain']],
    ['tlsDetails.cipherSuite:7', ['tls-empty']],
    ['sessionCredentialFromConsole:true', ['console-true', 'vpce']],
    ['sessionCredentialFromConsole:*x*', ['console-object']],
    ['vpcEndpointAccountId:*', ['console-object', 'console-true', 'vpce']],
    ['vpcEndpointAccountId:4444*', ['console-true', 'vpce']],
    ['addendum.reason:*', ['addendum']],
    ['addendum.updatedFields:*', ['addendum']],
    ['userIdentity.sessionContext.webIdFederationData.federatedProvider:accounts.google.com', ['webid', 'webid-plain']],
  ];

  it.each(laterQueries)('%s: the in-memory answer', async (text, want) => {
    const ast = parsed(text);
    const matcher = compileRecordMatcher(ast);
    expect(LATER_EVENTS.filter((record) => matcher(record)).map((record) => String(record.eventID)).sort()).toEqual(want);
    expect(await archive.ids(compileWhere(ast, { dialect: 'duckdb', schema: 'archive' }))).toEqual(want);
  });

  it("tlsDetails.tlsVersion:'': the in-memory answer, from the columns", async () => {
    const ast = path('tlsDetails.tlsVersion', glob(''));
    const matcher = compileRecordMatcher(ast);
    expect(LATER_EVENTS.filter((record) => matcher(record)).map((record) => String(record.eventID))).toEqual(['tls-empty']);
    expect(await archive.ids(compileWhere(ast, { dialect: 'duckdb', schema: 'archive' }))).toEqual(['tls-empty']);
    expect(await recordScanRows(archive, compileWhere(ast, { dialect: 'duckdb', schema: 'archive' }))).toEqual([2]);
  });

  it('a query on them reads the records of only the rows where their column is odd', async () => {
    const where = (text: string): string => compileWhere(parsed(text), { dialect: 'duckdb', schema: 'archive' });
    // The rows whose column is exact are answered by the column alone; the others by their record, in a subquery.
    const split = /^\(\((.*)\) OR tt_seq IN \(SELECT tt_seq FROM "?events"? WHERE (.*)\)\)$/s.exec(where('tlsDetails.tlsVersion:TLSv1.0 OR tlsDetails.tlsVersion:TLSv1.1'));
    expect(split).not.toBeNull();
    expect(split![1]).toContain("NOT contains(tt_inexact, '|tlsdetails.tlsversion|')");
    expect(split![1]).toContain('tlsdetails.tlsversion');
    expect(split![1]).not.toContain('tt_record');
    expect(split![2]).toMatch(/^contains\(tt_inexact, '\|tlsdetails\.tlsversion\|'\) AND /);
    // tls-list and tls-array: tlsVersion is marked; tls-empty's '' is read from the columns.
    expect(await recordScanRows(archive, where('tlsDetails.tlsVersion:TLSv1.0 OR tlsDetails.tlsVersion:TLSv1.1'))).toEqual([2]);
    expect(await recordScanRows(archive, where('tlsDetails.tlsVersion:TLSv1.2 eventName:GetCallerIdentity'))).toEqual([2]);
    // No row has vpcEndpointAccountId or addendum.reason odd (console-object's '' is read as '' from the columns): no record is read.
    expect(await recordScanRows(archive, where('vpcEndpointAccountId:*'))).toEqual([0]);
    expect(await recordScanRows(archive, where('addendum.reason:DELIVERY_DELAY'))).toEqual([0]);
    // console-object's sessionCredentialFromConsole is an object: its record alone.
    expect(await recordScanRows(archive, where('sessionCredentialFromConsole:true'))).toEqual([1]);
  });
});
