import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { helpLines, whereText } from '../../src/ui/HelpOverlay.js';
import { ALL_MODES, KEY_GROUPS, KEYMAP, NO_KEY, actionFor, type KeySpec, type Mode } from '../../src/ui/keys.js';
import { displayWidth } from '../../src/term/width.js';
import { editLine } from '../../src/ui/lineEditor.js';


/** The keystroke Ink would hand over for a key spec. */
function stroke(spec: KeySpec): [string, Key] {
  if (spec.named) return ['', { ...NO_KEY, [spec.named]: true, shift: Boolean(spec.shift), ctrl: Boolean(spec.ctrl) }];
  return [spec.char!, { ...NO_KEY, ctrl: Boolean(spec.ctrl) }];
}

const char = (c: string): [string, Key] => [c, NO_KEY];

describe('keymap', () => {
  it('names in the help every cursor and delete key the text fields take (the line editor carries them out)', () => {
    const strokes: Array<[string, Partial<Key>]> = [['a', { ctrl: true }], ['', { home: true }], ['e', { ctrl: true }], ['', { end: true }], ['', { leftArrow: true }], ['', { rightArrow: true }], ['u', { ctrl: true }], ['w', { ctrl: true }]];
    for (const [input, pressed] of strokes) {
      const key = { ...NO_KEY, ...pressed };
      expect(editLine({ text: 'ab cd', caret: 3 }, input, key)).not.toBeNull();
      for (const mode of ['query', 'export'] as const) expect({ pressed, mode, bound: actionFor(mode, input, key) !== null }).toEqual({ pressed, mode, bound: true });
    }
  });

  it('never binds one key twice in a mode, so every listed binding really works', () => {
    for (const mode of ALL_MODES) {
      for (const binding of KEYMAP.filter((b) => b.modes.includes(mode))) {
        for (const spec of binding.keys) {
          expect({ mode, spec, action: actionFor(mode, ...stroke(spec)) }).toEqual({ mode, spec, action: binding.action });
        }
      }
    }
  });

  it('drives the download dialog by phase: letters bind only where the path field is not being typed in', () => {
    for (const c of ['y', 'n', 'c', 'b', 'q', 'j', 'k', 'g', '?', 'i', 'd']) expect(actionFor('export', ...char(c))).toBeNull();
    expect(actionFor('export', ...stroke({ named: 'tab' }))).toBe('cycleFormat');
    expect(actionFor('export', ...stroke({ named: 'tab', shift: true }))).toBe('cycleFormatBack');
    expect(actionFor('export', ...stroke({ named: 'upArrow' }))).toBe('cycleFormatBack');
    expect(actionFor('export', ...stroke({ named: 'return' }))).toBe('startExport');
    expect(actionFor('export', ...stroke({ named: 'escape' }))).toBe('back');
    expect(actionFor('exportConfirm', ...char('y'))).toBe('confirmOverwrite');
    expect(actionFor('exportConfirm', ...char('n'))).toBe('refuseOverwrite');
    expect(actionFor('exportConfirm', ...stroke({ named: 'escape' }))).toBe('refuseOverwrite');
    expect(actionFor('exportConfirm', ...char('x'))).toBeNull();
    expect(actionFor('exportRunning', ...char('c'))).toBe('cancelExport');
    expect(actionFor('exportRunning', ...stroke({ named: 'escape' }))).toBe('cancelExport');
    expect(actionFor('exportRunning', ...char('b'))).toBe('hideExport');
    expect(actionFor('exportDone', ...char('y'))).toBe('copyPath');
    expect(actionFor('exportDone', ...char('n'))).toBe('newExport');
    expect(actionFor('exportDone', ...stroke({ named: 'return' }))).toBe('newExport');
    expect(actionFor('exportDone', ...stroke({ named: 'escape' }))).toBe('back');
  });

  it('drives the Insights view with the list keys plus tabs and Enter', () => {
    const expected: Array<[[string, Key], string]> = [
      [char('j'), 'down'],
      [char('k'), 'up'],
      [char('G'), 'bottom'],
      [stroke({ named: 'pageDown' }), 'pageDown'],
      [stroke({ named: 'home' }), 'top'],
      [stroke({ named: 'tab' }), 'nextTab'],
      [stroke({ named: 'tab', shift: true }), 'prevTab'],
      [stroke({ named: 'return' }), 'jumpToEvents'],
      [stroke({ named: 'escape' }), 'back'],
      [char('i'), 'insights'],
      [char('?'), 'help'],
    ];
    for (const [[input, key], action] of expected) expect(actionFor('insights', input, key)).toBe(action);
    // The list's own keys do not leak into the view.
    expect(actionFor('insights', ...char('d'))).toBeNull();
    // `/` edits the one query over the view (it summarises the query's events), as in T, h and !.
    expect(actionFor('insights', ...char('/'))).toBe('editQuery');
  });

  it('lets q quit and ? open the help in every mode but the two text fields, where they are typed, and the quit question', () => {
    for (const mode of ALL_MODES) {
      const typing = mode === 'query' || mode === 'export' || mode === 'quitConfirm';
      expect({ mode, action: actionFor(mode, ...char('q')) }).toEqual({ mode, action: typing ? null : 'quit' });
      expect({ mode, action: actionFor(mode, ...char('?')) }).toEqual({ mode, action: typing ? null : 'help' });
    }
  });

  it('answers the quit question with y, n or Esc only', () => {
    expect(actionFor('quitConfirm', ...char('y'))).toBe('confirmQuit');
    expect(actionFor('quitConfirm', ...char('n'))).toBe('refuseQuit');
    expect(actionFor('quitConfirm', '', { ...NO_KEY, escape: true })).toBe('refuseQuit');
    for (const other of ['j', 'q', '?', 'd']) expect(actionFor('quitConfirm', ...char(other))).toBeNull();
  });

  it('lets Ctrl-C quit in every mode', () => {
    for (const mode of ALL_MODES) expect(actionFor(mode as Mode, 'c', { ...NO_KEY, ctrl: true })).toBe('forceQuit');
  });
});

describe('help lines', () => {
  it('fit 80 columns without cutting a description or the note of where a key works', () => {
    const lines = helpLines([], { insights: true, export: true }, 80);
    // The overlay indents each line by two columns.
    for (const line of lines) expect(displayWidth(line.text) + 2).toBeLessThanOrEqual(80);
    const flat = lines.map((l) => l.text.trim()).join(' ').replace(/\s+/g, ' ');
    for (const binding of KEYMAP) {
      const place = KEY_GROUPS.find((g) => g.title === binding.group)?.place;
      const implied = place !== undefined && place.length === binding.modes.length && place.every((m) => binding.modes.includes(m));
      expect(flat).toContain(`${binding.label} ${binding.description}${implied ? '' : ` ${whereText(binding)}`}`.replace(/\s+/g, ' '));
    }
  });

  // It said y copies "the selected link": in the details it copies the selected value too (user, IP, key ...).
  it('says y in the details copies the selected value or link, as it does', () => {
    const flat = helpLines([], { insights: true, export: true }, 200).map((l) => l.text).join(' ').replace(/\s+/g, ' ');
    expect(flat).toContain('y copy the selected value or link (details) or the whole JSON (JSON view)');
  });

  it('group the keys under headings, the Insights and download keys under their own', () => {
    const headings = helpLines([], { insights: true, export: true }, 80)
      .filter((l) => l.heading)
      .map((l) => l.text);
    expect(headings.length).toBe(KEY_GROUPS.length);
    headings.forEach((heading, i) => expect(heading.startsWith(KEY_GROUPS[i]!.title)).toBe(true));
    expect(headings).toContain('Insights view (i)');
    expect(headings).toContain('Moving around');
    expect(helpLines([], { insights: true, export: true }, 80).map((l) => l.text).join(' ')).toContain('in list, details, JSON, help, bad files, Insights, histogram, top, summary');
    expect(headings).toContain('Top values (T)');
    expect(headings).toContain('Findings view (!)');
    expect(headings).toContain('Download dialog (d)');
    // Every binding sits in a section the overlay prints.
    for (const binding of KEYMAP) expect(KEY_GROUPS.map((g) => g.title)).toContain(binding.group);
  });

  it('says the list views (! i h d b) work from the details too, as they do', () => {
    const views: Array<[string, string]> = [['!', 'findings'], ['i', 'insights'], ['h', 'histogram'], ['d', 'export'], ['b', 'badFiles']];
    for (const [c, action] of views) {
      const binding = KEYMAP.find((b) => b.action === action)!;
      expect({ c, action: actionFor('detail', ...char(c)) }).toEqual({ c, action });
      expect(whereText(binding)).toMatch(/^\[list, details\b/);
    }
  });
});
