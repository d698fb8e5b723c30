/**
 * The split compileWhere makes of an archive condition on text columns (schema 8, tt_inexact):
 * `(columns exact AND columns alone) OR tt_seq IN (odd rows, read from the record)`. It must give
 * every row the answer of the unsplit condition (the record fallback on every row), also under
 * NOT, inside OR and AND, beside rule:, mark:, fuzzy words and time terms, and the in-memory answer
 * for path terms; and tt_inexact, which it trusts, must be what the import (JavaScript) and the
 * upgrade (SQL) both compute on hostile values: nested arrays, sessionContext as a list,
 * `__proto__` keys, numbers, values with bars, a lookup-events element, errorMessage filled in.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveFilter, ruleTagSql, type ArchiveRule } from '../../src/archive/filter.js';
import type { QueryNode } from '../../src/query/ast.js';
import { parseQuery } from '../../src/query/parse.js';
import { compileRecordMatcher } from '../../src/query/recordMatch.js';
import { compileWhere } from '../../src/query/sql/index.js';
import { archiveInexactLeavesSql } from '../../src/query/sql/schema.js';
import { tempFolder } from '../support/files.js';
import { int, pick, rng } from '../support/random.js';
import { archiveOf, archiveOfFolder, callerIdentityCall, type TestArchive } from './helpers.js';

const event = callerIdentityCall;

/** A path term as a Sigma rule makes it (the query bar reads userAgent, eventName ... as summary fields): a whole-value glob, lowercase, or exists. */
function path(dotted: string, value: string | null): QueryNode {
  const segments = (value ?? '').split('*');
  return {
    kind: 'field',
    ref: { kind: 'path', path: dotted.split('.') },
    match: value === null ? { kind: 'exists' } : { kind: 'glob', pattern: { segments, glob: segments.length > 1 } },
  };
}

function parsed(text: string): QueryNode {
  const result = parseQuery(text, { deepTerms: true });
  if (!result.ok) throw new Error(`${text}: ${result.error.message}`);
  return result.ast;
}

async function inexactOf(archive: TestArchive): Promise<{ stored: Map<string, unknown>; differing: unknown[][] }> {
  const connection = archive.archive.connection;
  const sql = archiveInexactLeavesSql();
  const rows = (await connection.runAndReadAll('SELECT eventid, tt_inexact FROM events')).getRows();
  const differing = (await connection.runAndReadAll(`SELECT eventid, tt_inexact, ${sql} FROM events WHERE tt_inexact IS DISTINCT FROM ${sql}`)).getRows();
  return { stored: new Map(rows.map(([id, inexact]) => [String(id), inexact])), differing };
}

describe('tt_inexact on hostile values: the import (JavaScript) and the upgrade (SQL) agree', () => {
  // Each record and the tt_inexact it must get.
  const CASES: [Record<string, unknown>, string | null][] = [
    [event('nested-arrays', { userIdentity: [[{ type: 'Root', userName: 'a' }]] }), '|useridentity.type|useridentity.username|'],
    [
      event('context-list', { userIdentity: { type: 'AssumedRole', sessionContext: [{ sourceIdentity: 's', sessionIssuer: { userName: 'R' } }] } }),
      '|useridentity.sessioncontext.sessionissuer.username|useridentity.sessioncontext.sourceidentity|',
    ],
    // Own keys named __proto__ and constructor (as JSON.parse makes them), on the way and at the top.
    [event('proto', { userIdentity: JSON.parse('{"type":"IAMUser","__proto__":{"userName":"x"},"constructor":"c","userName":"dev"}') as unknown }), null],
    [{ ...event('proto-top'), ...(JSON.parse('{"__proto__":{"eventName":"X","userAgent":"y"},"constructor":{"eventName":"Z"}}') as object) }, null],
    // A number's or boolean's column text is its JSON text: exact.
    [event('numbers', { userAgent: 1e21, errorCode: -0, recipientAccountId: 1.0, readOnly: false, vpcEndpointId: 5e-324, apiVersion: 123456789012345680000 }), null],
    [event('bars', { userAgent: '|useragent|', errorCode: 'a|b', eventName: '|' }), null],
    // normalize() makes a failed ConsoleLogin's '' errorMessage 'Failure'; the record's path yields ''.
    [event('empty-message', { eventName: 'ConsoleLogin', errorMessage: '', responseElements: { ConsoleLogin: 'Failure' } }), '|errormessage|'],
    [event('number-message', { eventName: 'ConsoleLogin', errorMessage: 5, responseElements: { ConsoleLogin: 'Failure' } }), null],
    // An '' (a NULL column) has its own mark, errorcode=, read as '' from the columns.
    [event('empty-values', { errorCode: '', sourceIPAddress: ['198.51.100.1'], eventType: {} }), '|sourceipaddress|errorcode=|eventtype|'],
    [event('deep-list', { userAgent: [[['a']]], eventSource: [] }), '|useragent|'],
  ];
  // Lookup-events elements: a CloudTrailEvent that does not parse leaves the element itself as the record.
  const LOOKUP: [Record<string, unknown>, string, string | null][] = [
    [{ EventId: 'lookup-bad', EventName: 'X', CloudTrailEvent: 'not json', userAgent: 'ua', errorMessage: '' }, 'lookup-bad', '|useragent|errormessage=|'],
    [
      {
        EventId: 'lookup-login',
        EventName: 'ConsoleLogin',
        CloudTrailEvent: JSON.stringify({
          eventVersion: '1.08',
          eventTime: '2024-03-05T12:00:00Z',
          eventName: 'ConsoleLogin',
          userIdentity: { type: 'Root', accessKeyId: '' },
          responseElements: { ConsoleLogin: 'Failure' },
        }),
      },
      'lookup-login',
      '|useridentity.accesskeyid=|errormessage|',
    ],
  ];
  let archive: TestArchive;
  beforeAll(async () => {
    const scratch = tempFolder('trailtop-inexact-');
    const folder = join(scratch.dir, 'logs');
    mkdirSync(folder);
    writeFileSync(join(folder, 'records.json'), JSON.stringify({ Records: CASES.map(([record]) => record) }));
    writeFileSync(join(folder, 'lookup.json'), JSON.stringify({ Events: LOOKUP.map(([element]) => element) }));
    archive = await archiveOfFolder(folder, join(scratch.dir, 'archive.duckdb'), scratch.remove);
  });
  afterAll(() => archive?.close());

  it('names exactly the columns that do not hold their path, and the SQL of the upgrade names the same', async () => {
    const { stored, differing } = await inexactOf(archive);
    expect(differing).toEqual([]);
    const want = new Map<string, unknown>([...CASES.map(([record, inexact]) => [String(record.eventID), inexact] as const), ...LOOKUP.map(([, id, inexact]) => [id, inexact] as const)]);
    expect(stored).toEqual(want);
  });

  it.each([
    ...[
      'userIdentity.type:Root',
      'userIdentity.userName:*',
      'userIdentity.sessionContext.sourceIdentity:s',
      "errorMessage:''",
      'errorMessage:Failure',
      'errorMessage:5',
      "userIdentity.accessKeyId:''",
      'apiVersion:123456789012345680000',
      'vpcEndpointId:5e-324',
    ].map((text) => [text, parsed(text)] as const),
    ...(
      [
        ['userAgent', '1e+21'],
        ['userAgent', '*|*'],
        ['userAgent', 'a'],
        ['userAgent', 'ua'],
        ['errorCode', '0'],
        ['errorCode', ''],
        ['sourceIPAddress', '198.51.100.*'],
        ['eventType', null],
        ['eventName', 'x'],
        ['eventName', '|'],
        ['recipientAccountId', '1'],
      ] as const
    ).map(([field, value]) => [`${field} path ${value ?? 'exists'}`, path(field, value)] as const),
  ])('%s: the in-memory answer, also negated', async (_label, ast) => {
    const connection = archive.archive.connection;
    const records = ((await connection.runAndReadAll('SELECT eventid, tt_record FROM events ORDER BY eventid')).getRows() as [string, string][]).map(
      ([id, record]) => [id, JSON.parse(record) as unknown] as const,
    );
    const matcher = compileRecordMatcher(ast);
    const memory = records.filter(([, record]) => matcher(record)).map(([id]) => id);
    const where = compileWhere(ast, { dialect: 'duckdb', schema: 'archive' });
    expect(await archive.ids(where)).toEqual(memory);
    expect(await archive.ids(`NOT ${where}`)).toEqual(records.map(([id]) => id).filter((id) => !memory.includes(id)));
  });
});

/** Values for the text columns' paths: most exact, some odd ('' and lists: the record decides). */
const VALUES: unknown[] = ['', 'x', '0abc', '-x', 'a|b', '|useragent|', 12, -0, 1e21, true, null, {}, { a: 'x' }, [], ['x'], ['x', 'y'], [['x']], 'Root', 'curl/7', 'AccessDenied', 'Failure'];

function hostileRecords(seed: number, count: number): Record<string, unknown>[] {
  const random = rng(seed);
  const records: Record<string, unknown>[] = [];
  for (let k = 0; k < count; k++) {
    const identity: Record<string, unknown> = { type: 'IAMUser', userName: 'dev', accessKeyId: 'AKIA1', sessionContext: { sourceIdentity: 'si', sessionIssuer: { userName: 'R' } } };
    const record = event(`e-${String(k).padStart(3, '0')}`, {
      eventTime: `2024-03-05T${String(k % 24).padStart(2, '0')}:00:00Z`,
      eventName: pick(random, ['ConsoleLogin', 'GetCallerIdentity', 'AssumeRole']),
      userIdentity: identity,
    });
    for (let n = int(random, 0, 3); n > 0; n--) {
      const value = pick(random, VALUES);
      switch (int(random, 0, 8)) {
        case 0:
          record.userAgent = value;
          break;
        case 1:
          record.errorCode = value;
          break;
        case 2:
          record.errorMessage = value;
          break;
        case 3:
          record.eventName = value;
          break;
        case 4:
          identity.type = value;
          break;
        case 5:
          identity.accessKeyId = value;
          break;
        case 6:
          identity.sessionContext = [{ sourceIdentity: value, sessionIssuer: { userName: pick(random, VALUES) } }];
          break;
        case 7:
          record.responseElements = { ConsoleLogin: 'Failure' };
          break;
        default:
          record.userIdentity = pick(random, [[identity], [[identity]], [], 'a string', null]);
      }
    }
    records.push(record);
  }
  return records;
}

/** Terms as the query bar writes them: paths under userIdentity, errorMessage, summary fields, words, times, tags. */
const TEXT_TERMS = [
  'errorMessage:*',
  'errorMessage:Failure',
  'userIdentity.type:Root',
  'userIdentity.type:*',
  'userIdentity.accessKeyId:AKIA*',
  "userIdentity.accessKeyId:''",
  'userIdentity.sessionContext.sourceIdentity:x',
  'userIdentity.sessionContext.sessionIssuer.userName:*',
  'userIdentity.userName:/^d/',
  'responseElements.ConsoleLogin:Failure',
  'error:*',
  'user:dev',
  'name:ConsoleLogin',
  'agent:curl*',
  'ip:203.0.113.0/24',
  'root',
  'curl',
  'from:2024-03-05T05:00Z',
  'to:2024-03-05T10:00Z',
  'mark:*',
  'rule:r1',
  'rule:r2',
];

/** Top-level paths the query bar reads as summary fields, as a rule tests them: on their columns. */
const PATH_TERMS: QueryNode[] = [
  path('userAgent', 'x'),
  path('userAgent', null),
  path('userAgent', ''),
  path('userAgent', '12'),
  path('userAgent', '1e+21'),
  path('userAgent', '*|*'),
  path('errorCode', null),
  path('errorCode', 'accessdenied'),
  path('eventName', 'x'),
  path('eventName', 'consolelogin'),
  path('sourceIPAddress', '203.0.113.*'),
];

function onlyPaths(node: QueryNode): boolean {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.children.every(onlyPaths);
    case 'not':
      return onlyPaths(node.child);
    case 'field':
      return node.ref.kind === 'path';
    default:
      return false;
  }
}

describe('the split of a condition on text columns gives every row the unsplit answer', () => {
  const records = hostileRecords(0x1e8ac7, 240);
  const rules: ArchiveRule[] = [
    { id: 'r1', title: 'r1', ast: { kind: 'or', children: [path('userAgent', 'x'), path('userIdentity.type', 'root')] } },
    { id: 'r2', title: 'r2', ast: { kind: 'and', children: [parsed('-error:*'), path('eventName', 'consolelogin'), path('userIdentity.accessKeyId', 'akia*')] } },
  ];
  const marks = new Set(records.filter((_, k) => k % 7 === 0).map((r) => String(r.eventID)));
  const compile = (ast: QueryNode): string => compileWhere(ast, { dialect: 'duckdb', schema: 'archive', tags: { marks }, ruleTag: (node) => ruleTagSql(node, rules) });
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await archiveOf(records);
  });
  afterAll(() => archive?.close());

  it('on records with many odd values, tt_inexact of the import is the upgrade SQL', async () => {
    const { stored, differing } = await inexactOf(archive);
    expect(differing).toEqual([]);
    expect([...stored.values()].filter((v) => v !== null).length).toBeGreaterThan(records.length / 4);
  });

  it('random queries: the split is the unsplit condition, its NOT the complement, path terms the in-memory answer', async () => {
    const random = rng(0x5b117);
    const terms = [...TEXT_TERMS.map(parsed), ...PATH_TERMS];
    const term = (): QueryNode => {
      const chosen = pick(random, terms);
      return random() < 0.3 ? { kind: 'not', child: chosen } : chosen;
    };
    const query = (depth: number): QueryNode => {
      if (depth === 0 || random() < 0.3) return term();
      const children = Array.from({ length: int(random, 2, 4) }, () => query(depth - 1));
      const node: QueryNode = { kind: random() < 0.5 ? 'or' : 'and', children };
      return random() < 0.3 ? { kind: 'not', child: node } : node;
    };
    // A path only the record holds (never there, so the AND changes no answer) keeps the condition unsplit.
    const unsplit = (ast: QueryNode): string => compile({ kind: 'and', children: [ast, { kind: 'not', child: path('zzz.never', 'x') }] });
    const all = records.map((r) => String(r.eventID)).sort();
    const failures: string[] = [];
    let split = 0;
    for (let k = 0; k < 200; k++) {
      const ast = query(2);
      const where = compile(ast);
      if (where.includes('tt_inexact')) split++;
      const ids = await archive.ids(where);
      const label = JSON.stringify(ast);
      if (JSON.stringify(ids) !== JSON.stringify(await archive.ids(unsplit(ast)))) failures.push(`${label}: split and unsplit differ`);
      const negated = await archive.ids(`NOT ${where}`);
      if (JSON.stringify([...ids, ...negated].sort()) !== JSON.stringify(all)) failures.push(`NOT ${label}: not the complement`);
      if (onlyPaths(ast)) {
        const matcher = compileRecordMatcher(ast);
        const memory = records.filter((r) => matcher(r)).map((r) => String(r.eventID)).sort();
        if (JSON.stringify(memory) !== JSON.stringify(ids)) failures.push(`${label}: not the in-memory answer`);
      }
    }
    expect(split).toBeGreaterThan(100);
    expect(failures.slice(0, 5)).toEqual([]);
  }, 120_000);

  it('a term of the AND that tests no text column is written once, outside the split (a rule: term was in both branches)', async () => {
    const text = 'rule:r2 userIdentity.type:Root';
    const filter = await archiveFilter(text, { rules });
    if (!filter.ok) throw new Error(filter.message);
    const ast = parsed(text);
    const tag = ast.kind === 'and' ? ast.children.find((c) => c.kind === 'tag') : undefined;
    if (tag?.kind !== 'tag') throw new Error('no rule: term');
    const ruleSql = ruleTagSql(tag, rules);
    expect(filter.where!.split(ruleSql).length - 1).toBe(1);
    // The rule's events that are also Root's, as the unsplit condition finds them.
    expect(await archive.ids(filter.where!)).toEqual(await archive.ids(`(${ruleSql}) AND ${compile({ kind: 'and', children: [parsed('userIdentity.type:Root'), { kind: 'not', child: path('zzz.never', 'x') }] })}`));
  });
});
