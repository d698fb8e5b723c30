/**
 * `scan --db FILE` and `export --db FILE`: the same commands answered by SQL
 * on a DuckDB archive instead of a folder loaded into memory. With a DIR too,
 * the folder is first brought up to date by archive's incremental import.
 */
import { counted } from '../model/plural.js';
import { existsSync } from 'node:fs';
import { openArchive, upgradeNotice, type Archive } from '../archive/db.js';
import { countEvents, summarizeArchive } from '../archive/query.js';
import { archiveVocabulary } from '../archive/vocabulary.js';
import type { Sink } from '../export/atomic.js';
import { ExportCancelled } from '../export/errors.js';
import type { ExportFormat } from '../export/index.js';
import { wroteLine, type ProgressListener } from '../export/progress.js';
import { gzippedSize } from '../export/gzip.js';
import type { ScanSummary } from './scanSummary.js';
import type { Level, RuleSet } from '../detect/rule.js';
import type { QueryNode } from '../query/ast.js';
import type { DetectReport, findingsBelow } from './detect.js';
import { progressLine, type ProgressLine } from '../term/progressLine.js';
import { abortOnSignals } from './signals.js';
import { CommandInterrupted } from './usageError.js';
import { sanitize, sanitizeLine } from '../term/sanitize.js';
import { requireFolderOrFile, UsageError } from './args.js';
import { asDbArgumentError, requireDbBesideLogs } from './dbFolder.js';
import { importProgressDrawer } from './importProgress.js';
import { hasTag, parseForSql } from './sqlQuery.js';
import { savedMarks } from './marks.js';
import { archiveFilter } from '../archive/filter.js';
import { limitReadMemory } from '../archive/session.js';

/** Run on the archive once it is open, before DIR's import: a refusal there leaves no work behind. */
export type BeforeImport = (archive: Archive) => Promise<void>;

/**
 * Opens the archive; with `dir`, imports what is new there first (bad files reported as scan does).
 * `signal` stops that import between batches, as `archive`'s Ctrl-C does; the caller checks it after.
 */
export async function openDb(dbPath: string, dir: string | undefined, signal?: AbortSignal, beforeImport?: BeforeImport): Promise<Archive> {
  try {
    return await openDbOrThrow(dbPath, dir, signal, beforeImport);
  } catch (error) {
    throw asDbArgumentError(error);
  }
}

async function openDbOrThrow(dbPath: string, dir: string | undefined, callerSignal: AbortSignal | undefined, beforeImport: BeforeImport | undefined): Promise<Archive> {
  if (dir !== undefined) {
    await requireFolderOrFile(dir);
    await requireDbBesideLogs(dbPath, dir);
    // A big folder takes minutes: on a terminal, archive's bar says how far it is (gone before the command's output).
    const bar = process.stderr.isTTY === true ? progressLine() : null;
    // The commands that pass no signal of their own (scan, detect, chain) stop DIR's import between batches, as
    // `archive` does: left to their default, Ctrl-C and SIGTERM killed the process with no word, the bar on screen.
    // A second one exits at once, the bar cleared: the open batch is not committed, so the archive is still whole.
    const controller = callerSignal === undefined ? new AbortController() : null;
    const own = controller ? abortOnSignals(controller, () => bar?.clear()) : null;
    try {
      return await importInto(dbPath, dir, controller?.signal ?? callerSignal, beforeImport, bar, () => own?.seen ?? null);
    } finally {
      own?.release();
    }
  }
  // FILE, not the path given: DuckDB opens some names (`:memory:`) in memory, where an archive is refused.
  if (!existsSync(dbPath)) throw new UsageError(`no archive at ${sanitize(dbPath)}: an archive is a file, such as trail.duckdb; create one with 'trailtop archive DIR --db FILE'`, false);
  const archive = await openArchive(dbPath, { readOnly: true });
  try {
    await limitReadMemory(archive);
    await beforeImport?.(archive);
  } catch (error) {
    await archive.close();
    throw error;
  }
  return archive;
}

/** Opens the archive for writing and imports DIR's new files; `interrupted` names our own signal handlers' catch, if any. */
async function importInto(
  dbPath: string,
  dir: string,
  signal: AbortSignal | undefined,
  beforeImport: BeforeImport | undefined,
  bar: ProgressLine | null,
  interrupted: () => NodeJS.Signals | null,
): Promise<Archive> {
  const archive = await openArchive(dbPath, {
    onUpgrade: (from, to) => process.stderr.write(`trailtop: ${sanitize(upgradeNotice(dbPath, from, to))}\n`),
  });
  try {
    await beforeImport?.(archive);
  } catch (error) {
    // Refused before anything was imported: the archive is left as found, its log not folded into the file on close.
    await archive.connection.run('PRAGMA disable_checkpoint_on_shutdown').catch(() => undefined);
    await archive.close();
    throw error;
  }
  try {
    // Loaded only here: the importer (workers, staging) and detect's folder reader cost ~130 ms CPU at start-up, which a query alone never needs.
    const { importFolder } = await import('../archive/import.js');
    let summary;
    try {
      summary = await importFolder(archive, dir, { alone: true, warmReaders: true, ...(signal ? { signal } : {}), ...(bar ? { onProgress: importProgressDrawer(bar) } : {}) });
    } finally {
      bar?.clear();
    }
    for (const bad of summary.bad) process.stderr.write(`trailtop: bad file ${sanitize(bad.path)}: ${sanitize(bad.reason)}\n`);
    const caught = interrupted();
    // Caught after the last batch too: the user asked to stop, so the query is not run.
    if (caught) {
      throw new CommandInterrupted(
        `interrupted (${caught}) while importing ${sanitize(dir)} into ${sanitize(dbPath)}: ` +
          (summary.eventsAdded > 0 ? `${counted(summary.eventsAdded, 'event')} added (the batches committed before)` : 'nothing was added'),
        caught,
      );
    }
  } catch (error) {
    await archive.close();
    throw error;
  }
  return archive;
}

/** A filter for the archive, read before the archive is opened: its parse and its rules. */
export interface ArchiveFilterText {
  source: string;
  /** null for an empty filter (every event). */
  ast: QueryNode | null;
  /** The rules a rule: term reads (none without one). */
  rules: RuleSet['rules'];
}

/**
 * Checks a filter before the archive is opened or DIR imported, so a typo or a rule: term naming no rule
 * is refused at once, as `scan DIR` refuses it: it was found only after DIR's import, minutes on a big
 * folder, with the archive created. A rule: term loads the rules (the built-in pack, TRAILTOP_RULES and
 * `ruleDirs`) and names those that cannot run.
 */
export async function readArchiveFilter(source: string, ruleDirs?: readonly string[]): Promise<ArchiveFilterText> {
  // a usage error with its position, worded as scan DIR --filter's
  const ast = source.trim() === '' ? null : parseForSql(source, Date.now(), 'bad filter');
  const needsRules = ast !== null && hasTag(ast, 'rule');
  // The rule loader (Sigma, YAML) only for a rule: term or a rules folder named: a query alone starts without it.
  // A folder named is checked either way (exit 2 when missing), as scan and export DIR check it.
  if (!needsRules && (ruleDirs ?? []).length === 0 && !process.env.TRAILTOP_RULES) return { source, ast, rules: [] };
  const { commandRules, reportRulesNotRun, requireNamedRules } = await import('./rules.js');
  const set = commandRules(ruleDirs ? [...ruleDirs] : undefined);
  if (!needsRules) return { source, ast, rules: [] };
  requireNamedRules(source, set);
  reportRulesNotRun(set);
  return { source, ast, rules: set.rules };
}

/**
 * The WHERE condition of a filter on the archive (null when empty), fuzzy words resolved against
 * its values; a rule: term becomes the named rules' detections, so it selects what those rules fire on
 * instead of nothing.
 */
export async function archiveWhere(archive: Archive, filter: ArchiveFilterText): Promise<string | null> {
  if (filter.ast === null) return null;
  // mark: reads the marks the --db dashboard keeps for this archive file.
  const marks = hasTag(filter.ast, 'mark') ? savedMarks(archive.path) : null;
  const compiled = await archiveFilter(filter.source, { rules: filter.rules, vocabulary: () => archiveVocabulary(archive), ...(marks ? { marks } : {}) });
  if (!compiled.ok) throw new UsageError(`cannot answer this query on the archive: ${sanitizeLine(compiled.message)}`, false);
  return compiled.where;
}

export async function scanDb(dbPath: string, dir: string | undefined, source: string, ruleDirs?: readonly string[]): Promise<ScanSummary> {
  const filter = await readArchiveFilter(source, ruleDirs);
  const archive = await openDb(dbPath, dir);
  try {
    const where = await archiveWhere(archive, filter);
    // The summary is the archive's, which may hold other folders than DIR: its Path is the archive's.
    return await summarizeArchive(archive, where, { folder: dbPath, filter: where ? source : null });
  } finally {
    await archive.close();
  }
}

export interface ExportDbOptions {
  dbPath: string;
  dir: string | undefined;
  source: string;
  format: ExportFormat;
  /** A path, or '-' for stdout. */
  output: string;
  /** newest first (the dashboard's order) or its exact reverse. */
  order: 'newest' | 'oldest';
  force: boolean;
  raw: boolean;
  signal?: AbortSignal;
  /** --rules folders, for rule: terms. */
  rules?: readonly string[];
  /** Where the progress goes (a bar on stderr): cleared before the last line is written. */
  progress?: { update: ProgressListener; clear(): void };
  /** Checks on the open archive before DIR's import and before anything is written (the -o target against its log folders). */
  beforeImport?: BeforeImport;
}

/** Streams the matching events, newest first, page by page: memory stays flat however big the archive. */
export async function exportDb(options: ExportDbOptions): Promise<number> {
  const filter = await readArchiveFilter(options.source, options.rules);
  // export catches Ctrl-C to leave no file: without the signal, DIR's import went on to its end (minutes on a big folder).
  const archive = await openDb(options.dbPath, options.dir, options.signal, options.beforeImport);
  let sink: Sink | null = null;
  try {
    if (options.signal?.aborted) throw new ExportCancelled();
    // Loaded here, not at start-up: scan --db and detect --db write no file.
    const [{ openAtomicFile, streamSink }, { writeArchiveEvents }] = await Promise.all([import('../export/atomic.js'), import('../archive/export.js')]);
    const where = await archiveWhere(archive, filter);
    const total = await countEvents(archive, where);
    sink = options.output === '-' ? streamSink(process.stdout) : await openAtomicFile(options.output, { overwrite: options.force });
    // The same engine as the --db dashboard's download (archive/export.ts), so both write the same bytes.
    const { written, bytes } = await writeArchiveEvents(archive, sink, {
      where,
      order: options.order,
      format: options.format,
      raw: options.raw,
      total,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.progress ? { onProgress: options.progress.update } : {}),
    });
    options.progress?.clear();
    await sink.commit();
    if (written !== total) process.stderr.write(`trailtop: the archive changed during the export (${counted(total, 'event')} counted, ${written.toLocaleString('en-US')} written)\n`);
    process.stderr.write(wroteLine(written, bytes, options.output === '-' ? 'stdout' : sanitize(sink.path), options.output === '-' ? undefined : gzippedSize(sink.path)));
    return 0;
  } catch (error) {
    options.progress?.clear();
    await sink?.discard();
    // The caller says which signal, in the folder export's words.
    if (options.signal?.aborted) throw new ExportCancelled();
    throw error;
  } finally {
    await archive.close();
  }
}

/**
 * `detect --db FILE [DIR]`: each rule's AST as SQL on the archive; the events it selects are fed to
 * the same Findings the in-memory detect fills, so the report is built by the same code. A rule the
 * SQL compiler cannot express is listed among the rules not run, with the reason.
 */
export async function detectDb(
  dbPath: string,
  dir: string | undefined,
  set: RuleSet,
  minLevel: Level | undefined,
): Promise<{ report: DetectReport; below: ReturnType<typeof findingsBelow> }> {
  const archive = await openDb(dbPath, dir);
  try {
    const [{ detectArchive }, { detectReport, addBuiltinFinding, findingsBelow }, { conflictFindingOf }] = await Promise.all([
      import('../archive/detect.js'),
      import('./detect.js'),
      import('../detect/conflictFinding.js'),
    ]);
    const run = await detectArchive(archive, set);
    const findings = run.findings.list('level');
    const report = detectReport(run.unique, run.set, findings, minLevel);
    // Conflicting duplicates come from the loading, not from a rule: the archive's imports list them in `conflicts`.
    const builtin = conflictFindingOf(run.conflicts.count, run.conflicts.keptTimes);
    addBuiltinFinding(report, builtin, minLevel);
    return { report, below: findingsBelow(findings, builtin, minLevel) };
  } finally {
    await archive.close();
  }
}
