/**
 * What trailtop remembers about one log folder between runs: the query
 * history, the marked events and the chosen columns. One small JSON file per
 * folder under `$XDG_STATE_HOME/trailtop/folders/` (default
 * `~/.local/state/trailtop/folders/`), named by a hash of the folder's real
 * path, so nothing is ever written into the log folder itself.
 *
 * Every write is atomic (a temp file beside the target, then rename). A file
 * that cannot be read or parsed is ignored with a warning for the status
 * line, never fatal; a write that fails turns saving off with a warning.
 * Plain Node, no Ink: the dashboard reads it through a thin hook.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** At most this many queries are kept (oldest dropped first). */
export const MAX_HISTORY = 500;
/** A longer query is not worth keeping (and a huge one would bloat the file). */
export const MAX_QUERY_LENGTH = 4096;
/** Marks beyond this are dropped (oldest first). */
export const MAX_MARKS = 10_000;

const FORMAT = 1;

/** The file's content. Unknown keys are ignored on read, so older versions can read newer files. */
export interface FolderStateData {
  format: number;
  /** The folder's real path, for a person reading the file. */
  folder: string;
  /** Queries, oldest first, each once (re-using one moves it to the end). */
  history: string[];
  /** Marked event IDs, in the order they were marked. */
  marks: string[];
  /** Column ids in display order, or null for the default set. */
  columns: string[] | null;
}

export interface FolderStateOptions {
  /** False (`--no-history`): nothing is read or written; every section starts empty. */
  enabled: boolean;
  /** The environment to read XDG_STATE_HOME and HOME from (tests). */
  env?: NodeJS.ProcessEnv;
}

export interface FolderState {
  readonly enabled: boolean;
  /** The state file, or null when disabled. */
  readonly file: string | null;
  /** Why the saved state was not used or cannot be saved ('' when all is well), for the status line. */
  readonly warning: string;
  history(): readonly string[];
  /** Records a query as the newest history entry; blank queries are not kept. */
  addHistory(query: string): void;
  marks(): readonly string[];
  setMarks(ids: readonly string[]): void;
  columns(): readonly string[] | null;
  setColumns(ids: readonly string[] | null): void;
}

/** `$XDG_STATE_HOME/trailtop` (a relative XDG_STATE_HOME is ignored, as the spec says), else `~/.local/state/trailtop`. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env['XDG_STATE_HOME'];
  if (xdg && isAbsolute(xdg)) return join(xdg, 'trailtop');
  const home = env['HOME'] || homedir();
  return join(home, '.local', 'state', 'trailtop');
}

/** The folder's real path (links resolved), or its absolute path when it cannot be resolved. */
export function folderKey(folder: string): string {
  try {
    return realpathSync(folder);
  } catch {
    return resolve(folder);
  }
}

/** The state file for a folder: a hash of its real path, so any path spelling of one folder shares it. */
export function stateFileFor(folder: string, env: NodeJS.ProcessEnv = process.env): string {
  const hash = createHash('sha256').update(folderKey(folder)).digest('hex').slice(0, 24);
  return join(stateDir(env), 'folders', `${hash}.json`);
}

function emptyData(folder: string): FolderStateData {
  return { format: FORMAT, folder, history: [], marks: [], columns: null };
}

function stringList(value: unknown, max: number, maxLength: number): string[] | null {
  if (!Array.isArray(value)) return null;
  const out = value.filter((item): item is string => typeof item === 'string' && item.length > 0 && item.length <= maxLength);
  return out.slice(Math.max(0, out.length - max));
}

/**
 * Parses a state file's text. Throws with a short reason when it is not a
 * state file (not JSON, not an object, a section of the wrong type).
 */
export function parseStateData(text: string, folder: string): FolderStateData {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('not a JSON object');
  const obj = raw as Record<string, unknown>;
  const data = emptyData(folder);
  if (obj['history'] !== undefined) {
    const history = stringList(obj['history'], MAX_HISTORY, MAX_QUERY_LENGTH);
    if (!history) throw new Error('history is not a list');
    data.history = history;
  }
  if (obj['marks'] !== undefined) {
    const marks = stringList(obj['marks'], MAX_MARKS, 1024);
    if (!marks) throw new Error('marks is not a list');
    data.marks = marks;
  }
  if (obj['columns'] !== undefined && obj['columns'] !== null) {
    const columns = stringList(obj['columns'], 100, 64);
    if (!columns) throw new Error('columns is not a list');
    data.columns = columns;
  }
  return data;
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | null)?.code ?? (error instanceof Error ? error.message : String(error));
}

/**
 * The state file's text. Opened without blocking and read only when it is a regular file: a FIFO
 * put in its place blocked the read (and so the dashboard's start, or `--filter mark:*`) for ever,
 * and a link to /dev/zero never ended; either is now an unreadable file, ignored with a message.
 */
function readStateText(file: string): string {
  const fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  try {
    if (!fstatSync(fd).isFile()) throw new Error('not a regular file');
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** Writes a file atomically: a temp file beside it, then rename (a reader sees the old or the new file, never half). */
export function writeFileAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, text, { mode: 0o600 });
    renameSync(temp, file);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // Never created.
    }
    throw error;
  }
}

/** The same history with `query` as its newest entry (once), at most MAX_HISTORY long. */
export function pushHistory(history: readonly string[], query: string): string[] {
  const text = query.trim();
  if (text === '' || text.length > MAX_QUERY_LENGTH) return [...history];
  const out = history.filter((entry) => entry !== text);
  out.push(text);
  return out.slice(Math.max(0, out.length - MAX_HISTORY));
}

/** The state in memory; `save` (null: never saved) writes each change and returns a problem or ''. */
function makeState(enabled: boolean, file: string | null, warning: string, data: FolderStateData, save: ((data: FolderStateData) => string) | null): FolderState {
  let current = data;
  let warn = warning;
  let saver = save;
  const update = (next: FolderStateData): void => {
    current = next;
    if (!saver) return;
    const problem = saver(current);
    if (problem) {
      // One failed write turns saving off for this run (a full disk or a read-only home would fail every time).
      warn = problem;
      saver = null;
    }
  };
  return {
    enabled,
    file,
    get warning() {
      return warn;
    },
    history: () => current.history,
    addHistory(query) {
      const history = pushHistory(current.history, query);
      if (history.length === current.history.length && history.every((entry, i) => entry === current.history[i])) return;
      update({ ...current, history });
    },
    marks: () => current.marks,
    setMarks(ids) {
      const marks = [...new Set(ids)].slice(-MAX_MARKS);
      update({ ...current, marks });
    },
    columns: () => current.columns,
    setColumns(ids) {
      update({ ...current, columns: ids ? [...ids] : null });
    },
  };
}

/**
 * Opens the remembered state of a log folder. Never throws: a missing file
 * starts empty; an unreadable or corrupt one starts empty with `warning` set
 * (the file is left as it is until the first change overwrites it).
 */
export function openFolderState(folder: string, options: FolderStateOptions): FolderState {
  const key = folderKey(folder);
  if (!options.enabled) return makeState(false, null, '', emptyData(key), null);
  const env = options.env ?? process.env;
  const file = stateFileFor(folder, env);
  let data = emptyData(key);
  let warning = '';
  try {
    data = parseStateData(readStateText(file), key);
  } catch (error) {
    const code = errorCode(error);
    if (code !== 'ENOENT') warning = `Saved history ignored (${code}): ${file}`;
  }
  const save = (next: FolderStateData): string => {
    try {
      writeFileAtomic(file, `${JSON.stringify(next, null, 1)}\n`);
      return '';
    } catch (error) {
      return `History not saved (${errorCode(error)}): ${file}`;
    }
  };
  return makeState(true, file, warning, data, save);
}
