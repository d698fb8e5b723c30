/**
 * Line editing for the query bar and the download dialog's file name, as a
 * pure function. We do not use ink-text-input (README, "The text fields"):
 * it loses keys that arrive faster than React commits, its cursor cannot be
 * moved from outside (Ctrl-A/E, Ctrl-U/W mid-line), and it types Ctrl-U and
 * Ctrl-W as the letters u and w. Here DEL and BS count as backspaces, Ctrl-U
 * and Ctrl-W delete as in a shell, and every other control character is dropped.
 */
import type { Key } from 'ink';
import { stripControls as stripUnsafe } from '../term/sanitize.js';
import { truncate } from '../term/width.js';

export interface LineState {
  text: string;
  caret: number;
}

/** Removes control characters and bidi overrides from typed or pasted text. */
export function stripControls(text: string): string {
  return stripUnsafe(text.replace(/[\r\n\t]+/g, ' '));
}

function removeBefore(state: LineState, count: number): LineState {
  const chars = Array.from(state.text.slice(0, state.caret));
  const kept = chars.slice(0, Math.max(0, chars.length - count)).join('');
  return { text: kept + state.text.slice(state.caret), caret: kept.length };
}

function previousWordStart(text: string, caret: number, separators: string): number {
  const isSep = (i: number): boolean => separators.includes(text[i - 1]!);
  let i = caret;
  while (i > 0 && isSep(i)) i--;
  while (i > 0 && !isSep(i)) i--;
  return i;
}

export interface EditOptions {
  /** Characters that end a word for Ctrl-W (a path field adds `/`, so Ctrl-W removes one folder). Default: space. */
  wordSeparators?: string;
}

/** Applies one keystroke (or pasted chunk); returns null when the key is not an editing key. */
export function editLine(state: LineState, input: string, key: Key, { wordSeparators = ' ' }: EditOptions = {}): LineState | null {
  if (key.backspace || key.delete) return removeBefore(state, 1);
  if (key.leftArrow) return { ...state, caret: Math.max(0, state.caret - 1) };
  if (key.rightArrow) return { ...state, caret: Math.min(state.text.length, state.caret + 1) };
  if (key.home || (key.ctrl && input === 'a')) return { ...state, caret: 0 };
  if (key.end || (key.ctrl && input === 'e')) return { ...state, caret: state.text.length };
  // Ctrl-U: the shell's "kill to the start of the line"; with the caret at the end it clears the field.
  if (key.ctrl && input === 'u') return { text: state.text.slice(state.caret), caret: 0 };
  if (key.ctrl && input === 'w') {
    const start = previousWordStart(state.text, state.caret, wordSeparators);
    return { text: state.text.slice(0, start) + state.text.slice(state.caret), caret: start };
  }
  if (key.ctrl || key.meta || key.escape || key.return || key.tab || key.upArrow || key.downArrow || key.pageUp || key.pageDown) {
    return null;
  }
  if (input === '') return null;
  // A chunk may mix text with DEL/BS bytes (fast typing, or several backspaces at once): replay it in order.
  let next = state;
  let pending = '';
  const flush = (): void => {
    const clean = stripControls(pending);
    pending = '';
    if (clean) next = { text: next.text.slice(0, next.caret) + clean + next.text.slice(next.caret), caret: next.caret + clean.length };
  };
  for (const ch of input) {
    if (ch === '\u007f' || ch === '\b') {
      flush();
      next = removeBefore(next, 1);
    } else {
      pending += ch;
    }
  }
  flush();
  return next;
}

/** Where visiblePart's shown text starts: scrolled so the caret stays on screen. */
export function scrollStart(caret: number, room: number): number {
  return caret > room - 1 ? caret - room + 1 : 0;
}

/** The part of a line that fits `room` cells, scrolled so the caret stays on screen. */
export function visiblePart(text: string, caret: number, room: number): { before: string; at: string; after: string } {
  const start = scrollStart(caret, room);
  const shown = text.slice(start);
  const c = caret - start;
  return { before: shown.slice(0, c), at: shown.slice(c, c + 1), after: truncate(shown.slice(c + 1), Math.max(0, room - c - 1)) };
}
