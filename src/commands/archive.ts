import { ArchiveError, defaultArchivePath, NotAnArchive, openArchive, upgradeNotice } from '../archive/db.js';
import { writeHelp } from './helpText.js';
import { counted } from '../model/plural.js';
import { importFolder, type ImportSummary } from '../archive/import.js';
import { sanitize, sanitizeLine } from '../term/sanitize.js';
import { progressLine } from '../term/progressLine.js';
import { FOLDER_OPERAND, parseCommandArgs, requireFolderOrFile, UsageError } from './args.js';
import { refuseWriteIntoLogFolder } from './logFolderGuard.js';
import { writesIntoLogPath } from '../export/logFolder.js';
import { dbOption, requireDbFolder } from './dbFolder.js';
import { importProgressDrawer } from './importProgress.js';
import { exitStoppingWorkers } from '../ingest/workerStop.js';

export { formatArchiveProgress } from './importProgress.js';

export const ARCHIVE_USAGE = `Usage: trailtop archive DIR|FILE [--db FILE] [--quiet]

Imports every CloudTrail file under DIR into a DuckDB database, for folders bigger than memory.
Runs again import only new or changed files (by size and modification time); events are kept
once per event ID. Query the archive with 'trailtop scan|export|detect|chain --db FILE' and 'trailtop --db FILE'.

Options:
  --db FILE     the database (default: one per folder under $XDG_CACHE_HOME/trailtop/archives/,
                ~/.cache/trailtop/archives/ without it; its path is on the last line)
  --quiet       no progress bar
  -h, --help    show this help

Bad files are reported on stderr as scan reports them. Ctrl-C stops between batches of files:
the database keeps every batch committed before (each batch is one transaction), never half of one.
Exit status: 0 done, 1 the database could not be opened (busy, unwritable) or written,
2 bad arguments (a --db that is not a trailtop archive: not DuckDB, damaged, other tables), 130 interrupted
(143 on SIGTERM).`;

const OPTIONS = {
  db: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * `217 files read, 0 unchanged, 1 digest skipped, 1 bad`: the files counted as scan counts them
 * (digests and skipped files apart from those read, bad ones apart too), read now or unchanged since.
 */
export function archiveFileCounts(summary: ImportSummary): string {
  const { read, unchanged } = summary.eventFiles;
  return (
    `${counted(read, 'file')} read, ${unchanged.toLocaleString('en-US')} unchanged` +
    (summary.digests > 0 ? `, ${counted(summary.digests, 'digest')} skipped` : '') +
    (summary.skipped.length > 0 ? `, ${summary.skipped.length.toLocaleString('en-US')} skipped` : '') +
    `, ${summary.bad.length.toLocaleString('en-US')} bad`
  );
}

function reportFiles(summary: ImportSummary): void {
  for (const bad of summary.bad) process.stderr.write(`trailtop: bad file ${sanitize(bad.path)}: ${sanitize(bad.reason)}\n`);
}

export async function runArchive(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, 1, FOLDER_OPERAND);
  if (values.help) {
    return await writeHelp(ARCHIVE_USAGE);
  }
  const db = dbOption(values.db);
  const dir = positionals[0];
  if (!dir) throw new UsageError('archive needs a folder or file: trailtop archive DIR [--db FILE]');
  await requireFolderOrFile(dir);
  if (db !== undefined) requireDbFolder(db);
  const dbPath = db ?? (await defaultArchivePath(dir));
  // No --db was typed: say where the default archive would go, and how to put it elsewhere.
  if (db === undefined && (await writesIntoLogPath(dbPath, dir))) {
    throw new UsageError(`the default archive (${sanitize(dbPath)}) would be inside the log folder being read (${sanitize(dir)}): give --db FILE outside it`, false);
  }
  await refuseWriteIntoLogFolder(dbPath, dir, '--db');

  let archive;
  try {
    archive = await openArchive(dbPath, {
      onUpgrade: (from, to) => process.stderr.write(`trailtop: ${sanitize(upgradeNotice(dbPath, from, to))}\n`),
    });
  } catch (error) {
    // A --db that is no archive is a bad argument (exit 2), as for scan/export/detect --db.
    if (error instanceof NotAnArchive) throw new UsageError(sanitizeLine(error.message), false);
    process.stderr.write(`trailtop: ${sanitizeLine(error instanceof ArchiveError ? error.message : String(error))}\n`);
    return 1;
  }
  const controller = new AbortController();
  let interrupted: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    // A second Ctrl-C: the open batch is not committed, so the database is still whole.
    if (interrupted) return exitStoppingWorkers(130);
    interrupted = signal;
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const showProgress = !values.quiet && process.stderr.isTTY === true;
  // Room kept for the `^C` echo (term/progressLine.ts).
  const bar = progressLine();
  const draw = importProgressDrawer(bar);
  try {
    // Readers started at once: their start-up overlaps the listing, so even a hundred new files are read on both cores.
    const summary = await importFolder(archive, dir, { signal: controller.signal, onProgress: showProgress ? draw : undefined, warmReaders: true, alone: true });
    bar.clear();
    reportFiles(summary);
    const line =
      `${summary.aborted ? 'interrupted: ' : ''}${archiveFileCounts(summary)}; ${counted(summary.eventsAdded, 'event')} added, ` +
      (summary.conflicts > 0 ? `${counted(summary.conflicts, 'conflicting duplicate')} (same eventID, different content: scan --db lists them), ` : '') +
      `${summary.eventsTotal.toLocaleString('en-US')} in ${sanitize(dbPath)}\n`;
    process.stderr.write(`trailtop: ${line}`);
    return summary.aborted ? (interrupted === 'SIGTERM' ? 143 : 130) : 0;
  } catch (error) {
    bar.clear();
    process.stderr.write(`trailtop: archive failed, the database keeps the batches committed before: ${sanitizeLine(error instanceof Error ? error.message : String(error))}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await archive.close();
  }
}
