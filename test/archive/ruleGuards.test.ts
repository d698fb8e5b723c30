/**
 * A rule run as SQL on the archive (filter.ts ruleCondition) is narrowed on every column that holds
 * one of its paths as text, not only eventName, eventSource and userIdentity.type: DuckDB tests such
 * a guard in the table scan and reads the records (tt_record, the archive's widest column) of only
 * the rows it lets through. A rule on userAgent alone (SigmaHQ's trufflehog rule) read every record.
 * The guard never changes the answer: values a column cannot hold exactly still come from the record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleCondition } from '../../src/archive/filter.js';
import { createDetector } from '../../src/detect/recordDetector.js';
import { parseRuleFile } from '../../src/detect/sigmaRule.js';
import { compileWhere } from '../../src/query/sql/index.js';
import { selectionRule } from '../detect/bothEngines.js';
import { archiveOf, callerIdentityCall, type TestArchive } from './helpers.js';

const event = callerIdentityCall;

// Values a text column holds exactly, and ones it cannot (a list, a number-like text, none at all).
const EVENTS = [
  event('hog', { userAgent: 'TruffleHog/3.63' }),
  event('cli', {}),
  event('list', { userAgent: ['x', 'trufflehog'] }),
  event('digits', { userAgent: '2trufflehog' }),
  event('none', { userAgent: undefined }),
  event('arn', { userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/aws:ec2-instance/i-1' } }),
];

function ruleAst(selection: string) {
  const parsed = parseRuleFile(selectionRule(selection), 'r.yml', 'test');
  expect(parsed.skipped).toEqual([]);
  return parsed.rules[0]!.ast;
}

describe('rules on the archive are narrowed on every text column they test', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await archiveOf(EVENTS);
  });
  afterAll(() => archive?.close());

  const cases: [string, string, string[]][] = [
    ["userAgent|contains: 'trufflehog'", 'useragent', ['digits', 'hog', 'list']],
    ["sourceIPAddress|startswith: '203.0.113.'", 'sourceipaddress', ['arn', 'cli', 'digits', 'hog', 'list', 'none']],
  ];

  it.each(cases)('%s: the guard is tested in the scan, and the answer is the in-memory one', async (selection, column, want) => {
    const ast = ruleAst(selection);
    const where = ruleCondition(ast);
    const detector = createDetector([{ ast }]);
    expect(EVENTS.filter((e) => detector.test(e) !== null).map((e) => String(e.eventID)).sort()).toEqual(want);
    expect(await archive.ids(where)).toEqual(want);
    expect(await archive.ids(compileWhere(ast, { dialect: 'duckdb', schema: 'archive' }))).toEqual(want);
    // EXPLAIN's table scan lists the filters DuckDB runs while it reads: the column's guard is one of them.
    const plan = (await archive.archive.connection.runAndReadAll(`EXPLAIN SELECT eventid FROM events WHERE ${where}`)).getRows().map((r) => String(r[1])).join('\n');
    const at = plan.search(/SEQ_SCAN|TABLE_SCAN/);
    expect(at).toBeGreaterThanOrEqual(0);
    const scan = plan.slice(at);
    const filters = scan.slice(scan.indexOf('Filters:')).replace(/[│\s]+/g, '');
    expect(scan).toContain('Filters:');
    expect(filters).toContain(column.replace(/\s/g, ''));
  });
});
