/** A query error's hint (the field list) wraps under the query at 80 columns instead of being cut (issue 19). */
import { describe, expect, it } from 'vitest';
import { compileQuery, type QueryError } from '../../src/query/index.js';
import { draftView, errorLines, queryBarHeight } from '../../src/ui/QueryBar.js';
import { visiblePart } from '../../src/ui/lineEditor.js';

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

  it('point at the bad term as the bar shows it at 80 columns, also when the draft is scrolled or has wide characters', () => {
    for (const draft of ['name:GetObject region:us-east-1 user:alice source:s3 error:AccessDenied since:zzz', 'user:ünïcödé名前 since:zzz', 'since:zzz name:GetObject region:us-east-1 user:alice source:s3 error:AccessDenied']) {
      const error = errorOf(draft);
      const caret = draft.length;
      const room = 80 - 'Query / '.length - 1;
      const part = visiblePart(draft, caret, room);
      // The bar's line as drawn, one entry per screen cell (a wide character takes two).
      const cells: string[] = [];
      for (const ch of `Query / ${part.before}${part.at}${part.after}`) {
        cells.push(ch);
        if (/\p{Script=Han}/u.test(ch)) cells.push('');
      }
      const lines = errorLines(error, 80, draftView(draft, caret, 80));
      expect(queryBarHeight(error, '', true, 80, draft, caret)).toBe(1 + lines.length);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
      const column = lines[0]!.indexOf('^');
      if (lines[0]!.includes('^ col ')) {
        // Scrolled out of view: no pointer under other text.
        expect(draft.indexOf(draft[error.position]!)).toBeLessThan(caret - room + 1);
        continue;
      }
      expect(cells[column], `${draft}: ${lines.join(' / ')}`).toBe(draft[error.position]);
    }
  });
});
