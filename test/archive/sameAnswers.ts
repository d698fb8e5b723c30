/** A query's events in memory (the record matcher) and on an archive (its DuckDB SQL), by event ID, sorted. */
import { parseQuery } from '../../src/query/parse.js';
import { compileRecordMatcher } from '../../src/query/recordMatch.js';
import { compileWhere } from '../../src/query/sql/index.js';
import type { QueryNode } from '../../src/query/ast.js';
import type { TestArchive } from './helpers.js';

export function deepQuery(text: string): QueryNode {
  const parsed = parseQuery(text, { deepTerms: true });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.ast;
}

export function idsInMemory(records: readonly Record<string, unknown>[], text: string): string[] {
  const matcher = compileRecordMatcher(deepQuery(text), { deepTerms: true });
  return records.filter((record) => matcher(record)).map((record) => String(record.eventID)).sort();
}

export function idsOnArchive(archive: TestArchive, text: string): Promise<string[]> {
  return archive.ids(compileWhere(deepQuery(text), { dialect: 'duckdb', schema: 'archive' }));
}
