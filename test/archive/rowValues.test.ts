/** The staging line's encodings (rowValues.ts): what DuckDB is handed must read back as the value, or as its UTF-8 form. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runImportJob } from '../../src/archive/importJob.js';
import { STAGED_NULL, textField, wellFormedJson } from '../../src/archive/rowValues.js';
import { recordsJson, tempFolder } from '../support/files.js';
import { iamUserRecord } from './helpers.js';

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

describe("a file's staging", () => {
  it('is the same bytes whether encoded at once or in chunks (a whole big file in one string passed V8 limit)', async () => {
    const folder = tempFolder('trailtop-staging-');
    try {
      const path = join(folder.dir, 'many.json');
      writeFileSync(path, recordsJson(Array.from({ length: 40 }, (_, k) => ({ ...iamUserRecord(`e-${k}`, `user-${k}`), userAgent: `agent é ${k}` }))));
      const whole = await runImportJob({ id: 3, path });
      const chunked = await runImportJob({ id: 3, path }, 500);
      expect(whole.rows).toBe(40);
      expect(chunked.rows).toBe(40);
      expect(Buffer.from(chunked.lines!).equals(Buffer.from(whole.lines!))).toBe(true);
      const text = Buffer.from(whole.lines!).toString('utf8');
      expect(text.endsWith('\n')).toBe(true);
      expect(text.split('\n')).toHaveLength(41);
    } finally {
      folder.remove();
    }
  });
});
