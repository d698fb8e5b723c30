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
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openArchive } from '../archive/db.js';
import { countEvents, pageEvents } from '../archive/query.js';
import { archiveVocabulary } from '../archive/vocabulary.js';
import { parseQuery } from '../query/parse.js';
import { compileWhere } from '../query/sql/index.js';
import { literal } from '../query/sql/dialect.js';
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

    addNewFiles(dir, work, 0);
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
    figures.push(await incrementalAtTrailFileCount(scratch, work, db, label));
    return figures;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** 100 new files in `folder`/new: copies of `source`'s trail files from the `first`th (their events are duplicates, still read and deduplicated). */
function addNewFiles(source: string, folder: string, first: number): void {
  const fresh = path.join(folder, 'new');
  mkdirSync(fresh);
  listTrailFiles(source)
    .slice(first, first + 100)
    .forEach((file, k) => copyFileSync(file, path.join(fresh, `new-${k}-${path.basename(file)}`)));
}

/** Copies of the folder side by side: a 1M-event folder's files tenfold, as many as a 10M-event trail delivers. */
const FILE_COPIES = 10;

/**
 * The incremental run again, where a second run's own cost lies: a real trail's file count. CloudTrail delivers
 * a file per region about every 5 minutes, however quiet the account, so a 10M-event trail holds ~117,000 files,
 * and the run lists, stats and looks up every one of them. The archived folder, hard-linked FILE_COPIES times
 * side by side, is made known to the archive as already imported: each copy's imported_files rows are the
 * folder's with the path moved, true to the byte since a hard link shares size and mtime (importing the copies
 * for real would only read 9M duplicate events for minutes). The events stay the folder's 1M: what grows with
 * the events is measured on the 10M archive (archiveBigBench.ts).
 */
async function incrementalAtTrailFileCount(scratch: string, work: string, db: string, label: string): Promise<Figure> {
  const wide = path.join(scratch, 'wide');
  mkdirSync(wide);
  const from = `${realpathSync(work)}${path.sep}`;
  const archive = await openArchive(db);
  try {
    for (let k = 0; k < FILE_COPIES; k++) {
      const copy = path.join(wide, `copy-${k}`);
      execFileSync('cp', ['-al', work, copy]);
      const to = `${realpathSync(copy)}${path.sep}`;
      await archive.connection.run(
        `INSERT INTO imported_files SELECT * REPLACE (${literal(to)} || substr(path, ${from.length + 1}) AS path) FROM imported_files WHERE starts_with(path, ${literal(from)})`,
      );
    }
  } finally {
    await archive.close();
  }
  addNewFiles(work, wide, 100);
  const run = await runTimed(process.execPath, [CLI, 'archive', wide, '--db', db, '--quiet']);
  const last = run.stderr.trim().split('\n').pop() ?? '';
  if (run.code !== 0) throw new Error(`incremental archive failed: ${last}`);
  // The figure means something only if the copies were taken as imported: exactly the 100 new files read.
  const read = /([\d,]+) files read, ([\d,]+) unchanged/.exec(last);
  if (!read || read[1] !== '100') throw new Error(`incremental archive read other files than the 100 new ones: ${last}`);
  return {
    name: `archive: incremental after 100 new files among ${read[2]} unchanged (the folder's files ${FILE_COPIES}x over: a trail ${FILE_COPIES}x its size), ${label}`,
    unit: 'ms',
    value: run.ms,
    baseline: null,
    baselineLabel: '',
    goal: { on: 'value', kind: 'max', limit: 2000, label: '<= 2 s' },
    runs: 1,
  };
}
