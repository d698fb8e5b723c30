import { sortFindings, type Finding } from '../detect/findings.js';
import { writeHelp } from './helpText.js';
import { detectFolderHeadless } from '../detect/headless.js';
import type { DetectTally } from '../detect/tally.js';
import { isLevel, LEVELS, levelRank, type Level, type RuleSet } from '../detect/rule.js';
import { conflictFindingOf, type BuiltinFinding } from '../detect/conflictFinding.js';
import { sanitize } from '../term/sanitize.js';
import { warnRuleStops } from './ruleStops.js';
import type { BadFile } from '../model/types.js';
import { FOLDER_OPERAND, parseCommandArgs, requireFolderOrFile, UsageError } from './args.js';
import { dbOption } from './dbFolder.js';
import { commandRules, RULES_HELP, RULES_OPTION } from './rules.js';
import { safeJson } from './scan.js';
import { writeStdout } from './stdout.js';

export const DETECT_USAGE = `Usage: trailtop detect DIR|FILE [--rules DIR]... [--json] [--level L]
       trailtop detect --db FILE [DIR] [--rules DIR]... [--json] [--level L]

Runs Sigma detection rules over every CloudTrail event under DIR (or in FILE)
and prints each rule that fired: level, unique events matched, first and last
event time (UTC), title and id. The built-in pack always runs; rules that
cannot run (unsupported Sigma features, YAML errors) are listed with the reason.

Options:
${RULES_HELP}
  --json        print {"events", "rules": {"loaded", "skipped"}, "findings"} as JSON
                ("rules" also has "stopped" when a rule ran past 5 s on one event)
  --db FILE     run the rules as SQL on a DuckDB archive (trailtop archive); with DIR, import what is new first
  --level L     only findings of level L or higher
                (informational, low, medium, high, critical)
  -h, --help    show this help

Bad files are reported on stderr (with --db, those DIR's import finds), and so
is a rule stopped after 5 s on one event (not run from then on; the file's
events still count). Exit status: 0 when the folder was read (whether or not
anything fired), 1 when the --db archive cannot be read (another process is
writing to it), 2 for bad arguments, a missing path or a missing rules folder,
130 interrupted.`;

const OPTIONS = {
  ...RULES_OPTION,
  json: { type: 'boolean' },
  level: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  db: { type: 'string' },
} as const;

/** The JSON `detect --json` prints; the shape is part of the interface (issue 15). */
export interface DetectReport {
  events: { unique: number };
  /** stopped: rules the watchdog stopped on a file (its events counted, the rule not run from then on); only when there are some. */
  rules: { loaded: number; skipped: { path: string; reason: string }[]; stopped?: { file: string; reason: string }[] };
  findings: { id: string; title: string; level: Level; tags: string[]; count: number; first: string | null; last: string | null }[];
}

export async function runDetect(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, 1, FOLDER_OPERAND);
  if (values.help) {
    return await writeHelp(DETECT_USAGE);
  }
  const db = dbOption(values.db);
  const dir = positionals[0];
  if (!dir && db === undefined) throw new UsageError('detect needs a folder or file: trailtop detect DIR|FILE');
  const level = values.level?.toLowerCase();
  if (level !== undefined && !isLevel(level)) throw new UsageError(`--level must be one of ${LEVELS.join(', ')}`);
  const set = commandRules(values.rules);
  if (db !== undefined) {
    // The rules as SQL on a DuckDB archive (commands/dbCommands.ts).
    const { report, below } = await (await import('./dbCommands.js')).detectDb(db, dir, set, level as Level | undefined);
    // The findings are the whole archive's, which may hold more than DIR: its Path is the archive, as scan --db's is.
    return writeStdout(values.json ? `${safeJson(report)}\n` : formatDetect(db, report, below), 'findings');
  }
  if (!dir) throw new UsageError('detect needs a folder or file: trailtop detect DIR|FILE');
  await requireFolderOrFile(dir);

  // Headless like scan: no store, only the records a rule could fire on are parsed (detect/headless.ts).
  const tally = await detectFolderHeadless(dir, set.rules.map((rule) => ({ ast: rule.ast, name: `${rule.title} (${rule.path})` })));
  for (const bad of tally.progress.badFiles) process.stderr.write(`trailtop: bad file ${sanitize(bad.path)}: ${sanitize(bad.reason)}\n`);
  warnRuleStops(tally.progress.ruleStops);
  const findings = findingsOf(set, tally);
  const builtin = conflictFindingOf(tally.progress.conflictCount, tally.conflictTimes);
  const report = detectReport(tally.unique, set, findings, level as Level | undefined, tally.progress.ruleStops);
  addBuiltinFinding(report, builtin, level as Level | undefined);
  const below = findingsBelow(findings, builtin, level as Level | undefined);
  const text = values.json ? `${safeJson(report)}\n` : formatDetect(dir, report, below);
  return writeStdout(text, 'findings');
}

/** Adds a finding of the loading itself (conflicting duplicates) in level order, unless below --level. */
export function addBuiltinFinding(report: DetectReport, finding: BuiltinFinding | null, minLevel?: Level): void {
  if (!finding || (minLevel && levelRank(finding.level) < levelRank(minLevel))) return;
  const at = report.findings.findIndex((f) => levelRank(f.level) < levelRank(finding.level));
  report.findings.splice(at < 0 ? report.findings.length : at, 0, finding);
}

function iso(time: number): string | null {
  return time === time ? new Date(time).toISOString() : null;
}

/** The rules that fired, by level, from a headless run's tally. */
export function findingsOf(set: RuleSet, tally: DetectTally): Finding[] {
  const out: Finding[] = [];
  set.rules.forEach((rule, k) => {
    if (tally.counts[k]! > 0) out.push({ rule, count: tally.counts[k]!, first: tally.first[k]!, last: tally.last[k]! });
  });
  return sortFindings(out, 'level');
}

/** The report of the rules that fired; `findings` by level (Findings.list('level')). */
export function detectReport(unique: number, set: RuleSet, findings: readonly Finding[], minLevel?: Level, stops: readonly BadFile[] = []): DetectReport {
  const min = minLevel ? levelRank(minLevel) : 0;
  return {
    events: { unique },
    rules: {
      loaded: set.rules.length,
      skipped: set.skipped.map((s) => ({ path: s.path, reason: s.reason })),
      ...(stops.length > 0 ? { stopped: stops.map((s) => ({ file: s.path, reason: s.reason })) } : {}),
    },
    findings: findings
      .filter((f: Finding) => levelRank(f.rule.level) >= min)
      .map((f) => ({ id: f.rule.id, title: f.rule.title, level: f.rule.level, tags: [...f.rule.tags], count: f.count, first: iso(f.first), last: iso(f.last) })),
  };
}

/** How many of `findings` (and the built-in one) --level leaves out, and the level: the text form says so. */
export function findingsBelow(findings: readonly Finding[], builtin: BuiltinFinding | null, minLevel?: Level): { count: number; level: Level } | null {
  if (!minLevel) return null;
  const min = levelRank(minLevel);
  const count = findings.filter((f) => levelRank(f.rule.level) < min).length + (builtin && levelRank(builtin.level) < min ? 1 : 0);
  return count > 0 ? { count, level: minLevel } : null;
}

/**
 * The human form; rule titles and paths come from files the user may not have written: sanitised.
 * `below`: findings --level left out ("none" alone read as "nothing fired").
 */
export function formatDetect(dir: string, report: DetectReport, below: { count: number; level: Level } | null = null): string {
  const byLevel = LEVELS.slice()
    .reverse()
    .map((level) => [level, report.findings.filter((f) => f.level === level).length] as const)
    .filter(([, n]) => n > 0)
    .map(([level, n]) => `${n} ${level}`);
  const lines = [
    `Path      ${sanitize(dir)}`,
    `Events    ${report.events.unique} unique`,
    `Rules     ${report.rules.loaded} loaded, ${report.rules.skipped.length} not run${report.rules.stopped ? `, ${report.rules.stopped.length} stopped` : ''}`,
    `Findings  ${report.findings.length === 0 ? 'none' : `${report.findings.length} ${report.findings.length === 1 ? 'rule' : 'rules'} fired (${byLevel.join(', ')})`}${
      below === null
        ? ''
        : report.findings.length === 0
          ? ` at ${below.level} or above; ${below.count} ${below.count === 1 ? 'rule' : 'rules'} fired below it (left out by --level)`
          : `; ${below.count} more fired below ${below.level} (left out by --level)`
    }`,
  ];
  if (report.findings.length > 0) {
    const width = Math.max(6, ...report.findings.map((f) => String(f.count).length));
    lines.push('', `${'LEVEL'.padEnd(13)} ${'EVENTS'.padStart(width)}  ${'FIRST'.padEnd(20)}  ${'LAST'.padEnd(20)}  RULE`);
    for (const f of report.findings) {
      const time = (t: string | null) => (t ? `${t.slice(0, 19)}Z` : '-').padEnd(20);
      lines.push(`${f.level.padEnd(13)} ${String(f.count).padStart(width)}  ${time(f.first)}  ${time(f.last)}  ${sanitize(f.title)}  (${sanitize(f.id)})`);
    }
  }
  if (report.rules.stopped) {
    lines.push('', 'Rules stopped (their findings miss the events of these files and of files read after)');
    for (const s of report.rules.stopped) lines.push(`  ${sanitize(s.file)}: ${sanitize(s.reason)}`);
  }
  if (report.rules.skipped.length > 0) {
    lines.push('', 'Rules not run');
    for (const s of report.rules.skipped) lines.push(`  ${sanitize(s.path)}: ${sanitize(s.reason)}`);
  }
  return `${lines.join('\n')}\n`;
}

