import { describe, expect, it } from 'vitest';
import type { Key } from 'ink';
import { compareNewestFirst } from '../../src/model/order.js';
import { COLUMNS, COLUMN_GAP, layoutColumns, shortPrincipal, shortSource } from '../../src/ui/columns.js';
import { actionFor, KEYMAP, splitChunk } from '../../src/ui/keys.js';
import { spansYears } from '../../src/ui/format.js';
import { editLine } from '../../src/ui/lineEditor.js';
import { cursorIndex, newAbove, positionOf, windowFor } from '../../src/ui/listModel.js';
import { initialState, reducer } from '../../src/ui/state.js';
import { makeRows } from './fixtures.js';

const NO_KEY: Key = splitChunk('ab', { ctrl: false, meta: false, escape: false } as Key, false)[0]!.key;
const key = (over: Partial<Key>): Key => ({ ...NO_KEY, ...over });

function newestFirst(count: number) {
  const rows = makeRows(count);
  rows.forEach((row, i) => (row.seq = i));
  return rows.sort(compareNewestFirst);
}

describe('listModel', () => {
  it('finds a row by identity in a newest-first array, and where a missing one would go', () => {
    const rows = newestFirst(1000);
    expect(positionOf(rows, rows[0]!)).toBe(0);
    expect(positionOf(rows, rows[737]!)).toBe(737);
    const gone = rows.splice(500, 1)[0]!;
    expect(positionOf(rows, gone)).toBe(500);
    expect(cursorIndex(rows, rows[42]!, false)).toBe(42);
    expect(cursorIndex(rows, rows[42]!, true)).toBe(0);
  });

  it('windows keep the cursor inside and the remembered offset when possible', () => {
    expect(windowFor(100, 50, 5, 10)).toEqual({ top: 45, end: 55, cursor: 50 });
    expect(windowFor(100, 2, 5, 10)).toEqual({ top: 0, end: 10, cursor: 2 });
    expect(windowFor(100, 99, 0, 10)).toEqual({ top: 90, end: 100, cursor: 99 });
    expect(windowFor(5, 4, 0, 10)).toEqual({ top: 0, end: 5, cursor: 4 });
  });

  it('counts rows newer than the one that was newest when the user scrolled away', () => {
    const rows = newestFirst(10);
    expect(newAbove(rows, rows[3]!)).toBe(3);
    expect(newAbove(rows, null)).toBe(0);
  });
});

describe('reducer', () => {
  it('leaves follow when moving down and records the newest row; returns to follow at the top', () => {
    const rows = newestFirst(100);
    let state = reducer(initialState(), { type: 'move', rows, to: 5, height: 20 });
    expect(state.follow).toBe(false);
    expect(state.anchor).toBe(rows[5]);
    expect(state.newestWhenLeft).toBe(rows[0]);
    expect(state.offset).toBe(5);
    state = reducer(state, { type: 'move', rows, to: 0, height: 20 });
    expect(state.follow).toBe(true);
    expect(state.newestWhenLeft).toBeNull();
  });

  it('Esc in the query bar restores the query that was applied before editing', () => {
    let state = reducer(initialState('user:alice'), { type: 'editQuery' });
    state = reducer(state, { type: 'draft', text: 'user:bob', caret: 8 });
    state = reducer(state, { type: 'queryValid', text: 'user:bob' });
    expect(state.queryText).toBe('user:bob');
    state = reducer(state, { type: 'cancelQuery' });
    expect(state.queryText).toBe('user:alice');
    expect(state.mode).toBe('list');
  });
});

describe('columns', () => {
  it.each([60, 80, 100, 140, 200, 250])('fill exactly %i columns', (width) => {
    const laid = layoutColumns(width);
    const used = laid.reduce((sum, col) => sum + col.width, 0) + COLUMN_GAP * (laid.length - 1);
    expect(used).toBe(width);
    expect(laid.every((col) => col.width >= 1)).toBe(true);
  });

  it('give the time column room for the year when the list spans years, still filling the width', () => {
    for (const width of [60, 78, 94]) {
      const laid = layoutColumns(width, true);
      expect(laid[0]!.width).toBe(16);
      expect(laid.reduce((sum, col) => sum + col.width, 0) + COLUMN_GAP * (laid.length - 1)).toBe(width);
    }
    expect(layoutColumns(78)[0]!.width).toBe(14);
    // The full time once the other columns have their due.
    expect(layoutColumns(200, true)[0]!.width).toBe(19);
    expect(layoutColumns(120, true)[0]!.width).toBe(16);
    const ctx = { zone: 'utc' as const, shortTime: true, withYear: true };
    const time = COLUMNS[0]!;
    expect(time.value(makeRows(1, Date.UTC(2023, 11, 31, 23, 59, 58))[0]!, ctx)).toBe('2023-12-31 23:59');
    expect(time.value(makeRows(1, Date.UTC(2023, 11, 31, 23, 59, 58))[0]!, { ...ctx, withYear: false })).toBe('12-31 23:59:58');
  });

  it('tell a list spanning years by its newest and oldest readable times', () => {
    const at = (iso: string) => ({ time: Date.parse(iso) });
    expect(spansYears([], 'utc')).toBe(false);
    expect(spansYears([at('2024-06-01T00:00:00Z'), at('2024-01-01T00:00:00Z')], 'utc')).toBe(false);
    expect(spansYears([at('2024-01-01T00:00:00Z'), at('2023-12-31T23:59:59Z')], 'utc')).toBe(true);
    // Unreadable times sort last and do not count.
    const bad = Array.from({ length: 1001 }, () => ({ time: Number.NaN }));
    expect(spansYears([at('2024-06-01T00:00:00Z'), at('2024-01-01T00:00:00Z'), ...bad], 'utc')).toBe(false);
    expect(spansYears([at('2024-06-01T00:00:00Z'), at('2023-01-01T00:00:00Z'), ...bad], 'utc')).toBe(true);
    expect(spansYears([...bad], 'utc')).toBe(false);
  });

  it('never lay out wider than the list, dropping the rightmost columns when squeezing is not enough', () => {
    for (const withYear of [false, true]) {
      for (let width = 20; width <= 200; width++) {
        const laid = layoutColumns(width, withYear);
        const used = laid.reduce((sum, col) => sum + col.width, 0) + COLUMN_GAP * (laid.length - 1);
        expect(used, `width ${width}, withYear ${withYear}`).toBeLessThanOrEqual(width);
      }
    }
    // 40 columns minus the marker gutter, rows spanning years: the year stays, Error code goes.
    const narrow = layoutColumns(38, true);
    expect(narrow[0]!.width).toBe(16);
    expect(narrow.map((c) => c.def.id)).not.toContain('error');
    expect(narrow.map((c) => c.def.id)).toContain('name');
  });

  it('show Region and Source IP only when wide', () => {
    expect(layoutColumns(98).map((c) => c.def.id)).not.toContain('region');
    expect(layoutColumns(198).map((c) => c.def.id)).toEqual(COLUMNS.map((c) => c.id));
  });

  it('shorten values that do not fit', () => {
    expect(shortSource('ec2.amazonaws.com')).toBe('ec2');
    expect(shortPrincipal('arn:aws:sts::111122223333:assumed-role/Admin/alice')).toBe('Admin/alice');
    expect(shortPrincipal('alice')).toBe('alice');
    expect(shortPrincipal('AWSReservedSSO_AdministratorAccess_1b74cd717d47002b/AdanAlvarez')).toBe('SSO/AdanAlvarez');
    expect(shortPrincipal('arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Admin_1b74/AdanAlvarez')).toBe('SSO/AdanAlvarez');
  });
});

describe('keys', () => {
  it('map keystrokes to actions per mode', () => {
    expect(actionFor('list', 'j', NO_KEY)).toBe('down');
    expect(actionFor('list', '', key({ downArrow: true }))).toBe('down');
    expect(actionFor('list', 'G', key({ shift: true }))).toBe('bottom');
    expect(actionFor('list', 'g', NO_KEY)).toBe('top');
    expect(actionFor('query', 'q', NO_KEY)).toBeNull();
    expect(actionFor('query', 'c', key({ ctrl: true }))).toBe('forceQuit');
    expect(actionFor('detail', '', key({ tab: true }))).toBe('nextLink');
    expect(actionFor('detail', '', key({ tab: true, shift: true }))).toBe('prevLink');
    expect(actionFor('json', 'y', NO_KEY)).toBe('copy');
  });

  it('have no two bindings answering the same key in the same mode', () => {
    const seen = new Map<string, string>();
    for (const binding of KEYMAP) {
      for (const mode of binding.modes) {
        for (const spec of binding.keys) {
          const id = `${mode}|${spec.char ?? spec.named}|${Boolean(spec.ctrl)}|${Boolean(spec.shift)}`;
          expect(seen.get(id), id).toBeUndefined();
          seen.set(id, binding.action);
        }
      }
    }
  });

  it('split a chunk of typed keys into keystrokes', () => {
    const strokes = splitChunk('jj\r', NO_KEY, false);
    expect(strokes.map((s) => s.input)).toEqual(['j', 'j', '\r']);
    expect(strokes[2]!.key.return).toBe(true);
    expect(splitChunk('name:x\r', NO_KEY, true).map((s) => s.input)).toEqual(['name:x', '\r']);
    const ctrlU = splitChunk('/\u0015\r', NO_KEY, false)[1]!;
    expect(ctrlU.input).toBe('u');
    expect(ctrlU.key.ctrl).toBe(true);
  });
});

describe('line editor', () => {
  it('edits at the caret, and treats DEL bytes inside a chunk as backspaces', () => {
    let line = editLine({ text: '', caret: 0 }, 'hello', NO_KEY)!;
    expect(line).toEqual({ text: 'hello', caret: 5 });
    line = editLine(line, 'x\u007f\u007fy', NO_KEY)!;
    expect(line).toEqual({ text: 'helly', caret: 5 });
    line = editLine(line, '', key({ leftArrow: true }))!;
    line = editLine(line, '', key({ delete: true }))!;
    expect(line).toEqual({ text: 'hely', caret: 3 });
    line = editLine(line, 'a\u0007\u001b[0m\u202eb', NO_KEY)!;
    expect(line.text).toBe('hela[0mby');
    line = editLine(line, 'w', key({ ctrl: true }))!;
    expect(line.text).toBe('y');
  });

  it('deletes to the start with Ctrl-U and a word with Ctrl-W, a folder in a path field', () => {
    const ctrl = (c: string) => [c, key({ ctrl: true })] as const;
    expect(editLine({ text: 'user:alice error:*', caret: 18 }, ...ctrl('u'))).toEqual({ text: '', caret: 0 });
    // Only what is before the caret goes.
    expect(editLine({ text: 'user:alice error:*', caret: 11 }, ...ctrl('u'))).toEqual({ text: 'error:*', caret: 0 });
    expect(editLine({ text: 'user:alice error:*', caret: 18 }, ...ctrl('w'))).toEqual({ text: 'user:alice ', caret: 11 });
    expect(editLine({ text: 'user:alice  ', caret: 12 }, ...ctrl('w'))).toEqual({ text: '', caret: 0 });
    const path = { wordSeparators: ' /' };
    expect(editLine({ text: '/tmp/out/x.csv', caret: 14 }, ...ctrl('w'), path)).toEqual({ text: '/tmp/out/', caret: 9 });
    expect(editLine({ text: '/tmp/out/', caret: 9 }, ...ctrl('w'), path)).toEqual({ text: '/tmp/', caret: 5 });
    expect(editLine({ text: '/tmp/out/x.csv', caret: 8 }, ...ctrl('w'), path)).toEqual({ text: '/tmp//x.csv', caret: 5 });
  });
});

describe('throttleSubscribe', () => {
  it('passes the first notification at once and folds a burst into one trailing call', async () => {
    const { throttleSubscribe } = await import('../../src/ui/hooks/useStore.js');
    const listeners = new Set<() => void>();
    const source = (l: () => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    };
    let calls = 0;
    const unsubscribe = throttleSubscribe(source, () => 40)(() => calls++);
    const emit = () => listeners.forEach((l) => l());
    emit();
    expect(calls).toBe(1);
    emit();
    emit();
    emit();
    expect(calls).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(calls).toBe(2);
    unsubscribe();
    emit();
    expect(calls).toBe(2);
  });
});

describe('status line hints', () => {
  it('keep whole hints that fit, most important first', async () => {
    const { fitHints } = await import('../../src/ui/StatusBar.js');
    expect(fitHints(['Enter details', '/ query', '? help'], 30)).toBe('Enter details · ? more');
    expect(fitHints(['Enter details', '/ query'], 100)).toBe('Enter details · / query');
    expect(fitHints(['Enter details'], 6)).toBe('Enter…');
  });
});
