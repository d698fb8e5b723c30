import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openArchive, defaultArchivePath, type Archive } from '../../src/archive/db.js';
import { duckdbThreads, importFolder } from '../../src/archive/import.js';
import { summarizeArchive } from '../../src/archive/query.js';
import { recordsJson, tempFolder } from '../support/files.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DIST = join(ROOT, 'dist');

function event(id: string, k: number): object {
  return {
    eventVersion: '1.08',
    eventID: id,
    eventTime: new Date(Date.UTC(2024, 2, 5) + k * 1000).toISOString().replace('.000', ''),
    eventName: k % 3 === 0 ? 'GetObject' : 'PutObject',
    eventSource: 's3.amazonaws.com',
    awsRegion: 'us-east-1',
    userIdentity: { type: 'IAMUser', userName: `user${k % 7}`, arn: `arn:aws:iam::111122223333:user/user${k % 7}` },
    requestParameters: { bucketName: 'logs', key: `k${k}` },
  };
}

/** `files` files of `perFile` events with ids f<file>-<k>. */
function writeFolder(dir: string, files: number, perFile: number): void {
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f < files; f++) {
    const events = Array.from({ length: perFile }, (_, k) => event(`f${f}-${k}`, f * perFile + k));
    writeFileSync(join(dir, `file-${String(f).padStart(3, '0')}.json`), recordsJson(events));
  }
}

async function count(archive: Archive, sql: string): Promise<number> {
  return Number((await archive.connection.runAndReadAll(sql)).getRows()[0]![0]);
}

/** The statements `archive.connection.run` is given while `work` runs, in order. */
async function statementsRun<T>(archive: Archive, work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  const run = archive.connection.run.bind(archive.connection);
  const spy = vi.spyOn(archive.connection, 'run').mockImplementation(async (sql, ...rest) => {
    statements.push(sql);
    return run(sql, ...rest);
  });
  try {
    return { result: await work(), statements };
  } finally {
    spy.mockRestore();
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function scratch(): string {
  const folder = tempFolder('trailtop-archive-');
  cleanups.push(folder.remove);
  return folder.dir;
}

describe('archive import', () => {
  it('keeps one row per event id, first copy wins, and reports bad files as scan does', async () => {
    const dir = scratch();
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    writeFileSync(join(logs, 'a.json'), recordsJson([event('dup', 1), event('one', 2)]));
    writeFileSync(join(logs, 'b.json'), recordsJson([{ ...event('dup', 3), eventName: 'Later' }, event('two', 4)]));
    utimesSync(join(logs, 'a.json'), new Date(), new Date(Date.now() - 60_000));
    writeFileSync(join(logs, 'c.json'), '{"Records": [ {"eventID": "x"');
    const archive = await openArchive(join(dir, 'a.duckdb'));
    cleanups.unshift(() => archive.close());
    const summary = await importFolder(archive, logs);
    expect(summary.eventsAdded).toBe(3);
    expect(summary.recordsRead).toBe(4);
    expect(summary.bad.map((b) => b.path)).toEqual([join(logs, 'c.json')]);
    expect(summary.bad[0]!.reason).toMatch(/JSON|truncated|end/i);
    const name = await archive.connection.runAndReadAll("SELECT tt_name FROM events WHERE eventid = 'dup'");
    // THE duplicate rule (ingest/order.ts): the copy first in file order (the oldest delivery, a.json) wins.
    expect(name.getRows()).toEqual([['PutObject']]);
    // b.json (the newest) is read first, so its copy of 'dup' arrived first (1): the kept copy takes that number, as the store does.
    const seq = await archive.connection.runAndReadAll("SELECT tt_seq FROM events WHERE eventid = 'dup'");
    expect(seq.getRows()).toEqual([[1n]]);
  });

  it('reads only new or changed files on a second run, and still reports the bad ones', async () => {
    const dir = scratch();
    const logs = join(dir, 'logs');
    writeFolder(logs, 6, 10);
    writeFileSync(join(logs, 'bad.json'), 'not json at all');
    const archive = await openArchive(join(dir, 'a.duckdb'));
    cleanups.unshift(() => archive.close());
    const first = await importFolder(archive, logs);
    expect(first.eventsTotal).toBe(60);
    const second = await importFolder(archive, logs);
    expect(second.filesUnchanged).toBe(7);
    expect(second.recordsRead).toBe(0);
    // The same folder given as a relative path is the same folder: nothing is read again.
    const again = await importFolder(archive, relative(process.cwd(), logs));
    expect(again.recordsRead).toBe(0);
    expect(again.filesUnchanged).toBe(7);
    expect(second.eventsAdded).toBe(0);
    expect(second.skipped.concat(second.bad).map((b) => b.path)).toEqual(first.skipped.concat(first.bad).map((b) => b.path));
    // One new file, one changed file (new content, new mtime).
    writeFileSync(join(logs, 'file-100.json'), recordsJson([event('new-1', 1)]));
    writeFileSync(join(logs, 'file-000.json'), recordsJson([event('f0-0', 0), event('changed-1', 2)]));
    utimesSync(join(logs, 'file-000.json'), new Date(), new Date(Date.now() + 5000));
    const third = await importFolder(archive, logs);
    expect(third.filesDone - third.filesUnchanged).toBe(2);
    expect(third.eventsAdded).toBe(2);
    expect(third.eventsTotal).toBe(62);
    // A newer delivery holding a copy of an archived event: the archived copy stays (first in file
    // order, as in a one-shot load); an older delivery's copy, archived later, replaces it.
    const keptOf = async () => (await archive.connection.runAndReadAll("SELECT tt_name, tt_file FROM events WHERE eventid = 'f3-3'")).getRows();
    const before = await keptOf();
    writeFileSync(join(logs, 'file-200.json'), recordsJson([{ ...event('f3-3', 33), eventName: 'NewerCopy' }]));
    utimesSync(join(logs, 'file-200.json'), new Date(), new Date(Date.now() + 10_000));
    await importFolder(archive, logs);
    expect(await keptOf()).toEqual(before);
    writeFileSync(join(logs, 'file-300.json'), recordsJson([{ ...event('f3-3', 33), eventName: 'OlderCopy' }]));
    utimesSync(join(logs, 'file-300.json'), new Date(), new Date(Date.UTC(2020, 0, 1)));
    await importFolder(archive, logs);
    expect(await keptOf()).toEqual([['OlderCopy', join(logs, 'file-300.json')]]);
    expect(await count(archive, 'SELECT count(*) FROM events')).toBe(62);
  });

  it('knows a folder reached through a link as the same folder: nothing read again, nothing counted twice', async () => {
    // The default archive is named by the real path, so 'archive ~/trail' (a link) and 'archive /data/trail' share it;
    // the files were known by the name given: all read again, and scan --db counted every file and event twice.
    const dir = scratch();
    const logs = join(dir, 'logs');
    writeFolder(logs, 6, 10);
    writeFileSync(join(logs, 'bad.json'), 'not json at all');
    const link = join(dir, 'link');
    symlinkSync(logs, link);
    const archive = await openArchive(join(dir, 'a.duckdb'));
    cleanups.unshift(() => archive.close());
    await importFolder(archive, logs);
    const again = await importFolder(archive, link);
    expect(again.recordsRead).toBe(0);
    expect(again.filesUnchanged).toBe(7);
    // And the other way round, with the watch's paths (trailtop LINK --db FILE) named through the link.
    const watched = await importFolder(archive, link, { paths: [join(link, 'file-001.json')] });
    expect(watched.recordsRead).toBe(0);
    const summary = await summarizeArchive(archive, null, { folder: 'a.duckdb', filter: null });
    expect(summary.files.read).toBe(6);
    expect(summary.files.bad.length + summary.files.skipped.length).toBe(1);
    expect(summary.events.read).toBe(60);
  });

  it('knows a single log FILE reached through a link as the same file', async () => {
    const dir = scratch();
    const file = join(dir, 'trail.json');
    writeFileSync(file, recordsJson([event('a', 1), event('b', 2)]));
    const link = join(dir, 'current.json');
    symlinkSync(file, link);
    const archive = await openArchive(join(dir, 'a.duckdb'));
    cleanups.unshift(() => archive.close());
    await importFolder(archive, file);
    const again = await importFolder(archive, link);
    expect(again.recordsRead).toBe(0);
    expect(again.filesUnchanged).toBe(1);
    const watched = await importFolder(archive, link, { paths: [link] });
    expect(watched.recordsRead).toBe(0);
    const summary = await summarizeArchive(archive, null, { folder: 'a.duckdb', filter: null });
    expect([summary.files.read, summary.events.read]).toEqual([1, 2]);
  });

  it("keeps each row's file, delivery key and arrival number, whatever the file's name holds, across batches", async () => {
    const dir = scratch();
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    // Quotes, a backslash, SQL comment and statement marks, non-ASCII: the batch's paths are written into its SQL.
    const names = ["it's.json", 'say "hi" \\ -- ;.json', 'émoji 🦆.json', 'plain.json'];
    names.forEach((name, f) => {
      writeFileSync(join(logs, name), recordsJson([event(`n${f}-a`, 2 * f), event(`n${f}-b`, 2 * f + 1)]));
      utimesSync(join(logs, name), new Date(), new Date(Date.now() - (f + 1) * 60_000));
    });
    const archive = await openArchive(join(dir, 'a.duckdb'));
    cleanups.unshift(() => archive.close());
    // Batches of 2 files: the second batch's ordinals do not start at 0.
    const summary = await importFolder(archive, logs, { batchFiles: 2 });
    expect(summary.eventsAdded).toBe(8);
    const rows = (await archive.connection.runAndReadAll('SELECT eventid, tt_file, tt_filekey, tt_seq, tt_index FROM events ORDER BY tt_seq')).getRows();
    // Newest delivery first (it's.json, one minute old, first), each file's records in order, numbered 1..8.
    const expected = [...names.keys()].flatMap((f) => ['a', 'b'].map((r, index) => [`n${f}-${r}`, join(logs, names[f]!), index]));
    expect(rows.map(([id, file, , , index]) => [id, file, index])).toEqual(expected);
    expect(rows.map(([, , , seq]) => seq)).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
    const keys = rows.map(([, , key]) => Number(key));
    expect(keys).toEqual([...keys].sort((a, b) => b - a));
    expect(new Set(keys).size).toBe(4);
  });

  it('stores each record and value whole, whatever its strings hold (tabs, line breaks, quotes, \\N, a line past the 2 MB CSV default)', async () => {
    const dir = scratch();
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    // Each escape of the staging line (rowValues.ts textField): controls, backslashes, a leading quote, the NULL marker, empty text.
    const odd = ['tab\there', 'line\nbreak\r\n', 'quote " and \\ backslash', '"leading quote', '\\N', '', 'nul \u0000 byte', 'lone \ud800 surrogate', 'sep\u2028arator\u2029', 'ctl \u001b[31m', 'émoji 🦆', 'x'.repeat(3 * 1024 * 1024)];
    const records: Record<string, unknown>[] = odd.map((value, k) => ({
      ...event(`odd-${k}\t${value.slice(0, 20)}`, k),
      userAgent: value,
      errorMessage: value,
      requestParameters: { [value.slice(0, 20)]: value },
    }));
    writeFileSync(join(logs, 'odd.json'), recordsJson(records.slice(0, 3)));
    writeFileSync(join(logs, 'odder.json'), recordsJson(records.slice(3)));
    const archive = await openArchive(join(dir, 'a.duckdb'));
    cleanups.unshift(() => archive.close());
    const summary = await importFolder(archive, logs);
    expect(summary.bad).toEqual([]);
    const stored = (await archive.connection.runAndReadAll('SELECT eventid, tt_record, useragent, errormessage, tt_idhash = md5_number_upper(eventid) FROM events')).getRows();
    expect(stored.length).toBe(records.length);
    // A lone surrogate (no UTF-8 holds one) is stored as U+FFFD; before, it failed the whole batch.
    const utf8 = (value: string): string => value.replaceAll('\ud800', '\ufffd');
    for (const [id, text, userAgent, errorMessage, hashed] of stored) {
      const original = records.find((r) => utf8(String(r.eventID)) === id)!;
      expect(JSON.parse(String(text))).toEqual(JSON.parse(JSON.stringify(original).replaceAll('\\ud800', '\\ufffd')));
      // The Athena columns keep NULL for an empty value, as CloudTrail's own table does.
      const expected = utf8(String(original.userAgent));
      expect(userAgent).toBe(expected === '' ? null : expected);
      expect(errorMessage).toBe(expected === '' ? null : expected);
      expect(hashed).toBe(true);
    }
  });

  it('stores a record nested deeper than JSON.stringify can recurse (it failed the whole import, every run)', async () => {
    const dir = scratch();
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    const depth = 50_000;
    const deep = `{"eventVersion":"1.08","eventTime":"2026-11-01T00:00:00Z","eventName":"GetObject","eventID":"deep","requestParameters":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    writeFileSync(join(logs, 'deep.json'), `{"Records":[${deep},${JSON.stringify(event('plain', 1))}]}`);
    const archive = await openArchive(join(dir, 'a.duckdb'));
    cleanups.unshift(() => archive.close());
    const summary = await importFolder(archive, logs);
    expect(summary.bad).toEqual([]);
    expect(summary.eventsAdded).toBe(2);
    const [[record, params]] = (await archive.connection.runAndReadAll("SELECT tt_record, requestparameters FROM events WHERE eventid = 'deep'")).getRows();
    expect(String(record)).toBe(deep);
    expect(String(params)).toBe(`{"x":${'['.repeat(depth)}${']'.repeat(depth)}}`);
  });

  it('records conflicting duplicates (same eventID, different content) as scan reports them, across runs', async () => {
    const dir = scratch();
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    const at = (name: string, minutesAgo: number) => {
      const path = join(logs, name);
      utimesSync(path, new Date(), new Date(Date.now() - minutesAgo * 60_000));
      return path;
    };
    writeFileSync(join(logs, 'middle.json'), recordsJson([event('dup', 1), event('same', 2)]));
    const middle = at('middle.json', 30);
    // An identical copy is an ordinary duplicate; a differing one is a conflict against the copy kept.
    writeFileSync(join(logs, 'newer.json'), recordsJson([{ ...event('dup', 1), eventName: 'Forged' }, event('same', 2)]));
    const newer = at('newer.json', 10);
    const archive = await openArchive(join(dir, 'a.duckdb'));
    cleanups.unshift(() => archive.close());
    const first = await importFolder(archive, logs);
    expect(first.conflicts).toBe(1);
    let summary = await summarizeArchive(archive, null);
    expect(summary.events.conflicts).toBe(1);
    expect(summary.conflictingDuplicates).toEqual([{ eventID: 'dup', keptFile: middle, file: newer }]);
    // A later run brings the oldest delivery, differing again: it is kept, and the copy it displaces is listed.
    writeFileSync(join(logs, 'older.json'), recordsJson([{ ...event('dup', 1), eventName: 'Original' }, event('same', 2)]));
    const older = at('older.json', 60);
    const [[archivedSeq]] = (await archive.connection.runAndReadAll("SELECT tt_seq FROM events WHERE eventid = 'dup'")).getRows();
    const second = await importFolder(archive, logs);
    expect(second.conflicts).toBe(1);
    summary = await summarizeArchive(archive, null);
    expect(summary.events.conflicts).toBe(2);
    expect(summary.conflictingDuplicates!.map((c) => [c.keptFile, c.file])).toEqual([
      [middle, newer],
      [older, middle],
    ]);
    // The archived copy it displaced arrived first: the kept one takes its number.
    expect((await archive.connection.runAndReadAll("SELECT tt_name, tt_seq FROM events WHERE eventid = 'dup'")).getRows()).toEqual([['Original', archivedSeq]]);
    // Files read again (their mtime changed, their delivery order kept) bring their losing copies back: listed once still.
    at('newer.json', 5);
    at('middle.json', 20);
    const third = await importFolder(archive, logs);
    expect(third.eventFiles.read).toBe(2);
    expect(third.conflicts).toBe(0);
    summary = await summarizeArchive(archive, null);
    expect(summary.events.conflicts).toBe(2);
    expect(summary.conflictingDuplicates!.map((c) => [c.keptFile, c.file])).toEqual([
      [middle, newer],
      [older, middle],
    ]);
    // A file moved brings its losing copy back: the listing names the new path, once.
    const moved = join(logs, 'moved.json');
    renameSync(newer, moved);
    const fourth = await importFolder(archive, logs);
    expect(fourth.eventFiles.read).toBe(1);
    expect(fourth.conflicts).toBe(0);
    summary = await summarizeArchive(archive, null);
    expect(summary.events.conflicts).toBe(2);
    expect(summary.conflictingDuplicates!.map((c) => [c.keptFile, c.file])).toEqual([
      [middle, moved],
      [older, middle],
    ]);
    // The same forged copy in another file while the first is still there is a second copy: listed.
    copyFileSync(moved, join(logs, 'copied.json'));
    const fifth = await importFolder(archive, logs);
    expect(fifth.conflicts).toBe(1);
    summary = await summarizeArchive(archive, null);
    expect(summary.conflictingDuplicates!.map((c) => [c.keptFile, c.file])).toEqual([
      [middle, moved],
      [older, middle],
      [older, join(logs, 'copied.json')],
    ]);
  });

  it('stops between batches when aborted: only whole batches are in the archive', async () => {
    const dir = scratch();
    writeFolder(join(dir, 'logs'), 10, 5);
    const archive = await openArchive(join(dir, 'a.duckdb'));
    cleanups.unshift(() => archive.close());
    const controller = new AbortController();
    const summary = await importFolder(archive, join(dir, 'logs'), { batchFiles: 3, signal: controller.signal, afterCommit: () => controller.abort() });
    expect(summary.aborted).toBe(true);
    expect(await count(archive, 'SELECT count(*) FROM imported_files')).toBe(3);
    // The interrupted run's line counts the files it kept, not those read into a batch it then dropped.
    expect(summary.eventFiles.read).toBe(3);
    expect(await count(archive, 'SELECT count(*) FROM events')).toBe(15);
    const rest = await importFolder(archive, join(dir, 'logs'));
    expect(rest.filesUnchanged).toBe(3);
    expect(rest.eventsTotal).toBe(50);
  });

  it('alone, gives DuckDB the cores its readers leave while they read, then puts its threads back', async () => {
    expect(duckdbThreads(2, 2)).toBe(1);
    expect(duckdbThreads(1, 2)).toBe(1);
    expect(duckdbThreads(8, 2)).toBe(6);
    expect(duckdbThreads(4, 0)).toBe(3);
    const dir = scratch();
    writeFolder(join(dir, 'logs'), 6, 5);
    const archive = await openArchive(join(dir, 'a.duckdb'));
    cleanups.unshift(() => archive.close());
    const threads = async (): Promise<number> => count(archive, `SELECT current_setting('threads')`);
    // Not what the import sets on any machine (cores - 1), so that putting it back shows.
    const before = availableParallelism() + 5;
    await archive.connection.run(`SET threads = ${before}`);
    const { result: summary, statements } = await statementsRun(archive, () => importFolder(archive, join(dir, 'logs'), { batchFiles: 2, alone: true }));
    expect(summary.eventsAdded).toBe(30);
    const sets = statements.map((sql, k) => [sql, k] as const).filter(([sql]) => sql.startsWith('SET threads'));
    // This thread reads (no compiled worker under vitest): one reader.
    expect(sets.map(([sql]) => sql)).toEqual([`SET threads = ${duckdbThreads(availableParallelism(), 1)}`, `SET threads = ${before}`]);
    const inserts = statements.map((sql, k) => [sql, k] as const).filter(([sql]) => sql.startsWith('INSERT INTO events'));
    expect(inserts.length).toBe(3);
    expect(sets[0]![1]).toBeLessThan(inserts[0]![1]);
    expect(sets[1]![1]).toBeGreaterThan(inserts[2]![1]);
    expect(await threads()).toBe(before);
    // Not alone (the dashboard's import, beside its queries): the setting is left alone.
    writeFolder(join(dir, 'more'), 2, 5);
    const beside = await statementsRun(archive, () => importFolder(archive, join(dir, 'more')));
    expect(beside.statements.filter((sql) => sql.startsWith('SET threads'))).toEqual([]);
    expect(await threads()).toBe(before);
  });

  it('alone, moves the batch sealed after the readers are done with its threads put back', async () => {
    const dir = scratch();
    writeFolder(join(dir, 'logs'), 6, 5);
    const archive = await openArchive(join(dir, 'a.duckdb'));
    cleanups.unshift(() => archive.close());
    const before = availableParallelism() + 5;
    await archive.connection.run(`SET threads = ${before}`);
    // 4 files sealed while reading, the last 2 once the reading is done (as an incremental run's only batch).
    const { result, statements } = await statementsRun(archive, () => importFolder(archive, join(dir, 'logs'), { batchFiles: 4, alone: true }));
    expect(result.eventsAdded).toBe(30);
    const at = (prefix: string): number[] => statements.flatMap((sql, k) => (sql.startsWith(prefix) ? [k] : []));
    const sets = at('SET threads');
    const inserts = at('INSERT INTO events');
    expect(statements[sets[1]!]).toBe(`SET threads = ${before}`);
    expect(inserts).toHaveLength(2);
    expect(sets[1]!).toBeGreaterThan(inserts[0]!);
    expect(sets[1]!).toBeLessThan(inserts[1]!);
  });

  it('a process killed mid-import leaves the database as after its last committed batch', async () => {
    if (!existsSync(join(DIST, 'archive/import.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
    const dir = scratch();
    const logs = join(dir, 'logs');
    const files = 40;
    const perFile = 300;
    writeFolder(logs, files, perFile);
    const db = join(dir, 'kill.duckdb');
    let killed = 0;
    for (const [round, killAfter] of [3, 6, 9].entries()) {
      const child = spawn(process.execPath, [join(ROOT, 'test/archive/killChild.mjs'), logs, db, DIST], { stdio: ['ignore', 'pipe', 'inherit'] });
      let commits = 0;
      let finished = false;
      await new Promise<void>((done) => {
        child.stdout.on('data', (chunk: Buffer) => {
          for (const line of chunk.toString().split('\n')) {
            if (line.startsWith('committed')) commits++;
            if (line === 'done') finished = true;
          }
          // Killed a few ms into the next batch, so sometimes while it commits.
          if (commits >= killAfter && !child.killed) setTimeout(() => child.kill('SIGKILL'), round * 7);
        });
        child.on('exit', () => done());
      });
      const archive = await openArchive(db);
      try {
        const imported = await count(archive, 'SELECT count(*) FROM imported_files');
        if (!finished) {
          killed++;
          expect(imported % 2).toBe(0);
        }
        // Every archived event comes from an imported file, and every imported file is there whole.
        expect(await count(archive, 'SELECT count(*) FROM events WHERE tt_file NOT IN (SELECT path FROM imported_files)')).toBe(0);
        expect(await count(archive, 'SELECT count(*) FROM events')).toBe(imported * perFile);
      } finally {
        await archive.close();
      }
    }
    expect(killed).toBeGreaterThan(0);
    // The killed imports' staging files are gone once the next import starts.
    const { readdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const orphans = () => readdirSync(tmpdir()).filter((n) => /^trailtop-staging-\d+-/.test(n)).filter((n) => {
      try {
        process.kill(Number(/^trailtop-staging-(\d+)-/.exec(n)![1]), 0);
        return false;
      } catch {
        return true;
      }
    });
    // The next run finishes the job.
    const archive = await openArchive(db);
    cleanups.unshift(() => archive.close());
    const summary = await importFolder(archive, logs);
    expect(summary.eventsTotal).toBe(files * perFile);
    expect(orphans()).toEqual([]);
  }, 60_000);

  it('defaults to a file under $XDG_CACHE_HOME/trailtop keyed by the real path', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'logs'));
    const path = await defaultArchivePath(join(dir, 'logs', '.'), { XDG_CACHE_HOME: join(dir, 'cache') });
    expect(path.startsWith(join(dir, 'cache', 'trailtop', 'archives'))).toBe(true);
    expect(path).toBe(await defaultArchivePath(join(dir, 'logs'), { XDG_CACHE_HOME: join(dir, 'cache') }));
  });
});

describe('trailtop archive (CLI)', () => {
  it('imports, reports bad files like scan, and says what a second run did', () => {
    if (!existsSync(join(DIST, 'cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
    const dir = scratch();
    const logs = join(dir, 'logs');
    writeFolder(logs, 3, 4);
    writeFileSync(join(logs, 'broken.json.gz'), Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    writeFileSync(join(logs, 'digest.json'), JSON.stringify({ digestStartTime: '2024-01-01T00:00:00Z', digestEndTime: '2024-01-01T01:00:00Z', logFiles: [] }));
    const db = join(dir, 'x.duckdb');
    const run = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...args], { encoding: 'utf8', timeout: 30_000 });
    const first = run(['archive', logs, '--db', db]);
    expect(first.status).toBe(0);
    const scan = run(['scan', logs]);
    const badLine = (text: string) => text.split('\n').filter((l) => l.startsWith('trailtop: bad file'));
    expect(badLine(first.stderr)).toEqual(badLine(scan.stderr));
    expect(badLine(first.stderr)).toHaveLength(1);
    // Files counted as scan counts them: the digest and the bad file apart from those read (archive said "5 files read, ... 1 bad").
    expect(scan.stdout).toContain('Files     3 read (records 3), 1 digest skipped, 0 skipped, 1 bad');
    expect(first.stderr).toContain('3 files read, 0 unchanged, 1 digest skipped, 1 bad; 12 events added, 12 in');
    const second = run(['archive', logs, '--db', db]);
    expect(second.status).toBe(0);
    expect(second.stderr).toContain('0 files read, 3 unchanged, 1 digest skipped, 1 bad; 0 events added, 12 in');
    expect(run(['archive']).status).toBe(2);
  });

  it('reads more than a handful of new files on its readers, started before the listing, with the same outcome', () => {
    if (!existsSync(join(DIST, 'cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
    const dir = scratch();
    const logs = join(dir, 'logs');
    writeFolder(logs, 20, 3);
    for (let k = 0; k < 9; k++) writeFileSync(join(logs, `broken-${k}.json.gz`), Buffer.from([0x1f, 0x8b, 1, 2, k]));
    const db = join(dir, 'x.duckdb');
    const run = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...args], { encoding: 'utf8', timeout: 30_000 });
    const badLines = (text: string) => text.split('\n').filter((l) => l.startsWith('trailtop: bad file')).sort();
    const first = run(['archive', logs, '--db', db]);
    expect(first.status).toBe(0);
    expect(first.stderr).toContain('20 files read, 0 unchanged, 9 bad; 60 events added, 60 in');
    expect(badLines(first.stderr)).toEqual(badLines(run(['scan', logs]).stderr));
    // Nothing new but the nine bad files, read again (more than run on this thread): the readers end when done.
    const second = run(['archive', logs, '--db', db]);
    expect(second.status).toBe(0);
    expect(second.stderr).toContain('0 files read, 20 unchanged, 9 bad; 0 events added, 60 in');
    expect(badLines(second.stderr)).toHaveLength(9);
    // 12 new files, 2 events of each already archived: read by the readers, de-duplicated as before.
    mkdirSync(join(logs, 'later'));
    for (let f = 0; f < 12; f++) {
      writeFileSync(join(logs, 'later', `more-${f}.json`), recordsJson([event(`f${f}-0`, f * 3), event(`f${f}-1`, f * 3 + 1), event(`n${f}`, 100 + f)]));
    }
    const third = run(['archive', logs, '--db', db]);
    expect(third.status).toBe(0);
    expect(third.stderr).toContain('12 files read, 20 unchanged, 9 bad; 12 events added, 72 in');
    const scanned = run(['scan', logs, '--json']);
    expect((JSON.parse(scanned.stdout) as { events: { unique: number } }).events.unique).toBe(72);
  });
});
