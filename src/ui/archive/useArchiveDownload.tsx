/**
 * The download dialog (`d`) on the --db dashboard: the folder dashboard's
 * ExportDialog and ExportSession, over a DownloadSource that pages the list out
 * of the archive (archiveDownload.ts). ArchiveApp hands the dialog its keys
 * through the ViewKeyQueue here, as App does for its views.
 */
import { Box } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ArchiveSession } from '../../archive/session.js';
import { sanitizeLine } from '../../term/sanitize.js';
import { ExportDialog } from '../ExportDialog.js';
import { ExportSession } from '../exportModel.js';
import { actionFor, type Mode } from '../keys.js';
import { quitQuestion, type QuitOutcome, type RunningWork } from '../runningWork.js';
import type { StatusMessage } from '../statusMessage.js';
import type { ArchiveUiState } from './archiveModel.js';
import { ViewKeyQueue, type Stroke } from '../viewKeys.js';
import { closeBack, openOver, viewUnder } from '../viewStack.js';
import { archiveDownloadSource, countMarked, insideArchiveLogs, type ArchiveListShown } from './archiveDownload.js';

export interface ArchiveDownloadProps {
  session: ArchiveSession;
  /** The list on screen (null while the first query runs). */
  list: ArchiveListShown | null;
  /** The archive's marks (the set `m` changes in place): counted on the archive each time the dialog opens. */
  marks: ReadonlySet<string>;
  /** The dashboard's state: the mode says whether the dialog is open (or covered by the help, where it stays mounted). */
  state: ArchiveUiState;
  setState(next: ArchiveUiState): void;
  /** The latest state (keys may come faster than frames). */
  latest(): ArchiveUiState;
  /** Where the help opens for the dialog's `?`: its download section. */
  helpScroll(): number;
  /** `trailtop DIR --db FILE`: DIR, where nothing is ever written. */
  folder: string | undefined;
  quit(): void;
  /** ArchiveApp's handling of keys the dialog gives back (after the key that closed it). */
  handBack(strokes: Stroke[]): void;
}

export interface ArchiveDownload {
  /** The dialog in the main area's size, while open or covered by the help (else null). */
  dialog(width: number, height: number): ReactNode;
  /** Keys for the dialog that arrive before it listens. */
  queue: ViewKeyQueue;
  /** `↓ 42% (d)` while a download runs, '' otherwise. */
  activity: string;
  /** `q`: true when it asked first instead of quitting (a download runs, shown or hidden). */
  askBeforeQuit(): boolean;
  /** While the quit question is asked, takes the key (y cancels and quits, n/Esc goes back); Ctrl-C is not taken. */
  answersQuit(stroke: Stroke, mode: Mode): boolean;
  /** The question, for the status line, while it is asked. */
  question: string | null;
}

export function useArchiveDownload(props: ArchiveDownloadProps): ArchiveDownload {
  const { session, list, marks, state, setState, latest, helpScroll } = props;
  const open = state.mode === 'export';
  const covered = state.mode === 'help' && viewUnder(state) === 'export';
  const setStatus = useCallback((message: StatusMessage) => setState({ ...latest(), status: message }), [setState, latest]);
  const onClose = useCallback(() => setState({ ...latest(), ...closeBack(latest(), 'list') }), [setState, latest]);
  const openHelp = useCallback(() => setState({ ...latest(), ...openOver(latest(), 'help'), scroll: helpScroll() }), [setState, latest, helpScroll]);
  const handBack = useRef(props.handBack);
  handBack.current = props.handBack;
  const queue = useMemo(() => new ViewKeyQueue((strokes) => handBack.current(strokes)), []);
  // One per dashboard: a download outlives the dialog, and the next one starts in the last one's folder.
  const exports = useMemo(() => new ExportSession(), []);
  const [activity, setActivity] = useState('');
  // As in App: quitting while a download runs asks first (runningWork.ts).
  const running = useRef<RunningWork | null>(null);
  const asking = useRef(false);
  const [asked, setAsked] = useState(false);
  const ask = useCallback((on: boolean) => {
    asking.current = on;
    setAsked(on);
  }, []);
  const setRunningWork = useCallback(
    (work: RunningWork | null) => {
      running.current = work;
      if (!work) ask(false);
    },
    [ask],
  );
  const askBeforeQuit = useCallback((): boolean => {
    if (!running.current) return false;
    ask(true);
    return true;
  }, [ask]);
  const quitRef = useRef(props.quit);
  quitRef.current = props.quit;
  const answersQuit = useCallback(
    (stroke: Stroke, mode: Mode): boolean => {
      if (!asking.current || actionFor(mode, stroke.input, stroke.key) === 'forceQuit') return false;
      const answer = actionFor('quitConfirm', stroke.input, stroke.key);
      if (answer === 'confirmQuit') {
        running.current?.cancel();
        quitRef.current();
      } else if (answer === 'refuseQuit') ask(false);
      return true;
    },
    [ask],
  );
  const quitFromDialog = useCallback((): QuitOutcome => {
    if (askBeforeQuit()) return 'asking';
    quitRef.current();
    return 'quitting';
  }, [askBeforeQuit]);
  // The marked events of the list, counted on the archive each time the dialog opens (m works only outside it).
  // Each opening counts them again (m works only outside the dialog); until the count for this opening and
  // this list is in, the dialog's keys wait (a burst `d` Ctrl-O name Enter was refused: 'Still counting').
  const opening = useRef({ open: false, count: 0 });
  if (open && !opening.current.open) opening.current.count++;
  opening.current.open = open;
  const [counted, setCounted] = useState<{ list: ArchiveListShown; opening: number; marked: number | null } | null>(null);
  const ready = counted !== null && counted.list === list && counted.opening === opening.current.count;
  const marked = ready ? counted.marked : null;
  useEffect(() => {
    if (!open || !list) return;
    let current = true;
    const mine = opening.current.count;
    countMarked(session, list, marks).then(
      (n) => current && setCounted({ list, opening: mine, marked: n }),
      (error: unknown) => {
        if (!current) return;
        // Counted as far as it goes: the keys go on, and Ctrl-O's Enter says the count is missing.
        setCounted({ list, opening: mine, marked: null });
        setStatus(`Cannot count the marked events: ${sanitizeLine(error instanceof Error ? error.message : String(error))}`);
      },
    );
    return () => {
      current = false;
    };
  }, [open, list, marks, session, setStatus]);
  const source = useMemo(() => (list ? archiveDownloadSource(session, list, marks, marked) : null), [session, list, marks, marked]);
  // One per archive: the dialog asks it whether the current folder is one the archive was imported from.
  const insideLogs = useCallback((path: string) => insideArchiveLogs(session, path), [session]);
  const claimKeys = useCallback(() => queue.claim(), [queue]);
  const dialog = (width: number, height: number): ReactNode =>
    (open || covered) && source && list ? (
      <Box display={open ? 'flex' : 'none'} width={width} height={height} flexShrink={0}>
        <ExportDialog
          session={exports}
          source={source}
          insideLogs={insideLogs}
          {...(props.folder ? { folder: props.folder } : {})}
          rows={[]}
          queryText={state.queryText}
          order={list.order}
          width={width}
          height={height}
          onClose={onClose}
          setStatus={setStatus}
          setActivity={setActivity}
          openHelp={openHelp}
          quit={quitFromDialog}
          setRunningWork={setRunningWork}
          active={open && !asked && ready}
          claimKeys={claimKeys}
        />
      </Box>
    ) : null;
  const question = asked && running.current ? quitQuestion(running.current) : null;
  return { dialog, queue, activity, askBeforeQuit, answersQuit, question };
}
