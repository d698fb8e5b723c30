/**
 * The dashboard's first words, written before Ink draws anything: the folder's
 * name there is sanitised like every string drawn later (JSON's escaping, used
 * before, left C1 controls and bidi overrides raw).
 */
import { describe, expect, it } from 'vitest';
import { openingLine } from '../../src/commands/dashboard.js';

/** C0 controls, DEL, C1 controls, bidi controls and line separators. */
const LEAK = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/;

describe('the opening line of the dashboard', () => {
  it('shows a hostile folder name with visible escapes', () => {
    const line = openingLine('/logs/x\u001b]0;owned\u0007\u009b31m\u009d0;t\u009c\u202edir\n');
    expect(line).not.toMatch(LEAK);
    expect(line).toBe('trailtop: opening /logs/x\\x1b]0;owned\\x07\\x9b31m\\x9d0;t\\x9c\\u202edir\\n...');
  });

  it('shows an ordinary folder name as it is', () => {
    expect(openingLine('/home/me/trail bucket/Zoë')).toBe('trailtop: opening /home/me/trail bucket/Zoë...');
  });
});
