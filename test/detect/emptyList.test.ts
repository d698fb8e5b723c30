/**
 * An empty list at the end of a path is no value (ast.ts), as Elastic's and
 * Splunk's Sigma backends read one: SigmaHQ's aws_new_lambda_layer_attached
 * (`requestParameters.layers|contains: '*'`) fired when every layer was
 * removed (`layers: []`). Checked in memory, as the archive's SQL and as AWS's
 * table's SQL (run by DuckDB), and through a folder's detection.
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

const RULE = resolve(import.meta.dirname, '../../../shared/datasets/sigma-cloudtrail/rules/aws_new_lambda_layer_attached.yml');
const rulePresent = existsSync(RULE);
if (!rulePresent && process.env.CI) throw new Error(`SigmaHQ rule missing at ${RULE}`);

function updateConfiguration(id: string, requestParameters: Record<string, unknown>): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    eventID: id,
    eventTime: '2024-03-05T12:00:00Z',
    eventSource: 'lambda.amazonaws.com',
    eventName: 'UpdateFunctionConfiguration20150331v2',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.9',
    userAgent: 'aws-cli/2.15.0',
    userIdentity: { type: 'IAMUser', userName: 'dev', arn: 'arn:aws:iam::111122223333:user/dev', accountId: '111122223333' },
    requestParameters,
    readOnly: false,
    eventType: 'AwsApiCall',
    eventCategory: 'Management',
    recipientAccountId: '111122223333',
  };
}

const LAYER = 'arn:aws:lambda:us-east-1:999988887777:layer:ext:3';
const EVENTS = [
  updateConfiguration('attached', { functionName: 'f', layers: [LAYER] }),
  updateConfiguration('removed', { functionName: 'f', layers: [] }),
  updateConfiguration('untouched', { functionName: 'f', timeout: 30 }),
  updateConfiguration('nested-empty', { functionName: 'f', layers: [[]] }),
];

describe('an empty list is no value', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await archiveOf(EVENTS);
  });
  afterAll(() => archive?.close());

  async function onEveryEngine(ast: Parameters<typeof compileWhere>[0]): Promise<string[]> {
    const detector = createDetector([{ ast }]);
    const memory = EVENTS.filter((e) => detector.test(e) !== null).map((e) => String(e.eventID)).sort();
    expect(await archive.ids(compileWhere(ast, { dialect: 'duckdb', schema: 'archive' }))).toEqual(memory);
    expect(await archive.ids(compileWhere(ast, { dialect: 'duckdb', schema: 'cloudtrail' }))).toEqual(memory);
    return memory;
  }

  it("contains '*', exists and a null list test agree on every engine", async () => {
    const rule = (selection: string) => {
      const parsed = parseRuleFile(selectionRule(selection), 'r.yml', 'test');
      expect(parsed.skipped).toEqual([]);
      return parsed.rules[0]!.ast;
    };
    expect(await onEveryEngine(rule("requestParameters.layers|contains: '*'"))).toEqual(['attached', 'nested-empty']);
    expect(await onEveryEngine(rule('requestParameters.layers|exists: true'))).toEqual(['attached', 'nested-empty']);
    expect(await onEveryEngine(rule('requestParameters.layers|exists: false'))).toEqual(['removed', 'untouched']);
    expect(await onEveryEngine(rule('requestParameters.layers: null'))).toEqual(['removed', 'untouched']);
  });

  it('query bar terms agree on every engine', async () => {
    const cases: [string, string[]][] = [
      ['requestParameters.layers:*', ['attached', 'nested-empty']],
      ['-requestParameters.layers:*', ['removed', 'untouched']],
      ['requestParameters.layers:"[]"', []],
      ['requestParameters.layers:*ext*', ['attached']],
      // The list's text is still searched by params: (one text of the four JSON fields).
      ['params:*"\\"layers\\":[]"*', ['removed']],
    ];
    for (const [text, want] of cases) {
      const parsed = parseQuery(text, { deepTerms: true });
      if (!parsed.ok) throw new Error(`${text}: ${parsed.error.message}`);
      expect(await onEveryEngine(parsed.ast), text).toEqual(want);
    }
  });

  it.skipIf(!rulePresent)("SigmaHQ's new-layer rule fires on the attached layer only, in a watched folder", async () => {
    expect(await firedInFolder(RULE, EVENTS)).toEqual(['attached', 'nested-empty']);
  });
});
