import { openFolder, type OpenFolder } from '../ingest/open.js';
import { writeHelp } from './helpText.js';
import { readRecordsInOrder, type OriginalRecord } from '../ingest/records.js';
import { stringifyJson } from '../model/stringify.js';
import { terminalSafeJson } from '../term/jsonText.js';
import type { BadFile, EventRow } from '../model/types.js';
import { compareNewestFirst } from '../model/order.js';
import { Vocabulary, type CompiledQuery } from '../query/index.js';
import { sanitize } from '../term/sanitize.js';
import { ruleStopLine } from './ruleStops.js';
import type { ConflictingDuplicate } from '../store/progress.js';
import { DeepEngine } from '../query/deep/engine.js';
import { filterNeedsMarks, savedMarks, tagContext } from './marks.js';
import { combineFilter, compileFilter, FOLDER_OPERAND, parseCommandArgs, requireFolderOrFile, UsageError } from './args.js';
import { commandRules, filterNeedsRules, reportRulesNotRun, requireNamedRules, RULES_HELP, RULES_OPTION } from './rules.js';
import { detectionSession, type DetectionSession } from '../detect/session.js';
import { headlessFilteredRows, headlessFilterFits, type HeadlessRows } from '../export/headlessFilter.js';
import { idKey, type IdSet } from '../scan/ids.js';

export const TAIL_USAGE = `Usage: trailtop tail DIR|FILE [--new-only] [--filter Q] [--since T] [--rules DIR]... [--findings-only]

Prints CloudTrail events as JSON lines, one original record per line: first the
events already under DIR (or in FILE), oldest first, then each new event as its
file arrives. New, growing and rewritten files are followed; duplicates are
printed once. Given a FILE, only that file is read and followed.

Options:
  --new-only    skip the events already there; print only new ones
  --filter Q    only events matching the query Q
  --since T     only events at or after T (30m, 2h, 7d or an ISO time)
  --findings-only
                only events that fired a detection rule, each as
                {"rules": [rule ids], "event": record} (for alerting)
${RULES_HELP}
  -h, --help    show this help

Stop with Ctrl-C (exit 0). Bad files are reported on stderr.
Exit status: 0 when stopped (a closed pipe, as with | head, is a quiet stop
at the next write), 1 on a write error (a full disk) or when the folder
followed (DIR, or FILE's folder) is deleted, moved or replaced, 2 for bad
arguments, a bad query, a missing path, or a FIFO or device.`;

const OPTIONS = {
  ...RULES_OPTION,
  'findings-only': { type: 'boolean' },
  'new-only': { type: 'boolean' },
  filter: { type: 'string' },
  since: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runTail(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, 1, FOLDER_OPERAND);
  if (values.help) {
    return await writeHelp(TAIL_USAGE);
  }
  const dir = positionals[0];
  if (!dir) throw new UsageError('tail needs a folder or file: trailtop tail DIR|FILE');

  const vocabulary = new Vocabulary();
  const source = combineFilter(values.filter, values.since, undefined);
  const findingsOnly = values['findings-only'] === true;
  const needsRules = findingsOnly || filterNeedsRules(source);
  // Rules load (and a missing --rules folder is an error) whenever they are named; they run when something reads them.
  const rules = values.rules || needsRules || process.env.TRAILTOP_RULES ? commandRules(values.rules) : null;
  if (rules) requireNamedRules(source, rules);
  const session = rules && needsRules ? detectionSession(rules) : null;
  if (rules && session) reportRulesNotRun(rules);
  // rule: terms read the findings, which a file's hits reach before the store tells of its rows.
  const now = Date.now();
  await requireFolderOrFile(dir);
  const marks = filterNeedsMarks(source) ? savedMarks(dir) : null;
  const query = compileFilter(source, vocabulary, tagContext(session, marks), now, true);
  // A filter that needs neither the folder's vocabulary, rules nor marks reads the folder without the store (issue 13, 14).
  const storeLess = session === null && marks === null && headlessFilterFits(query, false) && source !== undefined ? { source, now } : null;
  return tailFolder(dir, query, values['new-only'] === true, vocabulary, session, findingsOnly, storeLess);
}

/**
 * Runs until Ctrl-C or a closed pipe; both end it with status 0. Any other
 * write error (a full disk, /dev/full) ends it with a message and status 1, as
 * coreutils does: a silent 0 would pass a truncated log off as complete.
 */
async function tailFolder(
  dir: string,
  query: CompiledQuery | null,
  newOnly: boolean,
  vocabulary: Vocabulary,
  session: DetectionSession | null,
  findingsOnly = false,
  storeLess: { source: string; now: number } | null = null,
): Promise<number> {
  const stop = new AbortController();
  let writeError: NodeJS.ErrnoException | null = null;
  const out = new LineWriter((error) => {
    if (error.code !== 'EPIPE') writeError ??= error;
    stop.abort();
  });
  // The folder deleted or moved: its watch can never print another event, so tail says so and fails
  // rather than wait in silence (a pipeline would hang on it).
  let goneFolder: string | null = null;
  const status = (): number => {
    if (writeError) {
      process.stderr.write(`trailtop: write error: ${writeErrorText(writeError)}\n`);
      return 1;
    }
    if (goneFolder !== null) {
      process.stderr.write(`trailtop: the folder ${sanitize(goneFolder)} is gone (deleted, moved or replaced): nothing more can arrive; stopping\n`);
      return 1;
    }
    return 0;
  };
  const onSignal = () => stop.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const reported = new BadFileReporter();
  const stopped = new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve(), { once: true }));
  let opened: OpenFolder | null = null;
  try {
    // Store-less: the events already there come from a headless read (both cores, only candidates parsed,
    // the same kept copy of a duplicate as scan and export); the store only follows what changes. The
    // follow starts first, so a file that changes while the folder is read is read again, not missed.
    opened = openFolder(dir, {
      watch: true,
      signal: stop.signal,
      ...(session?.detection ? { detection: session.detection } : {}),
      ...(storeLess ? { followOnly: true } : {}),
      onGone: (folder) => {
        goneFolder = folder;
        stop.abort();
      },
    });
    let seen: IdSet | null = null;
    if (storeLess) {
      const before = await headlessFilteredRows(dir, storeLess.source, storeLess.now, { signal: stop.signal });
      if (before === null) return status();
      reported.report(before.badFiles, before.conflicts);
      // Printed once the watch is ready: a change seen after the first lines is then never missed.
      await Promise.race([opened.ready, stopped]);
      if (!newOnly && !stop.signal.aborted) await printHeadlessRows(before, out, stop.signal);
      if (stop.signal.aborted) return status();
      seen = before.seen;
    }
    // --findings-only: only rows that fired a rule (their hits reach the findings before the store tells of the rows).
    const findings = findingsOnly ? (session?.findings ?? null) : null;
    const keep = (rows: EventRow[]): EventRow[] => (findings ? rows.filter((row) => findings.rulesOf(row.id).length > 0) : rows);
    const line = findings
      ? (record: OriginalRecord, row: EventRow) => jsonLine({ rules: findings.rulesOf(row.id).map((rule) => rule.id), event: record })
      : (record: OriginalRecord) => jsonLine(record);
    const { store } = opened;
    await Promise.race([opened.ready, stopped]);
    if (stop.signal.aborted) return status();
    reported.report(store.progress.badFiles, store.progress.conflicts, store.progress.ruleStops);

    // Everything in the log up to here counts as already in the folder; later rows are new.
    // Store-less, the folder's events were printed above: whatever the store loads is new unless already seen.
    let printed = seen ? 0 : store.log().length;
    if (!newOnly && !seen) {
      const existing = keep(await matching(store.log().slice(0, printed), query, vocabulary, stop.signal));
      await printRecords(existing.reverse(), out, stop.signal, line);
    }

    // New rows, a batch per store notification, each batch in time order.
    let busy: Promise<void> = Promise.resolve();
    const onChange = () => {
      busy = busy.then(async () => {
        reported.report(store.progress.badFiles, store.progress.conflicts, store.progress.ruleStops);
        const log = store.log();
        if (log.length === printed || stop.signal.aborted) return;
        let batch = log.slice(printed);
        printed = log.length;
        if (seen) batch = batch.filter((row) => firstSighting(seen, row.id));
        const fresh = keep(await matching(batch, query, vocabulary, stop.signal));
        await printRecords(fresh.reverse(), out, stop.signal, line);
      });
    };
    const unsubscribe = store.subscribe(onChange);
    onChange(); // anything that arrived while the existing events printed
    await stopped;
    unsubscribe();
    return status();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await opened?.close();
    out.end();
  }
}

/** "No space left on device" from ENOSPC's "ENOSPC: no space left on device, write". */
export function writeErrorText(error: NodeJS.ErrnoException): string {
  const text = error.message.replace(/^[A-Z0-9_]+: /, '').replace(/, write$/, '');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Rows passing the query, newest first. */
let deepEngine: DeepEngine | null = null;

/** Rows passing the query, newest first; record paths and params: read the candidates' records back (query/deep). */
async function matching(rows: readonly EventRow[], query: CompiledQuery | null, vocabulary: Vocabulary, signal: AbortSignal): Promise<EventRow[]> {
  // Fuzzy words learn the values of these rows before they are tested, as in scan and the dashboard.
  if (query) vocabulary.addRows(rows);
  let kept = query ? rows.filter((row) => query.test(row)) : rows.slice();
  if (query?.deep && kept.length > 0) {
    deepEngine ??= DeepEngine.create();
    kept = (await deepEngine.search(kept, query.ast, { signal })) ?? [];
  }
  return kept.sort(compareNewestFirst);
}

const sighting = new Int32Array(4);

/** Adds the event's id to `seen`: false when it was there (read before the follow started, or printed since). */
function firstSighting(seen: IdSet, id: string): boolean {
  idKey(id, sighting, 0);
  return seen.add(sighting, 0);
}

/** The headless read's rows (newest first), printed oldest first: from the texts it kept, else read back from their files. */
async function printHeadlessRows(found: HeadlessRows, out: LineWriter, signal: AbortSignal): Promise<void> {
  const oldestFirst = found.rows.slice().reverse();
  const textOf = found.recordText;
  if (textOf === null || oldestFirst.some((row) => textOf(row) === undefined)) {
    await printRecords(oldestFirst, out, signal, (record) => jsonLine(record));
    return;
  }
  // The kept text is the record's own bytes made terminal-safe; parsed again, it prints as tail always has.
  for (const row of oldestFirst) {
    if (signal.aborted) return;
    out.line(jsonLine(JSON.parse(textOf(row)!) as OriginalRecord));
  }
  out.flush();
}

async function printRecords(
  rows: readonly EventRow[],
  out: LineWriter,
  signal: AbortSignal,
  line: (record: OriginalRecord, row: EventRow) => string,
): Promise<void> {
  await readRecordsInOrder(
    rows,
    (records, slice) => {
      records.forEach((record, k) => {
        if (record) out.line(line(record, slice[k]!));
      });
      out.flush();
    },
    { signal },
  );
}

/**
 * One record as one line of JSON. JSON.stringify escapes C0 controls but not
 * DEL, the C1 range (an 8-bit CSI can drive some terminals), bidi controls (they
 * reorder what is read) or the Unicode line separators; those come from
 * attacker-controlled fields, so they are escaped too (as scan --json does).
 */
export function jsonLine(record: OriginalRecord): string {
  return terminalSafeJson(stringifyJson(record));
}

/**
 * Buffered stdout: lines go out in chunks, flushed after each batch so a
 * reader sees new events at once. A closed pipe (`| head`) ends the run quietly.
 */
class LineWriter {
  private buffer: string[] = [];
  private size = 0;
  private closed = false;
  private readonly onError = (error: NodeJS.ErrnoException) => {
    this.closed = true;
    this.onClosed(error);
  };

  constructor(private readonly onClosed: (error: NodeJS.ErrnoException) => void) {
    process.stdout.on('error', this.onError);
  }

  line(text: string): void {
    if (this.closed) return;
    this.buffer.push(text);
    this.size += text.length + 1;
    if (this.size >= 64 * 1024) this.flush();
  }

  flush(): void {
    if (this.closed || this.buffer.length === 0) return;
    const chunk = `${this.buffer.join('\n')}\n`;
    this.buffer = [];
    this.size = 0;
    try {
      process.stdout.write(chunk);
    } catch (error) {
      this.onError(error as NodeJS.ErrnoException);
    }
  }

  end(): void {
    this.flush();
    this.closed = true;
    // Leave a handler in place: a late EPIPE after we finished must not crash the exit.
    process.stdout.off('error', this.onError);
    process.stdout.on('error', () => {});
  }
}

/** Writes each bad file, conflicting duplicate and stopped rule to stderr once. */
class BadFileReporter {
  private readonly seen = new Set<string>();

  report(bad: readonly { path: string; reason: string }[], conflicts: readonly ConflictingDuplicate[] = [], stops: readonly BadFile[] = []): void {
    for (const stop of stops) {
      const key = `stop\u0000${stop.path}\u0000${stop.reason}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      process.stderr.write(ruleStopLine(stop));
    }
    for (const c of conflicts) {
      const key = `conflict\u0000${c.eventID}\u0000${c.file}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      // A headless read keeps no file per event: then the kept copy's file is not known.
      const kept = c.keptFile === '' ? 'the copy kept (the first in file order)' : sanitize(c.keptFile);
      process.stderr.write(`trailtop: conflicting duplicate (same eventID, different content) ${sanitize(c.eventID)}: ${sanitize(c.file)} differs from ${kept}; not printed\n`);
    }
    for (const file of bad) {
      const key = `${file.path}\u0000${file.reason}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      process.stderr.write(`trailtop: bad file ${sanitize(file.path)}: ${sanitize(file.reason)}\n`);
    }
  }
}
