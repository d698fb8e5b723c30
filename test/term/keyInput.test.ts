import { describe, expect, it } from 'vitest';
import { dropUnreadableKeys, guardKeyInput } from '../../src/term/keyInput.js';

describe('dropUnreadableKeys', () => {
  it('drops sequences Ink would read as a Ctrl key without a name', () => {
    expect(dropUnreadableKeys('\u001b[31mred\u001b[0m')).toBe('red');
    expect(dropUnreadableKeys('a\u001b[1;31mb')).toBe('ab');
    expect(dropUnreadableKeys('\u001b[6n')).toBe('');
  });

  it('keeps keys, plain text and sequences Ink reads without crashing', () => {
    for (const keep of ['plain', '\u001b[A', '\u001b[1;5A', '\u001b[3;5~', '\u001b[5~', '\u001bOP', '\u001b[15~', '\u001b[Z', '\u001b[97;5u', '\u001b[2J', '\u001b[38;5;196m', '\u001b']) {
      expect(dropUnreadableKeys(keep), JSON.stringify(keep)).toBe(keep);
    }
  });
});

describe('guardKeyInput', () => {
  it('filters what read() returns, strings and buffers, and can be undone', () => {
    const chunks: unknown[] = ['x\u001b[31my', Buffer.from('\u001b[0mz'), null];
    const input = { read: (): unknown => chunks.shift() ?? null };
    const undo = guardKeyInput(input);
    expect(input.read()).toBe('xy');
    expect(input.read()).toBe('z');
    expect(input.read()).toBeNull();
    undo();
    chunks.push('\u001b[31m');
    expect(input.read()).toBe('\u001b[31m');
  });
});
