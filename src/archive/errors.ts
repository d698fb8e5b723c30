/**
 * The archive's errors, apart from db.ts so the commands can tell them apart without loading
 * DuckDB's client (db.ts loads it on import).
 */

/** The archive could not be opened or written: a runtime failure (exit 1), e.g. busy or unwritable. */
export class ArchiveError extends Error {}

/**
 * The file given is not an archive this trailtop can use: not a DuckDB database, a damaged one,
 * someone else's tables, another schema, a folder or a FIFO. The commands treat it as a bad --db
 * argument (exit 2), whichever of them opened it.
 */
export class NotAnArchive extends ArchiveError {}

/**
 * The name DuckDB opens as a database in memory, not a file (as does an empty name); its client
 * (1.5) takes `:memory:NAME` and `:MEMORY:` for files. An archive there would store nothing.
 */
export const IN_MEMORY_NAME = ':memory:';

/** The refusal of a path DuckDB opens as an in-memory database: an import there would store nothing. */
export function inMemoryRefusal(path: string): string {
  return `--db ${path} is a database in memory, where an archive would not be kept: give --db a file path, such as trail.duckdb`;
}
