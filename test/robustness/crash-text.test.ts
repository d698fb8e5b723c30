/**
 * An error that ends the dashboard is written to stderr after the terminal is
 * restored; its message can quote log data (DuckDB quotes the value it could
 * not convert), so it reaches the terminal sanitised like everything else.
 */
import { describe, expect, it } from 'vitest';
import { crashText } from '../../src/ui/crashText.js';

const LEAK = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2028\u2029\u2066-\u2069]/;
const HOSTILE = "Conversion Error: Could not convert string '\u001b]0;owned\u0007\u009b2J\u202e' to INT32";

describe('the line for an error that ended the dashboard', () => {
  it('shows a message quoting log data with visible escapes, on one line', () => {
    const text = crashText(new Error(`${HOSTILE}\nLINE 1: SELECT ...`), false);
    expect(text).toBe("trailtop: Conversion Error: Could not convert string '\\x1b]0;owned\\x07\\x9b2J\\u202e' to INT32 LINE 1: SELECT ...\n");
    expect(text.slice(0, -1)).not.toMatch(/[\n]|[^\S ]/);
  });

  it('keeps a stack on its lines, each sanitised', () => {
    const error = new Error(HOSTILE);
    const text = crashText(error, true);
    expect(text).toContain('\\x1b]0;owned\\x07\\x9b2J\\u202e');
    expect(text.split('\n').length).toBeGreaterThan(2);
    expect(text).not.toMatch(LEAK);
  });

  it('takes a thrown value that is not an Error', () => {
    expect(crashText('bad \u001b[2J', true)).toBe('trailtop: bad \\x1b[2J\n');
  });
});
