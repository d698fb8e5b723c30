/**
 * Every command that reads a query names where it went wrong as the query bar does: a 1-based
 * column (scan --filter said 0 where the dashboard said 1 for the same error).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/query/parse.js';
import { errorLines } from '../../src/ui/QueryBar.js';
import { event, tempDir, write } from '../ingest/helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');

function trailtop(...args: string[]) {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test builds first)');
  const run = spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The column the query bar names for the query's error (its `(position N; …)`). */
function barColumn(query: string): number {
  const parsed = parseQuery(query, { deepTerms: true });
  if (parsed.ok) throw new Error(`expected '${query}' to fail`);
  const line = errorLines(parsed.error, 400, { text: query, start: 0 }).join(' ');
  // Not focused, the bar says `col N` for the query it holds: the same column.
  const unfocused = errorLines(parsed.error, 400, null, query).join(' ');
  expect(Number(/\^ col (\d+):/.exec(unfocused)![1])).toBe(Number(/\(position (\d+);/.exec(line)![1]));
  return Number(/\(position (\d+);/.exec(line)![1]);
}

describe('query error positions: 1-based in every command and in the query bar', () => {
  // The column people count to: '(' is the first character, 'nmae' starts at the 8th.
  const cases: [query: string, column: number][] = [
    ['(error:* name:x', 1],
    ['name:x nmae:y', 8],
    // Characters, not UTF-16 units: the emoji is one (the CLI said 6 here, one past the |).
    ['"😀" || x', 5],
    ['user:"😀😀" nmae:y', 11],
  ];

  it.each(cases)('%s', (query, column) => {
    expect(barColumn(query)).toBe(column);
    const dir = tempDir();
    write(dir, 'a.json', JSON.stringify([event('a')]));
    const commands: [label: string, args: string[], prefix: string][] = [
      ['scan', ['scan', dir, '--filter', query], 'bad filter'],
      ['export', ['export', dir, '--format', 'jsonl', '-o', '-', '--filter', query], 'bad filter'],
      ['tail', ['tail', dir, '--filter', query], 'bad filter'],
      ['sql', ['sql', '--dialect', 'duckdb', query], 'bad query'],
      ['athena', ['athena', '--database', 'd', '--table', 't', '--workgroup', 'w', query], 'bad query'],
    ];
    for (const [label, args, prefix] of commands) {
      const run = trailtop(...args);
      expect(run.code, `${label}: ${run.stderr}`).toBe(2);
      expect(run.stderr, label).toMatch(new RegExp(`^trailtop: ${prefix} at position ${column}: `));
    }
  });
});
