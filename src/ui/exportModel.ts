/**
 * The download dialog's state: a pure reducer for the form (format, path,
 * overwrite question), and an ExportSession that runs the export itself.
 * The session outlives the dialog, so closing the dialog does not stop a
 * download; one session per store (one per dashboard).
 */
import type { RunningWork } from './runningWork.js';
import { homedir } from 'node:os';
import path from 'node:path';
import type { EventRow } from '../model/types.js';
import {
  EXPORT_FORMATS,
  ExportCancelled,
  TargetExists,
  checkTarget,
  defaultExportName,
  exportRows,
  formatBytes,
  formatFromPath,
  gzippedSize,
  removeLiveTempFilesSync,
  type ExportFormat,
  type ExportProgress,
} from '../export/index.js';
import type { ExportOptions, ExportResult } from '../export/index.js';
import { sanitize, stripControls } from '../term/sanitize.js';
import type { StatusMessage } from './statusMessage.js';
import { eventCount } from './format.js';
import { own } from '../term/glyphs.js';

export type DialogPhase = 'edit' | 'confirm' | 'running' | 'done';

export interface DialogState {
  format: ExportFormat;
  path: string;
  /** Where the path field's cursor is (a string index). */
  caret: number;
  /** The user typed in the path field: the extension no longer follows the format. */
  pathEdited: boolean;
  /** When the dialog opened; the default name's timestamp. */
  openedAt: number;
  phase: DialogPhase;
  /** One line under the form: an error, a refusal, a cancel. */
  message: string;
  messageKind: 'info' | 'error';
  /** Only the events the user marked (`m`), not the whole list (Ctrl-O). */
  markedOnly: boolean;
  /** Where the default name goes: the folder of the last download written ('' for the current folder). */
  folder: string;
}

export type DialogAction =
  | { type: 'cycleFormat'; step: 1 | -1 }
  /** New path text; the caret goes to `caret`, or the end when absent. */
  | { type: 'setPath'; text: string; caret?: number }
  | { type: 'askOverwrite' }
  | { type: 'refuseOverwrite' }
  | { type: 'started' }
  | { type: 'finished' }
  | { type: 'cancelled' }
  | { type: 'failed'; message: string }
  | { type: 'message'; text: string; kind?: 'info' | 'error' }
  | { type: 'reset'; now: number; folder: string }
  | { type: 'toggleMarkedOnly' };

export const FORMAT_LABELS: Readonly<Record<ExportFormat, string>> = { csv: 'CSV', json: 'JSON', jsonl: 'JSON lines' };

/** `path`: the running download's file, so a cancel from a reopened dialog leaves the form on it, not on a new default name. */
export function initialDialogState(now: number, format: ExportFormat = 'csv', phase: DialogPhase = 'edit', path?: string, folder = ''): DialogState {
  const shown = path ?? defaultPath(folder, format, now);
  return { format, path: shown, caret: shown.length, pathEdited: path !== undefined, openedAt: now, phase, message: '', messageKind: 'info', markedOnly: false, folder };
}

/** The default file name, in `folder` when one is given (the last download's), else relative to the current folder. */
function defaultPath(folder: string, format: ExportFormat, at: number): string {
  const name = defaultExportName(format, new Date(at));
  return folder ? path.join(folder, name) : name;
}

/** The folder a new download's default name goes to: the last written file's, unless it is `cwd` itself. */
export function lastDownloadFolder(job: JobState, cwd: string): string {
  if (job.status !== 'done') return '';
  const folder = path.dirname(job.path);
  return folder === path.resolve(cwd) ? '' : folder;
}

export function dialogReducer(state: DialogState, action: DialogAction): DialogState {
  switch (action.type) {
    case 'cycleFormat': {
      if (state.phase !== 'edit') return state;
      const i = EXPORT_FORMATS.indexOf(state.format);
      const format = EXPORT_FORMATS[(i + action.step + EXPORT_FORMATS.length) % EXPORT_FORMATS.length]!;
      const shown = state.pathEdited ? withFormatExtension(state.path, format) : defaultPath(state.folder, format, state.openedAt);
      return { ...state, format, path: shown, caret: shown.length, message: '' };
    }
    case 'setPath': {
      if (state.phase !== 'edit') return state;
      // A pasted path may carry DEL bytes (several backspaces in one chunk) and control characters.
      const text = stripControls(applyBackspaces(action.text));
      const caret = Math.min(action.caret ?? text.length, text.length);
      // A typed extension picks its format, as `trailtop export -o FILE` does: x.csv never holds JSON lines.
      // Read off the name as it is written (resolveExportPath trims it): `x.json ` held CSV as x.json.
      const format = formatFromPath(text.trim()) ?? state.format;
      return { ...state, format, path: text, caret, pathEdited: text !== defaultExportName(format, new Date(state.openedAt)), message: '' };
    }
    case 'askOverwrite':
      return { ...state, phase: 'confirm', message: '' };
    case 'refuseOverwrite':
      return { ...state, phase: 'edit', message: 'Not overwritten; choose another file name.', messageKind: 'info' };
    case 'started':
      return { ...state, phase: 'running', message: '' };
    case 'finished':
      return { ...state, phase: 'done', message: '' };
    case 'cancelled':
      return { ...state, phase: 'edit', message: 'Download cancelled; no file was written.', messageKind: 'info' };
    case 'failed':
      return { ...state, phase: 'edit', message: action.message, messageKind: 'error' };
    case 'message':
      return { ...state, message: action.text, messageKind: action.kind ?? 'info' };
    case 'reset':
      return initialDialogState(action.now, state.format, 'edit', undefined, action.folder);
    case 'toggleMarkedOnly':
      return state.phase === 'edit' ? { ...state, markedOnly: !state.markedOnly, message: '' } : state;
  }
}

/**
 * The rows a download writes: the list's rows (newest first) in the list's
 * order, and only the marked ones when asked. Reversing keeps the store's
 * time order; nothing is sorted.
 */
export function rowsToExport(rows: readonly EventRow[], order: 'newest' | 'oldest', marks: ReadonlySet<string> | null): readonly EventRow[] {
  const kept = marks ? rows.filter((row) => marks.has(row.id)) : rows;
  return order === 'oldest' ? kept.slice().reverse() : kept;
}

/** The file the path field names: `~/` is the home folder, relative paths start at `cwd`. */
export function resolveExportPath(text: string, cwd: string): string {
  const trimmed = text.trim();
  if (trimmed === '~') return homedir();
  if (trimmed.startsWith('~/')) return path.join(homedir(), trimmed.slice(2));
  return path.resolve(cwd, trimmed);
}

/** A one-line reason from any error the export can throw (paths and messages sanitised). */
export function describeExportError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n')[0] ?? '';
  return `Download failed: ${sanitize(line)}`;
}

export type JobState =
  | { status: 'idle' }
  | { status: 'running'; path: string; format: ExportFormat; total: number; progress: ExportProgress | null }
  | { status: 'done'; path: string; format: ExportFormat; written: number; bytes: number; seen: boolean }
  | { status: 'cancelled'; path: string }
  | { status: 'failed'; path: string; message: string };

export type ExportFn = (options: ExportOptions) => Promise<ExportResult>;

/** What a source of events is asked to write: one download, atomically, as exportRows would. */
export interface DownloadWriteOptions {
  format: ExportFormat;
  /** Absolute target path. */
  target: string;
  overwrite: boolean;
  signal: AbortSignal;
  onProgress: (progress: ExportProgress) => void;
}

/**
 * Events a download writes that are not rows in memory: the --db dashboard's list, which the
 * archive pages out (ui/archive/archiveDownload.ts). The dialog counts and starts through it.
 */
export interface DownloadSource {
  /** The events of the list. */
  readonly all: number;
  /** Of them, the marked ones (null while the source counts them). */
  readonly marked: number | null;
  /** Why `target` may not be written (one of the source's own files, or inside a log folder it came from), or null. */
  refuse?(target: string): Promise<string | null>;
  /**
   * Writes the list, or only its marked events: ExportCancelled when the signal aborts (no file
   * left), TargetExists for an existing target without overwrite, as exportRows.
   */
  write(options: DownloadWriteOptions & { markedOnly: boolean }): Promise<ExportResult>;
}

export interface StartOptions {
  rows: readonly EventRow[];
  /** Instead of exportRows over `rows` (then unused): `total` events written by `write` (a DownloadSource's). */
  source?: { total: number; write(options: DownloadWriteOptions): Promise<ExportResult> };
  format: ExportFormat;
  /** Absolute target path. */
  path: string;
  overwrite: boolean;
  /** The status line (stays valid after the dialog closes). */
  setStatus: (message: StatusMessage) => void;
  /** The header's note of work in progress: `↓ 42% (d)` while running, '' at the end. */
  setActivity?: (text: string) => void;
  /** Told while the download runs (null at its end), so quitting asks first. */
  setRunningWork?: (work: RunningWork | null) => void;
}

/** How far a download is, in whole percent. */
function downloadPercent(progress: ExportProgress | null): number {
  const fraction = !progress ? 0 : progress.total === 0 ? 1 : Math.min(1, progress.written / progress.total);
  return Math.floor(fraction * 100);
}

/** The header's short note of a running download, compact enough for 80 columns: `↓ 42% (d)`. */
export function downloadActivity(progress: ExportProgress | null): string {
  return `${own('↓')} ${downloadPercent(progress)}% (d)`;
}

/**
 * Runs one download at a time and remembers the last outcome. The dialog
 * reads it through subscribe/getSnapshot; when the dialog is closed the
 * session reports the outcome on the status line itself.
 */
export class ExportSession {
  private state: JobState = { status: 'idle' };
  private readonly listeners = new Set<() => void>();
  private controller: AbortController | null = null;
  /** The console's CSV warning was shown in this session. */
  csvWarningShown = false;
  /** Set by the dialog while it is on screen. */
  dialogOpen = false;
  /**
   * The form as it was when the dialog went off screen without being closed (a window shrunk below
   * the smallest size draws only its note, unmounting the dialog): the dialog comes back with it.
   * Null once the reader closes the dialog, so the next one starts fresh.
   */
  keptForm: DialogState | null = null;

  /** Resolves when the download in flight (if any) has ended. */
  settled: Promise<unknown> = Promise.resolve();

  constructor(private readonly run: ExportFn = exportRows) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): JobState => this.state;

  private set(state: JobState): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }

  get running(): boolean {
    return this.state.status === 'running';
  }

  /** The dialog showed the finished download; the next `d` opens a fresh form. */
  markSeen(): void {
    if (this.state.status === 'done' && !this.state.seen) this.state = { ...this.state, seen: true };
  }

  cancel(): void {
    this.controller?.abort();
  }

  /**
   * Starts the download; resolves when it ends, never rejects. A target that
   * exists without `overwrite` ends as 'failed' without touching it (the
   * dialog asks before calling with overwrite).
   */
  start(options: StartOptions): Promise<JobState> {
    if (this.running) return Promise.resolve(this.state);
    live.add(this);
    const done = this.runJob(options).finally(() => live.delete(this));
    this.settled = done;
    return done;
  }

  private async runJob(options: StartOptions): Promise<JobState> {
    const controller = new AbortController();
    this.controller = controller;
    if (options.format === 'csv') this.csvWarningShown = true;
    // Rows are copied: the list's array may change while the export runs.
    const rows = options.source ? [] : options.rows.slice();
    const write = options.source ? options.source.write : (job: DownloadWriteOptions) => this.run({ ...job, rows });
    const shown = sanitize(options.path);
    this.set({ status: 'running', path: options.path, format: options.format, total: options.source?.total ?? rows.length, progress: null });
    const setActivity = options.setActivity ?? ((): void => {});
    setActivity(downloadActivity(null));
    options.setRunningWork?.({
      describe: () => `A download is running (${downloadPercent(this.state.status === 'running' ? this.state.progress : null)}%)`,
      cancel: () => controller.abort(),
    });
    // Quitting mid-download (q, Ctrl-C, a signal) leaves no temp file.
    const onExit = (): void => {
      controller.abort();
      removeLiveTempFilesSync();
    };
    process.once('exit', onExit);
    try {
      const result = await write({
        format: options.format,
        target: options.path,
        overwrite: options.overwrite,
        signal: controller.signal,
        onProgress: (progress) => {
          if (this.state.status === 'running' && this.controller === controller) {
            this.set({ ...this.state, progress });
            setActivity(downloadActivity(progress));
          }
        },
      });
      this.set({ status: 'done', path: result.path, format: options.format, written: result.written, bytes: result.bytes, seen: this.dialogOpen });
      // A gzipped file's own size beside the text's, as the CLI's last line says it.
      const stored = result.path === '-' ? undefined : gzippedSize(result.path);
      const bytes = stored === undefined ? formatBytes(result.bytes) : `${formatBytes(result.bytes)}, ${formatBytes(stored)} gzipped`;
      options.setStatus({
        before: `Saved ${eventCount(result.written)} (${bytes}) to `,
        path: sanitize(result.path),
        after: this.dialogOpen ? '' : own(' · d then y copies the path'),
        short: 'Saved ',
      });
    } catch (error) {
      if (error instanceof ExportCancelled) {
        this.set({ status: 'cancelled', path: options.path });
        options.setStatus(`Download cancelled; ${shown} was not written`);
      } else if (error instanceof TargetExists) {
        this.set({ status: 'failed', path: options.path, message: `${shown} already exists; not overwritten` });
        options.setStatus(`Download stopped: ${shown} already exists`);
      } else {
        const message = describeExportError(error);
        this.set({ status: 'failed', path: options.path, message });
        options.setStatus(message);
      }
    } finally {
      setActivity('');
      options.setRunningWork?.(null);
      process.off('exit', onExit);
      if (this.controller === controller) this.controller = null;
    }
    return this.state;
  }
}

const sessions = new WeakMap<object, ExportSession>();
/** Sessions with a download in flight, so quitting the dashboard can stop them. */
const live = new Set<ExportSession>();

/**
 * Cancels every download in flight and waits until their temp files are gone;
 * returns the paths of the downloads it cancelled.
 * The dashboard calls it on its way out: a download must not go on writing
 * (and keep the process alive) after the user quit.
 */
export async function cancelAllExports(): Promise<string[]> {
  const running = [...live];
  for (const session of running) session.cancel();
  await Promise.all(running.map((session) => session.settled));
  // The files they would have written, so the way out can say so (nothing is lost silently).
  return running.flatMap((session) => {
    const state = session.getSnapshot();
    return state.status === 'cancelled' ? [state.path] : [];
  });
}

/** The session of one dashboard (keyed by its store), created on first use. */
export function sessionFor(owner: object): ExportSession {
  let session = sessions.get(owner);
  if (!session) {
    session = new ExportSession();
    sessions.set(owner, session);
  }
  return session;
}

/** Refuses a target that exists (unless overwrite) or is a folder: 'exists', 'ok', or a one-line error. */
export async function precheckTarget(target: string): Promise<{ kind: 'ok' } | { kind: 'exists' } | { kind: 'error'; message: string }> {
  try {
    await checkTarget(target, false);
    return { kind: 'ok' };
  } catch (error) {
    if (error instanceof TargetExists) return { kind: 'exists' };
    return { kind: 'error', message: describeExportError(error) };
  }
}

/** Applies DEL and BS characters as the backspaces they were typed as. */
export function applyBackspaces(text: string): string {
  if (!/[\u0008\u007f]/.test(text)) return text;
  const out: string[] = [];
  for (const ch of text) {
    if (ch === '\u0008' || ch === '\u007f') out.pop();
    else out.push(ch);
  }
  return out.join('');
}

/** A typed name keeps its stem; an extension of another export format follows the chosen format. */
export function withFormatExtension(path: string, format: ExportFormat): string {
  // A .gz after it stays: the file is still written gzipped (export/gzip.ts).
  const match = /\.(csv|json|jsonl|ndjson)(\.gz)?$/i.exec(path);
  return match ? `${path.slice(0, match.index)}.${format}${match[2] ?? ''}` : path;
}
