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
  return { counts, store: opened.store, set };
}

async function referenceCounts(rows: ReturnType<Awaited<ReturnType<typeof engineCounts>>['store']['rows']>, rules: ReferenceRule[]) {
  const counts = new Map(rules.map((rule) => [rule.id, 0]));
  for (const row of rows) {
    const record = await readRecord(recordRef(row));
    expect(record, `record of ${row.id}`).not.toBeNull();
    for (const rule of rules) if (referenceMatches(rule, record)) counts.set(rule.id, counts.get(rule.id)! + 1);
  }
  return counts;
}

describe.skipIf(!present)('Sigma rules on the shared data sets', () => {
  test('every SigmaHQ rule loads, or is listed with its path and reason (only the fieldref one)', () => {
    const set = loadRuleSet([SIGMA], { builtin: false });
    expect(set.rules.length + set.skipped.length).toBe(57);
    expect(set.skipped).toEqual([{ path: join(SIGMA, 'aws_update_login_profile.yml'), reason: expect.stringMatching(/fieldref/) }]);
    const builtin = loadRuleSet([]);
    expect(builtin.skipped).toEqual([]);
    expect(builtin.rules.length).toBeGreaterThanOrEqual(19);
  });

  const folders = present ? readdirSync(DATASETS, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'sigma-cloudtrail') : [];
  test.each(folders.map((d) => d.name))('%s: counts per rule equal the brute-force reference', async (name) => {
    const { counts, store, set } = await engineCounts(join(DATASETS, name));
    // The fieldref rule does not run, so the reference leaves it out too.
    const running = new Set(set.rules.map((r) => r.id));
    const expected = await referenceCounts(store.rows(), references().filter((r) => running.has(r.id)));
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(expected));
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
  });
});
