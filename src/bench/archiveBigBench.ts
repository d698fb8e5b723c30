/**
 * The archive figures at 10M events (issue 18): the fixture is the 1M
 * high-cardinality folder archived and multiplied inside DuckDB
 * (archiveFixture.ts; the import speed is the `archive` figures' business).
 * A typical query as a whole command (`scan --db --filter`, time and peak
 * resident memory) and as the dashboard's count, and the dashboard's steps
 * through the data layer the UI uses (archiveDashChild.ts): open, first
 * screen, scroll to the end, each <= 1 s.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openArchive } from '../archive/db.js';
import { ensureArchiveFixture } from './archiveFixture.js';
import type { DashRun } from './archiveDashChild.js';
import { runTimed } from './child.js';
import { sigmaRulesDir } from './detectBench.js';
import { median, type Figure } from './table.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(here, '../../bin/trailtop.js');
const PEAK_RSS = path.join(here, 'peakRss.js');
const DASH_CHILD = path.join(here, 'archiveDashChild.js');
/** The list body at 80x24 (header, query bar, column titles and status line take the rest). */
const SCREEN_ROWS = 20;

function peakRssMB(stderr: string): number | null {
  const match = /\[peak-rss-kb\] (\d+)/.exec(stderr);
  return match ? Number(match[1]) / 1024 : null;
}

/** The IAM user with the most AccessDenied errors (plain characters only), as the other query figures pick theirs. */
async function deniedUser(db: string): Promise<string | null> {
  const archive = await openArchive(db, { readOnly: true });
  try {
    const rows = (await archive.connection.runAndReadAll(
      `SELECT tt_usernames[1] AS u, count(*) AS n FROM events WHERE errorcode = 'AccessDenied' AND useridentity.type = 'IAMUser' AND len(tt_usernames) > 0 ` +
        `AND regexp_full_match(tt_usernames[1], '[A-Za-z0-9._@+=,-]+') GROUP BY u ORDER BY n DESC, u LIMIT 1`,
    )).getRows();
    return rows[0] ? String(rows[0][0]) : null;
  } finally {
    await archive.close();
  }
}

const second = { on: 'value', kind: 'max', limit: 1000, label: '<= 1 s' } as const;

export async function benchArchiveBig(highDir: string, copies: number, runs: number, log: (line: string) => void): Promise<Figure[]> {
  const fixture = await ensureArchiveFixture(highDir, copies, log);
  const label = `${Math.round(fixture.events / 1_000_000)}M archive`;
  const gb = (fixture.bytes / 1e9).toFixed(2);
  log(`${label}: ${fixture.events.toLocaleString('en-US')} events, ${gb} GB on disk; made from ${fixture.note}${fixture.builtSeconds === null ? ' (cached)' : ` in ${fixture.builtSeconds.toFixed(0)} s`}`);
  const note = `fixture: ${fixture.note}; ${gb} GB on disk`;
  const user = await deniedUser(fixture.path);
  const source = user ? `error:AccessDenied user:${user}` : 'error:AccessDenied';
  const figures: Figure[] = [];

  const scans = [];
  for (let k = 0; k < runs; k++) {
    const command = await runTimed(process.execPath, ['--import', PEAK_RSS, CLI, 'scan', '--db', fixture.path, '--filter', source, '--json']);
    if (command.code !== 0) throw new Error(`scan --db failed: ${command.stderr.trim().split('\n').pop()}`);
    scans.push({ ms: command.ms, rss: peakRssMB(command.stderr) ?? Number.NaN });
  }
  figures.push({ name: `archive: \`scan --db --filter '${source}'\` (whole command), ${label}`, unit: 'ms', value: median(scans.map((s) => s.ms)), baseline: null, baselineLabel: '', goal: second, runs, note });
  figures.push({
    name: `archive: peak resident memory of that command, ${label}`,
    unit: 'MB',
    value: Math.max(...scans.map((s) => s.rss)),
    baseline: null,
    baselineLabel: '',
    goal: { on: 'value', kind: 'max', limit: 500, label: '<= 500 MB' },
    runs,
  });

  const dash: (DashRun & { rss: number })[] = [];
  for (let k = 0; k < runs; k++) {
    const child = await runTimed(process.execPath, ['--import', PEAK_RSS, DASH_CHILD, fixture.path, source, String(SCREEN_ROWS)]);
    if (child.code !== 0) throw new Error(`dashboard steps failed: ${child.stderr.trim().split('\n').slice(-3).join(' ')}`);
    dash.push({ ...(JSON.parse(child.stdout) as DashRun), rss: peakRssMB(child.stderr) ?? Number.NaN });
  }
  const med = (pick: (run: DashRun) => number): number => median(dash.map(pick));
  const step = (name: string, value: number, goal: Figure['goal'], extra?: string): Figure => ({
    name: `archive: dashboard ${name}, ${label}`,
    unit: 'ms',
    value,
    baseline: null,
    baselineLabel: '',
    goal,
    runs,
    ...(extra ? { note: extra } : {}),
  });
  figures.push(step('open (DuckDB open of the file)', med((r) => r.openMs), second));
  figures.push(step(`first screen (count + first ${SCREEN_ROWS} rows by keyset)`, med((r) => r.firstScreenMs), second));
  figures.push(step('scroll to the end (G: last screen by keyset)', med((r) => r.endMs), second, `${dash[0]!.pageQueriesToEnd} page query; ${dash[0]!.total.toLocaleString('en-US')} rows`));
  figures.push(step('one page back from the end (PgUp, keyset)', med((r) => r.pageDownMs), second));
  figures.push(step(`query \`${source}\` (SQL count + first screen)`, med((r) => r.queryMs), second, `${dash[0]!.queryTotal.toLocaleString('en-US')} events match`));
  figures.push(step('top values of user for that query (T, SQL)', med((r) => r.topMs), null));
  figures.push(step('histogram of every event (h, SQL)', med((r) => r.histogramMs), null));
  figures.push({
    name: `archive: dashboard peak resident memory (those steps), ${label}`,
    unit: 'MB',
    value: Math.max(...dash.map((r) => r.rss)),
    baseline: null,
    baselineLabel: '',
    goal: { on: 'value', kind: 'max', limit: 500, label: '<= 500 MB' },
    runs,
  });
  figures.push(await detectFigure(fixture.path, label, note));
  return figures;
}

/**
 * `detect --db` with the built-in pack and SigmaHQ's rules (one run: minutes before schema 8 at this
 * size), against reading every stored record once in the same run: what the rule set costs in full
 * reads of the archive's widest column. No goal (issue 18 sets none for it).
 */
async function detectFigure(db: string, label: string, note: string): Promise<Figure> {
  const sigma = sigmaRulesDir();
  const command = await runTimed(process.execPath, [CLI, 'detect', '--db', db, ...(sigma ? ['--rules', sigma] : []), '--json']);
  if (command.code !== 0) throw new Error(`detect --db failed: ${command.stderr.trim().split('\n').pop()}`);
  const report = JSON.parse(command.stdout) as { rules?: { loaded?: number } };
  const archive = await openArchive(db, { readOnly: true });
  let readAll: number;
  try {
    const started = performance.now();
    await archive.connection.runAndReadAll('SELECT sum(length(tt_record)) FROM events');
    readAll = performance.now() - started;
  } finally {
    await archive.close();
  }
  return {
    name: `archive: \`detect --db\` (built-in pack${sigma ? ' + SigmaHQ' : ''}, whole command), ${label}`,
    unit: 'ms',
    value: command.ms,
    baseline: readAll,
    baselineLabel: 'reading every stored record once (SQL)',
    goal: null,
    runs: 1,
    note: `${note}; ${report.rules?.loaded ?? '?'} rules`,
  };
}
