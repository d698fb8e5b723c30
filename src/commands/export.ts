import { constants, existsSync } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { writeHelp } from './helpText.js';
import { counted } from '../model/plural.js';
import { dirname, resolve } from 'node:path';
import {
  checkTarget,
  EXPORT_FORMATS,
  ExportCancelled,
  ExportFailed,
  exportRows,
  wroteLine,
  formatFromPath,
  gzippedSize,
  formatProgressLine,
  namesAFolder,
  NAMES_A_FOLDER,
  removeLiveTempFilesSync,
  TargetExists,
  TargetNotAFile,
  type ExportFormat,
  type ExportProgress,
} from '../export/index.js';
import { openFolder } from '../ingest/open.js';
import type { BadFile, EventRow } from '../model/types.js';
import { headlessFilteredRows, headlessFilterFits } from '../export/headlessFilter.js';
import type { LoadProgress } from '../store/progress.js';
import { filterStore, Vocabulary } from '../query/index.js';
import { sanitize, sanitizeLine } from '../term/sanitize.js';
import { warnRuleStops } from './ruleStops.js';
import { progressLine } from '../term/progressLine.js';
import { abortOnSignals, signalExit } from './signals.js';
import { DeepEngine } from '../query/deep/engine.js';
import { filterNeedsMarks, savedMarks, tagContext } from './marks.js';
import { combineFilter, compileFilter, FOLDER_OPERAND, parseCommandArgs, requireFolderOrFile, UsageError } from './args.js';
import { dbOption } from './dbFolder.js';
import { archiveOwnFile } from '../archive/ownFiles.js';
import { refuseWriteIntoArchiveLogs, refuseWriteIntoLogFolder } from './logFolderGuard.js';
import type { Archive } from '../archive/db.js';
import { commandRules, filterNeedsRules, reportRulesNotRun, requireNamedRules, RULES_OPTION } from './rules.js';
import { detectionSession } from '../detect/session.js';

export const EXPORT_USAGE = `Usage: trailtop export DIR|FILE -o FILE|- [--format csv|json|jsonl] [--filter Q] [--since T] [--until T] [--order newest|oldest] [--raw] [--force]
       trailtop export --db FILE [DIR] -o FILE|- [same options]

Writes the events under DIR, or in the one log FILE given, that match the filter,
newest first (the dashboard's order; --order oldest for oldest first), as CSV (the console's Event history
columns), JSON ({"Records":[...]} of the full original records, readable by
trailtop, jq and CloudTrail tools) or JSON lines.

Options:
  -o, --output FILE   the file to write, or - for stdout
  --format F          csv, json or jsonl; without it, taken from FILE's extension
                      (.csv, .json, .jsonl or .ndjson, each maybe followed by .gz);
                      required with -o -
  --filter Q          only events matching the query Q (the dashboard's query language)
  --since T           only events at or after T (30m, 2h, 7d or an ISO time)
  --until T           only events at or before T (a date or minute: through its end)
  --order O           newest (default) or oldest: which events come first
  --raw               CSV: write values exactly as logged: no formula guard, control
                      characters kept
  --force             replace FILE if it exists (never the --db archive or its
                      .wal)
  --db FILE           export from a DuckDB archive (trailtop archive) with SQL, page by page;
                      with DIR, import what is new there first; JSON records come as
                      the archive stored them, numbers as JavaScript writes them
                      (1.0 as 1, 1e400 as null), where export DIR keeps the log's text
  --rules DIR         also run the Sigma rules under DIR for rule: terms (repeatable;
                      TRAILTOP_RULES adds folders too); the built-in pack always runs
  -h, --help          show this help

CSV values come from the logs: a value that a spreadsheet would run as a formula
(starting with = + - @, tab, CR, LF or NUL) gets a leading ' and control characters
(but tab) and bidi controls become visible escapes (\\x1b), unless --raw is given.
A FILE whose name ends in .gz is written gzipped.
FILE appears only when complete: Ctrl-C, a full disk or an unreadable source file
leave neither FILE nor a temporary file behind. A progress bar is drawn on stderr
when stderr is a terminal; the last line on stderr says what was written.

Exit status: 0 written (or stdout closed by its reader), 1 runtime failure,
2 bad arguments or query, 130 interrupted (143 on SIGTERM).`;

const OPTIONS = {
  ...RULES_OPTION,
  output: { type: 'string', short: 'o' },
  format: { type: 'string' },
  filter: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  order: { type: 'string' },
  raw: { type: 'boolean' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  db: { type: 'string' },
} as const;

function fail(message: string): number {
  process.stderr.write(`trailtop: ${message}\n`);
  return 1;
}

/**
 * -o naming no file that can be written (a folder, a FIFO, a path under a missing folder): a bad
 * argument, exit 2, as --db naming a folder or a missing folder is for every command.
 */
function badTarget(message: string): number {
  process.stderr.write(`trailtop: ${message}\n`);
  return 2;
}

/** `toStdout`: what went out before the signal cannot be taken back, so it is said to be incomplete. */
function cancelled(signal: NodeJS.Signals, toStdout = false): number {
  process.stderr.write(`trailtop: interrupted (${signal}); ${toStdout ? 'the output on stdout may be incomplete' : 'nothing was written'}\n`);
  return signalExit(signal);
}

function chooseFormat(format: string | undefined, output: string): ExportFormat {
  if (format !== undefined) {
    const lower = format.toLowerCase();
    if (!(EXPORT_FORMATS as readonly string[]).includes(lower)) {
      throw new UsageError(`unknown format '${sanitize(format)}' (use csv, json or jsonl)`);
    }
    // -o events.csv --format json would write JSON under a .csv name, for the next tool to misread.
    const named = output === '-' ? null : formatFromPath(output);
    if (named && named !== lower) {
      throw new UsageError(`--format ${lower} contradicts the extension of '${sanitize(output)}' (${named}): drop --format or rename the file`);
    }
    return lower as ExportFormat;
  }
  const inferred = output === '-' ? null : formatFromPath(output);
  if (!inferred) {
    throw new UsageError(
      output === '-' ? '--format is required with -o -' : `cannot tell the format from '${sanitize(output)}': give --format csv|json|jsonl`,
    );
  }
  return inferred;
}

const BAD_FILES_SHOWN = 3;

/** Events from unreadable files are missing from the export: say so on stderr, briefly. */
function warnBadFiles(bad: readonly BadFile[], dir: string): void {
  for (const file of bad.slice(0, BAD_FILES_SHOWN)) {
    process.stderr.write(`trailtop: bad file ${sanitize(file.path)}: ${sanitize(file.reason)}\n`);
  }
  if (bad.length > BAD_FILES_SHOWN) {
    process.stderr.write(`trailtop: ${counted(bad.length - BAD_FILES_SHOWN, 'more bad file')} (trailtop scan ${sanitize(dir)} lists them)\n`);
  }
}

/**
 * The bar is drawn on a terminal's stderr, unless the events go to stdout on the same terminal
 * (the bar would be drawn over them): folder and --db alike.
 */
function showsProgress(toStdout: boolean): boolean {
  return process.stderr.isTTY === true && !(toStdout && process.stdout.isTTY === true);
}

/** A one-line bar redrawn in place on stderr (term/progressLine.ts: room kept for the `^C` echo): loading first, then exporting. */
function progressBar(): { loading: (progress: LoadProgress) => void; update: (progress: ExportProgress) => void; clear: () => void } {
  const line = progressLine();
  return {
    loading(progress) {
      const files = `${progress.filesDone.toLocaleString('en-US')}/${progress.filesTotal.toLocaleString('en-US')} files`;
      line.draw(`loading ${files}, ${counted(progress.eventsRead, 'event')}`);
    },
    update(progress) {
      line.draw(formatProgressLine(progress, line.width));
    },
    clear() {
      line.clear();
    },
  };
}

/**
 * Checks -o FILE before any work (a load, or --db's import of DIR), so a refusal costs nothing and
 * changes nothing: an existing file without --force, a folder or device in its place, a missing
 * folder. Returns the exit code when refused, null when the file may be written.
 */
async function refuseUnwritableTarget(output: string, force: boolean): Promise<number | null> {
  // Before resolve(), which drops a trailing `/`: `-o newdir/` would write a file called newdir.
  if (namesAFolder(output)) return badTarget(`${sanitize(output)} ${NAMES_A_FOLDER}`);
  const target = resolve(output);
  try {
    await checkTarget(target, force);
    if (!(await stat(dirname(target))).isDirectory()) return badTarget(`not a folder: ${sanitize(dirname(target))}`);
  } catch (error) {
    if (error instanceof TargetExists) return fail(`${sanitize(target)} already exists (use --force to replace it)`);
    if (error instanceof TargetNotAFile) return badTarget(sanitizeLine(error.message));
    if (error instanceof ExportFailed) return fail(sanitizeLine(error.message));
    return badTarget(`cannot write to ${sanitize(dirname(target))}: folder does not exist`);
  }
  // The file is written as a temporary file beside it, then renamed: both need the folder writable. Found out only
  // when writing, this came after the whole folder was read (minutes on a real trail) and named the temporary file.
  try {
    await access(dirname(target), constants.W_OK);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : (code ?? 'error');
    return fail(`cannot write to ${sanitize(dirname(target))}: ${why}`);
  }
  return null;
}

/** refuseUnwritableTarget's answer (already said on stderr) from inside export --db's open archive: its exit code. */
class TargetRefused extends Error {
  constructor(readonly code: number) {
    super(`target refused (exit ${code})`);
  }
}

/**
 * `trailtop export`: load the folder (no watch), filter, and write through
 * exportRows, the same code path as the dashboard's download dialog.
 */
export async function runExport(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, 1, FOLDER_OPERAND);
  if (values.help) {
    return await writeHelp(EXPORT_USAGE);
  }
  const db = dbOption(values.db);
  const dir = positionals[0];
  const needDir = (): never => {
    throw new UsageError('export needs a folder or log file: trailtop export DIR|FILE -o FILE|-');
  };
  if (!dir && db === undefined) needDir();
  const output = values.output;
  if (output === undefined || output === '') throw new UsageError('export needs -o FILE (or -o - for stdout)');
  const format = chooseFormat(values.format, output);
  if (values.raw && format !== 'csv') throw new UsageError('--raw applies to CSV only');
  const order = values.order?.toLowerCase() ?? 'newest';
  if (order !== 'newest' && order !== 'oldest') throw new UsageError(`--order ${sanitize(values.order ?? '')}: use newest or oldest`);
  const source = combineFilter(values.filter, values.since, values.until);
  if (dir && output !== '-') await refuseWriteIntoLogFolder(output, dir, '-o');
  // Checked before the load (or --db's import) and the -o checks, so a typo fails at once as a usage error;
  // compiled again with the folder's vocabulary below (or as SQL on the archive).
  const now = Date.now();
  const probe = compileFilter(source, undefined, undefined, now, true);
  if (db !== undefined) return await exportFromArchive(db, dir, source, format, output, order, values);
  if (!dir) return needDir();
  // rule: terms need the detection rules run over the folder as it loads (a missing --rules folder: exit 2).
  const rules = values.rules || process.env.TRAILTOP_RULES || filterNeedsRules(source) ? commandRules(values.rules) : null;
  if (rules) requireNamedRules(source, rules);
  const session = rules && filterNeedsRules(source) ? detectionSession(rules) : null;
  if (rules && session) reportRulesNotRun(rules);
  await requireFolderOrFile(dir);
  const marks = filterNeedsMarks(source) ? savedMarks(dir) : null;

  const toStdout = output === '-';
  // CSV cells carry log values verbatim, escape sequences included: on a terminal they would act on it.
  if (toStdout && format === 'csv' && process.stdout.isTTY === true) {
    throw new UsageError('CSV is not written to a terminal (log values can hold escape sequences): use -o FILE or a pipe');
  }
  if (!toStdout) {
    const refused = await refuseUnwritableTarget(output, values.force === true);
    if (refused !== null) return refused;
  }

  const controller = new AbortController();
  const signals = abortOnSignals(controller, removeLiveTempFilesSync);
  // Without a listener, a reader that quits (`| head`) would crash the process with EPIPE.
  const ignoreStdoutError = (): void => {};
  if (toStdout) process.stdout.on('error', ignoreStdoutError);
  const showProgress = showsProgress(toStdout);
  const bar = progressBar();
  try {
    let newestFirst: readonly EventRow[];
    let recordText: ((row: EventRow) => string | undefined) | null = null;
    if (!session && !marks && headlessFilterFits(probe)) {
      // No store needed: only the records whose bytes may match are parsed (export/headlessFilter.ts).
      const found = await headlessFilteredRows(dir, source, now, { signal: controller.signal, ...(showProgress ? { onProgress: bar.loading } : {}) });
      bar.clear();
      if (signals.seen || found === null) return cancelled(signals.seen ?? 'SIGINT');
      warnBadFiles(found.badFiles, dir);
      newestFirst = found.rows;
      recordText = found.recordText;
    } else {
      const folder = openFolder(dir, { watch: false, signal: controller.signal, ...(session?.detection ? { detection: session.detection } : {}) });
      const unsubscribe = showProgress ? folder.store.subscribe(() => bar.loading(folder.store.progress)) : null;
      await folder.ready;
      unsubscribe?.();
      bar.clear();
      await folder.close();
      if (signals.seen) return cancelled(signals.seen);
      const { store } = folder;
      warnBadFiles(store.progress.badFiles, dir);
      warnRuleStops(store.progress.ruleStops);
      const all = store.rows();
      const vocabulary = new Vocabulary();
      // Indexed only for plain words (compiled with a vocabulary, explain() lists them): fuse.js and the
      // folder's distinct values cost time and memory otherwise.
      if (compileFilter(source, new Vocabulary(), undefined, now, true)?.explain().length) vocabulary.update(store);
      // Fuzzy words mean what they mean in the dashboard over the same folder.
      const query = compileFilter(source, vocabulary, tagContext(session, marks), Date.now(), true);
      newestFirst = query ? filterStore(store, query) : all;
      if (query?.deep) {
        // Record paths and params: read the candidates' records back (query/deep), newest first as before.
        const engine = DeepEngine.create();
        try {
          const found = await engine.search(newestFirst, query.ast, { signal: controller.signal });
          if (found === null) return cancelled(signals.seen ?? 'SIGINT');
          newestFirst = found;
        } finally {
          engine.close();
        }
      }
    }
    // Oldest first is the same rows reversed (unreadable times first), never sorted again.
    const rows = order === 'oldest' ? newestFirst.slice().reverse() : newestFirst;

    const result = await exportRows({
      rows,
      format,
      target: toStdout ? process.stdout : output,
      raw: values.raw === true,
      overwrite: values.force === true,
      signal: controller.signal,
      ...(showProgress ? { onProgress: bar.update } : {}),
      ...(recordText && format !== 'csv' ? { recordText } : {}),
    });
    bar.clear();
    // Always, bar or not: a script's log (cron, CI) keeps what was written, as export --db and archive do.
    process.stderr.write(wroteLine(result.written, result.bytes, toStdout ? 'stdout' : sanitize(result.path), toStdout ? undefined : gzippedSize(result.path)));
    return 0;
  } catch (error) {
    bar.clear();
    if (error instanceof ExportCancelled) return cancelled(signals.seen ?? 'SIGINT', toStdout);
    // A reader that quits (`| head`) is a quiet stop, unless a signal came first (Ctrl-C in a pipeline stops both).
    if (error instanceof ExportFailed && error.reason === 'closed') return signals.seen ? cancelled(signals.seen, toStdout) : 0;
    if (error instanceof TargetExists) return fail(`${sanitize(error.path)} already exists (use --force to replace it)`);
    if (error instanceof ExportFailed) return fail(`export failed: ${sanitizeLine(error.message)}`);
    throw error;
  } finally {
    signals.release();
    if (toStdout) process.stdout.off('error', ignoreStdoutError);
  }
}

/** export --db: the archive answers by SQL and the events stream out page by page (commands/dbCommands.ts). */
async function exportFromArchive(
  db: string,
  dir: string | undefined,
  source: string,
  format: ExportFormat,
  output: string,
  order: 'newest' | 'oldest',
  values: { force?: boolean; raw?: boolean; rules?: string[] },
): Promise<number> {
  if (output === '-' && format === 'csv' && process.stdout.isTTY === true) {
    throw new UsageError('CSV is not written to a terminal (log values can hold escape sequences): use -o FILE or a pipe');
  }
  // Before openDb: with DIR it imports the folder into the archive, work (and a changed archive) a refusal must not leave behind.
  const toFile = output !== '-';
  // An archive already there may have been imported from the folder -o points into: that refusal comes first, as export DIR's
  // does, so the target is checked on the open archive before DIR's import; a new one (made by DIR's import) is checked now.
  const archiveThere = existsSync(db);
  if (toFile) {
    // As the dashboard's download refuses it: --force would replace the archive, or a log DuckDB replays as its own.
    const own = await archiveOwnFile(output, db);
    if (own) throw new UsageError(`-o ${sanitize(output)} ${own}; write it elsewhere`, false);
    if (!archiveThere) {
      const refused = await refuseUnwritableTarget(output, values.force === true);
      if (refused !== null) return refused;
    }
  }
  const beforeImport = async (archive: Archive): Promise<void> => {
    await refuseWriteIntoArchiveLogs(output, archive.connection, '-o');
    const refused = await refuseUnwritableTarget(output, values.force === true);
    if (refused !== null) throw new TargetRefused(refused);
  };
  const controller = new AbortController();
  const signals = abortOnSignals(controller, removeLiveTempFilesSync);
  // Left in place (see runExport): an EPIPE after the sink let go of stdout must not crash the exit.
  if (output === '-') process.stdout.on('error', () => {});
  // The folder export's bar, events written out of those counted; cleared by exportDb before its last line.
  const bar = showsProgress(output === '-') ? progressBar() : null;
  try {
    const { exportDb } = await import('./dbCommands.js');
    const code = await exportDb({
      dbPath: db,
      dir,
      source,
      format,
      output,
      order,
      force: values.force === true,
      raw: values.raw === true,
      signal: controller.signal,
      ...(values.rules ? { rules: values.rules } : {}),
      ...(bar ? { progress: bar } : {}),
      ...(toFile && archiveThere ? { beforeImport } : {}),
    });
    return signals.seen && code !== 0 ? signalExit(signals.seen) : code;
  } catch (error) {
    bar?.clear();
    if (error instanceof TargetRefused) return error.code;
    if (error instanceof ExportCancelled) return cancelled(signals.seen ?? 'SIGINT', output === '-');
    // A reader that quits (`| head`) is a quiet stop, as for a folder, unless a signal came first.
    if (error instanceof ExportFailed && error.reason === 'closed') return signals.seen ? cancelled(signals.seen, true) : 0;
    if (error instanceof TargetExists) return fail(`${sanitize(resolve(output))} already exists (use --force to replace it)`);
    if (error instanceof ExportFailed) return fail(`export failed: ${sanitizeLine(error.message)}`);
    throw error;
  } finally {
    signals.release();
  }
}
