/** One Sigma selection run in memory (the Detector) and as SQL on a DuckDB archive of the same events, asserted equal. */
import { afterAll, beforeAll, expect } from 'vitest';
import { createDetector } from '../../src/detect/recordDetector.js';
import { parseRuleFile } from '../../src/detect/sigmaRule.js';
import { compileWhere } from '../../src/query/sql/index.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
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
