/** A query error's hint (the field list) wraps under the query at 80 columns instead of being cut (issue 19). */
import { describe, expect, it } from 'vitest';
import { compileQuery, type QueryError } from '../../src/query/index.js';
import { errorLines, queryBarHeight } from '../../src/ui/QueryBar.js';

function errorOf(text: string): QueryError {
  const result = compileQuery(text);
  if (result.ok) throw new Error(`${text} compiled`);
  return result.error;
}

describe('query error lines', () => {
  it('show the whole field list at 80 columns, wrapped, and the bar grows to hold it', () => {
    const error = errorOf('foo:x');
    const lines = errorLines(error, 80);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    const text = lines.map((l) => l.trim()).join(' ');
    expect(text).not.toContain('…');
    expect(text).toContain(`${error.message} — ${error.hint}`);
    expect(queryBarHeight(error, '', true, 80)).toBe(1 + lines.length);
  });

  it('keep one line with the pointer when it fits', () => {
    const error = errorOf('namx:a');
    expect(errorLines(error, 200)).toHaveLength(1);
    expect(errorLines(error, 200)[0]).toMatch(/^ {8}\^ unknown field/);
  });
});
