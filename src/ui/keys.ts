/**
 * The one keymap: input handling (App) and the `?` help overlay both read this
 * table, so a key cannot work without being documented or be documented
 * without working.
 */
import type { Key } from 'ink';

export type Mode = 'list' | 'query' | 'detail' | 'json' | 'help' | 'insights' | 'export' | 'badfiles';

export type Action =
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'top'
  | 'bottom'
  | 'open'
  | 'back'
  | 'editQuery'
  | 'applyQuery'
  | 'cancelQuery'
  | 'clearQuery'
  | 'help'
  | 'toggleTime'
  | 'follow'
  | 'quit'
  | 'forceQuit'
  | 'badFiles'
  | 'insights'
  | 'export'
  | 'json'
  | 'copy'
  | 'nextLink'
  | 'prevLink'
  | 'resourceTimeline';

type NamedKey = 'upArrow' | 'downArrow' | 'leftArrow' | 'rightArrow' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'return' | 'escape' | 'tab';

export interface KeySpec {
  /** A printable character, compared exactly (so `g` and `G` differ). */
  char?: string;
  /** A named key from Ink's Key. */
  named?: NamedKey;
  ctrl?: boolean;
  shift?: boolean;
}

export interface KeyBinding {
  action: Action;
  keys: KeySpec[];
  /** How the help overlay and status line spell the keys. */
  label: string;
  description: string;
  modes: readonly Mode[];
}

const NAV: readonly Mode[] = ['list', 'detail', 'json', 'help', 'badfiles'];
const BROWSE: readonly Mode[] = ['list', 'detail'];
/** Modes where `q` quits: not while typing a query, and not inside plug-in views that own their keys. */
const QUIT: readonly Mode[] = ['list', 'detail', 'json', 'help', 'badfiles'];

export const KEYMAP: readonly KeyBinding[] = [
  { action: 'up', keys: [{ named: 'upArrow' }, { char: 'k' }], label: '↑/k', description: 'previous row (newer)', modes: NAV },
  { action: 'down', keys: [{ named: 'downArrow' }, { char: 'j' }], label: '↓/j', description: 'next row (older)', modes: NAV },
  { action: 'pageUp', keys: [{ named: 'pageUp' }, { char: 'b', ctrl: true }], label: 'PgUp', description: 'page up (in the details: scroll the panel)', modes: NAV },
  { action: 'pageDown', keys: [{ named: 'pageDown' }, { char: 'f', ctrl: true }, { char: ' ' }], label: 'PgDn/Space', description: 'page down (in the details: scroll the panel)', modes: NAV },
  { action: 'top', keys: [{ char: 'g' }, { named: 'home' }], label: 'g/Home', description: 'newest (top) and follow', modes: NAV },
  { action: 'bottom', keys: [{ char: 'G' }, { named: 'end' }], label: 'G/End', description: 'oldest (bottom)', modes: NAV },
  { action: 'follow', keys: [{ char: 'f' }], label: 'f', description: 'follow newest events', modes: BROWSE },
  { action: 'open', keys: [{ named: 'return' }], label: 'Enter', description: 'open / close the event details', modes: BROWSE },
  { action: 'back', keys: [{ named: 'escape' }], label: 'Esc', description: 'close the panel or view', modes: ['detail', 'json', 'help', 'badfiles'] },
  { action: 'editQuery', keys: [{ char: '/' }], label: '/', description: 'edit the query (filters as you type)', modes: BROWSE },
  { action: 'applyQuery', keys: [{ named: 'return' }], label: 'Enter', description: 'keep the query and return to the list', modes: ['query'] },
  { action: 'cancelQuery', keys: [{ named: 'escape' }], label: 'Esc', description: 'leave the query bar, restoring the previous query', modes: ['query'] },
  { action: 'clearQuery', keys: [{ char: 'u', ctrl: true }], label: 'Ctrl-U', description: 'clear the query text', modes: ['query'] },
  { action: 'nextLink', keys: [{ named: 'tab' }, { named: 'rightArrow' }], label: 'Tab/→', description: 'next resource link', modes: ['detail'] },
  { action: 'prevLink', keys: [{ named: 'tab', shift: true }, { named: 'leftArrow' }], label: 'S-Tab/←', description: 'previous resource link', modes: ['detail'] },
  { action: 'copy', keys: [{ char: 'y' }], label: 'y', description: 'copy the selected link (details) or the whole JSON (JSON view)', modes: ['detail', 'json'] },
  { action: 'resourceTimeline', keys: [{ char: 'r' }], label: 'r', description: 'list every event that touched the selected resource', modes: ['detail'] },
  { action: 'json', keys: [{ char: 'v' }], label: 'v', description: 'show the full original record as JSON', modes: BROWSE },
  { action: 'toggleTime', keys: [{ char: 't' }], label: 't', description: 'toggle UTC / local time', modes: BROWSE },
  { action: 'badFiles', keys: [{ char: 'b' }], label: 'b', description: 'files that could not be read, with reasons', modes: ['list'] },
  { action: 'insights', keys: [{ char: 'i' }], label: 'i', description: 'Insights view', modes: ['list'] },
  { action: 'export', keys: [{ char: 'd' }], label: 'd', description: 'download (export) the filtered events', modes: ['list'] },
  { action: 'help', keys: [{ char: '?' }], label: '?', description: 'this help', modes: ['list', 'detail', 'json', 'help', 'badfiles'] },
  { action: 'quit', keys: [{ char: 'q' }], label: 'q', description: 'quit', modes: QUIT },
  {
    action: 'forceQuit',
    keys: [{ char: 'c', ctrl: true }],
    label: 'Ctrl-C',
    description: 'quit from anywhere',
    modes: ['list', 'query', 'detail', 'json', 'help', 'insights', 'export', 'badfiles'],
  },
];

function specMatches(spec: KeySpec, input: string, key: Key): boolean {
  if (Boolean(spec.ctrl) !== key.ctrl) return false;
  if (spec.named) {
    if (!key[spec.named]) return false;
    // Shift-Tab arrives as tab+shift; plain Tab must not match it.
    return spec.named !== 'tab' || Boolean(spec.shift) === key.shift;
  }
  return spec.char !== undefined && input === spec.char && !key.meta;
}

/** The action a keystroke means in a mode, or null. */
export function actionFor(mode: Mode, input: string, key: Key): Action | null {
  for (const binding of KEYMAP) {
    if (!binding.modes.includes(mode)) continue;
    if (binding.keys.some((spec) => specMatches(spec, input, key))) return binding.action;
  }
  return null;
}

/** Bindings active in a mode, in table order (the status line shows a few of them). */
export function bindingsFor(mode: Mode): KeyBinding[] {
  return KEYMAP.filter((binding) => binding.modes.includes(mode));
}

export function bindingOf(action: Action): KeyBinding {
  return KEYMAP.find((binding) => binding.action === action)!;
}

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/**
 * Ink hands over a chunk of several characters as one input (a paste, fast
 * typing over SSH, tmux send-keys). Splits it into keystrokes: Enter, Tab
 * and Backspace become keys; runs of other characters stay together when
 * `keepText` (the query bar takes them as one paste), else go one by one.
 */
export function splitChunk(input: string, key: Key, keepText: boolean): Array<{ input: string; key: Key }> {
  if (input.length <= 1 || key.ctrl || key.meta || key.escape) return [{ input, key }];
  const out: Array<{ input: string; key: Key }> = [];
  let text = '';
  const flush = (): void => {
    if (text) out.push({ input: text, key: { ...NO_KEY, shift: text.length === 1 && /[A-Z]/.test(text) } });
    text = '';
  };
  for (const ch of input) {
    if (ch === '\r' || ch === '\n') {
      flush();
      out.push({ input: '\r', key: { ...NO_KEY, return: true } });
    } else if (ch === '\t') {
      flush();
      out.push({ input: '\t', key: { ...NO_KEY, tab: true } });
    } else if (ch === '\u007f' || ch === '\b') {
      flush();
      out.push({ input: '', key: { ...NO_KEY, backspace: true } });
    } else if (ch.charCodeAt(0) >= 1 && ch.charCodeAt(0) <= 26) {
      // Ctrl+letter (Ctrl-U, Ctrl-C ...) inside a chunk.
      flush();
      out.push({ input: String.fromCharCode(ch.charCodeAt(0) + 96), key: { ...NO_KEY, ctrl: true } });
    } else if (keepText) {
      text += ch;
    } else {
      text = ch;
      flush();
    }
  }
  flush();
  return out;
}
