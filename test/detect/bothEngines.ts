/** One Sigma selection run in memory (the Detector) and as SQL on a DuckDB archive of the same events, asserted equal. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { loadRuleSet } from '../../src/detect/loadRules.js';
import { createDetector } from '../../src/detect/recordDetector.js';
import { detectionSession } from '../../src/detect/session.js';
import { openFolder } from '../../src/ingest/open.js';
import { parseRuleFile } from '../../src/detect/sigmaRule.js';
import { compileWhere } from '../../src/query/sql/index.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { recordsJson, tempFolder } from '../support/files.js';
import { ruleText } from './ruleText.js';

/** A rule file whose one selection is `selection` (a YAML line, indented as a selection's field). */
export function selectionRule(selection: string): string {
  return ruleText(`selection:\n  ${selection}\ncondition: selection`);
}

/** The ids of `events` the selection fires on in memory, after checking the archive's SQL gives the same. */
export async function firedOnBoth(archive: TestArchive, events: readonly Record<string, unknown>[], selection: string, message?: string): Promise<string[]> {
  const parsed = parseRuleFile(selectionRule(selection), 'r.yml', 'test');
  expect(parsed.skipped).toEqual([]);
  const ast = parsed.rules[0]!.ast;
  const detector = createDetector([{ ast }]);
  const memory = events.filter((e) => detector.test(e) !== null).map((e) => String(e.eventID)).sort();
  expect(await archive.ids(compileWhere(ast, { dialect: 'duckdb', schema: 'archive' })), message).toEqual(memory);
  return memory;
}

/** For a describe block: an archive of `events` made before its tests (closed after), and what a selection fires on, on both engines. */
export function firedOnBothForThisBlock(events: readonly Record<string, unknown>[]): { fired: (selection: string, message?: string) => Promise<string[]> } {
  let archive: TestArchive | undefined;
  beforeAll(async () => {
    archive = await archiveOf(events);
  });
  afterAll(() => archive?.close());
  return { fired: (selection, message) => firedOnBoth(archive!, events, selection, message) };
}

/** The ids of `events` that the rule file fires on when a folder holding them loads (the file screen, the workers' detector), sorted. */
export async function firedInFolder(ruleFile: string, events: readonly Record<string, unknown>[]): Promise<string[]> {
  const scratch = tempFolder('trailtop-fired-');
  try {
    const folder = join(scratch.dir, 'logs');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a.json'), recordsJson(events));
    const session = detectionSession(loadRuleSet([ruleFile], { builtin: false }));
    const opened = openFolder(folder, { watch: false, detection: session.detection!, pool: { inline: true } });
    await opened.ready;
    await opened.close();
    return opened.store.log().filter((row) => session.findings.rulesOf(row.id).length > 0).map((row) => row.id).sort();
  } finally {
    scratch.remove();
  }
}
