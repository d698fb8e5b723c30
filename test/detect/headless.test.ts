/**
 * `detect DIR` runs headless (detect/headless.ts: no store, only the records
 * a rule could fire on parsed). Its report must be the one the dashboard's
 * store path gives (rules run where records are parsed, hits kept for the
 * copy the store keeps, conflicting duplicates from the store's progress):
 * on every shared data set and on a folder built to hit the corners
 * (duplicates, a conflicting duplicate whose copies fire different rules,
 * missing and escaped ids and names, non-string fields, a broken file).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { addBuiltinFinding, detectReport, findingsOf, type DetectReport } from '../../src/commands/detect.js';
import { conflictFinding, conflictFindingOf, CONFLICT_FINDING_ID } from '../../src/detect/conflictFinding.js';
import { detectFolderHeadless } from '../../src/detect/headless.js';
import { loadRuleSet } from '../../src/detect/loadRules.js';
import type { RuleSet } from '../../src/detect/rule.js';
import { detectionSession } from '../../src/detect/session.js';
import { openFolder } from '../../src/ingest/open.js';
import { deliveryName, makeEvent, tempFolder, writeRecords } from '../watch/helpers.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DATASETS = resolve(root, '../shared/datasets');
const SIGMA = join(DATASETS, 'sigma-cloudtrail/rules');
const present = existsSync(SIGMA);
if (!present) console.warn(`SKIPPED: ${DATASETS} is absent: headless detect was not compared on the shared data sets`);

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** The fields of a record the console's CSV has. */
interface CsvSource {
  eventName?: string;
  eventTime?: string;
  userIdentity?: { userName?: string; accessKeyId?: string };
  eventSource?: string;
  awsRegion?: string;
  errorCode?: string;
  eventID?: string;
  readOnly?: boolean | string;
  sourceIPAddress?: string;
}

interface Outcome {
  report: DetectReport;
  bad: string[];
  /** Headless only: whether records went unparsed (the fast path held to the end). */
  partial?: boolean;
}

/** The store path: what `detect` printed before it went headless, and what the dashboard shows. */
async function storeOutcome(dir: string, set: RuleSet): Promise<Outcome> {
  const { findings, detection } = detectionSession(set);
  const opened = openFolder(dir, { watch: false, pool: { inline: true }, ...(detection ? { detection } : {}) });
  await opened.ready;
  await opened.close();
  const report = detectReport(opened.store.size, set, findings.list('level'));
  addBuiltinFinding(report, conflictFinding(opened.store));
  return { report, bad: opened.store.progress.badFiles.map((b) => `${b.path}: ${b.reason}`).sort() };
}

async function headlessOutcome(dir: string, set: RuleSet, fast: boolean): Promise<Outcome> {
  const tally = await detectFolderHeadless(
    dir,
    set.rules.map((rule) => ({ ast: rule.ast })),
    { workers: 0, fast },
  );
  const report = detectReport(tally.unique, set, findingsOf(set, tally));
  addBuiltinFinding(report, conflictFindingOf(tally.progress.conflictCount, tally.conflictTimes));
  return { report, bad: tally.progress.badFiles.map((b) => `${b.path}: ${b.reason}`).sort(), partial: tally.partialRead };
}

/** The store's outcome, and whether the fast headless run kept to the fast path. */
async function expectSame(dir: string, set: RuleSet): Promise<Outcome> {
  const store = await storeOutcome(dir, set);
  let partial = false;
  for (const fast of [true, false]) {
    const headless = await headlessOutcome(dir, set, fast);
    if (fast) partial = headless.partial === true;
    expect({ report: headless.report, bad: headless.bad }, `${dir} fast=${fast}`).toEqual(store);
  }
  return { ...store, partial };
}

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';

/** A folder that hits the duplicate rule's corners with events the built-in pack fires on. */
function cornerFolder(conflict: boolean): string {
  const temp = tempFolder('trailtop-detect-');
  cleanups.push(temp.remove);
  const folder = join(temp.dir, 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05');
  const file = (stamp: string, suffix = 'Mu0KsOhtH1ar15ZZ') => join(folder, deliveryName('111122223333', 'us-east-1', stamp, suffix));
  const kms = (id: string, minute: number) => ({ ...makeEvent(id, minute, 'ScheduleKeyDeletion'), eventSource: 'kms.amazonaws.com' });
  const root = (id: string, minute: number) => ({ ...makeEvent(id, minute, 'ListBuckets'), eventSource: 's3.amazonaws.com', userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root' } });
  const stop = (id: string, minute: number) => ({ ...makeEvent(id, minute, 'StopLogging'), eventSource: 'cloudtrail.amazonaws.com' });
  const filler = Array.from({ length: 40 }, (_, k) => makeEvent(`0000000${k % 10}-0000-4000-8000-0000000000${String(k).padStart(2, '0')}`, k));
  // Newest delivery first in file order: its copy of A (a KMS deletion) is the one kept; the older copy
  // of A (root use) differs (a conflicting duplicate) and must not count for the root rule.
  writeRecords(file('20240305T1300Z'), [...filler.slice(0, 20), kms(A, 30), stop(B, 31), root('content-less', 2)]);
  writeRecords(file('20240305T1200Z'), [conflict ? root(A, 9) : kms(A, 30), stop(B, 31), kms(C, 40), ...filler.slice(20)]);
  // The same event again, byte for byte, in a third file; a record without eventID (content id) twice.
  const noId = { ...root('x', 5), eventID: undefined };
  writeRecords(file('20240305T1100Z'), [kms(C, 40), noId, noId, { ...stop('44444444-4444-4444-8444-444444444444', 50), eventName: 7 }]);
  // Escapes where the scanner reads fields: an escaped name, an escaped id, a non-string identity type.
  mkdirSync(folder, { recursive: true });
  const escaped = [
    JSON.stringify(kms('55555555-5555-4555-8555-555555555555', 51)).replace('ScheduleKeyDeletion', '\\u0053cheduleKeyDeletion'),
    JSON.stringify(root('66666666-6666-4666-8666-666666666666', 52)).replace('66666666-6666', '\\u0036666666-6666'),
    JSON.stringify({ ...root('77777777-7777-4777-8777-777777777777', 53), userIdentity: { type: ['Root'] } }),
    JSON.stringify({ ...root('88888888-8888-4888-8888-888888888888', 54), userIdentity: 'Root' }),
  ];
  writeFileSync(file('20240305T1000Z'), gzipSync(`{"Records":[${escaped.join(',\n')}]}`));
  // One event alone (no Records wrapper), and a broken file.
  writeFileSync(file('20240305T0900Z', 'single0000000000'), gzipSync(JSON.stringify(kms('99999999-9999-4999-8999-999999999999', 55))));
  writeFileSync(file('20240305T0800Z', 'broken0000000000'), gzipSync('{"Records":[{"eventID":'));
  return temp.dir;
}

describe('headless detect gives the store path its report', () => {
  it('on a folder with duplicates, escapes and a broken file, on the fast path', async () => {
    const { report, bad, partial } = await expectSame(cornerFolder(false), loadRuleSet([]));
    // Not vacuous: rules fired, the broken file is reported, records went unparsed.
    expect(report.findings.length).toBeGreaterThanOrEqual(3);
    expect(report.findings.map((f) => f.id)).not.toContain(CONFLICT_FINDING_ID);
    expect(bad).toHaveLength(1);
    expect(report.events.unique).toBeGreaterThan(45);
    expect(partial).toBe(true);
  });

  it('with a conflicting duplicate whose copies fire different rules (read again in full)', async () => {
    const { report, partial } = await expectSame(cornerFolder(true), loadRuleSet([]));
    const counts = Object.fromEntries(report.findings.map((f) => [f.id, f.count]));
    expect(counts[CONFLICT_FINDING_ID]).toBe(1);
    expect(partial).toBe(false);
  });

  it('with rules that key alone cannot narrow (a userAgent test, a negated source)', async () => {
    const temp = tempFolder('trailtop-detect-');
    cleanups.push(temp.remove);
    const rules = join(temp.dir, 'rules');
    mkdirSync(rules);
    writeFileSync(
      join(rules, 'agent.yml'),
      'title: Odd agent\nid: agent-rule\nlevel: high\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  sel:\n    userAgent|contains: trufflehog\n  not_ec2:\n    eventSource: ec2.amazonaws.com\n  condition: sel and not not_ec2\n',
    );
    writeFileSync(join(rules, 'arn.yml'), "title: ARN\nid: arn-rule\nlevel: low\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  sel:\n    userIdentity.arn|re: '.+:assumed-role/aws:.+'\n  condition: sel\n");
    const folder = join(temp.dir, 'logs');
    const events = Array.from({ length: 30 }, (_, k) => ({
      ...makeEvent(`aaaaaaaa-0000-4000-8000-0000000000${String(k).padStart(2, '0')}`, k, k % 3 === 0 ? 'GetObject' : 'DescribeInstances'),
      eventSource: k % 3 === 0 ? 's3.amazonaws.com' : 'ec2.amazonaws.com',
      userAgent: k % 4 === 0 ? 'TruffleHog/3' : 'aws-cli/2',
      userIdentity: { type: 'AssumedRole', arn: k % 5 === 0 ? 'arn:aws:sts::1:assumed-role/aws:ec2-instance/i-1' : 'arn:aws:sts::1:assumed-role/Admin/x' },
    }));
    writeRecords(join(folder, deliveryName('111122223333', 'us-east-1', '20240305T1200Z')), events);
    const set = loadRuleSet([rules], { builtin: false });
    const { report, partial } = await expectSame(folder, set);
    expect(partial).toBe(true);
    expect(Object.fromEntries(report.findings.map((f) => [f.id, f.count]))).toEqual({ 'agent-rule': 3, 'arn-rule': 6 });
  });

  it.skipIf(!present)('with the console CSV of a data set beside it, older in file order: the same findings as the data set alone', { timeout: 120_000 }, async () => {
    const temp = tempFolder('trailtop-detect-csv-');
    cleanups.push(temp.remove);
    const source = join(DATASETS, 'stratus-red-team');
    const folder = join(temp.dir, 'logs');
    cpSync(source, folder, { recursive: true });
    const records = readdirSync(source)
      .filter((name) => name.endsWith('.json'))
      .flatMap((name) => {
        // The data set's files are arrays of records, or {"Records": [...]}.
        const parsed = JSON.parse(readFileSync(join(source, name), 'utf8')) as CsvSource[] | { Records: CsvSource[] };
        return Array.isArray(parsed) ? parsed : parsed.Records;
      });
    const cell = (value: unknown) => {
      const text = value === undefined || value === null ? '' : String(value);
      return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    };
    const csv = join(folder, 'event_history.csv');
    writeFileSync(
      csv,
      [
        'Event name,Event time,User name,Event source,Resource type,Resource name,AWS access key,AWS region,Error code,Event ID,Read-only,Source IP address',
        ...records.map((r) =>
          [r.eventName, r.eventTime, r.userIdentity?.userName, r.eventSource, '', '', r.userIdentity?.accessKeyId, r.awsRegion, r.errorCode, r.eventID, r.readOnly, r.sourceIPAddress].map(cell).join(','),
        ),
      ].join('\r\n'),
    );
    utimesSync(csv, new Date('2019-01-01T00:00:00Z'), new Date('2019-01-01T00:00:00Z'));
    const set = loadRuleSet([SIGMA]);
    const alone = await expectSame(source, set);
    const mixed = await expectSame(folder, set);
    expect(records.length).toBeGreaterThan(300);
    expect(mixed.report.findings.length).toBeGreaterThan(20);
    expect(mixed.report).toEqual(alone.report);
  });

  const folders = present ? readdirSync(DATASETS, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'sigma-cloudtrail') : [];
  it.each(folders.map((d) => d.name))('on the shared data set %s, with the built-in pack and the SigmaHQ rules', { timeout: 120_000 }, async (name) => {
    await expectSame(join(DATASETS, name), loadRuleSet([SIGMA]));
  });

  const bin = join(root, 'bin/trailtop.js');
  it.skipIf(!existsSync(join(root, 'dist/detect/worker.js')))('the built CLI (worker threads) prints the same JSON', async () => {
    const set = loadRuleSet([]);
    const dir = cornerFolder(true);
    // Over 8 files, so the CLI reads on its workers.
    for (let k = 0; k < 10; k++) writeRecords(join(dir, `extra/${deliveryName('111122223333', 'us-east-1', `20240301T12${String(k).padStart(2, '0')}Z`)}`), [makeEvent(`bbbbbbbb-0000-4000-8000-0000000000${String(k).padStart(2, '0')}`, k)]);
    const { report } = await storeOutcome(dir, set);
    const run = spawnSync(process.execPath, [bin, 'detect', dir, '--json'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(report);
    expect(run.stderr).toMatch(/bad file .*broken0000000000/);
  });
});
