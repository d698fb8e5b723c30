/** One Sigma selection run in memory (the Detector) and as SQL on a DuckDB archive of the same events, asserted equal. */
import { expect } from 'vitest';
import { createDetector } from '../../src/detect/recordDetector.js';
import { parseRuleFile } from '../../src/detect/sigmaRule.js';
import { compileWhere } from '../../src/query/sql/index.js';
import type { TestArchive } from '../archive/helpers.js';

/** A rule file whose one selection is `selection` (a YAML line, indented as a selection's field). */
export function selectionRule(selection: string): string {
  return `title: T
id: r1
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    ${selection}
  condition: selection
`;
}

/** The ids of `events` the selection fires on in memory, after checking the archive's SQL gives the same. */
export async function firedOnBoth(archive: TestArchive, events: readonly Record<string, unknown>[], selection: string): Promise<string[]> {
  const parsed = parseRuleFile(selectionRule(selection), 'r.yml', 'test');
  expect(parsed.skipped).toEqual([]);
  const ast = parsed.rules[0]!.ast;
  const detector = createDetector([{ ast }]);
  const memory = events.filter((e) => detector.test(e) !== null).map((e) => String(e.eventID)).sort();
  expect(await archive.ids(compileWhere(ast, { dialect: 'duckdb', schema: 'archive' }))).toEqual(memory);
  return memory;
}
