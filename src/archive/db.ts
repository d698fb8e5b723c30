/**
 * Opening an archive: one DuckDB database file, its tables created on first
 * use, and where it lives by default ($XDG_CACHE_HOME/trailtop/archives/,
 * one file per folder, keyed by the folder's real path).
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { homedir, totalmem } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { trackConnections } from './inFlight.js';
import { CREATE_TABLES, SCHEMA_VERSION } from './schema.js';
import { upgradePath } from './upgrades.js';
import { ArchiveError, inMemoryRefusal, NotAnArchive } from './errors.js';

export { ArchiveError, NotAnArchive };

/**
 * Loaded with require, not import: an ESM import of this CommonJS package
 * first runs Node's export scanner over every file it re-exports (about a
 * hundred), 1.2 s more than require on a busy machine, paid by every --db
 * command before its first query.
 */
const require = createRequire(import.meta.url);
const duckdb = require('@duckdb/node-api') as typeof import('@duckdb/node-api');

/**
 * DuckDB's client decodes every text value with a default TextDecoder, which drops a leading U+FEFF
 * (a byte-order mark to it, a character of the value to us: an eventID or a name can start with
 * one, and the row read back must be the row stored). Its accessor takes the decoder from its
 * module on every call, so one that keeps the mark is put there. test/archive/hostile.test.ts
 * fails if a later client moves it.
 */
function keepLeadingBom(): void {
  try {
    const accessors = require('@duckdb/node-api/lib/vectors/dataAccessors.js') as { textDecoder?: unknown };
    if (accessors.textDecoder) accessors.textDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
  } catch {
    // Not there in this client: values keep DuckDB's decoding, and the test says so.
  }
}
keepLeadingBom();

export interface Archive {
  readonly path: string;
  readonly connection: DuckDBConnection;
  /** Another connection to the same database: its own transactions (the watch's imports beside the dashboard's queries). */
  connect(): Promise<DuckDBConnection>;
  /** Interrupts what still runs, waits for it, then closes (inFlight.ts: closing under a running statement crashes). Twice is once. */
  close(): Promise<void>;
}

/** $XDG_CACHE_HOME/trailtop (or ~/.cache/trailtop). */
export function cacheHome(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'trailtop');
}

/** The default archive of a folder: named by a hash of its real path, so a moved link still finds it. */
export async function defaultArchivePath(folder: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const real = await realpath(folder);
  const key = createHash('sha256').update(real).digest('hex').slice(0, 16);
  return join(cacheHome(env), 'archives', `${key}.duckdb`);
}

export interface OpenOptions {
  /** Open an existing archive for reading only (queries); no tables are created. */
  readOnly?: boolean;
  /** Told before an archive of an older schema is upgraded (it rewrites every row: minutes on a big archive). */
  onUpgrade?: (from: number, to: number) => void;
}

/** What the commands print before an upgrade (OpenOptions.onUpgrade), one text for all of them. */
export function upgradeNotice(path: string, from: number, to: number): string {
  return `upgrading ${path} from archive schema ${from} to ${to} (once; minutes for tens of millions of events)`;
}

/**
 * An archive of an older schema brought up to this one, a version at a time, each in one transaction
 * with the schema number it reaches (a failure or a kill leaves it at a version it was at, which the
 * next open upgrades from), then written out: the upgrade rewrites every row group.
 */
async function upgrade(connection: DuckDBConnection, path: readonly { version: number; steps: readonly string[] }[]): Promise<void> {
  for (const { version, steps } of path) {
    await connection.run('BEGIN TRANSACTION');
    try {
      for (const step of steps) await connection.run(step);
      await connection.run(`UPDATE archive_meta SET value = '${version}' WHERE key = 'schema'`);
      await connection.run('COMMIT');
    } catch (error) {
      await connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
  await connection.run('CHECKPOINT');
}

/**
 * Before anything is written: a database that holds tables but no archive_meta with a schema number
 * is someone else's (a DuckDB file given to --db by mistake). Creating the archive's tables in it
 * would change it, and the import would then fail on its own `events` table; it is refused instead.
 * An empty (or new) file becomes an archive.
 */
async function refuseForeign(connection: DuckDBConnection, path: string): Promise<void> {
  const tables = await tableNames(connection);
  if (tables.length === 0) return;
  if (typeof (await readSchema(connection, path, tables)) === 'string') return;
  if (await halfMade(connection, tables)) return;
  throw foreign(path, tables);
}

/** The archive's own tables, as CREATE_TABLES names them. */
const ARCHIVE_TABLES = new Set(CREATE_TABLES.map((statement) => /CREATE TABLE IF NOT EXISTS (\w+)/.exec(statement)?.[1]));

/**
 * A new archive killed while its tables were made, before they were made in one transaction: some of
 * the archive's tables, archive_meta among them, every one empty. It holds nothing, and is finished as a new one.
 */
async function halfMade(connection: DuckDBConnection, tables: readonly string[]): Promise<boolean> {
  if (!tables.includes('archive_meta') || !tables.every((table) => ARCHIVE_TABLES.has(table))) return false;
  const counts = tables.map((table) => `(SELECT count(*) FROM ${table})`).join(' + ');
  return Number((await connection.runAndReadAll(`SELECT ${counts}`)).getRows()[0]![0]) === 0;
}

function foreign(path: string, tables: readonly string[]): NotAnArchive {
  const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? `, ... (${tables.length} tables)` : '');
  return new NotAnArchive(`${path} is not a trailtop archive (it holds other tables: ${shown}); nothing was written to it: give --db a new file or an archive`);
}

async function tableNames(connection: DuckDBConnection): Promise<string[]> {
  return (await connection.runAndReadAll(`SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary ORDER BY table_name`))
    .getRows()
    .map((row) => String(row[0]));
}

/**
 * The schema number archive_meta holds (undefined when there is no such table or row). A table
 * there that cannot be read is a damaged file: said so, where taking it for "no schema" called a
 * damaged archive someone else's database.
 */
async function readSchema(connection: DuckDBConnection, path: string, tables: readonly string[]): Promise<unknown> {
  if (!tables.includes('archive_meta')) return undefined;
  try {
    return (await connection.runAndReadAll(`SELECT value FROM archive_meta WHERE key = 'schema'`)).getRows()[0]?.[0];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Out of memory or disk trouble is a failure to read a file that may be good, as in openFailure.
    if (TRANSIENT_FAILURE.test(message)) throw new ArchiveError(`cannot read the archive ${path}: ${message}`);
    throw new NotAnArchive(`cannot read the archive ${path} (is it damaged?): ${message}`);
  }
}

/**
 * DuckDB could not open the file. A lock held by another process, permissions or the system's
 * limits are a failure to open a file that may be a good archive; anything else (not a DuckDB file,
 * a damaged one, another storage version) means the file given is not an archive to use.
 */
function openFailure(path: string, error: unknown, readOnly: boolean): ArchiveError {
  const message = error instanceof Error ? error.message : String(error);
  if (LOCK_FAILURE.test(message)) return new ArchiveError(lockedOut(path, message, readOnly));
  // Read only, DuckDB refuses the in-memory database it would open for a path it does not take for a database file.
  if (/in-memory database/i.test(message)) return new NotAnArchive(inMemoryRefusal(path));
  return new (TRANSIENT_FAILURE.test(message) ? ArchiveError : NotAnArchive)(`cannot open the archive ${path}: ${message}`);
}

/** DuckDB's messages for a failure of the machine (locks, permissions, limits), not of the file. */
const TRANSIENT_FAILURE = /could not set lock|conflicting lock|permission denied|too many open files|no space left|out of memory|resource temporarily unavailable/i;
const LOCK_FAILURE = /could not set lock|conflicting lock/i;

/**
 * Another process has the file locked, said in trailtop's words: DuckDB's own message advises a
 * -readonly flag of its CLI that trailtop has not. DuckDB takes one writer or any number of readers:
 * a reader is kept out by a writer, a writer by anyone. DuckDB names the holder (program and PID)
 * where the system tells it; that is kept.
 */
function lockedOut(path: string, message: string, readOnly: boolean): string {
  const holder = /conflicting lock is held in (.+?) \(PID (\d+)\)/i.exec(message);
  const who = holder ? `another process (PID ${holder[2]}, ${holder[1]})` : 'another process';
  return readOnly
    ? `cannot read the archive ${path}: ${who} is writing to it (a trailtop archive run or a DIR --db dashboard), and a writer has it alone: wait for it to end or close it, then try again`
    : `cannot write to the archive ${path}: ${who} has it open (a trailtop dashboard, scan/export/detect --db, or another import), and a writer needs it alone: close it or wait for it to end, then try again`;
}

/**
 * DuckDB's memory cap while writing: half the machine's memory, at least 1 GB. DuckDB's own default
 * (80%) leaves too little beside it for this process and its reading workers (about 1.2 GB during a
 * 1M-event import): on a 4 GB machine the two together passed the memory there is. An import holds
 * about 2 GB of DuckDB's at its peak, so machines with 4 GB or more import as before; with a 1 GB
 * cap the 1M high-card import took 57 s instead of 48-53 s and peaked at 2.2 GB instead of 3.3 GB.
 */
export function writeMemoryLimit(totalBytes: number = totalmem()): string {
  return `${Math.max(1024, Math.floor(totalBytes / 2 / 2 ** 20))}MB`;
}

/**
 * An archive is a regular file (or none yet). DuckDB opens whatever it is given: a FIFO blocks
 * it forever waiting for a writer, and a device or folder gives a cryptic IO error.
 */
function refuseNonFile(path: string): void {
  let info;
  try {
    info = statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    throw new ArchiveError(`cannot open the archive ${path}: ${fsReason(error)}`);
  }
  if (!info || info.isFile()) return;
  const kind = info.isDirectory() ? 'a folder' : info.isFIFO() ? 'a FIFO' : info.isSocket() ? 'a socket' : 'a device or special file';
  throw new NotAnArchive(`cannot open the archive ${path}: it is ${kind}, not a DuckDB file`);
}

/** Where every DuckDB database file says what it is: "DUCK" after the 8-byte checksum of its first header (seen in a real archive). */
const DUCKDB_MAGIC = Buffer.from('DUCK', 'ascii');
const DUCKDB_MAGIC_OFFSET = 8;

/**
 * A file that is there already must be a DuckDB database. DuckDB itself opens a file it takes for
 * data (a name ending in .json, .csv, .parquet) as an in-memory database with a view on it: an
 * import there said it had stored the events and stored nothing, and a read-only open failed on a
 * cryptic "in-memory database" error. Its first bytes are read instead, before DuckDB sees it.
 */
function refuseNonDuckDB(path: string): void {
  const header = Buffer.alloc(DUCKDB_MAGIC_OFFSET + DUCKDB_MAGIC.length);
  let length: number;
  try {
    const fd = openSync(path, 'r');
    try {
      length = readSync(fd, header, 0, header.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // a new archive
    throw new ArchiveError(`cannot open the archive ${path}: ${fsReason(error)}`);
  }
  if (length === header.length && header.subarray(DUCKDB_MAGIC_OFFSET).equals(DUCKDB_MAGIC)) return;
  const what = length === 0 ? 'it is empty' : 'it does not begin as a DuckDB database file does: a log, an export or another file?';
  throw new NotAnArchive(`${path} is not a DuckDB archive (${what}); it was left as it was: give --db a new file or an archive`);
}

/**
 * After the open: the database must live in the file. DuckDB opens `:memory:` (and may open other
 * names it reads as no file) in memory, where an import would report its events and keep none.
 */
async function refuseInMemory(connection: DuckDBConnection, path: string): Promise<void> {
  const rows = (await connection.runAndReadAll(`SELECT path FROM duckdb_databases() WHERE database_name = current_database()`)).getRows();
  if (rows[0]?.[0] == null) throw new NotAnArchive(inMemoryRefusal(path));
}

/** "EACCES: permission denied" out of node's "EACCES: permission denied, mkdir '/path'" (the path is said once, by the caller). */
function fsReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split(', ')[0] ?? message;
}

export async function openArchive(path: string, options: OpenOptions = {}): Promise<Archive> {
  refuseNonFile(path);
  refuseNonDuckDB(path);
  if (!options.readOnly) {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (error) {
      // As an ArchiveError the commands print it on one line, not as "Error: EACCES: ..., mkdir '...'".
      throw new ArchiveError(`cannot create the archive's folder ${dirname(path)}: ${fsReason(error)}`);
    }
  }
  let instance: DuckDBInstance;
  try {
    // A commit writes the log; checkpoints (rewriting the file) wait for 1 GB of log or the end of an import.
    instance = await duckdb.DuckDBInstance.create(path, options.readOnly ? { access_mode: 'READ_ONLY' } : { checkpoint_threshold: '1GB', memory_limit: writeMemoryLimit() });
  } catch (error) {
    throw openFailure(path, error, options.readOnly === true);
  }
  const connection = await instance.connect();
  try {
    await refuseInMemory(connection, path);
  } catch (error) {
    connection.closeSync();
    instance.closeSync();
    throw error;
  }
  if (!options.readOnly) {
    try {
      await refuseForeign(connection, path);
    } catch (error) {
      connection.closeSync();
      instance.closeSync();
      throw error;
    }
    // One transaction: a new archive killed between its tables and its schema number (Ctrl-C on a first
    // run comes before the import's handler) held tables and no schema, refused ever after as another program's file.
    await connection.run('BEGIN TRANSACTION');
    try {
      for (const statement of CREATE_TABLES) await connection.run(statement);
      await connection.run(`INSERT OR IGNORE INTO archive_meta VALUES ('schema', '${SCHEMA_VERSION}')`);
      await connection.run('COMMIT');
    } catch (error) {
      await connection.run('ROLLBACK').catch(() => undefined);
      connection.closeSync();
      instance.closeSync();
      throw error;
    }
  }
  let found: unknown;
  let tables: readonly string[] = [];
  try {
    tables = await tableNames(connection);
    found = await readSchema(connection, path, tables);
  } catch (error) {
    connection.closeSync();
    instance.closeSync();
    throw error;
  }
  if (found !== String(SCHEMA_VERSION)) {
    const steps = typeof found === 'string' ? upgradePath(found) : null;
    try {
      if (!steps) {
        // Read only, another program's tables were told as a schema missing, as if an older trailtop had written them.
        if (found === undefined && tables.length > 0 && !tables.includes('archive_meta')) throw foreign(path, tables);
        // A small archive lives in its .wal until checkpointed: the file copied alone holds no table at all.
        const walLeftBehind = tables.length === 0 && !existsSync(`${path}.wal`) ? `; a small archive copied without the .wal file beside it (${basename(path)}.wal) looks like this: copy or move both files together` : '';
        throw new NotAnArchive(`${path} is not a trailtop archive of this version (schema ${String(found ?? 'missing')}, expected ${SCHEMA_VERSION})${walLeftBehind}`);
      }
      if (options.readOnly) {
        throw new NotAnArchive(
          `${path} was written by an older trailtop (archive schema ${String(found)}, this one reads ${SCHEMA_VERSION}): ` +
            `run 'trailtop archive DIR --db ${path}' once to upgrade it in place`,
        );
      }
      options.onUpgrade?.(Number(found), SCHEMA_VERSION);
      await upgrade(connection, steps);
    } catch (error) {
      connection.closeSync();
      instance.closeSync();
      if (error instanceof ArchiveError) throw error;
      throw new ArchiveError(`cannot upgrade the archive ${path} to schema ${SCHEMA_VERSION}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const others: DuckDBConnection[] = [];
  const tracked = trackConnections();
  let closed: Promise<void> | null = null;
  return {
    path,
    connection: tracked.track(connection),
    async connect() {
      const other = await instance.connect();
      others.push(other);
      return tracked.track(other);
    },
    close() {
      closed ??= tracked.drain().then(() => {
        for (const other of others) other.closeSync();
        connection.closeSync();
        instance.closeSync();
      });
      return closed;
    },
  };
}
