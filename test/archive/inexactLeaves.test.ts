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
  extra_info?: { Projections?: string | string[] };
  children?: PlanNode[];
}

/** Rows each table scan that reads tt_record let through, from EXPLAIN ANALYZE. */
async function recordScanRows(archive: TestArchive, where: string): Promise<number[]> {
  const connection = archive.archive.connection;
  await connection.run("PRAGMA enable_profiling = 'json'");
  const plan = (await connection.runAndReadAll(`EXPLAIN (ANALYZE, FORMAT json) SELECT eventid FROM events WHERE ${where}`)).getRows()[0]![1];
  await connection.run('PRAGMA disable_profiling');
  const found: number[] = [];
  const walk = (node: PlanNode): void => {
    const projections = node.extra_info?.Projections ?? [];
    if (/SCAN/.test(node.operator_name ?? '') && [projections].flat().includes('tt_record')) found.push(node.operator_cardinality ?? -1);
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
