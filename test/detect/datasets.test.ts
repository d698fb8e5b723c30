/**
 * The 57 SigmaHQ CloudTrail rules and the built-in pack over every shared
 * data set: per rule, the unique events the engine (rules run where records
 * are parsed, hits sent to Findings) counts must equal what the brute-force
 * reference counts by reading each loaded event's record back and walking the
 * rule's YAML over it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { builtinRulesDir, loadRuleSet } from '../../src/detect/loadRules.js';
import { detectionSession } from '../../src/detect/session.js';
import { openFolder } from '../../src/ingest/open.js';
import { readRecord } from '../../src/ingest/read.js';
import { recordRef } from '../../src/model/recordBatch.js';
import { referenceMatches, referenceRules, type ReferenceRule } from './sigmaReference.js';
import { deliveryName, makeEvent, tempFolder, writeRecords } from '../watch/helpers.js';

const DATASETS = resolve(fileURLToPath(new URL('../../../shared/datasets', import.meta.url)));
const SIGMA = join(DATASETS, 'sigma-cloudtrail/rules');
const present = existsSync(SIGMA);
if (!present) console.warn(`SKIPPED: ${DATASETS} is absent: the Sigma data-set tests did not run`);

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => join(dir, name));
}

function references(): ReferenceRule[] {
  return [...yamlFiles(builtinRulesDir()), ...yamlFiles(SIGMA)].flatMap((path) => referenceRules(readFileSync(path, 'utf8')));
}

async function engineCounts(dir: string, workerUrl?: URL) {
  const set = loadRuleSet([SIGMA]);
  const session = detectionSession(set);
  const opened = openFolder(dir, { watch: false, detection: session.detection!, pool: workerUrl ? { workerUrl, workers: 2 } : { inline: true } });
  await opened.ready;
  await opened.close();
  const counts = new Map(set.rules.map((rule) => [rule.id, 0]));
  for (const finding of session.findings.list()) counts.set(finding.rule.id, finding.count);
  // Per rule, the events it fired on; per event, the rules (both read from the findings' bitsets).
  const events = Object.fromEntries(set.rules.map((rule, k) => [rule.id, [...session.findings.tagRules[k]!.eventIds()].sort()]));
  const rulesOf = Object.fromEntries(opened.store.log().map((row) => [row.id, session.findings.rulesOf(row.id).map((r) => r.id).sort()]));
  return { counts, events, rulesOf, store: opened.store, set };
}

async function referenceCounts(rows: ReturnType<Awaited<ReturnType<typeof engineCounts>>['store']['rows']>, rules: ReferenceRule[]) {
  const counts = new Map(rules.map((rule) => [rule.id, 0]));
  const events = new Map<string, string[]>(rules.map((rule) => [rule.id, []]));
  const rulesOf: Record<string, string[]> = {};
  for (const row of rows) {
    const record = await readRecord(recordRef(row));
    expect(record, `record of ${row.id}`).not.toBeNull();
    rulesOf[row.id] = [];
    for (const rule of rules) {
      if (!referenceMatches(rule, record)) continue;
      counts.set(rule.id, counts.get(rule.id)! + 1);
      events.get(rule.id)!.push(row.id);
      rulesOf[row.id]!.push(rule.id);
    }
  }
  for (const list of [...events.values(), ...Object.values(rulesOf)]) list.sort();
  return { counts, events: Object.fromEntries(events), rulesOf };
}

/** The engine's findings equal the reference's over the rows it kept: counts, and per rule the very events. */
async function expectReference(engine: Awaited<ReturnType<typeof engineCounts>>): Promise<void> {
  const running = new Set(engine.set.rules.map((r) => r.id));
  const expected = await referenceCounts(engine.store.rows(), references().filter((r) => running.has(r.id)));
  expect(Object.fromEntries(engine.counts)).toEqual(Object.fromEntries(expected.counts));
  expect(engine.events).toEqual(expected.events);
  expect(engine.rulesOf).toEqual(expected.rulesOf);
}

describe.skipIf(!present)('Sigma rules on the shared data sets', () => {
  test('every SigmaHQ rule loads (the fieldref one too)', () => {
    const set = loadRuleSet([SIGMA], { builtin: false });
    expect(set.rules.length).toBe(57);
    expect(set.skipped).toEqual([]);
    const builtin = loadRuleSet([]);
    expect(builtin.skipped).toEqual([]);
    expect(builtin.rules.length).toBeGreaterThanOrEqual(28);
  });

  const folders = present ? readdirSync(DATASETS, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'sigma-cloudtrail') : [];
  test.each(folders.map((d) => d.name))('%s: counts per rule equal the brute-force reference', async (name) => {
    const engine = await engineCounts(join(DATASETS, name));
    await expectReference(engine);
    const { counts, set } = engine;
    console.log(`${name}: ${[...counts].filter(([, n]) => n > 0).map(([id, n]) => `${set.rules.find((r) => r.id === id)!.title} ${n}`).join('; ') || 'nothing fired'}`);
  });

  test('something fires on the attack detonations (the comparison is not vacuous)', async () => {
    const { counts } = await engineCounts(join(DATASETS, 'stratus-red-team'));
    expect([...counts.values()].filter((n) => n > 0).length).toBeGreaterThanOrEqual(10);
  });

  const workerUrl = new URL('../../dist/ingest/worker.js', import.meta.url);
  test.skipIf(!existsSync(fileURLToPath(workerUrl)))('rules run in the parse workers too, with the same counts', async () => {
    // Over 64 files: the initial load goes to the workers (a small folder is read on the main thread).
    const dir = join(DATASETS, 'traildiscover');
    const inline = await engineCounts(dir);
    const workers = await engineCounts(dir, workerUrl);
    expect(Object.fromEntries(workers.counts)).toEqual(Object.fromEntries(inline.counts));
    expect(workers.events).toEqual(inline.events);
  });

  test.skipIf(!existsSync(fileURLToPath(workerUrl)))('a built folder of duplicates whose copies fire different rules: the events of the copies kept', async () => {
    const { dir, remove } = duplicatesFolder();
    try {
      for (const url of [undefined, workerUrl]) {
        const engine = await engineCounts(dir, url);
        await expectReference(engine);
        // Not vacuous: copies were replaced, and the kept ones fire rules the dropped ones did not.
        expect(engine.store.rewrites).toBeGreaterThan(0);
        expect(engine.counts.get(KMS_RULE)).toBeGreaterThan(10);
        expect(engine.counts.get(ROOT_RULE)).toBeGreaterThan(10);
      }
    } finally {
      remove();
    }
  });
});

/** The built-in pack's KMS key deletion and root account rules. */
const KMS_RULE = '89ed80d9-3c0e-4278-ab18-d854acbe4fd3';
const ROOT_RULE = 'ba7d736c-e387-466c-8381-c320944295b3';

/**
 * 80 deliveries (more than a small folder, so workers read them) of events the
 * built-in pack and SigmaHQ fire on; a third of the events come again in an
 * older delivery (first in file order: its copy is kept, read after the newer
 * one), half of those with other content that fires other rules.
 */
function duplicatesFolder(): { dir: string; remove: () => void } {
  const temp = tempFolder('trailtop-detect-dups-');
  const folder = join(temp.dir, 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05');
  const id = (n: number) => `dddddddd-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const kms = (n: number) => ({ ...makeEvent(id(n), n % 600, 'ScheduleKeyDeletion'), eventSource: 'kms.amazonaws.com' });
  const root = (n: number) => ({ ...makeEvent(id(n), n % 600, 'ListBuckets'), eventSource: 's3.amazonaws.com', userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root' } });
  const assumed = (n: number) => ({
    ...makeEvent(id(n), n % 600, 'AssumeRole'),
    eventSource: 'sts.amazonaws.com',
    userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/Admin/x', sessionContext: { sessionIssuer: { type: 'Role' } } },
  });
  const kinds = [kms, root, assumed, (n: number) => makeEvent(id(n), n % 600)];
  for (let f = 0; f < 80; f++) {
    const events = Array.from({ length: 20 }, (_, k) => kinds[(f + k) % 4]!(f * 20 + k));
    writeRecords(join(folder, deliveryName('111122223333', 'us-east-1', `20240305T${String(10 + Math.floor(f / 60)).padStart(2, '0')}${String(f % 60).padStart(2, '0')}Z`)), events);
  }
  // The older copies: identical for even events, another kind (other rules) for odd ones.
  const again = Array.from({ length: 1600 / 3 }, (_, k) => k * 3).map((n) => (n % 2 === 0 ? kinds[(Math.floor(n / 20) + (n % 20)) % 4]!(n) : kinds[(Math.floor(n / 20) + (n % 20) + 1) % 4]!(n)));
  for (let f = 0; f < 8; f++) writeRecords(join(folder, deliveryName('111122223333', 'us-east-1', `20240305T090${f}Z`)), again.slice(f * 67, (f + 1) * 67));
  return temp;
}
