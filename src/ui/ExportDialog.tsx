import { Box, Text, useStdout, type Key } from 'ink';
import { homedir } from 'node:os';
import { basename } from 'node:path';
import { useEffect, useMemo, useReducer, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { CSV_WARNING, EXPORT_FORMATS, formatProgressLine, NAMES_A_FOLDER, namesAFolder, writesIntoLogPath } from '../export/index.js';
import { eventCount } from './format.js';
import { describeCopy, osc52Copy, type Env } from '../term/osc52.js';
import { sanitize } from '../term/sanitize.js';
import { truncate } from '../term/width.js';
import { truncateStart } from './pathText.js';
import type { PluginViewProps } from './App.js';
import {
  FORMAT_LABELS,
  dialogReducer,
  initialDialogState,
  lastDownloadFolder,
  precheckTarget,
  resolveExportPath,
  rowsToExport,
  sessionFor,
  type DialogAction,
  type DialogPhase,
  type DownloadSource,
  type DownloadWriteOptions,
  type ExportSession,
} from './exportModel.js';
import { actionFor, type Mode } from './keys.js';
import { fitLines, type LinePart } from './fitLines.js';
import { editLine, visiblePart } from './lineEditor.js';
import { useTheme } from './theme.js';
import { answerSharedKey, useViewKeys } from './viewKeys.js';
import { wrapHints, wrapWords } from './wrap.js';
import { own, symbolsInAscii } from '../term/glyphs.js';

export interface ExportDialogProps extends Omit<PluginViewProps, 'store' | 'setQuery' | 'zone'> {
  /** Whose download it is (one session per store), unless `session` is given. */
  store?: PluginViewProps['store'];
  /** The download's owner; defaults to one per store, so a download outlives the dialog. */
  session?: ExportSession;
  /** Events that are not `rows` in memory (the --db dashboard's archive): counted and written by it. */
  source?: DownloadSource;
  /** Where relative paths start (default: the current folder; the home folder when that is inside the log folder). */
  cwd?: string;
  /** The home folder (default: the user's), where relative paths start when cwd is inside the log folder. */
  home?: string;
  /**
   * Whether a folder lies in a log folder besides `folder` (the --db dashboard's: those the archive was
   * imported from), where nothing is written: relative paths start at home when cwd does. Keep it stable.
   */
  insideLogs?: (path: string) => Promise<boolean>;
  now?: () => number;
  env?: Env;
}

/** The keymap mode of each phase: letters bind only where the path field is not being typed in. */
export const PHASE_MODES: Readonly<Record<DialogPhase, Mode>> = { edit: 'export', confirm: 'exportConfirm', running: 'exportRunning', done: 'exportDone' };

export const EXPORT_HINTS: Readonly<Record<DialogPhase, string>> = {
  edit: 'Enter download · Tab/↑/↓ format · Ctrl-O marked only: off · type to change the file · Esc close',
  confirm: 'y overwrite · n/Esc keep the file · ? help',
  running: 'Esc/c cancel · b hide (the download goes on; the header shows ↓ and its %) · ? help',
  done: 'y copy the path · n new download · Esc close · ? help',
};

/** The hints of a phase; Ctrl-O's says whether "marked only" is on now (a toggle's hint that never changes reads as an offer). */
export function exportHints(phase: DialogPhase, markedOnly: boolean): string {
  const hints = own(EXPORT_HINTS[phase]);
  return markedOnly ? hints.replace('Ctrl-O marked only: off', 'Ctrl-O marked only: on') : hints;
}

/**
 * The download dialog (`d`): format, file, Enter. Exports exactly the list's
 * rows in the list's order, through the same exportRows as `trailtop export`.
 */
export function ExportDialog({
  store,
  folder,
  rows,
  queryText,
  width,
  height,
  onClose,
  setStatus,
  setActivity,
  setRunningWork,
  openHelp,
  quit,
  active = true,
  claimKeys,
  order = 'newest',
  marks,
  session: given,
  source,
  cwd: workingFolder = process.cwd(),
  home = homedir(),
  insideLogs,
  now = Date.now,
  env = process.env,
}: ExportDialogProps) {
  const theme = useTheme();
  const { stdout } = useStdout();
  // Given neither a store nor a session: one session shared by all such dialogs.
  const session = given ?? sessionFor(store ?? ExportDialog);
  const job = useSyncExternalStore(session.subscribe, session.getSnapshot);
  // Relative names start in the current folder, unless that is inside the log folder being read (`trailtop`
  // run there without DIR), or one the archive was imported from (`trailtop --db FILE` run there): then in the
  // home folder, so that Enter on the default name writes somewhere allowed.
  const [cwd, setCwd] = useState(workingFolder);
  useEffect(() => {
    let current = true;
    setCwd(workingFolder);
    const inside = async (): Promise<boolean> =>
      (folder !== undefined && (await writesIntoLogPath(workingFolder, folder)) !== null) || ((await insideLogs?.(workingFolder)) ?? false);
    // A check that fails leaves the current folder: Enter's own check still refuses a file in a log folder.
    inside().then(
      (yes) => current && yes && setCwd(home),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [workingFolder, folder, home, insideLogs]);
  const [state, dispatch] = useReducer(dialogReducer, null, () => {
    const current = session.getSnapshot();
    // The running or finished download shows its own path; the form behind a running one holds that path
    // (a cancel goes back to it), the one behind a finished one starts fresh.
    if (current.status === 'running') return initialDialogState(now(), current.format, 'running', current.path);
    if (current.status === 'done' && !current.seen) return initialDialogState(now(), current.format, 'done');
    // Back after the window was too small to draw it: the name, format and choice as they were typed.
    const kept = session.keptForm;
    if (kept) return { ...kept, phase: 'edit' as const };
    // A new form starts in the folder the last download went to (evidence is usually saved in one place).
    return initialDialogState(now(), 'csv', 'edit', undefined, lastDownloadFolder(current, workingFolder));
  });

  useEffect(() => {
    session.dialogOpen = true;
    return () => {
      session.dialogOpen = false;
    };
  }, [session]);
  // Kept while the form is being filled in (the overwrite question goes back to it); Esc clears it.
  useEffect(() => {
    session.keptForm = state.phase === 'edit' || state.phase === 'confirm' ? state : null;
  }, [state, session]);

  // The download ends while the dialog shows it (also after the dialog was closed and reopened).
  useEffect(() => {
    if (state.phase === 'done' && job.status === 'done') session.markSeen();
    if (state.phase !== 'running') return;
    if (job.status === 'done') {
      session.markSeen();
      dispatch({ type: 'finished' });
    } else if (job.status === 'cancelled') dispatch({ type: 'cancelled' });
    else if (job.status === 'failed') dispatch({ type: 'failed', message: job.message });
  }, [job, state.phase, session]);

  const live = { state, job, rows, order, marks, cwd, source };
  const liveRef = useRef(live);
  liveRef.current = live;
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const begin = async (overwrite: boolean): Promise<void> => {
    const { state, rows: listRows, order, marks, cwd, source } = liveRef.current;
    if (session.running) return;
    const rows = source ? [] : rowsToExport(listRows, order, state.markedOnly ? (marks ?? new Set()) : null);
    const count = source ? (state.markedOnly ? source.marked : source.all) : rows.length;
    if (count === null) return dispatch({ type: 'message', text: 'Still counting the marked events; Enter again in a moment.', kind: 'info' });
    if (count === 0 && state.markedOnly) return dispatch({ type: 'message', text: 'No marked event in this list (m marks one; Ctrl-O: every event).', kind: 'error' });
    if (!state.path.trim()) return dispatch({ type: 'message', text: 'Type a file name first.', kind: 'error' });
    // The resolved path has lost a trailing `/`: `newdir/` would be written as a file called newdir.
    if (namesAFolder(state.path)) return dispatch({ type: 'failed', message: `Not written: ${sanitize(state.path.trim())} ${NAMES_A_FOLDER}` });
    const target = resolveExportPath(state.path, cwd);
    // Checked before the overwrite question, which only a target that passed here reaches (its path cannot change there).
    if (!overwrite) {
      // As `trailtop export -o` refuses it: a file there would be read back as a log, and the folder may be evidence.
      const inside = folder ? await writesIntoLogPath(target, folder) : null;
      if (!mounted.current) return;
      if (inside) {
        const where = inside === 'file' ? 'is the log file being read' : `is inside the log folder being read (${sanitize(folder!)})`;
        return dispatch({ type: 'failed', message: `Not written: ${sanitize(target)} ${where}; choose a file elsewhere` });
      }
      const refused = (await source?.refuse?.(target)) ?? null;
      if (!mounted.current) return;
      if (refused) return dispatch({ type: 'failed', message: `Not written: ${sanitize(target)} ${refused}; choose a file elsewhere` });
      const check = await precheckTarget(target);
      if (!mounted.current) return;
      if (check.kind === 'exists') return dispatch({ type: 'askOverwrite' });
      if (check.kind === 'error') return dispatch({ type: 'failed', message: check.message });
    }
    // Same tick as start(): the job is 'running' before the next render looks at it.
    dispatch({ type: 'started' });
    const markedOnly = state.markedOnly;
    const bySource = source ? { source: { total: count, write: (job: DownloadWriteOptions) => source.write({ ...job, markedOnly }) } } : {};
    void session.start({ rows, ...bySource, format: state.format, path: target, overwrite, setStatus, setActivity, setRunningWork });
  };

  // The next key of the same chunk sees this change before any render.
  const act = (action: DialogAction): void => {
    dispatch(action);
    liveRef.current = { ...liveRef.current, state: dialogReducer(liveRef.current.state, action) };
  };

  /** True when the key closed or covered the dialog (the keys after it are App's). */
  const handle = (input: string, key: Key): boolean => {
    const { state, job } = liveRef.current;
    const action = actionFor(PHASE_MODES[state.phase], input, key);
    const shared = answerSharedKey(action, openHelp, quit);
    if (shared !== undefined) return shared;
    switch (action) {
      case 'back':
      case 'hideExport':
        session.keptForm = null;
        onClose();
        return true;
      case 'cycleFormat':
      case 'cycleFormatBack':
        act({ type: 'cycleFormat', step: action === 'cycleFormat' ? 1 : -1 });
        break;
      case 'startExport':
        void begin(false);
        break;
      case 'confirmOverwrite':
        void begin(true);
        break;
      case 'refuseOverwrite':
        act({ type: 'refuseOverwrite' });
        break;
      case 'cancelExport':
        session.cancel();
        break;
      case 'copyPath': {
        if (job.status !== 'done') break;
        const result = osc52Copy(job.path, { env });
        if (result.ok) stdout.write(result.sequence);
        setStatus(describeCopy(result, `the path ${sanitize(job.path)}`));
        break;
      }
      case 'newExport':
        act({ type: 'reset', now: now(), folder: lastDownloadFolder(liveRef.current.job, liveRef.current.cwd) });
        break;
      case 'toggleMarkedOnly':
        act({ type: 'toggleMarkedOnly' });
        break;
      default: {
        // Every other key edits the file name (Ctrl-U and Ctrl-W included); Ctrl-W stops at a `/` as well as a space.
        if (state.phase !== 'edit') break;
        const edited = editLine({ text: state.path, caret: state.caret }, input, key, { wordSeparators: ' /' });
        if (edited) act({ type: 'setPath', text: edited.text, caret: edited.caret });
      }
    }
    return false;
  };
  // Several keys can arrive in one chunk (tmux send-keys, fast typing); text stays whole for the path field,
  // and goes key by key in the other phases, whose letters are commands (`qy`: quit, then yes).
  useViewKeys(handle, { active, claimKeys, keepText: state.phase === 'edit' });

  // Counted again only when the list or the marks change (marks change in place: their size says when).
  const markCount = marks?.size ?? 0;
  const markedInRows = useMemo(() => (marks && markCount > 0 ? rows.reduce((n, row) => (marks.has(row.id) ? n + 1 : n), 0) : 0), [rows, marks, markCount]);
  // A source counts its own (null: not yet).
  const markedCount = source ? source.marked : markedInRows;
  const boxWidth = Math.min(width, 100);
  const inner = Math.max(10, boxWidth - 4);
  const line = (text: string): string => truncate(text, inner);
  const listNote = queryText.trim() ? `the list under the query ${sanitize(queryText.trim())}` : 'the list';
  // Ctrl-O on: "2 marked events: every event in the list" said both at once.
  const filterNote = state.markedOnly ? `those marked in ${listNote}` : queryText.trim() ? listNote : 'every event in the list';
  const plain = (text: string, color?: string, bold = false): DialogLine => () => (
    <Text color={color} bold={bold} wrap="truncate-end">
      {line(text)}
    </Text>
  );
  // Paths are cut from the start: the file name at the end is what matters.
  const pathLine = (indent: string, target: string, color?: string): DialogLine =>
    plain(`${indent}${truncateStart(sanitize(target), inner - indent.length)}`, color);
  const blank: DialogLine = () => <Text> </Text>;

  // Ranked parts: on a short terminal the least important go first, so the border and the keys stay.
  const parts: Array<LinePart<DialogLine>> = [{ lines: [plain('Download events', undefined, theme.bold)], rank: 3 }];
  if (state.phase === 'running' || state.phase === 'done') {
    const target = job.status === 'running' || job.status === 'done' ? job.path : resolveExportPath(state.path, cwd);
    const format = FORMAT_LABELS[job.status === 'running' || job.status === 'done' ? job.format : state.format];
    if (state.phase === 'running') {
      const total = job.status === 'running' ? job.total : rows.length;
      const progress = job.status === 'running' ? job.progress : null;
      parts.push(
        { lines: [plain(`Downloading ${eventCount(total)} as ${format} to`)], rank: 4 },
        { lines: [pathLine('  ', target)], rank: 5 },
        { lines: [blank], rank: 9 },
        { lines: [plain(progress ? formatProgressLine(progress, inner) : own('starting…'), theme.accent)], rank: 0 },
      );
    } else {
      const written = job.status === 'done' ? job.written : 0;
      parts.push(
        { lines: [plain(`Saved ${eventCount(written)} as ${format} to`, theme.ok)], rank: 0 },
        { lines: [pathLine('  ', target)], rank: 1 },
      );
    }
  } else {
    const target = resolveExportPath(state.path || '.', cwd);
    const formatLine: DialogLine = () => (
      <Text wrap="truncate-end">
        <Text>Format  </Text>
        {EXPORT_FORMATS.map((format) => (
          <Text key={format} color={format === state.format ? theme.accent : undefined} bold={format === state.format && theme.bold}>
            {`${format === state.format ? own('(•)') : '( )'} ${FORMAT_LABELS[format]}  `}
          </Text>
        ))}
      </Text>
    );
    const warning = state.format === 'csv' && !session.csvWarningShown ? wrapWords(own(`⚠ ${CSV_WARNING}`), inner) : [];
    const count = state.markedOnly ? markedCount : source ? source.all : rows.length;
    const shownCount = (n: number | null): string => (n === null ? own('…') : n.toLocaleString('en-US'));
    const orderNote = order === 'oldest' ? 'oldest first' : 'newest first';
    const rowsLine: DialogLine = () => (
      <Text wrap="truncate-end">
        <Text>Events  </Text>
        <Text color={state.markedOnly ? undefined : theme.accent}>{`${state.markedOnly ? '( )' : own('(•)')} all  `}</Text>
        <Text color={state.markedOnly ? theme.accent : undefined}>{`${state.markedOnly ? own('(•)') : '( )'} marked only (${shownCount(markedCount)})  `}</Text>
        <Text color={theme.muted}>Ctrl-O</Text>
      </Text>
    );
    parts.push(
      // Wrapped, not cut: on 80 columns the query and the order would be lost at the end of one line.
      {
        lines: wrapWords(`Download ${shownCount(count)} ${state.markedOnly ? 'marked ' : ''}event${count === 1 ? '' : 's'}: ${filterNote}, ${orderNote} (the list's order).`, inner).map((text) => plain(text)),
        rank: 6,
        partial: true,
      },
      { lines: [blank], rank: 9 },
      { lines: [formatLine], rank: 2 },
      { lines: [rowsLine], rank: 3 },
      { lines: [() => <PathField path={state.path} caret={state.caret} focused={state.phase === 'edit' && active} room={inner - 8} />], rank: 0 },
      { lines: [pathLine('        ', target, theme.muted)], rank: 5 },
      // The warning may lose its last lines, never its start.
      { lines: warning.map((text) => (cut: boolean) => <Text color={theme.warn}>{cut ? truncate(`${text} ${own('…')}`, inner) : text}</Text>), rank: 4, partial: true },
    );
    if (state.phase === 'confirm') {
      // The question names the file, so the reader knows what is overwritten even on a short terminal.
      const name = truncateStart(sanitize(basename(target)), inner - 'Overwrite ? y/n'.length);
      parts.push({ lines: [plain('That file already exists.', theme.warn)], rank: 1 }, { lines: [plain(`Overwrite ${name}? y/n`, theme.warn, theme.bold)], rank: 0 });
    }
  }
  // Wrapped, not cut: a failure's reason is at its end (`... is not a regular file (a symbolic link)`).
  if (state.message) parts.push({ lines: wrapWords(state.message, inner).map((text) => plain(text, state.messageKind === 'error' ? theme.error : theme.warn)), rank: 1 });
  // The keys wrap at their separators rather than lose the last ones (`b hide` at 80 columns).
  // The first line of keys is kept as before; the rest go early on a short terminal.
  const [firstKeys = '', ...moreKeys] = wrapHints(exportHints(state.phase, state.markedOnly), inner);
  parts.push({ lines: [plain(firstKeys, theme.muted)], rank: 2 });
  if (moreKeys.length > 0) parts.push({ lines: moreKeys.map((text) => plain(text, theme.muted)), rank: 7, partial: true });
  // Two lines go to the border.
  const shown = fitLines(parts, height - 2);

  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Box flexDirection="column" width={boxWidth} borderStyle={symbolsInAscii() ? 'classic' : 'round'} borderColor={theme.accent} paddingX={1} flexShrink={0}>
        {shown.map(({ line: draw, cut }, i) => (
          <Box key={i} flexShrink={0}>
            {draw(cut)}
          </Box>
        ))}
      </Box>
    </Box>
  );
}

/** One line of the dialog; `cut` when the lines after it were left out for room. */
type DialogLine = (cut: boolean) => ReactNode;

/** The file name with its cursor; scrolled so the cursor stays in view. */
function PathField({ path, caret, focused, room }: { path: string; caret: number; focused: boolean; room: number }) {
  const theme = useTheme();
  // Typed text was stripped of control characters; sanitise anyway, a pasted path is untrusted.
  const text = sanitize(path);
  if (!focused) return <Text wrap="truncate-end">{`File    ${truncateStart(text, room)}`}</Text>;
  const part = visiblePart(text, Math.min(caret, text.length), Math.max(4, room));
  return (
    <Text wrap="truncate-end">
      {`File    ${part.before}`}
      {theme.inverse ? <Text inverse>{part.at || ' '}</Text> : <Text>{`${own('▏')}${part.at}`}</Text>}
      {part.after}
    </Text>
  );
}
