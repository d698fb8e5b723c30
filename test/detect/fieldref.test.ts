/**
 * Sigma's `|fieldref` (ast.ts compare node): one field's value against
 * another's, any case, whole or with contains/startswith/endswith. SigmaHQ's
 * aws_update_login_profile (`userIdentity.arn|fieldref:
 * requestParameters.userName`) was the one rule of the 57 listed as not run.
 * Checked in memory, as the archive's SQL, as AWS's table's SQL (both run by
 * DuckDB), and through a folder's detection.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetector } from '../../src/detect/recordDetector.js';
import { parseRuleFile } from '../../src/detect/sigmaRule.js';
import { recordKeysRead } from '../../src/query/recordMatch.js';
import { compileWhere } from '../../src/query/sql/index.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { tempFolder } from '../support/files.js';
import { firedInFolder } from './bothEngines.js';
import { ruleText } from './ruleText.js';

function event(id: string, userIdentity: Record<string, unknown>, requestParameters: Record<string, unknown> | null, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    eventID: id,
    eventTime: '2024-03-05T12:00:00Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'UpdateLoginProfile',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.9',
    userIdentity: { type: 'IAMUser', accountId: '111122223333', ...userIdentity },
    requestParameters,
    readOnly: false,
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
    ...extra,
  };
}

const ARN = 'arn:aws:iam::111122223333:user/';
const EVENTS = [
  // A user changing their own password: the names differ in case only.
  event('self', { userName: 'Dev', arn: `${ARN}Dev` }, { userName: 'dev' }),
  event('other', { userName: 'admin', arn: `${ARN}admin` }, { userName: 'alice' }),
  event('no-params', { userName: 'dev', arn: `${ARN}dev` }, null),
  // Greek capitals fold to a final sigma's plain form on both sides (fold.ts): equal.
  event('sigma', { userName: 'ΟΔΥΣΣΕΥΣ', arn: `${ARN}x` }, { userName: 'οδυσσευς' }),
  // A list on one side: any element may match.
  event('list', { userName: 'Ops', arn: `${ARN}ops` }, { userNames: ['x', 'OPS'] }),
  // An empty string is a value on a path (ast.ts): equal to another empty one.
  event('empty', { userName: '', arn: `${ARN}` }, { userName: '' }),
  // A number and its text are the same value.
  event('number', { userName: '5', arn: `${ARN}5` }, { maxItems: 5 }),
];

function ruleOf(detection: string): string {
  return ruleText(detection);
}

function astOf(detection: string) {
  const parsed = parseRuleFile(ruleOf(detection), 'r.yml', 'test');
  expect(parsed.skipped).toEqual([]);
  return parsed.rules[0]!.ast;
}

describe('|fieldref compares two fields of one event', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await archiveOf(EVENTS);
  });
  afterAll(() => archive?.close());

  async function onEveryEngine(detection: string): Promise<string[]> {
    const ast = astOf(detection);
    const detector = createDetector([{ ast }]);
    const memory = EVENTS.filter((e) => detector.test(e) !== null).map((e) => String(e.eventID)).sort();
    expect(await archive.ids(compileWhere(ast, { dialect: 'duckdb', schema: 'archive' })), `${detection} (archive)`).toEqual(memory);
    // AWS's table run on the archive's columns: they hold NULL for an empty string (a struct field), where
    // AWS's table keeps the '' (fuzzDifferential.test.ts inJsonColumn): the event of empty names is left out.
    const withoutEmpty = (ids: string[]) => ids.filter((id) => id !== 'empty');
    expect(withoutEmpty(await archive.ids(compileWhere(ast, { dialect: 'duckdb', schema: 'cloudtrail' }))), `${detection} (AWS's table)`).toEqual(withoutEmpty(memory));
    return memory;
  }

  it('equals, any case, across lists, empty strings and numbers; a side without a value never matches', async () => {
    expect(await onEveryEngine('selection:\n  userIdentity.userName|fieldref: requestParameters.userName\ncondition: selection')).toEqual([
      'empty',
      'self',
      'sigma',
    ]);
    expect(await onEveryEngine('selection:\n  requestParameters.userNames|fieldref: userIdentity.userName\ncondition: selection')).toEqual(['list']);
    expect(await onEveryEngine('selection:\n  requestParameters.maxItems|fieldref: userIdentity.userName\ncondition: selection')).toEqual(['number']);
    // A list of field names: any of them; with |all, every one.
    expect(
      await onEveryEngine('selection:\n  userIdentity.userName|fieldref:\n    - requestParameters.userName\n    - requestParameters.maxItems\ncondition: selection'),
    ).toEqual(['empty', 'number', 'self', 'sigma']);
    expect(
      await onEveryEngine('selection:\n  userIdentity.userName|fieldref|all:\n    - requestParameters.userName\n    - requestParameters.maxItems\ncondition: selection'),
    ).toEqual([]);
  });

  it('contains, startswith and endswith hold the other value there', async () => {
    expect(await onEveryEngine('selection:\n  userIdentity.arn|fieldref|endswith: requestParameters.userName\ncondition: selection')).toEqual(['empty', 'self']);
    expect(await onEveryEngine('selection:\n  userIdentity.arn|fieldref|contains: userIdentity.userName\ncondition: selection')).toEqual([
      'empty',
      'list',
      'no-params',
      'number',
      'other',
      'self',
    ]);
    expect(await onEveryEngine('selection:\n  userIdentity.arn|fieldref|startswith: requestParameters.userName\ncondition: selection')).toEqual(['empty']);
  });

  it("SigmaHQ's rule: not 1 of filter_* is true where the other field has no value", async () => {
    const detection = [
      'selection:',
      "  eventSource: 'iam.amazonaws.com'",
      "  eventName: 'UpdateLoginProfile'",
      'filter_main_user_identity:',
      '  userIdentity.userName|fieldref: requestParameters.userName',
      'condition: selection and not 1 of filter_main_*',
    ].join('\n');
    expect(await onEveryEngine(detection)).toEqual(['list', 'no-params', 'number', 'other']);
    // Only the keys the rule reads need parsing: both sides' first keys.
    expect(recordKeysRead(astOf('selection:\n  userIdentity.arn|fieldref: requestParameters.userName\ncondition: selection'))?.sort()).toEqual([
      'requestParameters',
      'userIdentity',
    ]);
    // Through a folder's load: the file screen and the parse-time detector.
    const scratch = tempFolder('trailtop-fieldref-');
    try {
      mkdirSync(join(scratch.dir, 'rules'));
      const file = join(scratch.dir, 'rules', 'r.yml');
      writeFileSync(file, ruleOf(detection));
      expect(await firedInFolder(file, EVENTS)).toEqual(['list', 'no-params', 'number', 'other']);
    } finally {
      scratch.remove();
    }
  });
});
