/**
 * The 10M-event archive the archive figures run on (issue 18): the 1M
 * high-cardinality folder archived once with `trailtop archive`, then
 * multiplied tenfold inside DuckDB (INSERT ... SELECT with a rewritten
 * eventid, eventtime shifted back by whole copies of the folder's time span,
 * and the stored record rewritten to match), so building it costs minutes,
 * not the hour a 10M-event folder would take to generate and import. The
 * import speed is measured on folders by the `archive` figures; this only
 * makes a big archive to query. Cached under CACHE_ROOT by the generator's
 * hash and the archive schema version; built under a temporary name and
 * renamed once complete, so an interrupted build never looks cached.
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openArchive } from '../archive/db.js';
import { ID_HASH_SQL, SCHEMA_VERSION } from '../archive/schema.js';
import { runTimed } from './child.js';
import { CACHE_ROOT, generatorVersion } from './dataset.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(here, '../../bin/trailtop.js');

export interface ArchiveFixture {
  path: string;
  events: number;
  /** Bytes on disk (the .duckdb file and its write-ahead log, if any). */
  bytes: number;
  /** How it was made, for the bench output. */
  note: string;
  /** Seconds the build took, or null when it came from the cache. */
  builtSeconds: number | null;
}

function sizeOnDisk(file: string): number {
  let bytes = statSync(file).size;
  if (existsSync(`${file}.wal`)) bytes += statSync(`${file}.wal`).size;
  return bytes;
}

/**
 * The archive of `folder` multiplied `copies` times (copy 0 is the folder as imported). Each
 * further copy k gets eventid `<id>~k`, its times moved back by k times the folder's span
 * (rounded up to whole days), tt_seq after every earlier copy's, and tt_file `<file>~k` so
 * (tt_file, tt_index) still names one record.
 */
export async function ensureArchiveFixture(folder: string, copies: number, log: (line: string) => void): Promise<ArchiveFixture> {
  const nameOf = (schema: number) => `archive-${copies}x-${path.basename(folder)}-${generatorVersion()}-s${schema}.duckdb`;
  const target = path.join(CACHE_ROOT, nameOf(SCHEMA_VERSION));
  const note = `${path.basename(folder)} archived, then copied ${copies}x inside DuckDB (INSERT ... SELECT: new eventid, eventtime shifted back)`;
  if (existsSync(target)) {
    const archive = await openArchive(target, { readOnly: true });
    try {
      const events = Number((await archive.connection.runAndReadAll('SELECT count(*) FROM events')).getRows()[0]![0]);
      return { path: target, events, bytes: sizeOnDisk(target), note, builtSeconds: null };
    } finally {
      await archive.close();
    }
  }
  const started = performance.now();
  const building = `${target}.building-${process.pid}`;
  rmSync(building, { force: true });
  rmSync(`${building}.wal`, { force: true });
  // The previous schema's fixture is upgraded in place, as a user's archive is: a schema that only adds a
  // small table's column costs seconds, where building the 10x archive again costs half an hour.
  const previous = path.join(CACHE_ROOT, nameOf(SCHEMA_VERSION - 1));
  if (existsSync(previous)) {
    log(`upgrading the ${copies}x archive fixture ${previous} to schema ${SCHEMA_VERSION} (once; cached as ${target})`);
    renameSync(previous, building);
    if (existsSync(`${previous}.wal`)) renameSync(`${previous}.wal`, `${building}.wal`);
    try {
      await (await openArchive(building)).close();
    } catch (error) {
      // Put back as found: the next run tries again, or builds anew once it is removed.
      renameSync(building, previous);
      if (existsSync(`${building}.wal`)) renameSync(`${building}.wal`, `${previous}.wal`);
      throw error;
    }
    renameSync(building, target);
    if (existsSync(`${building}.wal`)) renameSync(`${building}.wal`, `${target}.wal`);
    return ensureArchiveFixture(folder, copies, log);
  }
  try {
    log(`building the ${copies}x archive fixture of ${folder} (once; cached as ${target})`);
    const imported = await runTimed(process.execPath, [CLI, 'archive', folder, '--db', building, '--quiet']);
    if (imported.code !== 0) throw new Error(`archive failed: ${imported.stderr.trim().split('\n').pop()}`);
    log(`archived ${folder} in ${(imported.ms / 1000).toFixed(1)} s; copying it ${copies - 1} more times inside DuckDB`);
    const archive = await openArchive(building);
    try {
      const run = async (sql: string): Promise<unknown[][]> => (await archive.connection.runAndReadAll(sql)).getRows() as unknown[][];
      const [[minTime, maxTime, maxSeq]] = (await run('SELECT min(tt_time), max(tt_time), max(tt_seq) FROM events')) as [[unknown, unknown, unknown]];
      const day = 86_400_000;
      const span = Math.ceil((Number(maxTime) - Number(minTime) + 1) / day) * day;
      const seqStep = Number(maxSeq) + 1;
      for (let k = 1; k < copies; k++) {
        const shift = k * span;
        // The new time as the record writes it (second precision, Z), for eventtime and inside tt_record.
        const newTime = `strftime(make_timestamp((tt_time - ${shift}) * 1000), '%Y-%m-%dT%H:%M:%SZ')`;
        await run(
          `INSERT INTO events SELECT * REPLACE (
            eventid || '~${k}' AS eventid,
            ${ID_HASH_SQL.replace('eventid', `(eventid || '~${k}')`)} AS tt_idhash,
            CASE WHEN tt_time IS NULL THEN eventtime ELSE ${newTime} END AS eventtime,
            tt_time - ${shift} AS tt_time,
            tt_seq + ${k * seqStep} AS tt_seq,
            tt_file || '~${k}' AS tt_file,
            replace(CASE WHEN tt_time IS NULL OR eventtime IS NULL THEN tt_record ELSE replace(tt_record, '"' || eventtime || '"', '"' || ${newTime} || '"') END,
              '"' || eventid || '"', '"' || eventid || '~${k}"') AS tt_record
          ) FROM events WHERE tt_seq < ${seqStep}`,
        );
        log(`copy ${k + 1}/${copies} done (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      }
      await run('CHECKPOINT');
    } finally {
      await archive.close();
    }
    renameSync(building, target);
    if (existsSync(`${building}.wal`)) renameSync(`${building}.wal`, `${target}.wal`);
  } catch (error) {
    rmSync(building, { force: true });
    rmSync(`${building}.wal`, { force: true });
    throw error;
  }
  const archive = await openArchive(target, { readOnly: true });
  try {
    const events = Number((await archive.connection.runAndReadAll('SELECT count(*) FROM events')).getRows()[0]![0]);
    return { path: target, events, bytes: sizeOnDisk(target), note, builtSeconds: (performance.now() - started) / 1000 };
  } finally {
    await archive.close();
  }
}
