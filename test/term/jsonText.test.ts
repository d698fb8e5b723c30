import { describe, expect, it } from 'vitest';
import { terminalSafeJson } from '../../src/term/jsonText.js';

describe('terminalSafeJson', () => {
  it('escapes DEL, C1 and bidi controls so none reaches the terminal, keeping the JSON value', () => {
    const value = { ua: 'a\u007fb\u009b2Jc\u202eexe.txt\u2066x\u2069', plain: 'café 日本 🙂' };
    const text = terminalSafeJson(JSON.stringify(value));
    expect(text).not.toMatch(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(text).toContain('\\u009b');
    expect(text).toContain('\\u202e');
    expect(JSON.parse(text)).toEqual(value);
  });

  it('returns ordinary JSON unchanged', () => {
    const text = JSON.stringify({ a: 'x', b: [1, 2], c: 'café 日本 🙂' });
    expect(terminalSafeJson(text)).toBe(text);
  });
});
