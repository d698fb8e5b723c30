/** The staging line's encodings (rowValues.ts): what DuckDB is handed must read back as the value, or as its UTF-8 form. */
import { describe, expect, it } from 'vitest';
import { STAGED_NULL, textField, wellFormedJson } from '../../src/archive/rowValues.js';

describe('staging fields', () => {
  it('writes plain text as it is and anything ambiguous as a JSON string', () => {
    expect(textField('AssumeRole')).toBe('AssumeRole');
    expect(textField('')).toBe('');
    expect(textField(null)).toBe(STAGED_NULL);
    for (const value of ['\\N', 'tab\there', 'line\nbreak', 'back\\slash', '"quoted', 'nul\u0000', 'duck 🦆']) {
      const field = textField(value);
      expect(field.startsWith('"'), value).toBe(true);
      expect(JSON.parse(field)).toBe(value);
      expect(field).not.toMatch(/[\t\n\r]/);
    }
    // A quote inside the text is not ambiguous: only a leading one would read as JSON.
    expect(textField('say "hi"')).toBe('say "hi"');
  });

  it('turns lone surrogates into U+FFFD and leaves pairs and escaped backslashes alone', () => {
    expect(wellFormedJson(JSON.stringify('a\ud800b'))).toBe('"a\\ufffdb"');
    expect(wellFormedJson(JSON.stringify('a\udc00'))).toBe('"a\\ufffd"');
    expect(wellFormedJson(JSON.stringify('🦆'))).toBe('"🦆"');
    // The text `\ud800` (a backslash, then letters) is not a surrogate.
    const text = JSON.stringify('\\ud800');
    expect(wellFormedJson(text)).toBe(text);
    expect(JSON.parse(wellFormedJson(JSON.stringify({ k: '\\\ud800' })))).toEqual({ k: '\\\ufffd' });
  });
});
