/** A query's events in memory (the record matcher) and on an archive (its DuckDB SQL), by event ID, sorted. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseQuery } from '../../src/query/parse.js';
import { compileRecordMatcher } from '../../src/query/recordMatch.js';
import { compileWhere } from '../../src/query/sql/index.js';
import type { QueryNode } from '../../src/query/ast.js';
import { archiveOf, type TestArchive } from './helpers.js';

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

/**
 * In the enclosing describe block: an archive of `records`, imported before its tests and closed after
 * them, and a test per query that the archive's events are the in-memory ones. Returns the archive.
 */
export function eachQueryAnswersAsInMemory(records: readonly Record<string, unknown>[], queries: readonly string[]): () => TestArchive {
  let archive: TestArchive | undefined;
  beforeAll(async () => {
    archive = await archiveOf(records);
  });
  afterAll(() => archive?.close());
  it.each(queries)('%s', async (text) => {
    expect(await idsOnArchive(archive!, text)).toEqual(idsInMemory(records, text));
  });
  return () => archive!;
}
