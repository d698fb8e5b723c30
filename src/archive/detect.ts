/**
 * The detection rules run as SQL on an archive: each rule's AST becomes a
 * WHERE condition (filter.ts ruleCondition, the same one `rule:ID` runs), and
 * the events it selects are fed to the Findings the in-memory detection
 * fills, so `detect --db` and the --db dashboard's findings view are built by
 * the same code from the same answers. A rule the SQL compiler cannot express,
 * or whose SQL DuckDB refuses (a pattern RE2 cannot run), is listed among the
 * rules not run with the reason; the others go on. No Ink.
 */
import { BIGINT, LIST, listValue, type DuckDBConnection } from '@duckdb/node-api';
import { Findings, type Finding } from '../detect/findings.js';
import type { Rule, RuleSet, SkippedRule } from '../detect/rule.js';
import { SqlCompileError } from '../query/sql/index.js';
import type { Archive } from './db.js';
import { ruleCondition } from './filter.js';
import { conflictTimes, countEvents } from './query.js';

export interface ArchiveDetection {
  /** The rules that ran, and those that did not with why (the loader's skipped first). */
  set: RuleSet;
  findings: Findings;
  /** Events in the archive when the rules ran. */
  unique: number;
  /** The conflicting duplicates the imports met (detect/conflictFinding.ts conflictFindingOf reads them). */
  conflicts: { count: number; keptTimes: number[] };
}

export interface ArchiveDetectOptions {
  /**
   * The connection to run on (default: the archive's own). The dashboard gives it one of its own, so the
   * rules, seconds of work on a big archive, do not queue the list's page queries behind them.
   */
  connection?: DuckDBConnection;
  /** After each rule: how many have run of how many. */
  onProgress?(done: number, total: number): void;
  /** Asked between rules: true stops the run (it then throws DetectionCancelled). */
  cancelled?(): boolean;
}

export class DetectionCancelled extends Error {
  constructor() {
    super('the detection was cancelled');
  }
}

/**
 * Rule `index`'s events into `findings`, keyed by tt_seq, a chunk at a time: SigmaHQ's assume-role rule
 * fires on most events of a busy account, and reading its 6M ids (and times) at once ran a 10M-event
 * archive's `detect --db` out of JavaScript heap.
 */
async function feedHits(connection: DuckDBConnection, condition: string, index: number, findings: Findings, cancelled: () => boolean): Promise<void> {
  const result = await connection.stream(`SELECT tt_seq, tt_time FROM events WHERE ${condition}`);
  for await (const rows of result.yieldRows()) {
    // Between chunks too: one rule's stream takes seconds on a big archive (a dashboard closing waits for it).
    if (cancelled()) throw new DetectionCancelled();
    const keys = new Float64Array(rows.length);
    const times = new Float64Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const [seq, time] = rows[r]!;
      keys[r] = Number(seq);
      times[r] = time === null ? Number.NaN : Number(time);
    }
    findings.hitKeys(index, keys, times);
  }
}

export async function detectArchive(archive: Archive, set: RuleSet, options: ArchiveDetectOptions = {}): Promise<ArchiveDetection> {
  const on: Archive = options.connection ? { ...archive, connection: options.connection } : archive;
  const runnable: Rule[] = [];
  const conditions: string[] = [];
  const skipped: SkippedRule[] = [...set.skipped];
  for (const rule of set.rules) {
    try {
      conditions.push(ruleCondition(rule.ast));
      runnable.push(rule);
    } catch (error) {
      if (!(error instanceof SqlCompileError)) throw error;
      skipped.push({ path: rule.path, reason: `not run on the archive: ${error.message}` });
    }
  }
  // The count first: events imported while the rules run (a followed folder) are in the next run.
  const unique = await countEvents(on, null);
  const runSet: RuleSet = { rules: runnable, skipped };
  const findings = new Findings(runSet);
  findings.keyedByCaller();
  for (let k = 0; k < runnable.length; k++) {
    if (options.cancelled?.()) throw new DetectionCancelled();
    try {
      await feedHits(on.connection, conditions[k]!, k, findings, () => options.cancelled?.() === true);
    } catch (error) {
      if (options.cancelled?.()) throw new DetectionCancelled();
      skipped.push({ path: runnable[k]!.path, reason: `not run on the archive: ${error instanceof Error ? error.message : String(error)}` });
      findings.forgetRule(k);
    }
    options.onProgress?.(k + 1, runnable.length);
  }
  return { set: runSet, findings, unique, conflicts: await conflictTimes(on) };
}

/** Up to this many events fired (ids bound as one list), findingsAmong asks for them alone. */
const FIRED_KEYS_BOUND = 1 << 20;

/**
 * What the rules found among the events a query selects (`where`, its SQL), from the run's own hits
 * (`findings`, keyed by tt_seq: detectArchive): the query's events that fired a rule (every event it
 * selects when most of the archive did) are streamed once, a chunk at a time, and each is looked up in the rules' sets (Findings.listAmong, the folder's view does the same
 * with its rows). The --db findings view under a query. No rule runs again: counting each rule's
 * SQL among the query's events made 85 scans (tens of seconds on 10M events, the list waiting behind
 * them on the one connection), and could disagree with the run the header counts. Stops, returning
 * null, once `cancelled` says so (the query changed, the view closed).
 */
export async function findingsAmong(connection: DuckDBConnection, findings: Findings, where: string, cancelled: () => boolean = () => false): Promise<Finding[] | null> {
  const merged = new Map<Rule, { -readonly [K in keyof Finding]: Finding[K] }>();
  // Only the events that fired a rule can count: asked for by their tt_seq, a broad query (region:us-* on
  // 10M, 6.9M events) reads its ~10k hits, not every event it selects (1.5 s -> 0.2 s). A run that fired
  // on most of the archive (SigmaHQ's assume-role rule: 6M events) streams the query's events instead.
  const fired = findings.firedKeys(FIRED_KEYS_BOUND);
  if (fired !== null && fired.length === 0) return cancelled() ? null : [];
  const result =
    fired === null
      ? await connection.stream(`SELECT tt_seq, tt_time FROM events WHERE ${where}`)
      : await connection.stream(`SELECT tt_seq, tt_time FROM events WHERE tt_seq IN (SELECT unnest($1)) AND (${where})`, [listValue(fired.map(BigInt))], [LIST(BIGINT)]);
  for await (const rows of result.yieldRows()) {
    if (cancelled()) return null;
    const chunk = rows.map(([seq, time]) => ({ seq: Number(seq), id: '', time: time === null ? Number.NaN : Number(time) }));
    for (const found of findings.listAmong(chunk)) {
      const before = merged.get(found.rule);
      if (!before) merged.set(found.rule, { ...found });
      else {
        before.count += found.count;
        if (!(before.first <= found.first)) before.first = found.first;
        if (!(before.last >= found.last)) before.last = found.last;
      }
    }
  }
  return cancelled() ? null : [...merged.values()];
}
