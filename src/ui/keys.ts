/**
 * The one keymap: input handling (App) and the `?` help overlay both read this
 * table, so a key cannot work without being documented or be documented
 * without working.
 */
import type { Key } from 'ink';

/**
 * Where keys are read. `insights` and `export` are also App screens; the
 * export dialog's later phases (overwrite question, running, done) are key
 * modes of that screen only, so the letters they bind never reach the path field.
 */
export type Mode =
  | 'list'
  | 'query'
  | 'detail'
  | 'json'
  | 'help'
  | 'insights'
  | 'export'
  | 'exportConfirm'
  | 'exportRunning'
  | 'exportDone'
  | 'badfiles'
  | 'histogram'
  | 'top'
  | 'principal'
  | 'findings'
  | 'columns'
  | 'quitConfirm';

export const ALL_MODES: readonly Mode[] = ['list', 'query', 'detail', 'json', 'help', 'insights', 'export', 'exportConfirm', 'exportRunning', 'exportDone', 'badfiles', 'histogram', 'top', 'principal', 'findings', 'columns', 'quitConfirm'];

export type Action =
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'top'
  | 'bottom'
  | 'open'
  | 'back'
  | 'drillBack'
  | 'editQuery'
  | 'applyQuery'
  | 'cancelQuery'
  | 'deleteToStart'
  | 'deleteWord'
  | 'lineStart'
  | 'lineEnd'
  | 'charMove'
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
  | 'resourceTimeline'
  | 'nextTab'
  | 'prevTab'
  | 'jumpToEvents'
  | 'cycleFormat'
  | 'cycleFormatBack'
  | 'startExport'
  | 'confirmOverwrite'
  | 'refuseOverwrite'
  | 'cancelExport'
  | 'hideExport'
  | 'copyPath'
  | 'newExport'
  | 'queryBack'
  | 'queryForward'
  | 'historyPrev'
  | 'historyNext'
  | 'pivotReplace'
  | 'pivotAdd'
  | 'pivotExclude'
  | 'toggleOrder'
  | 'mark'
  | 'nextMark'
  | 'histogram'
  | 'zoomIn'
  | 'zoomOut'
  | 'selectSpan'
  | 'cycleStack'
  | 'applySpan'
  | 'topValues'
  | 'nextTopField'
  | 'prevTopField'
  | 'topFilter'
  | 'principal'
  | 'summaryFilter'
  | 'toggleMarkedOnly'
  | 'findings'
  | 'findingsMove'
  | 'findingEvents'
  | 'findingsOrder'
  | 'columnChooser'
  | 'toggleColumn'
  | 'moveColumnUp'
  | 'moveColumnDown'
  | 'resetColumns'
  | 'confirmQuit'
  | 'refuseQuit';

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
  /** The help overlay's section. */
  group: string;
}

const NAV: readonly Mode[] = ['list', 'detail', 'json', 'help', 'badfiles', 'insights', 'histogram', 'top', 'principal', 'columns'];
const BROWSE: readonly Mode[] = ['list', 'detail'];
/**
 * The views that summarise the events the query selects: `/` opens the query bar over them, Enter
 * keeps the view open on the new query's events, Esc restores the query before (state.ts editQuery).
 */
export const QUERY_VIEWS: readonly Mode[] = ['top', 'histogram', 'findings', 'insights'];
/**
 * Modes where no text is being typed (the query bar and the download form's file name take every letter);
 * the quit question is left out too: it takes only its answers.
 */
export const NOT_TYPING: readonly Mode[] = ALL_MODES.filter((mode) => mode !== 'query' && mode !== 'export' && mode !== 'quitConfirm');

const MOVE = 'Moving around';
const MAIN = 'List and details';
const QUERY = 'Query bar';
const TEXT = 'Editing text';
const INSIGHTS = 'Insights view (i)';
const EXPORT = 'Download dialog (d)';
const HISTOGRAM = 'Histogram view (h)';
const TOP = 'Top values (T)';
const PRINCIPAL = 'Principal summary (p)';
const FINDINGS = 'Findings view (!)';
const CHOOSER = 'Column chooser (C)';
const ANY = 'Anywhere';

/** The help overlay's sections, in order; a binding that works exactly in its section's `place` needs no note of where. */
/** The help section a view's `?` opens at (its own keys first; the ones it shares are above). */
export const VIEW_HELP_GROUP: Partial<Record<Mode, string>> = { insights: INSIGHTS, export: EXPORT, histogram: HISTOGRAM, findings: FINDINGS, top: TOP, principal: PRINCIPAL, columns: CHOOSER };

export const KEY_GROUPS: ReadonlyArray<{ title: string; place?: readonly Mode[] }> = [
  { title: MOVE, place: NAV },
  { title: MAIN },
  { title: QUERY, place: ['query'] },
  { title: TEXT, place: ['query', 'export'] },
  { title: INSIGHTS, place: ['insights'] },
  { title: TOP, place: ['top'] },
  { title: PRINCIPAL, place: ['principal'] },
  { title: FINDINGS, place: ['findings'] },
  { title: CHOOSER, place: ['columns'] },
  { title: EXPORT },
  { title: HISTOGRAM, place: ['histogram'] },
  { title: ANY },
];

export const KEYMAP: readonly KeyBinding[] = [
  { action: 'up', keys: [{ named: 'upArrow' }, { char: 'k' }], label: '↑/k', description: 'up a row (newer; oldest first: older; in the histogram: the bucket before)', modes: NAV, group: MOVE },
  { action: 'down', keys: [{ named: 'downArrow' }, { char: 'j' }], label: '↓/j', description: 'down a row (older; oldest first: newer; in the histogram: the bucket after)', modes: NAV, group: MOVE },
  { action: 'pageUp', keys: [{ named: 'pageUp' }, { char: 'b', ctrl: true }], label: 'PgUp/Ctrl-B', description: 'page up (in the details: scroll the panel)', modes: NAV, group: MOVE },
  { action: 'pageDown', keys: [{ named: 'pageDown' }, { char: 'f', ctrl: true }, { char: ' ' }], label: 'PgDn/Space', description: 'page down, Ctrl-F too (in the details: scroll the panel)', modes: NAV, group: MOVE },
  { action: 'top', keys: [{ char: 'g' }, { named: 'home' }], label: 'g/Home', description: 'top: the newest and follow (oldest first: the oldest)', modes: NAV, group: MOVE },
  { action: 'bottom', keys: [{ char: 'G' }, { named: 'end' }], label: 'G/End', description: 'bottom: the oldest (oldest first: the newest and follow)', modes: NAV, group: MOVE },
  { action: 'follow', keys: [{ char: 'f' }], label: 'f', description: 'follow newest events', modes: BROWSE, group: MAIN },
  { action: 'open', keys: [{ named: 'return' }], label: 'Enter', description: 'open / close the event details', modes: BROWSE, group: MAIN },
  { action: 'back', keys: [{ named: 'escape' }], label: 'Esc', description: 'close the panel or view', modes: ['detail', 'json', 'help', 'badfiles', 'insights', 'export', 'exportDone', 'histogram', 'top', 'principal', 'findings', 'columns'], group: MAIN },
  // Its own action (not `back`): Esc in the list does only this, and the help (both dashboards') says so on a line of its own.
  { action: 'drillBack', keys: [{ named: 'escape' }], label: 'Esc', description: 'in a list opened from a view (T, p, i, h or ! and Enter): back to that view and the query before, as [ goes back', modes: ['list'], group: MAIN },
  // Over the views that summarise the list's events (T, h, !, i) too: the one query, edited in place, and the view counts again.
  { action: 'editQuery', keys: [{ char: '/' }], label: '/', description: 'edit the query (filters as you type; over T, h, ! and i the view counts its events again and stays)', modes: [...BROWSE, ...QUERY_VIEWS], group: MAIN },
  { action: 'nextLink', keys: [{ named: 'tab' }, { named: 'rightArrow' }], label: 'Tab/→', description: 'select the next value or link (user, IP, key ... resources)', modes: ['detail'], group: MAIN },
  { action: 'prevLink', keys: [{ named: 'tab', shift: true }, { named: 'leftArrow' }], label: 'S-Tab/←', description: 'select the previous value or link', modes: ['detail'], group: MAIN },
  { action: 'copy', keys: [{ char: 'y' }], label: 'y', description: 'copy the selected value or link (details) or the whole JSON (JSON view)', modes: ['detail', 'json'], group: MAIN },
  { action: 'resourceTimeline', keys: [{ char: 'r' }], label: 'r', description: 'list every event that touched the selected resource', modes: ['detail'], group: MAIN },
  { action: 'json', keys: [{ char: 'v' }], label: 'v', description: 'show the full original record as JSON', modes: BROWSE, group: MAIN },
  { action: 'toggleTime', keys: [{ char: 't' }], label: 't', description: 'toggle UTC / local time', modes: BROWSE, group: MAIN },
  { action: 'badFiles', keys: [{ char: 'b' }], label: 'b', description: 'files that could not be read, with reasons (again: close)', modes: [...BROWSE, 'badfiles'], group: MAIN },
  { action: 'insights', keys: [{ char: 'i' }], label: 'i', description: 'open / close the Insights view', modes: [...BROWSE, 'insights'], group: MAIN },
  { action: 'export', keys: [{ char: 'd' }], label: 'd', description: 'download (export) the filtered events', modes: BROWSE, group: MAIN },
  { action: 'pivotReplace', keys: [{ char: '=' }], label: '=', description: 'filter by the selected value (replaces the query; in the list: pick a field of the row)', modes: [...BROWSE, 'top', 'principal'], group: MAIN },
  { action: 'pivotAdd', keys: [{ char: '+' }], label: '+', description: 'add the selected value to the query (AND)', modes: [...BROWSE, 'top', 'principal'], group: MAIN },
  { action: 'pivotExclude', keys: [{ char: '-' }], label: '-', description: 'exclude the selected value (-field:value)', modes: [...BROWSE, 'top', 'principal'], group: MAIN },
  { action: 'topValues', keys: [{ char: 'T' }], label: 'T', description: 'top values of a field for the current filter (again: close)', modes: [...BROWSE, 'top'], group: MAIN },
  { action: 'principal', keys: [{ char: 'p' }], label: 'p', description: 'summary of the selected user, role or access key (list: the row\'s user)', modes: [...BROWSE, 'top'], group: MAIN },
  { action: 'columnChooser', keys: [{ char: 'C' }], label: 'C', description: 'choose, order and hide the list columns (kept for this folder)', modes: [...BROWSE, 'columns'], group: MAIN },
  { action: 'queryBack', keys: [{ char: '[' }], label: '[', description: 'back to the previous query (or event left by a chain link), cursor where it was', modes: BROWSE, group: MAIN },
  { action: 'queryForward', keys: [{ char: ']' }], label: ']', description: 'forward again (after [)', modes: BROWSE, group: MAIN },
  { action: 'toggleOrder', keys: [{ char: 'o' }], label: 'o', description: 'order: newest first / oldest first (also the download\'s order)', modes: BROWSE, group: MAIN },
  { action: 'mark', keys: [{ char: 'm' }], label: 'm', description: 'mark / unmark the selected event (* in the gutter; query mark:*)', modes: BROWSE, group: MAIN },
  { action: 'nextMark', keys: [{ char: "'" }], label: "'", description: 'jump to the next marked event', modes: BROWSE, group: MAIN },
  { action: 'histogram', keys: [{ char: 'h' }], label: 'h', description: 'open / close the histogram of the filtered events', modes: [...BROWSE, 'histogram'], group: MAIN },
  { action: 'zoomIn', keys: [{ char: '+' }, { char: '=' }, { char: 'z' }], label: '+/=/z', description: 'zoom in (smaller buckets, down to 1 s)', modes: ['histogram'], group: HISTOGRAM },
  { action: 'zoomOut', keys: [{ char: '-' }, { char: 'Z' }], label: '-/Z', description: 'zoom out (larger buckets, up to 1 month)', modes: ['histogram'], group: HISTOGRAM },
  { action: 'selectSpan', keys: [{ char: 'v' }], label: 'v', description: 'start a span at the cursor (again: drop it); move to stretch it', modes: ['histogram'], group: HISTOGRAM },
  { action: 'applySpan', keys: [{ named: 'return' }], label: 'Enter', description: 'list the span\'s (or the bucket\'s) events: sets from:/to: ([ goes back); with none, stays and says so', modes: ['histogram'], group: HISTOGRAM },
  { action: 'cycleStack', keys: [{ named: 'tab' }], label: 'Tab', description: 'split bars by errors, event source, user, region (top 5 + Other)', modes: ['histogram'], group: HISTOGRAM },
  { action: 'findings', keys: [{ char: '!' }], label: '!', description: 'open / close the findings view (what the detection rules found)', modes: [...BROWSE, 'findings'], group: MAIN },
  { action: 'applyQuery', keys: [{ named: 'return' }], label: 'Enter', description: 'keep the query and return to the list (or to the view it was opened over)', modes: ['query'], group: QUERY },
  { action: 'cancelQuery', keys: [{ named: 'escape' }], label: 'Esc', description: 'leave the query bar, restoring the previous query', modes: ['query'], group: QUERY },
  { action: 'historyPrev', keys: [{ named: 'upArrow' }], label: '↑', description: 'earlier query from this folder\'s history (kept between runs)', modes: ['query'], group: QUERY },
  { action: 'historyNext', keys: [{ named: 'downArrow' }], label: '↓', description: 'later query from the history; past the newest, what you typed', modes: ['query'], group: QUERY },
  // lineEditor.ts carries these out; they are listed here so the help shows them.
  { action: 'deleteToStart', keys: [{ char: 'u', ctrl: true }], label: 'Ctrl-U', description: 'delete to the start of the text (all of it with the cursor at the end)', modes: ['query', 'export'], group: TEXT },
  { action: 'deleteWord', keys: [{ char: 'w', ctrl: true }], label: 'Ctrl-W', description: 'delete the word before the cursor (in the file name: back to a /)', modes: ['query', 'export'], group: TEXT },
  { action: 'lineStart', keys: [{ char: 'a', ctrl: true }, { named: 'home' }], label: 'Ctrl-A/Home', description: 'cursor to the start of the text', modes: ['query', 'export'], group: TEXT },
  { action: 'lineEnd', keys: [{ char: 'e', ctrl: true }, { named: 'end' }], label: 'Ctrl-E/End', description: 'cursor to the end of the text', modes: ['query', 'export'], group: TEXT },
  { action: 'charMove', keys: [{ named: 'leftArrow' }, { named: 'rightArrow' }], label: '←/→', description: 'cursor a character left / right', modes: ['query', 'export'], group: TEXT },
  { action: 'jumpToEvents', keys: [{ named: 'return' }], label: 'Enter', description: 'list the events behind the selected Insight', modes: ['insights'], group: INSIGHTS },
  { action: 'nextTab', keys: [{ named: 'tab' }], label: 'Tab', description: 'next tab (chart, attributions)', modes: ['insights'], group: INSIGHTS },
  { action: 'prevTab', keys: [{ named: 'tab', shift: true }], label: 'S-Tab', description: 'previous tab', modes: ['insights'], group: INSIGHTS },
  { action: 'topFilter', keys: [{ named: 'return' }], label: 'Enter', description: 'list the events with the selected value (as =)', modes: ['top'], group: TOP },
  { action: 'nextTopField', keys: [{ named: 'tab' }, { named: 'rightArrow' }], label: 'Tab/→', description: 'next field (user, IP, key, name, source, error, region, account, agent, resource, identity type)', modes: ['top'], group: TOP },
  { action: 'prevTopField', keys: [{ named: 'tab', shift: true }, { named: 'leftArrow' }], label: 'S-Tab/←', description: 'previous field', modes: ['top'], group: TOP },
  { action: 'summaryFilter', keys: [{ named: 'return' }], label: 'Enter', description: "the principal's events with the selected line (API, IP, region ...)", modes: ['principal'], group: PRINCIPAL },
  { action: 'toggleColumn', keys: [{ named: 'return' }, { char: 'x' }], label: 'Enter/x', description: 'show or hide the selected column (Space too)', modes: ['columns'], group: CHOOSER },
  { action: 'moveColumnUp', keys: [{ char: 'K' }], label: 'K', description: 'move the selected column left (up the list)', modes: ['columns'], group: CHOOSER },
  { action: 'moveColumnDown', keys: [{ char: 'J' }], label: 'J', description: 'move the selected column right (down the list)', modes: ['columns'], group: CHOOSER },
  { action: 'resetColumns', keys: [{ char: 'r' }], label: 'r', description: 'back to the default columns', modes: ['columns'], group: CHOOSER },
  { action: 'cycleFormat', keys: [{ named: 'tab' }, { named: 'downArrow' }], label: 'Tab/↓', description: 'next format (CSV, JSON, JSON lines)', modes: ['export'], group: EXPORT },
  { action: 'cycleFormatBack', keys: [{ named: 'tab', shift: true }, { named: 'upArrow' }], label: 'S-Tab/↑', description: 'previous format', modes: ['export'], group: EXPORT },
  { action: 'toggleMarkedOnly', keys: [{ char: 'o', ctrl: true }], label: 'Ctrl-O', description: 'only the marked events (m) / every event in the list', modes: ['export'], group: EXPORT },
  { action: 'startExport', keys: [{ named: 'return' }], label: 'Enter', description: 'start the download (other keys edit the file name)', modes: ['export'], group: EXPORT },
  { action: 'confirmOverwrite', keys: [{ char: 'y' }], label: 'y', description: 'overwrite the existing file', modes: ['exportConfirm'], group: EXPORT },
  { action: 'refuseOverwrite', keys: [{ char: 'n' }, { named: 'escape' }], label: 'n/Esc', description: 'keep the existing file', modes: ['exportConfirm'], group: EXPORT },
  { action: 'cancelExport', keys: [{ named: 'escape' }, { char: 'c' }], label: 'Esc/c', description: 'cancel the running download', modes: ['exportRunning'], group: EXPORT },
  { action: 'hideExport', keys: [{ char: 'b' }], label: 'b', description: 'hide the dialog; the download goes on', modes: ['exportRunning'], group: EXPORT },
  { action: 'copyPath', keys: [{ char: 'y' }], label: 'y', description: 'copy the saved file path', modes: ['exportDone'], group: EXPORT },
  { action: 'newExport', keys: [{ named: 'return' }, { char: 'n' }], label: 'Enter/n', description: 'start a new download', modes: ['exportDone'], group: EXPORT },
  // The view reads the direction with the list's moving keys (FindingsView); listed here so the help shows them.
  {
    action: 'findingsMove',
    keys: [
      { named: 'upArrow' },
      { char: 'k' },
      { named: 'downArrow' },
      { char: 'j' },
      { named: 'pageUp' },
      { char: 'b', ctrl: true },
      { named: 'pageDown' },
      { char: 'f', ctrl: true },
      { char: ' ' },
      { char: 'g' },
      { named: 'home' },
      { char: 'G' },
      { named: 'end' },
    ],
    label: '↑/↓ j/k',
    description: 'select a rule (PgUp/Ctrl-B, PgDn/Ctrl-F/Space: a page; g/Home, G/End: the first, the last)',
    modes: ['findings'],
    group: FINDINGS,
  },
  { action: 'findingEvents', keys: [{ named: 'return' }], label: 'Enter', description: "list the selected rule's events (rule:ID)", modes: ['findings'], group: FINDINGS },
  { action: 'findingsOrder', keys: [{ char: 'o' }], label: 'o', description: 'order by newest hit or by level', modes: ['findings'], group: FINDINGS },
  { action: 'help', keys: [{ char: '?' }], label: '?', description: 'this help (not while typing text)', modes: NOT_TYPING, group: ANY },
  { action: 'quit', keys: [{ char: 'q' }], label: 'q', description: 'quit (not while typing text; asks first while a download runs)', modes: NOT_TYPING, group: ANY },
  { action: 'confirmQuit', keys: [{ char: 'y' }], label: 'y', description: 'cancel the running download and quit', modes: ['quitConfirm'], group: ANY },
  { action: 'refuseQuit', keys: [{ char: 'n' }, { named: 'escape' }], label: 'n/Esc', description: 'keep the download running; do not quit', modes: ['quitConfirm'], group: ANY },
  { action: 'forceQuit', keys: [{ char: 'c', ctrl: true }], label: 'Ctrl-C', description: 'quit from anywhere', modes: ALL_MODES, group: ANY },
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

/** A Key with nothing pressed: the base for keystrokes built from text. */
export const NO_KEY: Readonly<Key> = {
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
