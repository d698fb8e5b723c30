/**
 * The archive's figures (issue 18): `archive` of a folder against the
 * one-core gunzip+parse baseline, a typical query on the archive (time and
 * peak memory of the whole command), the dashboard's SQL (open = count and
 * first page, scroll to the end = the last page by keyset), and an
 * incremental `archive` after 100 new files. The folder is hard-linked into
 * a scratch folder so the 100 new files never touch the cached dataset; the
 * database lives in the scratch folder and is removed after.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openArchive } from '../archive/db.js';
import { countEvents, pageEvents } from '../archive/query.js';
import { archiveVocabulary } from '../archive/vocabulary.js';
import { parseQuery } from '../query/parse.js';
import { compileWhere } from '../query/sql/index.js';
import { fuzzyFromVocabulary } from '../query/sql/fuzzy.js';
import { runTimed } from './child.js';
import { listTrailFiles } from './dataset.js';
import type { IngestRun } from './ingestChild.js';
import { median, type Figure } from './table.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(here, '../../bin/trailtop.js');
const INGEST_CHILD = path.join(here, 'ingestChild.js');
const PEAK_RSS = path.join(here, 'peakRss.js');

function peakRssMB(stderr: string): number | null {
  const match = /\[peak-rss-kb\] (\d+)/.exec(stderr);
  return match ? Number(match[1]) / 1024 : null;
}

async function timedMedian(runs: number, run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return median(times);
}

export async function benchArchive(dir: string, label: string, user: string | null, runs: number): Promise<Figure[]> {
  const figures: Figure[] = [];
  const scratch = mkdtempSync(path.join(tmpdir(), 'trailtop-bench-archive-'));
  try {
    // A hard-linked copy (no data copied): the 100 new files go there, never into the cached dataset.
    const work = path.join(scratch, 'work');
    execFileSync('cp', ['-al', path.resolve(dir), work]);
    const db = path.join(scratch, 'bench.duckdb');

    const base = await runTimed(process.execPath, [INGEST_CHILD, 'baseline', dir]);
    if (base.code !== 0) throw new Error(`baseline failed: ${base.stderr.trim().split('\n').pop()}`);
    const baselineMs = (JSON.parse(base.stdout) as IngestRun).loadedMs;
    const archived = await runTimed(process.execPath, [CLI, 'archive', work, '--db', db, '--quiet']);
    if (archived.code !== 0) throw new Error(`archive failed: ${archived.stderr.trim().split('\n').pop()}`);
    figures.push({
      name: `archive: import a folder into DuckDB, ${label}`,
      unit: 'ms',
      value: archived.ms,
      baseline: baselineMs,
      baselineLabel: 'gunzip+JSON.parse, 1 core',
      goal: { on: 'ratio', kind: 'max', limit: 2, label: '<= 2x baseline' },
      runs: 1,
    });

    const source = user ? `error:AccessDenied user:${user}` : 'error:AccessDenied';
    const command = await runTimed(process.execPath, ['--import', PEAK_RSS, CLI, 'scan', '--db', db, '--filter', source, '--json']);
    if (command.code !== 0) throw new Error(`scan --db failed: ${command.stderr.trim().split('\n').pop()}`);
    figures.push({
      name: `archive: \`scan --db --filter '${source}'\` (whole command), ${label}`,
      unit: 'ms',
      value: command.ms,
      baseline: null,
      baselineLabel: '',
      goal: { on: 'value', kind: 'max', limit: 1000, label: '<= 1 s' },
      runs: 1,
    });
    figures.push({
      name: `archive: peak resident memory of that command, ${label}`,
      unit: 'MB',
      value: peakRssMB(command.stderr),
      baseline: null,
      baselineLabel: '',
      goal: { on: 'value', kind: 'max', limit: 500, label: '<= 500 MB' },
      runs: 1,
    });

    const archive = await openArchive(db, { readOnly: true });
    try {
      const parsed = parseQuery(source, { deepTerms: true });
      if (!parsed.ok) throw new Error(parsed.error.message);
      const fuzzy = fuzzyFromVocabulary(await archiveVocabulary(archive));
      const where = compileWhere(parsed.ast, { dialect: 'duckdb', fuzzy });
      figures.push({
        name: `archive: query \`${source}\` (count, in process), ${label}`,
        unit: 'ms',
        value: await timedMedian(runs, () => countEvents(archive, where)),
        baseline: null,
        baselineLabel: '',
        goal: { on: 'value', kind: 'max', limit: 1000, label: '<= 1 s' },
        runs,
      });
      figures.push({
        name: `archive: dashboard open (count + first 50 rows), ${label}`,
        unit: 'ms',
        value: await timedMedian(runs, async () => {
          await countEvents(archive, null);
          await pageEvents(archive, null, 50);
        }),
        baseline: null,
        baselineLabel: '',
        goal: { on: 'value', kind: 'max', limit: 1000, label: '<= 1 s' },
        runs,
      });
      figures.push({
        name: `archive: dashboard scroll to the end (last 50 rows by keyset), ${label}`,
        unit: 'ms',
        value: await timedMedian(runs, () => pageEvents(archive, null, 50, undefined, 'oldest')),
        baseline: null,
        baselineLabel: '',
        goal: { on: 'value', kind: 'max', limit: 1000, label: '<= 1 s' },
        runs,
      });
    } finally {
      await archive.close();
    }

    // 100 new files: copies of 100 of the folder's files (their events are duplicates, still read and deduplicated).
    const fresh = path.join(work, 'new');
    mkdirSync(fresh);
    listTrailFiles(dir)
      .slice(0, 100)
      .forEach((file, k) => copyFileSync(file, path.join(fresh, `new-${k}-${path.basename(file)}`)));
    const incremental = await runTimed(process.execPath, [CLI, 'archive', work, '--db', db, '--quiet']);
    if (incremental.code !== 0) throw new Error(`incremental archive failed: ${incremental.stderr.trim().split('\n').pop()}`);
    figures.push({
      name: `archive: incremental after 100 new files, ${label}`,
      unit: 'ms',
      value: incremental.ms,
      baseline: null,
      baselineLabel: '',
      goal: { on: 'value', kind: 'max', limit: 2000, label: '<= 2 s' },
      runs: 1,
    });
    return figures;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
